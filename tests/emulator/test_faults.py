"""Injected failures and rate limits, and slack_sdk's retry handlers against them.

Waits are checked logically from the recorded call times (the retry came at least
Retry-After seconds after the 429), never against wall-clock thresholds.
"""

from __future__ import annotations

import threading
from http.client import RemoteDisconnected
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from emulators.slack import ManualClock, SlackEmulator
from tests.emulator import ALICE, BOB, add_people, client

QUICK = FixedValueRetryIntervalCalculator(0.01)


def test_a_429_answers_retry_after_and_ratelimited(emulator: SlackEmulator) -> None:
    emulator.inject("chat.postMessage", status=429, retry_after=7)
    web = client(emulator, retry_handlers=[])

    with pytest.raises(SlackApiError) as failure:
        web.chat_postMessage(channel=ALICE, text="x")

    response = failure.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.data == {"ok": False, "error": "ratelimited"}
    assert web.chat_postMessage(channel=ALICE, text="x")["ok"]  # times=1: next one passes


def test_rate_limit_retry_handler_waits_retry_after_then_succeeds(
    emulator: SlackEmulator,
) -> None:
    emulator.inject("chat.postMessage", status=429, retry_after=1)
    web = client(emulator, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])

    answer = web.chat_postMessage(channel=ALICE, text="Bonjour")

    assert answer["ok"]
    limited, retried = emulator.calls_to("chat.postMessage")
    assert (limited.status, limited.error) == (429, "ratelimited")
    assert (retried.status, retried.ok) == (200, True)
    assert retried.started - limited.finished >= 1.0
    assert [m.text for m in emulator.dm_messages(ALICE)] == ["Bonjour"]


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_retry_handler_retries_5xx(emulator: SlackEmulator, status: int) -> None:
    emulator.inject("users.info", status=status)
    web = client(emulator, retry_handlers=[ServerErrorRetryHandler(interval_calculator=QUICK)])

    assert web.users_info(user=ALICE)["user"]["id"] == ALICE
    assert [c.status for c in emulator.calls_to("users.info")] == [status, 200]


def test_without_a_handler_a_5xx_is_an_error(emulator: SlackEmulator) -> None:
    emulator.inject("users.info", status=503)

    with pytest.raises(SlackApiError) as failure:
        client(emulator, retry_handlers=[]).users_info(user=ALICE)

    assert failure.value.response.status_code == 503


def test_an_error_can_be_injected_for_several_calls(emulator: SlackEmulator) -> None:
    emulator.inject("*", error="fatal_error", times=2)
    web = client(emulator, retry_handlers=[])

    with pytest.raises(SlackApiError) as first:
        web.auth_test()
    with pytest.raises(SlackApiError) as second:
        web.users_info(user=ALICE)

    assert first.value.response["error"] == second.value.response["error"] == "fatal_error"
    assert web.auth_test()["ok"]


def test_a_delay_slows_the_answer_and_can_time_a_client_out(emulator: SlackEmulator) -> None:
    emulator.inject("users.info", delay=0.3)
    emulator.inject("users.info", delay=0.5)

    assert client(emulator).users_info(user=ALICE)["ok"]
    with pytest.raises(TimeoutError):
        client(emulator, timeout=0.05, retry_handlers=[]).users_info(user=ALICE)

    slow = emulator.calls_to("users.info")[0]
    assert slow.finished - slow.started >= 0.3


def test_a_held_call_is_carried_out_after_the_client_timed_out(emulator: SlackEmulator) -> None:
    release = threading.Event()
    fault = emulator.inject("chat.postMessage", hold=release)

    with pytest.raises(TimeoutError):
        client(emulator, timeout=0.05, retry_handlers=[]).chat_postMessage(channel=ALICE, text="x")

    # On a loaded machine the client may give up before the emulator has read the call:
    # wait for the call to be held rather than assume it already is.
    assert fault.held.wait(timeout=30) and emulator.dm_messages(ALICE) == []
    release.set()
    posted = emulator.wait_for(lambda: emulator.dm_messages(ALICE))
    assert [m.text for m in posted] == ["x"]


def test_a_connection_reset_is_retried_by_the_connection_handler(
    emulator: SlackEmulator,
) -> None:
    emulator.inject("conversations.open", reset=True)
    web = client(emulator, retry_handlers=[ConnectionErrorRetryHandler(interval_calculator=QUICK)])

    assert web.conversations_open(users=ALICE)["ok"]
    assert [c.status for c in emulator.calls_to("conversations.open")] == [0, 200]


def test_a_connection_reset_without_retry_raises(emulator: SlackEmulator) -> None:
    emulator.inject("conversations.open", reset=True)

    with pytest.raises((ConnectionResetError, RemoteDisconnected, URLError)):
        client(emulator, retry_handlers=[]).conversations_open(users=ALICE)


def test_a_reset_after_the_call_carries_it_out_and_leaves_the_client_unanswered(
    emulator: SlackEmulator,
) -> None:
    emulator.inject("chat.postMessage", reset_after=True)
    web = client(emulator, retry_handlers=[])
    channel = web.conversations_open(users=ALICE)["channel"]["id"]

    with pytest.raises((ConnectionResetError, RemoteDisconnected, URLError)):
        web.chat_postMessage(channel=channel, text="x")
    assert [m.text for m in emulator.dm_messages(ALICE)] == ["x"]  # it went out all the same


def test_tier_rate_limit_is_enforced_per_method_per_minute(
    emulator: SlackEmulator, clock: ManualClock
) -> None:
    emulator.enforce_rate_limits = True
    web = client(emulator, retry_handlers=[])
    for _ in range(50):  # users.lookupByEmail is Tier 3: 50 per minute
        web.users_lookupByEmail(email="bob@example.com")

    with pytest.raises(SlackApiError) as failure:
        web.users_lookupByEmail(email="bob@example.com")
    assert failure.value.response.status_code == 429
    assert failure.value.response["error"] == "ratelimited"
    assert failure.value.response.headers["Retry-After"] == "60"
    assert web.users_info(user=BOB)["ok"]  # another method has its own budget

    clock.advance(60)
    assert web.users_lookupByEmail(email="bob@example.com")["ok"]


def test_post_message_is_limited_per_channel_per_second(
    emulator: SlackEmulator, clock: ManualClock
) -> None:
    emulator.enforce_rate_limits = True
    web = client(emulator, retry_handlers=[])
    web.chat_postMessage(channel=ALICE, text="1")

    with pytest.raises(SlackApiError) as failure:
        web.chat_postMessage(channel=ALICE, text="2")
    assert failure.value.response.headers["Retry-After"] == "1"
    assert web.chat_postMessage(channel=BOB, text="other channel")["ok"]

    clock.advance(1)
    assert web.chat_postMessage(channel=ALICE, text="2")["ok"]


def test_history_of_a_non_marketplace_app_is_one_call_a_minute_of_15_messages(
    clock: ManualClock,
) -> None:
    with SlackEmulator(clock=clock, enforce_rate_limits=True, marketplace_app=False) as emulator:
        add_people(emulator)
        web = client(emulator, retry_handlers=[])
        for n in range(20):
            web.chat_postMessage(channel=ALICE, text=f"m{n}")
            clock.advance(1)
        dm = emulator.dm_channel_id(ALICE)

        page = web.conversations_history(channel=dm, limit=100)
        assert len(page["messages"]) == 15
        with pytest.raises(SlackApiError):
            web.conversations_history(channel=dm)


def test_no_rate_limits_unless_enforced(emulator: SlackEmulator) -> None:
    web: WebClient = client(emulator, retry_handlers=[])
    for n in range(5):
        web.chat_postMessage(channel=ALICE, text=f"{n}")

    assert len(emulator.dm_messages(ALICE)) == 5
