"""Slack's workspace-wide limit on chat.postMessage, and the record of calls that did
not honour a Retry-After: what the dispatch benchmark and tests hold Palier to."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from emulators.slack import ManualClock, SlackEmulator
from tests.emulator import ALICE, BOB, add_people, client


def test_posts_past_the_workspace_cap_are_refused_whatever_the_channel(
    clock: ManualClock,
) -> None:
    with SlackEmulator(
        clock=clock, enforce_rate_limits=True, post_message_per_minute=3
    ) as emulator:
        add_people(emulator)
        web = client(emulator, retry_handlers=[])
        for n in range(3):  # different channels, a second apart: within 1 a second each
            web.chat_postMessage(channel=(ALICE, BOB)[n % 2], text=f"m{n}")
            clock.advance(1)
        with pytest.raises(SlackApiError) as refused:
            web.chat_postMessage(channel=BOB, text="one too many")
        assert refused.value.response.status_code == 429
        assert refused.value.response.headers["Retry-After"] == "57"  # the first leaves the window
        clock.advance(57)
        assert web.chat_postMessage(channel=BOB, text="in the next minute")["ok"]


def test_a_call_before_retry_after_elapsed_is_reported(clock: ManualClock) -> None:
    with SlackEmulator(clock=clock) as emulator:
        add_people(emulator)
        web = client(emulator, retry_handlers=[])
        emulator.inject("chat.postMessage", status=429, retry_after=30, times=1)
        with pytest.raises(SlackApiError):
            web.chat_postMessage(channel=ALICE, text="refused")
        clock.advance(29)
        web.chat_postMessage(channel=BOB, text="too early")  # any channel: the method waits
        web.users_info(user=ALICE)  # another method is not held back
        clock.advance(1)
        web.chat_postMessage(channel=ALICE, text="in time")
        [early] = emulator.early_calls
        assert early.method == "chat.postMessage" and early.not_before - early.at == 1


def test_a_client_that_honours_retry_after_makes_no_early_call(clock: ManualClock) -> None:
    with SlackEmulator(clock=clock) as emulator:
        add_people(emulator)
        web = client(emulator, retry_handlers=[])
        emulator.inject("chat.postMessage", status=429, retry_after=5, times=1)
        with pytest.raises(SlackApiError):
            web.chat_postMessage(channel=ALICE, text="refused")
        clock.advance(5)
        assert web.chat_postMessage(channel=ALICE, text="after the wait")["ok"]
        assert emulator.early_calls == []
