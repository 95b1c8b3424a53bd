"""The rest of the week: skip, snooze, the reminder, the missed week, failures,
several processes, a restart, and time zones — all through the emulator."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.delivery.tick import TickReport
from bot.domain.planning import plan_prompts
from emulators.slack import SlackDriver, render_blocks
from handlers.slack.effects import parse_ref
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, Platform, PromptStatus
from tests.slack.conftest import ALICE, BOB, CHLOE, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
NEXT_MONDAY_PARIS = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Monday 00:00 in Paris
LATER = ["Rappel dans une heure", "Rappel ce soir à 18:00", "Rappel demain à 09:00"]


def _prompted(world: World, user: str = ALICE) -> None:
    world.enrol(user)
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 1


def _texts(world: World, user: str) -> list[str]:
    return [render_blocks(m.blocks) for m in world.dms(user)]


def test_skip_updates_the_prompt_and_no_reminder_follows(world: World) -> None:
    _prompted(world)
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, text="Passer cette semaine")
    updated = world.emulator.wait_for(
        lambda: (
            (m := world.emulator.message(prompt.channel, prompt.ts))
            and "Vous passez la semaine 48" in render_blocks(m.blocks)
            and m
        )
    )
    # Still possible to check in this week; no second "skip".
    assert SlackDriver.button_labels(updated) == ["Faire mon check-in", *LATER]
    assert world.prompts(ALICE)[0].status is PromptStatus.SKIPPED
    world.at(THURSDAY_1600_PARIS + timedelta(hours=25))
    assert world.tick().reminded == 0
    assert len(world.dms(ALICE)) == 1
    # At the end of the week a skipped prompt stays skipped, not missed.
    world.at(NEXT_MONDAY_PARIS)
    assert world.tick().missed == 0
    assert world.prompts(ALICE)[0].status is PromptStatus.SKIPPED


def test_snooze_brings_the_prompt_back_once_then_no_other_reminder(world: World) -> None:
    _prompted(world)
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, text="Rappel dans une heure")
    world.emulator.wait_for(
        lambda: (
            (m := world.emulator.message(prompt.channel, prompt.ts))
            and "je vous le rappelle jeudi 26 novembre à 17:00" in render_blocks(m.blocks)
        )
    )
    world.at(THURSDAY_1600_PARIS + timedelta(minutes=59))
    assert world.tick().reminded == 0
    world.at(THURSDAY_1600_PARIS + timedelta(hours=1))
    assert world.tick().reminded == 1
    back = world.driver.latest_dm(ALICE)
    assert back is not None and back.ts != prompt.ts
    assert "Comme promis" in render_blocks(back.blocks)
    assert "Faire mon check-in" in SlackDriver.button_labels(back)
    # The one reminder has been used: 24 h later, nothing more.
    world.at(THURSDAY_1600_PARIS + timedelta(hours=30))
    assert world.tick().reminded == 0
    assert len(world.dms(ALICE)) == 2
    # Starting from the reminder works like from the prompt; once done, both say so.
    world.driver.click(ALICE, back, text="Faire mon check-in")
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    levels = {
        b["block_id"]: "Junior" for b in modal.blocks if b.get("block_id", "").startswith("level:")
    }
    assert world.driver.submit_view(ALICE, modal, levels).outcome == "close"
    for message in (prompt, back):
        world.emulator.wait_for(
            lambda message=message: (
                (m := world.emulator.message(message.channel, message.ts))
                and "enregistré" in render_blocks(m.blocks)
            )
        )


def test_one_reminder_after_24_hours_then_missed_at_the_end_of_the_week(world: World) -> None:
    _prompted(world)
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.at(THURSDAY_1600_PARIS + timedelta(hours=23, minutes=59))
    assert world.tick().reminded == 0
    world.at(THURSDAY_1600_PARIS + timedelta(hours=24))
    assert world.tick().reminded == 1
    assert "Petit rappel" in _texts(world, ALICE)[-1]
    world.at(THURSDAY_1600_PARIS + timedelta(hours=48))
    assert world.tick().reminded == 0
    world.at(NEXT_MONDAY_PARIS - timedelta(minutes=1))
    assert world.tick().missed == 0
    world.at(NEXT_MONDAY_PARIS)
    report = world.tick()
    assert report.missed == 1
    assert world.prompts(ALICE)[0].status is PromptStatus.MISSED
    # The reminder, the latest message, says the week closed; the prompt points to it
    # rather than say the same. Neither has buttons left.
    closed = world.emulator.message(prompt.channel, prompt.ts)
    assert closed is not None and "close sans check-in" not in render_blocks(closed.blocks)
    assert "la suite est dans le message plus bas" in render_blocks(closed.blocks)
    assert SlackDriver.button_labels(closed) == []
    # A stale client's click is answered privately.
    _, reminder_ts = parse_ref(world.prompts(ALICE)[0].reminder_ref or "")
    reminder = world.emulator.message(prompt.channel, reminder_ts)
    assert reminder is not None and SlackDriver.button_labels(reminder) == []
    assert "close sans check-in" in render_blocks(reminder.blocks)
    world.forge_click(ALICE, "checkin_start", str(world.prompts(ALICE)[0].id))
    notice = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(ALICE) or None)
    assert "clos" in (notice[-1].text or "")
    assert world.driver.modal(ALICE) is None


def test_a_prompt_that_fell_due_while_palier_was_down_is_sent_late_in_its_week(
    world: World,
) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS - timedelta(hours=1))
    world.tick()  # planned, not due
    world.at(THURSDAY_1600_PARIS + timedelta(days=2))  # down from Thursday to Saturday
    assert world.tick().sent == 1
    assert len(world.dms(ALICE)) == 1


def test_two_processes_ticking_at_once_send_each_prompt_once(world: World) -> None:
    people = [ALICE, CHLOE]
    for user in people:
        world.enrol(user)
    other = world.process()
    world.at(THURSDAY_1600_PARIS + timedelta(days=1))  # both due (Chloé's 16:00 IST is earlier)
    barrier = threading.Barrier(4)
    reports = []

    def run(app_index: int) -> None:
        barrier.wait()
        reports.append(world.tick(world.apps[app_index]))

    threads = [threading.Thread(target=run, args=(i % 2,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports) == 2
    for user in people:
        assert len(world.dms(user)) == 1
    assert other is world.apps[1]


def test_a_restart_after_posting_but_before_recording_does_not_send_twice(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    world.at(THURSDAY_1600_PARIS + timedelta(days=1))
    with session_scope(world.palier.core.sessions) as session:
        plan_prompts(
            session,
            world.palier.core.referentiels,
            world.now(),
            world.palier.ticker.policy.planning,
        )
    # Process one claimed both, posted Alice's prompt, then died before recording it.
    with session_scope(world.palier.core.sessions) as session:
        prompts = {
            p.person.platform_user_id: p for p in session.scalars(select(CheckinPrompt)).all()
        }
        for prompt in prompts.values():
            prompt.status = PromptStatus.SENDING
            prompt.claimed_by = "dead-process"
            prompt.claimed_at = world.now()
            prompt.attempts = 1
        alice = world.palier.ticker.prompt_job(TickReport()).message(session, prompts[ALICE])
    assert alice is not None
    messenger = world.palier.ticker.messengers[Platform.SLACK]
    posted = messenger.send(alice.recipient, alice.view, marker=alice.marker)
    # A new process starts; within the lease it leaves the claims alone…
    restarted = world.process()
    world.at(world.now() + timedelta(minutes=2))
    assert world.tick(restarted).sent == 0
    # …after it, it recognises Alice's posted prompt and sends Bob's, once each.
    world.at(world.now() + timedelta(minutes=5))
    report = world.tick(restarted)
    assert report.recovered == 2 and report.sent == 1
    assert len(world.dms(ALICE)) == 1 and len(world.dms(BOB)) == 1
    statuses = {p.person_id: p for p in world.prompts(ALICE) + world.prompts(BOB)}
    assert all(p.status is PromptStatus.SENT for p in statuses.values())
    assert world.prompts(ALICE)[0].message_ref == posted


def test_deactivated_person_is_marked_and_others_still_get_their_prompt(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.emulator.update_user(ALICE, deleted=True)
    world.at(THURSDAY_1600_PARIS)
    report = world.tick()
    assert report.sent == 1  # Chloé (Kolkata: her Thursday 16:00 is long past, still this week)
    assert world.dms(ALICE) == []
    with world.session() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == ALICE)).one()
        # Slack refused the post (user_disabled): no profile is read before each prompt.
        assert not alice.active and alice.inactive_reason == "user_disabled"
    assert world.prompts(ALICE)[0].status is PromptStatus.FAILED
    # Next week nothing is planned for her.
    world.at(THURSDAY_1600_PARIS + timedelta(days=7))
    world.tick()
    assert len(world.prompts(ALICE)) == 1


def test_cannot_dm_is_a_permanent_error_for_that_person_only(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.at(THURSDAY_1600_PARIS)
    world.emulator.inject("chat.postMessage", error="cannot_dm_bot", times=1)
    report = world.tick()
    assert report.failed == 1 and report.sent == 1
    failed = [
        p for p in world.prompts(ALICE) + world.prompts(CHLOE) if p.status is PromptStatus.FAILED
    ]
    assert len(failed) == 1 and failed[0].last_error == "cannot_dm_bot"


def test_rate_limits_and_server_errors_are_retried_and_sent_once(world: World) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    world.emulator.inject("chat.postMessage", status=429, retry_after=1, times=1)
    world.emulator.inject("chat.postMessage", status=502, times=1)
    assert world.tick().sent == 1
    assert len(world.dms(ALICE)) == 1
    posts = world.emulator.calls_to("chat.postMessage")
    assert len(posts) == 3  # 429, 502, then the one that went through


def test_a_lasting_outage_leaves_the_prompt_pending_for_the_next_tick(world: World) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    world.emulator.inject("chat.postMessage", status=503, times=10)
    report = world.tick()
    assert report.sent == 0 and report.errors
    assert world.prompts(ALICE)[0].status is PromptStatus.PENDING
    world.emulator.clear_faults()
    world.at(THURSDAY_1600_PARIS + timedelta(minutes=1))
    assert world.tick().sent == 1
    assert len(world.dms(ALICE)) == 1


def test_new_york_prompt_follows_the_end_of_daylight_saving_time(world: World) -> None:
    # US clocks went back on Sunday 1 November 2026: Thursday 5 November 16:00 EST = 21:00 UTC.
    world.enrol(BOB)
    world.at(datetime(2026, 11, 5, 20, 0, tzinfo=UTC))
    world.tick()
    assert world.dms(BOB) == []  # 15:00 in New York (it would be 16:00 under EDT)
    world.at(datetime(2026, 11, 5, 21, 0, tzinfo=UTC))
    assert world.tick().sent == 1


def test_paris_spring_forward_gap_fires_at_the_next_valid_minute(world: World) -> None:
    # Sunday 28 March 2027, 02:30 does not exist in Paris: the prompt fires at 03:00 CEST.
    world.enrol(ALICE, weekday=6, at=time(2, 30))
    world.at(datetime(2027, 3, 28, 0, 59, tzinfo=UTC))
    world.tick()
    assert world.dms(ALICE) == []
    world.at(datetime(2027, 3, 28, 1, 0, tzinfo=UTC))
    assert world.tick().sent == 1
    assert world.prompts(ALICE)[-1].scheduled_at == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def test_kolkata_half_hour_offset(world: World) -> None:
    world.enrol(CHLOE)
    # Thursday 16:00 in Kolkata (UTC+05:30) is 10:30 UTC.
    world.at(datetime(2026, 11, 26, 10, 29, tzinfo=UTC))
    world.tick()
    assert world.dms(CHLOE) == []
    world.at(datetime(2026, 11, 26, 10, 30, tzinfo=UTC))
    assert world.tick().sent == 1


def test_a_tick_sends_every_due_prompt_in_batches(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _batches_of_one(world, monkeypatch)  # three batches for three people
    for user in (ALICE, BOB, CHLOE):
        world.enrol(user)
    world.at(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))  # Friday: all three are due
    assert world.tick().sent == 3
    assert all(len(world.dms(user)) == 1 for user in (ALICE, BOB, CHLOE))


def test_a_failing_prompt_is_tried_once_per_tick_and_does_not_block_the_others(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _batches_of_one(world, monkeypatch)
    for user in (ALICE, CHLOE):
        world.enrol(user)
    world.at(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    # The first post fails for good within this tick (500s beyond the retries).
    world.emulator.inject("chat.postMessage", status=500, times=4)
    report = world.tick()
    assert report.sent == 1 and len(report.errors) == 1
    assert world.tick().sent == 1  # the next tick delivers the other one


def _batches_of_one(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    ticker = world.palier.ticker
    lanes = replace(ticker.policy.lanes, batch=1)
    monkeypatch.setattr(ticker, "policy", replace(ticker.policy, lanes=lanes))
