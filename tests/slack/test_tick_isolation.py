"""One person's (or one workspace's) data never stops the tick for everyone else:
unknown time zones, a failure while planning or sending one person — all through
the emulator."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.delivery import prompts as prompt_sending
from bot.delivery.tick import TickReport
from bot.domain import planning
from bot.domain.privacy import erase_person
from handlers.slack.client import GatedRateLimitRetryHandler, GatedWebClient, RateLimitGate
from handlers.slack.effects import message_ref
from handlers.slack.messenger import SHORT_WAIT, SlackMessenger
from storage.db import session_scope
from storage.models import Person, Platform, PromptStatus
from tests.slack.conftest import ALICE, BOB, CHLOE, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
MARS = "Mars/Olympus"


def _person(world: World, user: str) -> Person:
    with world.session() as session:
        return session.scalars(select(Person).where(Person.platform_user_id == user)).one()


def test_an_unknown_zone_in_a_user_change_event_keeps_the_last_good_one(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    world.emulator.update_user(ALICE, tz=MARS, locale="en-US")
    assert world.driver.user_change(ALICE).ok
    # The event was handled (the language followed); the unknown zone was not stored.
    person = world.emulator.wait_for(lambda: (p := _person(world, ALICE)).locale == "en-US" and p)
    assert person.timezone == "Europe/Paris"
    world.at(THURSDAY_1600_PARIS)
    report = world.tick()
    assert report.sent == 1 and report.errors == []
    world.at(THURSDAY_1600_PARIS + timedelta(days=1))
    assert world.tick().sent == 1  # Bob's Thursday 16:00 in New York


def test_an_unknown_zone_from_users_info_is_ignored_and_every_later_tick_works(
    world: World,
) -> None:
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.emulator.update_user(ALICE, tz=MARS)
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 2  # each prompt refreshes the profile from users.info
    assert _person(world, ALICE).timezone == "Europe/Paris"
    # Next week everyone is planned and prompted again.
    world.at(THURSDAY_1600_PARIS + timedelta(days=7))
    report = world.tick()
    assert report.errors == []
    assert report.planned == 2 and report.sent == 2


def test_a_newcomer_with_an_unknown_zone_gets_the_workspace_default(world: World) -> None:
    world.emulator.update_user(ALICE, tz=MARS)
    world.enrol(ALICE)
    assert _person(world, ALICE).timezone is None  # the workspace default applies
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 1


def test_a_zone_stored_before_the_checks_falls_back_to_the_workspace_default(
    world: World,
) -> None:
    # A zone stored before zones were checked (or by hand): read as the workspace default.
    broken = world.enrol(ALICE)
    world.enrol(CHLOE)
    with session_scope(world.palier.core.sessions) as session:
        person = session.get(Person, broken)
        assert person is not None
        person.timezone = MARS
    world.at(THURSDAY_1600_PARIS)  # 16:00 in Paris, the workspace default
    report = world.tick()
    assert report.planned == 2 and report.errors == []
    assert len(world.dms(ALICE)) == 1
    [prompt] = world.prompts(ALICE)
    assert prompt.scheduled_at == THURSDAY_1600_PARIS


def test_one_person_whose_planning_fails_is_reported_and_the_others_are_prompted(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = world.enrol(ALICE)
    world.enrol(CHLOE)
    slot = planning.person_slot

    def failing_for_alice(person: Person, policy: planning.PlanningPolicy) -> Any:
        if person.id == broken:
            raise RuntimeError("this person's data breaks planning")
        return slot(person, policy)

    monkeypatch.setattr(planning, "person_slot", failing_for_alice)
    world.at(THURSDAY_1600_PARIS)
    report = world.tick()
    assert report.planned == 1 and report.sent == 1
    assert any(f"person {broken}" in error for error in report.errors)
    assert len(world.dms(CHLOE)) == 1 and world.dms(ALICE) == []


def test_one_prompt_whose_sending_fails_unexpectedly_does_not_stop_the_others(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = world.enrol(ALICE)
    world.enrol(BOB)
    held_back = prompt_sending.held_back

    def failing_for_alice(person: Person, now: datetime, default_timezone: str) -> str | None:
        if person.id == broken:
            raise RuntimeError("this person's data breaks sending")
        return held_back(person, now, default_timezone)

    monkeypatch.setattr(prompt_sending, "held_back", failing_for_alice)
    world.at(THURSDAY_1600_PARIS + timedelta(days=1))  # both due: Paris and New York
    report = world.tick()
    assert report.sent == 1 and len(world.dms(BOB)) == 1
    assert any("prompt" in error for error in report.errors)
    assert world.prompts(ALICE)[0].status is PromptStatus.PENDING


def _admin(world: World, user: str, text: str) -> str:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", text).ok
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    return found[-1].text or ""


def test_a_revoked_token_pauses_the_workspace_without_burning_attempts_then_resumes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.at(THURSDAY_1600_PARIS)
    _one_at_a_time(world, monkeypatch)  # else the messages already in flight meet it too
    world.emulator.inject("*", error="token_revoked", times=10_000)
    report = world.tick()
    assert report.sent == 0 and report.failed == 0
    assert any("sending paused (token_revoked)" in error for error in report.errors)
    # The first refusal paused the workspace: the other person was not even tried.
    assert len(world.emulator.calls) == 1
    # Hours of refusals (probed every 5 minutes) use no prompt's attempts.
    for minutes in range(1, 3 * 60):
        world.at(THURSDAY_1600_PARIS + timedelta(minutes=minutes))
        assert world.tick().failed == 0
    assert [c.method for c in world.emulator.calls].count("auth.test") == 35  # minutes 5, 10 … 175
    assert {c.method for c in world.emulator.calls} == {"chat.postMessage", "auth.test"}
    prompts = world.prompts(ALICE) + world.prompts(CHLOE)
    assert all(p.status is PromptStatus.PENDING and p.attempts == 0 for p in prompts)
    # The token works again (reinstalled): the admin still sees the pause until the probe…
    world.emulator.clear_faults()
    status = _admin(world, BOB, "admin status")
    assert "Sending paused" in status and "token_revoked" in status
    # …which resumes sending: the week's prompts go out.
    world.at(THURSDAY_1600_PARIS + timedelta(hours=3))
    report = world.tick()
    assert report.sent == 2 and report.errors == []
    assert len(world.dms(ALICE)) == 1 and len(world.dms(CHLOE)) == 1
    assert "Sending paused" not in _admin(world, BOB, "admin status")


def _slack_says(world: World, error: str) -> None:
    """Slack answers ``error`` to every prompt posted from now on."""
    world.emulator.inject("chat.postMessage", error=error, times=10_000)


def test_a_single_channel_not_found_does_not_deactivate_anyone(world: World) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    world.emulator.inject("chat.postMessage", error="channel_not_found", times=1)
    report = world.tick()
    assert report.sent == 0 and report.failed == 0
    assert _person(world, ALICE).active
    assert world.prompts(ALICE)[0].status is PromptStatus.PENDING
    world.at(THURSDAY_1600_PARIS + timedelta(minutes=1))
    assert world.tick().sent == 1
    person = _person(world, ALICE)
    assert person.active and person.delivery_failures == 0  # reached: the count starts over


def test_failures_across_days_deactivate_and_a_good_profile_brings_them_back(
    world: World,
) -> None:
    world.enrol(ALICE)
    _slack_says(world, "user_not_found")
    for day in range(2):
        world.at(THURSDAY_1600_PARIS + timedelta(days=day))
        world.tick()
        assert _person(world, ALICE).active
    world.at(THURSDAY_1600_PARIS + timedelta(days=2))
    assert world.tick().failed == 1
    person = _person(world, ALICE)
    assert not person.active and person.inactive_reason == "user_not_found"
    assert world.prompts(ALICE)[0].status is PromptStatus.FAILED
    # Her account was fine all along: her next profile change brings her back.
    world.emulator.clear_faults()
    world.emulator.update_user(ALICE, locale="en-US")
    assert world.driver.user_change(ALICE).ok
    person = world.emulator.wait_for(lambda: (p := _person(world, ALICE)).active and p)
    assert person.inactive_reason is None and person.delivery_failures == 0
    world.at(THURSDAY_1600_PARIS + timedelta(days=7))
    assert world.tick().sent == 1


def test_users_info_saying_deleted_confirms_a_user_not_found_at_once(world: World) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    release = threading.Event()
    posting = world.emulator.inject("chat.postMessage", error="user_not_found", hold=release)
    sender = threading.Thread(target=world.tick)
    sender.start()
    world.emulator.wait_for(posting.held.is_set)
    world.emulator.update_user(ALICE, deleted=True)  # deleted while the post was on its way
    release.set()
    sender.join()
    person = _person(world, ALICE)
    assert not person.active and person.inactive_reason == "deactivated"
    assert world.prompts(ALICE)[0].status is PromptStatus.FAILED


def test_an_admin_re_enrolment_reactivates_someone_deactivated_by_failures(
    world: World,
) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    world.enrol(ALICE)
    world.emulator.inject("chat.postMessage", error="cannot_dm_bot", times=1)
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().failed == 1
    assert not _person(world, ALICE).active
    answer = _admin(world, BOB, f"admin enrol <@{ALICE}|alice> account-executive")
    assert answer == "<@U0ALICE> is enrolled on “Account Executive”."
    assert _person(world, ALICE).active
    world.at(THURSDAY_1600_PARIS + timedelta(days=7))
    assert world.tick().sent == 1


def test_re_enrolling_an_erased_person_says_why_not(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    alice = world.enrol(ALICE)
    with session_scope(world.palier.core.sessions) as session:
        person = session.get(Person, alice)
        assert person is not None
        erase_person(session, person, ALICE, world.now())
    answer = _admin(world, BOB, f"admin enrol <@{ALICE}|alice> account-executive")
    assert answer == (
        "This person had their Palier data erased: an administrator cannot enrol them again."
    )
    person = _person(world, ALICE)
    assert not person.active and person.referentiel_id is None


def test_a_prompt_whose_post_timed_out_is_looked_for_before_it_is_sent_again(
    world: World,
) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    release = threading.Event()
    world.emulator.inject("chat.postMessage", hold=release)
    world.palier.client.timeout = 1  # gives up while Slack still holds the post
    report = world.tick()
    world.palier.client.timeout = 10
    assert report.sent == 0
    prompt = world.prompts(ALICE)[0]
    assert prompt.status is PromptStatus.PENDING
    assert (prompt.last_error or "").startswith("unknown_outcome")
    release.set()  # …and Slack posts it after all
    posted = world.emulator.wait_for(lambda: world.dms(ALICE))
    world.at(THURSDAY_1600_PARIS + timedelta(minutes=1))
    assert world.tick().sent == 1
    assert len(world.dms(ALICE)) == 1  # found by its metadata, not posted twice
    prompt = world.prompts(ALICE)[0]
    assert prompt.status is PromptStatus.SENT and prompt.message_ref == message_ref(
        posted[0].channel, posted[0].ts
    )


def test_a_post_whose_connection_dropped_after_it_went_out_is_never_posted_twice(
    world: World,
) -> None:
    # Slack posted the prompt, then the connection dropped before its answer: neither
    # the client's retries nor the next tick may post it again.
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    world.emulator.inject("chat.postMessage", reset_after=True)
    report = world.tick()
    assert report.sent == 0
    posted = world.dms(ALICE)
    assert len(posted) == 1
    prompt = world.prompts(ALICE)[0]
    assert prompt.status is PromptStatus.PENDING
    assert (prompt.last_error or "").startswith("unknown_outcome")
    world.at(THURSDAY_1600_PARIS + timedelta(minutes=1))
    assert world.tick().sent == 1
    assert len(world.dms(ALICE)) == 1  # found by its metadata
    prompt = world.prompts(ALICE)[0]
    assert prompt.status is PromptStatus.SENT and prompt.message_ref == message_ref(
        posted[0].channel, posted[0].ts
    )


def test_a_reminder_whose_connection_dropped_after_it_went_out_is_not_sent_again(
    world: World,
) -> None:
    # A reminder may be lost, never doubled: one that may have gone out is not re-sent.
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 1
    world.emulator.inject("chat.postMessage", reset_after=True)
    world.at(THURSDAY_1600_PARIS + timedelta(hours=24))
    report = world.tick()
    assert report.reminded == 0 and any("unknown_outcome" in e for e in report.errors)
    assert len(world.dms(ALICE)) == 2  # the prompt, and the reminder Slack posted
    for minutes in (1, 60):
        world.at(THURSDAY_1600_PARIS + timedelta(hours=24, minutes=minutes))
        world.tick()
    assert len(world.dms(ALICE)) == 2


def test_a_claim_is_renewed_while_its_sender_still_works_on_it(world: World) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    ticker = world.palier.ticker
    ticker.policy = replace(ticker.policy, claim_heartbeat=timedelta(milliseconds=10))
    release = threading.Event()
    posting = world.emulator.inject("chat.postMessage", hold=release)
    reports: list[TickReport] = []
    sender = threading.Thread(target=lambda: reports.append(world.tick()))
    sender.start()
    world.emulator.wait_for(posting.held.is_set)  # the first process is posting Alice's prompt
    # Slack takes its time; past the lease, the live sender's heartbeat renews the claim.
    later = THURSDAY_1600_PARIS + timedelta(minutes=6)
    world.at(later)
    world.emulator.wait_for(lambda: world.prompts(ALICE)[0].claimed_at == later)
    report = world.tick(world.process())
    assert report.recovered == 0 and report.sent == 0
    release.set()
    sender.join()
    assert reports[0].sent == 1
    assert len(world.dms(ALICE)) == 1
    assert world.prompts(ALICE)[0].status is PromptStatus.SENT


def test_after_the_429_retries_no_post_goes_out_before_retry_after(world: World) -> None:
    # The process's gate, on the test's clock; no retry inside the client (no real wait).
    gate = RateLimitGate(clock=world.clock)
    client = world.palier.client
    assert isinstance(client, GatedWebClient)
    client.gate = gate
    for handler in client.retry_handlers:
        if isinstance(handler, GatedRateLimitRetryHandler):
            handler.gate, handler.max_retry_count = gate, 0
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.at(THURSDAY_1600_PARIS)
    world.emulator.inject("chat.postMessage", status=429, retry_after=120)
    report = world.tick()
    assert report.sent == 0 and report.failed == 0
    # The other person's post waits for Retry-After too, within this tick and the next.
    assert len(world.emulator.calls_to("chat.postMessage")) == 1
    world.at(THURSDAY_1600_PARIS + timedelta(seconds=119))
    assert world.tick().sent == 0
    assert len(world.emulator.calls_to("chat.postMessage")) == 1
    prompts = world.prompts(ALICE) + world.prompts(CHLOE)
    assert all(p.status is PromptStatus.PENDING and p.attempts == 0 for p in prompts)
    world.at(THURSDAY_1600_PARIS + timedelta(seconds=120))
    assert world.tick().sent == 2
    assert len(world.emulator.calls_to("chat.postMessage")) == 3
    assert world.emulator.early_calls == []  # the emulator saw none before Retry-After


def test_a_retry_after_of_a_few_seconds_is_waited_out_within_the_tick(world: World) -> None:
    # A check-in's DM met a 429 a moment ago (Retry-After 2 s, for every chat.postMessage of
    # the workspace's token): the tick's posts wait for it and go on, not a minute later.
    gate = RateLimitGate(clock=world.clock)
    client = world.palier.client
    assert isinstance(client, GatedWebClient)
    client.gate = gate
    messenger = world.palier.ticker.messengers[Platform.SLACK]
    assert isinstance(messenger, SlackMessenger)
    messenger.pacer.sleep = world.clock.advance  # waits on the test's clock
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.at(THURSDAY_1600_PARIS)
    gate.close(client.token, "chat.postMessage", 2)
    report = world.tick()
    assert report.sent == 2 and report.errors == []
    posts = world.emulator.calls_to("chat.postMessage")
    assert [post.ok for post in posts] == [True, True]
    assert min(post.clock for post in posts) >= THURSDAY_1600_PARIS.timestamp() + 2
    # A longer one still gives the prompts back until a later tick (above: 120 s).
    assert SHORT_WAIT < 120


def test_after_the_429_retries_no_listener_calls_that_method_before_retry_after(
    world: World,
) -> None:
    # Bolt builds a plain WebClient per request from the app's: its calls are gated too.
    gate = RateLimitGate(clock=world.clock)
    world.palier.client.gate = gate  # type: ignore[attr-defined]
    for handler in world.palier.client.retry_handlers:
        if isinstance(handler, GatedRateLimitRetryHandler):
            handler.gate, handler.max_retry_count = gate, 0
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 2
    world.emulator.inject("views.open", status=429, retry_after=120)
    for person in (ALICE, CHLOE):
        prompt = world.driver.latest_dm(person)
        assert prompt is not None
        assert world.driver.click(person, prompt, "checkin_start").ok
        world.emulator.settle()
    # Alice's views.open met the 429; Chloé's, in the same workspace, was never sent.
    assert [call.status for call in world.emulator.calls_to("views.open")] == [429]
    assert world.driver.modal(CHLOE) is None


def _one_at_a_time(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    ticker = world.palier.ticker
    lanes = replace(ticker.policy.lanes, width=1)
    monkeypatch.setattr(ticker, "policy", replace(ticker.policy, lanes=lanes))
