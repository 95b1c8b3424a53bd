"""Fixtures shared by the emulator's tests: a running emulator with people, on a manual clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from emulators.slack import ManualClock, SlackEmulator
from emulators.slack.listeners import ListenerExecutor
from tests.emulator import add_people, client


@pytest.fixture
def clock() -> ManualClock:
    """A module may override this to start at another time."""
    return ManualClock()


@pytest.fixture
def emulator(clock: ManualClock) -> Iterator[SlackEmulator]:
    with SlackEmulator(clock=clock) as emu:
        add_people(emu)
        yield emu


@pytest.fixture
def web(emulator: SlackEmulator) -> WebClient:
    return client(emulator)


@pytest.fixture
def listeners(emulator: SlackEmulator) -> Iterator[ListenerExecutor]:
    """The executor to give a Bolt ``App`` (``listener_executor=``): the emulator's
    ``wait_for`` and the driver's helpers wait for its listeners instead of racing them."""
    executor = ListenerExecutor()
    emulator.watch(executor)
    yield executor
    executor.shutdown(wait=True)
