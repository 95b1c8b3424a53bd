"""Fixtures: an emulator on a fixed clock with two people, the SDK bot, a driver.

The clock stands still unless a test advances it. It starts at the real time (rounded
to the second) because the Teams SDK checks the ``nbf``/``exp`` of the activities'
tokens against the wall clock; with any fixed date the tests would pass only on it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from emulators.teams import ManualClock, TeamsDriver, TeamsEmulator, User
from tests.emulator_teams.sdk_bot import SdkBot


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=float(int(time.time())))


@pytest.fixture
def emulator(clock: ManualClock) -> Iterator[TeamsEmulator]:
    with TeamsEmulator(clock=clock) as emu:
        yield emu


@pytest.fixture
def alice(emulator: TeamsEmulator) -> User:
    """fr-FR, Europe/Paris."""
    return emulator.add_user("Alice Martin", "alice.martin@example.fr")


@pytest.fixture
def bob(emulator: TeamsEmulator) -> User:
    """en-US, America/New_York."""
    return emulator.add_user(
        "Bob Stone", "bob@example.com", timezone="America/New_York", locale="en-US"
    )


@pytest.fixture
def bot(emulator: TeamsEmulator) -> Iterator[SdkBot]:
    sdk_bot = SdkBot(emulator).start()
    yield sdk_bot
    sdk_bot.stop()


@pytest.fixture
def driver(emulator: TeamsEmulator, bot: SdkBot) -> Iterator[TeamsDriver]:
    with TeamsDriver(bot.url, emulator) as teams:
        yield teams
