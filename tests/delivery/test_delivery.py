"""The one claim-then-send mechanism, through the tick, on a fake messenger: what each
outcome of a send records, for prompts, reminders, weekly reviews and 1:1 briefs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.delivery.messenger import (
    DeliveryDeferred,
    DeliveryUncertain,
    Marker,
    PermanentDeliveryError,
    Recipient,
    WorkspaceUnavailable,
)
from bot.delivery.views import PROMPT_MARKER, PromptMessage, ReminderMessage
from bot.domain.people import Profile
from storage.db import session_scope
from storage.models import Person, PromptStatus
from tests.delivery.conftest import NOW, Delivery

ALICE, BRUNO = "U0ALICE", "M0BRUNO"


def test_a_due_prompt_is_sent_once_with_its_marker_and_stored_by_reference(
    delivery: Delivery,
) -> None:
    assert delivery.tick(NOW - timedelta(minutes=1)).sent == 0  # planned, not due yet
    report = delivery.tick(NOW)
    assert report.sent == 1 and report.errors == []
    [posted] = delivery.messenger.posted
    prompt = delivery.prompt(ALICE)
    assert isinstance(posted.view, PromptMessage) and posted.view.form.prompt_id == prompt.id
    assert posted.marker == Marker(PROMPT_MARKER, prompt.id)
    assert posted.recipient.workspace_id == "T0ACME" and posted.recipient.locale == "fr"
    assert prompt.status is PromptStatus.SENT and prompt.message_ref == posted.ref
    assert delivery.tick(NOW + timedelta(minutes=1)).sent == 0  # never twice


def test_a_workspace_of_a_platform_without_a_messenger_is_skipped_and_logged(
    delivery: Delivery, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        report = delivery.tick(NOW)
    assert report.planned == 2 and report.sent == 1  # Bruno's is planned, not sent
    assert [p.recipient.user_id for p in delivery.messenger.posted] == [ALICE]
    bruno = delivery.prompt(BRUNO)
    assert bruno.status is PromptStatus.PENDING and bruno.attempts == 0
    assert any(
        "M0TEAMS" in r.getMessage() and "messenger" in r.getMessage() for r in caplog.records
    )


def test_profiles_are_read_in_the_background_not_before_each_prompt(delivery: Delivery) -> None:
    delivery.messenger.profiles[ALICE] = Profile(ALICE, locale="en-US", timezone="Asia/Kolkata")
    assert delivery.tick(NOW).sent == 1
    [posted] = delivery.messenger.posted
    assert posted.recipient.locale == "fr"  # sent as Palier knew her: no read before it
    assert delivery.messenger.profile_reads == [ALICE]  # then read once, never checked before
    alice = delivery.person(ALICE)
    assert alice.timezone == "Asia/Kolkata" and alice.locale == "en-US"
    assert alice.profile_checked_at == NOW
    delivery.tick(NOW + timedelta(minutes=1))
    delivery.tick(NOW + timedelta(days=6))
    assert delivery.messenger.profile_reads == [ALICE]  # not again within a week
    delivery.tick(NOW + timedelta(days=7, minutes=1))
    assert delivery.messenger.profile_reads == [ALICE, ALICE]


def test_the_direct_conversation_is_kept_from_the_first_message(delivery: Delivery) -> None:
    delivery.tick(NOW)
    assert delivery.person(ALICE).conversation_ref == "D-U0ALICE"
    delivery.tick(NOW + timedelta(days=7))
    _first, second = delivery.messenger.posted
    assert second.recipient.conversation == "D-U0ALICE"


def test_an_uncertain_prompt_is_looked_for_by_its_marker_before_it_is_sent_again(
    delivery: Delivery,
) -> None:
    delivery.messenger.faults.append(DeliveryUncertain("the answer never came"))
    delivery.messenger.posted_anyway = True
    report = delivery.tick(NOW)
    assert report.sent == 0
    prompt = delivery.prompt(ALICE)
    assert prompt.status is PromptStatus.PENDING
    assert (prompt.last_error or "").startswith("unknown_outcome")
    assert delivery.tick(NOW + timedelta(minutes=1)).sent == 1
    assert len(delivery.messenger.posted) == 1 and delivery.messenger.finds == 1
    assert delivery.prompt(ALICE).message_ref == delivery.messenger.posted[0].ref


def test_a_reminder_that_may_have_gone_out_is_never_sent_again(delivery: Delivery) -> None:
    delivery.tick(NOW)
    delivery.messenger.faults.append(DeliveryUncertain("the answer never came"))
    report = delivery.tick(NOW + timedelta(hours=24))
    assert report.reminded == 0 and any("unknown_outcome" in e for e in report.errors)
    assert delivery.tick(NOW + timedelta(hours=25)).reminded == 0
    assert delivery.messenger.finds == 0  # a reminder carries no marker: at most once
    assert delivery.messenger.views(ReminderMessage) == []


def test_a_reminder_goes_beside_its_prompt_and_is_stored_by_reference(delivery: Delivery) -> None:
    delivery.tick(NOW)
    assert delivery.tick(NOW + timedelta(hours=24)).reminded == 1
    prompt_post, reminder_post = delivery.messenger.posted
    assert reminder_post.near == prompt_post.ref and reminder_post.marker is None
    assert delivery.prompt(ALICE).reminder_ref == reminder_post.ref


def test_a_passing_failure_of_a_reminder_gives_it_back(delivery: Delivery) -> None:
    delivery.tick(NOW)
    delivery.messenger.faults.append(RuntimeError("the platform hiccupped"))
    assert delivery.tick(NOW + timedelta(hours=24)).reminded == 0
    assert delivery.prompt(ALICE).reminder_sent_at is None
    assert delivery.tick(NOW + timedelta(hours=24, minutes=1)).reminded == 1


def test_a_confirmed_permanent_failure_marks_the_person_and_fails_the_prompt(
    delivery: Delivery,
) -> None:
    delivery.messenger.faults.append(PermanentDeliveryError("cannot_dm"))
    report = delivery.tick(NOW)
    assert report.failed == 1 and report.sent == 0
    prompt, alice = delivery.prompt(ALICE), delivery.person(ALICE)
    assert prompt.status is PromptStatus.FAILED and prompt.last_error == "cannot_dm"
    assert not alice.active and alice.inactive_reason == "cannot_dm"


def test_an_unconfirmed_permanent_failure_is_counted_and_retried(delivery: Delivery) -> None:
    delivery.messenger.faults.append(PermanentDeliveryError("user_not_found", confirmed=False))
    report = delivery.tick(NOW)
    assert report.failed == 0 and report.sent == 0
    alice = delivery.person(ALICE)
    assert alice.active and alice.delivery_failures == 1
    assert delivery.prompt(ALICE).status is PromptStatus.PENDING
    assert delivery.tick(NOW + timedelta(minutes=1)).sent == 1
    assert delivery.person(ALICE).delivery_failures == 0  # reached: the count is forgotten


def test_the_platform_saying_the_account_is_deleted_confirms_at_once(delivery: Delivery) -> None:
    delivery.messenger.faults.append(PermanentDeliveryError("user_not_found", confirmed=False))
    original = delivery.messenger.profile

    def deleted_after_the_failure(recipient: Recipient) -> Profile | None:
        # Before the send the platform knows nothing new; after it failed, deleted.
        deleted = not delivery.messenger.faults
        return Profile(ALICE, deleted=True) if deleted else original(recipient)

    delivery.messenger.profile = deleted_after_the_failure  # type: ignore[method-assign]
    report = delivery.tick(NOW)
    assert report.failed == 1
    alice = delivery.person(ALICE)
    assert not alice.active and alice.inactive_reason == "deactivated"


def test_a_workspace_whose_token_fails_pauses_without_using_attempts_then_resumes(
    delivery: Delivery,
) -> None:
    messenger = delivery.messenger
    messenger.faults.append(WorkspaceUnavailable("token_revoked"))
    messenger.workspace_error = WorkspaceUnavailable("token_revoked")
    report = delivery.tick(NOW)
    assert any("sending paused (token_revoked)" in e for e in report.errors)
    prompt = delivery.prompt(ALICE)
    assert prompt.status is PromptStatus.PENDING and prompt.attempts == 0
    assert delivery.tenant("T0ACME").delivery_paused_at == NOW
    assert delivery.tick(NOW + timedelta(minutes=1)).sent == 0 and messenger.checks == 0
    assert delivery.tick(NOW + timedelta(minutes=5)).sent == 0 and messenger.checks == 1
    messenger.workspace_error = None
    assert delivery.tick(NOW + timedelta(minutes=10)).sent == 1 and messenger.checks == 2
    assert delivery.tenant("T0ACME").delivery_paused_at is None


def test_a_deferred_send_waits_for_a_later_tick_without_using_an_attempt(
    delivery: Delivery,
) -> None:
    delivery.messenger.faults.append(DeliveryDeferred("ratelimited"))
    report = delivery.tick(NOW)
    assert report.sent == 0 and any("deferred" in e for e in report.errors)
    prompt = delivery.prompt(ALICE)
    assert prompt.status is PromptStatus.PENDING and prompt.attempts == 0
    assert delivery.tick(NOW + timedelta(minutes=1)).sent == 1


def test_a_prompt_failing_every_time_fails_after_its_attempts(delivery: Delivery) -> None:
    delivery.messenger.faults.extend(RuntimeError("down") for _ in range(5))
    for minute in range(5):
        assert delivery.tick(NOW + timedelta(minutes=minute)).sent == 0
    prompt = delivery.prompt(ALICE)
    assert prompt.status is PromptStatus.FAILED and prompt.attempts == 5
    assert delivery.tick(NOW + timedelta(minutes=5)).sent == 0
    assert delivery.messenger.posted == []


def test_the_closed_week_s_messages_are_updated_by_reference(delivery: Delivery) -> None:
    delivery.tick(NOW)
    delivery.tick(NOW + timedelta(hours=24))
    report = delivery.tick(NOW + timedelta(days=3, hours=8))  # Monday 00:00 in Paris
    assert report.missed == 2  # Bruno's week closes too, though nothing was sent to him
    assert [ref for ref, _view in delivery.messenger.updated] == [
        p.ref for p in delivery.messenger.posted
    ]


@pytest.mark.parametrize(("reason", "comes_back"), [("deactivated", True), ("cannot_dm", False)])
def test_a_profile_read_again_brings_back_only_an_account_restored(
    delivery: Delivery, reason: str, comes_back: bool
) -> None:
    """The background read says the account exists: enough for a deleted account now
    restored, not for someone Palier's messages did not reach."""
    with session_scope(delivery.core.sessions) as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == ALICE)).one()
        alice.active, alice.inactive_reason = False, reason
    delivery.messenger.profiles[ALICE] = Profile(ALICE, locale="fr-FR")
    delivery.tick(NOW)
    assert delivery.messenger.profile_reads == [ALICE]
    assert delivery.person(ALICE).active is comes_back
