"""Slack's round trip (``latency``, for benchmarks) and when a trigger was used: what
bench/acks_bench.py reads. No test sleeps: the wait is recorded instead."""

from __future__ import annotations

import json
import urllib.request

from slack_sdk import WebClient

from emulators.slack import ManualClock, SlackEmulator
from tests.emulator import ALICE, modal, section


def test_every_answer_waits_the_latency(emulator: SlackEmulator, web: WebClient) -> None:
    waited: list[float] = []
    emulator.sleep = waited.append
    emulator.latency = 0.15
    assert web.auth_test()["ok"]
    url = emulator.issue_response_url(ALICE, emulator.dm_channel_id(ALICE))
    post = urllib.request.Request(url, data=json.dumps({"text": "ok"}).encode(), method="POST")
    with urllib.request.urlopen(post) as answer:
        assert answer.status == 200
    assert waited == [0.15, 0.15]  # the Web API call, the response_url post
    emulator.latency = 0.0
    assert web.auth_test()["ok"] and waited == [0.15, 0.15]


def test_a_trigger_tells_when_it_was_issued_and_used(
    emulator: SlackEmulator, web: WebClient, clock: ManualClock
) -> None:
    trigger_id = emulator.issue_trigger(ALICE)
    issued = emulator.trigger(trigger_id)
    assert issued is not None and issued.used_at is None
    clock.advance(2.5)
    assert web.views_open(trigger_id=trigger_id, view=modal("A", [section("x")]))["ok"]
    used = emulator.trigger(trigger_id)
    assert used is not None and used.used_at is not None
    assert used.used_at - used.issued_at == 2.5
    assert emulator.trigger("no-such-trigger") is None


def test_calls_since_copies_only_the_newer_calls(emulator: SlackEmulator, web: WebClient) -> None:
    web.auth_test()
    seen = len(emulator.calls_since(0))
    web.users_info(user=ALICE)
    newer = emulator.calls_since(seen)
    assert [call.method for call in newer] == ["users.info"]
    assert emulator.calls_since(seen + 1) == []
