"""Two Palier processes on one database and one Slack workspace, through the emulator:
one process at a time sends the workspace's prompts (its lease), and a ``Retry-After``
one of them meets holds the other too — the emulator sees no call before it elapsed."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.delivery.policy import Lanes
from bot.delivery.tick import TickReport
from handlers.slack.app import PalierSlack
from handlers.slack.client import GatedRateLimitRetryHandler, GatedWebClient, RateLimitGate
from storage.models import PromptStatus
from tests.slack.conftest import ALICE, CHLOE, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _own_gate_without_retries(world: World, app: PalierSlack) -> None:
    """The process's gate on the test's clock; no retry inside the client (no real wait);
    one message in flight (on PostgreSQL a lane has several: they would meet the 429 too)."""
    app.ticker.policy = replace(app.ticker.policy, lanes=Lanes(lanes=1, width=1))
    gate = RateLimitGate(clock=world.clock)
    client = app.client
    assert isinstance(client, GatedWebClient)
    client.gate = gate
    for handler in client.retry_handlers or []:
        if isinstance(handler, GatedRateLimitRetryHandler):
            handler.gate, handler.max_retry_count = gate, 0


def _posts(world: World) -> int:
    return len(world.emulator.calls_to("chat.postMessage"))


def test_a_retry_after_met_by_one_process_holds_the_other(world: World) -> None:
    one, other = world.palier, world.process()
    for app in (one, other):
        _own_gate_without_retries(world, app)
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.at(THURSDAY_1600_PARIS)
    world.emulator.inject("chat.postMessage", status=429, retry_after=120)
    assert world.tick(one).sent == 0
    assert _posts(world) == 1
    # The other process's own gate never saw the 429: the workspace's row holds it.
    assert world.tick(other).sent == 0
    world.at(THURSDAY_1600_PARIS + timedelta(seconds=119))
    assert world.tick(other).sent == 0 and world.tick(one).sent == 0
    assert _posts(world) == 1
    prompts = world.prompts(ALICE) + world.prompts(CHLOE)
    assert all(p.status is PromptStatus.PENDING and p.attempts == 0 for p in prompts)
    world.at(THURSDAY_1600_PARIS + timedelta(seconds=120))
    assert world.tick(other).sent == 2
    assert _posts(world) == 3
    assert world.emulator.early_calls == []  # the emulator saw none before Retry-After
    assert len(world.dms(ALICE)) == 1 and len(world.dms(CHLOE)) == 1


def test_a_workspace_is_sent_by_one_process_at_a_time(world: World) -> None:
    one, other = world.palier, world.process()
    # One prompt claimed at a time: the other process would find the next one pending.
    one.ticker.policy = replace(one.ticker.policy, lanes=Lanes(lanes=1, width=1, batch=1))
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.at(THURSDAY_1600_PARIS)
    release = threading.Event()
    posting = world.emulator.inject("chat.postMessage", hold=release)
    reports: list[TickReport] = []
    sender = threading.Thread(target=lambda: reports.append(world.tick(one)))
    sender.start()
    world.emulator.wait_for(posting.held.is_set)  # the first process is posting a prompt
    report = world.tick(other)
    assert report.sent == 0 and report.errors == []
    assert (
        sum(p.status is PromptStatus.PENDING for p in world.prompts(ALICE) + world.prompts(CHLOE))
        == 1
    )
    release.set()
    sender.join()
    assert reports[0].sent == 2
    assert len(world.dms(ALICE)) == 1 and len(world.dms(CHLOE)) == 1
