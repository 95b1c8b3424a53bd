"""The check-in flow of the application layer, called directly as any front end would:
open the form, skip, snooze and submit a prompt, with no chat platform — what the
front end must show and do comes back as the outcome's view, problems and effects."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.app.checkin import (
    CheckinAnswers,
    PromptAction,
    PromptState,
    PromptView,
    RatedSummary,
    UnstoredCheckin,
)
from bot.app.outcome import Problem, RefreshHome, SendDirect, UpdateMessages
from bot.bootstrap import Core, Flows, build_flows
from bot.domain.checkin_inbox import LEASE, MAX_ATTEMPTS
from bot.domain.people import Profile, find_tenant, upsert_person
from bot.domain.submissions import CheckinAnswer, CheckinSubmission
from storage.models import (
    CheckinInbox,
    CheckinPrompt,
    Person,
    Platform,
    PromptStatus,
    Rating,
    Submission,
)
from tests.app.support import ALICE, NOW, STRANGER, TEAM, Directory

WEEK = ["prospection", "qualification", "closing"]
CLICKED = "D0ALICE:1700000000.000300"  # the message the person clicked (a copy, say)


@dataclass(frozen=True)
class Prompts:
    alice: int
    bob: int
    messages: tuple[str, ...]  # Alice's prompt and its reminder, as the core names them


def _prompt(person: Person, status: PromptStatus = PromptStatus.SENT) -> CheckinPrompt:
    return CheckinPrompt(
        tenant_id=person.tenant_id,
        person_id=person.id,
        cycle_key="2026-W48",
        scheduled_at=NOW - timedelta(hours=1),
        closes_at=NOW + timedelta(days=3),
        status=status,
        competency_ids=WEEK,
    )


def _posted(prompt: CheckinPrompt) -> tuple[str, ...]:
    """The prompt and its reminder were posted; their references, in the core's order."""
    prompt.message_ref = "D0ALICE:1700000000.000100"
    prompt.reminder_ref = "D0ALICE:1700000000.000200"
    return (prompt.message_ref, prompt.reminder_ref)


@pytest.fixture
def prompts(core: Core) -> Prompts:
    """This week's prompt for Alice (sent, then reminded) and one for Bob."""
    with core.sessions.begin() as session:
        tenant = find_tenant(session, Platform.SLACK, TEAM)
        assert tenant is not None
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        bob, _ = upsert_person(session, tenant, Profile("U0BOB", "Bob"))
        bob.referentiel_id = "account-executive"
        session.flush()
        mine, theirs = _prompt(alice), _prompt(bob)
        messages = _posted(mine)
        session.add_all([mine, theirs])
        session.flush()
        return Prompts(mine.id, theirs.id, messages)


def _status(core: Core, prompt_id: int) -> CheckinPrompt:
    with core.sessions() as session:
        prompt = session.get(CheckinPrompt, prompt_id)
        assert prompt is not None
        session.expunge(prompt)
        return prompt


def _answers(prompt_id: int | None, key: str = "view-1", **levels: str) -> CheckinAnswers:
    chosen = {competency: "junior" for competency in WEEK} | levels
    submission = CheckinSubmission(
        answers=[CheckinAnswer(competency_id=c, level_id=level) for c, level in chosen.items()]
    )
    return CheckinAnswers(prompt_id, submission, f"test:{key}", clicked=CLICKED)


def _count(core: Core, model: type) -> int:
    with core.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@dataclass
class Seen:
    statements: list[str]
    transactions: int = 0

    @property
    def tenant_reads(self) -> int:
        return sum("FROM tenants" in sql for sql in self.statements)


@contextmanager
def watching(core: Core) -> Iterator[Seen]:
    seen = Seen([])

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.statements.append(sql)

    def begin(_connection: Any) -> None:
        seen.transactions += 1

    event.listen(core.engine, "before_cursor_execute", statement)
    event.listen(core.engine, "begin", begin)
    try:
        yield seen
    finally:
        event.remove(core.engine, "before_cursor_execute", statement)
        event.remove(core.engine, "begin", begin)


# -- start ---------------------------------------------------------------------------


def test_start_is_the_prompts_form_in_the_persons_language(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    with watching(core) as seen:
        outcome = flows.checkin.start(ALICE, PromptAction(prompts.alice))
    assert outcome.ok and outcome.locale == "en-GB" and outcome.effects == ()
    assert outcome.view is not None and outcome.view.prompt_id == prompts.alice
    assert outcome.view.competency_ids == WEEK
    assert seen.transactions == 1 and seen.tenant_reads == 1  # one short read


def test_start_refuses_someone_elses_prompt_as_an_unknown_one(
    flows: Flows, prompts: Prompts
) -> None:
    assert flows.checkin.start(ALICE, PromptAction(prompts.bob)).refusal == "unknown_prompt"
    assert flows.checkin.start(ALICE, PromptAction(999_999)).refusal == "unknown_prompt"


def test_start_refuses_a_stranger_in_the_language_the_platform_gives(
    flows: Flows, prompts: Prompts
) -> None:
    directory = Directory(Profile("U0NOBODY", locale="en-US"))
    outcome = flows.checkin.start(STRANGER, PromptAction(prompts.alice), directory)
    assert (outcome.view, outcome.refusal, outcome.locale) == (None, "not_enrolled", "en-US")


def test_start_refuses_a_week_done_or_closed(core: Core, flows: Flows, prompts: Prompts) -> None:
    assert flows.checkin.submit(ALICE, _answers(prompts.alice)).ok
    assert flows.checkin.start(ALICE, PromptAction(prompts.alice)).refusal == "already_done"
    later = build_flows(core, clock=lambda: NOW + timedelta(days=3))  # the week has ended
    with core.sessions.begin() as session:
        prompt = session.get(CheckinPrompt, prompts.alice)
        assert prompt is not None
        prompt.status = PromptStatus.SENT
    assert later.checkin.start(ALICE, PromptAction(prompts.alice)).refusal == "closed"


# -- skip and snooze -------------------------------------------------------------------


def test_skip_stores_the_choice_and_every_message_of_the_prompt_says_so(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    with watching(core) as seen:
        outcome = flows.checkin.skip(ALICE, PromptAction(prompts.alice, CLICKED))
    assert outcome.ok and outcome.locale == "en-GB"
    (effect,) = outcome.effects
    assert isinstance(effect, UpdateMessages)
    assert effect.refs == tuple(sorted((*prompts.messages, CLICKED)))
    assert isinstance(effect.view, PromptView) and effect.view.state is PromptState.SKIPPED
    assert effect.view.timezone == "Asia/Kolkata"  # the deadline in Alice's own time
    assert effect.view.form.prompt_id == prompts.alice
    assert _status(core, prompts.alice).status is PromptStatus.SKIPPED
    assert seen.transactions == 1 and seen.tenant_reads == 1


def test_snooze_puts_the_check_in_off_and_says_until_when(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    outcome = flows.checkin.snooze(ALICE, PromptAction(prompts.alice))
    (effect,) = outcome.effects
    assert isinstance(effect, UpdateMessages) and effect.refs == prompts.messages
    assert isinstance(effect.view, PromptView) and effect.view.state is PromptState.SNOOZED
    until = NOW + timedelta(hours=core.settings.snooze_hours)
    assert effect.view.until == until
    stored = _status(core, prompts.alice).snoozed_until
    assert stored is not None and stored.replace(tzinfo=until.tzinfo) == until


def test_a_skipped_week_can_be_snoozed_back_open(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    assert flows.checkin.skip(ALICE, PromptAction(prompts.alice)).ok
    assert flows.checkin.snooze(ALICE, PromptAction(prompts.alice)).ok
    assert _status(core, prompts.alice).status is PromptStatus.SENT


def test_skip_and_snooze_of_someone_elses_prompt_change_nothing(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    for act in (flows.checkin.skip, flows.checkin.snooze):
        outcome = act(ALICE, PromptAction(prompts.bob, CLICKED))
        assert (outcome.refusal, outcome.effects) == ("unknown_prompt", ())
    bob = _status(core, prompts.bob)
    assert (bob.status, bob.snoozed_until) == (PromptStatus.SENT, None)
    assert flows.checkin.skip(STRANGER, PromptAction(prompts.alice)).refusal == "not_enrolled"


# -- submit ----------------------------------------------------------------------------


def test_a_submission_is_stored_and_answers_with_done_the_summary_and_the_home(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    with watching(core) as seen:
        outcome = flows.checkin.submit(ALICE, _answers(prompts.alice, closing="intermediaire"))
    assert outcome.ok and outcome.locale == "en-GB"
    done, direct, home = outcome.effects
    assert isinstance(done, UpdateMessages)
    assert done.refs == tuple(sorted((*prompts.messages, CLICKED)))
    assert isinstance(done.view, PromptView) and done.view.state is PromptState.DONE
    assert isinstance(direct, SendDirect) and direct.user_id == "U0ALICE"
    assert direct.near == CLICKED  # in the DM the form was opened from
    assert isinstance(direct.view, RatedSummary) and direct.view.rated == frozenset(WEEK)
    closing = next(c for c in direct.view.summary.competencies if c.competency.id == "closing")
    assert closing.current is not None and closing.current.id == "intermediaire"  # as stored
    assert home == RefreshHome("U0ALICE")
    assert _status(core, prompts.alice).status is PromptStatus.DONE
    assert _count(core, Rating) == 3
    # Validated, stored and read for the effects in one transaction, the actor once.
    assert seen.transactions == 1 and seen.tenant_reads == 1


def test_without_the_clicked_message_the_summary_goes_beside_the_prompt(
    flows: Flows, prompts: Prompts
) -> None:
    answers = _answers(prompts.alice)
    outcome = flows.checkin.submit(
        ALICE, CheckinAnswers(answers.prompt_id, answers.submission, answers.idempotency_key)
    )
    direct = outcome.effects[1]
    assert isinstance(direct, SendDirect) and direct.near in prompts.messages


def test_a_submission_delivered_twice_is_stored_once_and_answered_once(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    assert flows.checkin.submit(ALICE, _answers(prompts.alice)).effects != ()
    again = flows.checkin.submit(ALICE, _answers(prompts.alice))
    assert again.ok and again.effects == ()
    assert (_count(core, Submission), _count(core, Rating)) == (1, 3)


def test_problems_go_back_beside_their_fields_with_nothing_stored(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    outcome = flows.checkin.submit(ALICE, _answers(prompts.alice, closing="astronaut"))
    assert not outcome.ok and outcome.effects == () and outcome.locale == "en-GB"
    assert outcome.problems == (Problem("level", "checkin.problem.unknown_level", "closing"),)
    assert (_count(core, Submission), _count(core, Rating)) == (0, 0)
    assert _status(core, prompts.alice).status is PromptStatus.SENT


def test_a_form_that_could_not_be_read_or_names_no_prompt_stores_nothing(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    unreadable = CheckinAnswers(prompts.alice, None, "test:unreadable")
    assert flows.checkin.submit(ALICE, unreadable).problems == (
        Problem("level", "checkin.problem.level_required"),
    )
    assert flows.checkin.submit(ALICE, _answers(None)).refusal == "unknown_prompt"
    assert flows.checkin.submit(ALICE, _answers(prompts.bob)).refusal == "unknown_prompt"
    assert flows.checkin.submit(STRANGER, _answers(prompts.alice)).refusal == "not_enrolled"
    assert _count(core, Submission) == 0


# -- received first, stored after (the check-in inbox) ----------------------------------


def test_a_received_submission_is_kept_in_one_read_and_one_insert_then_stored_once(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    with watching(core) as seen:
        received = flows.checkin.receive(ALICE, _answers(prompts.alice))
    assert received.ok and received.locale == "en-GB" and received.effects == ()
    assert received.view is not None and received.view.key == "test:view-1"
    statements = [sql for sql in seen.statements if not sql.startswith("BEGIN")]
    assert seen.transactions == 1 and len(statements) == 2  # one read, one insert
    assert (_count(core, CheckinInbox), _count(core, Rating)) == (1, 0)
    assert flows.checkin.receive(ALICE, _answers(prompts.alice)).ok  # delivered again
    assert _count(core, CheckinInbox) == 1
    stored = flows.checkin.store_received(ALICE, "test:view-1")
    done, direct, home = stored.effects
    assert isinstance(done, UpdateMessages) and isinstance(direct, SendDirect)
    assert home == RefreshHome("U0ALICE")
    assert flows.checkin.store_received(ALICE, "test:view-1").effects == ()  # taken already
    assert (_count(core, CheckinInbox), _count(core, Rating)) == (0, 3)
    assert _status(core, prompts.alice).status is PromptStatus.DONE


def test_what_cannot_be_received_is_answered_as_a_submission_with_nothing_kept(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    wrong = flows.checkin.receive(ALICE, _answers(prompts.alice, closing="astronaut"))
    assert wrong.problems == (Problem("level", "checkin.problem.unknown_level", "closing"),)
    assert flows.checkin.receive(ALICE, _answers(prompts.bob)).refusal == "unknown_prompt"
    assert flows.checkin.receive(ALICE, _answers(None)).refusal == "unknown_prompt"
    assert flows.checkin.receive(STRANGER, _answers(prompts.alice)).refusal == "not_enrolled"
    unreadable = CheckinAnswers(prompts.alice, None, "test:unreadable")
    assert flows.checkin.receive(ALICE, unreadable).problems == (
        Problem("level", "checkin.problem.level_required"),
    )
    assert (_count(core, CheckinInbox), _count(core, Submission)) == (0, 0)


def test_a_check_in_left_behind_is_taken_up_once_its_lease_ran_out(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    assert flows.checkin.receive(ALICE, _answers(prompts.alice)).ok  # then the process died
    assert flows.checkin.left_behind(Platform.SLACK) == []
    later = build_flows(core, clock=lambda: NOW + LEASE)
    assert later.checkin.left_behind(Platform.TEAMS) == []
    (taken,) = later.checkin.left_behind(Platform.SLACK)
    assert taken == (ALICE, "test:view-1")
    assert later.checkin.left_behind(Platform.SLACK) == []  # leased again: once
    assert later.checkin.store_received(*taken).effects != ()
    assert (_count(core, CheckinInbox), _count(core, Rating)) == (0, 3)


def test_a_check_in_that_keeps_failing_is_given_back_to_the_person(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    assert flows.checkin.receive(ALICE, _answers(prompts.alice)).ok
    for attempt in range(1, MAX_ATTEMPTS + 1):  # each try failed (its lease ran out)
        tried = build_flows(core, clock=partial(lambda n: NOW + n * LEASE, attempt))
        assert len(tried.checkin.left_behind(Platform.SLACK)) == 1
    (told,) = flows.checkin.store_received(ALICE, "test:view-1").effects
    assert isinstance(told, SendDirect) and isinstance(told.view, UnstoredCheckin)
    assert told.view.reason == "failed" and told.near == CLICKED
    assert (_count(core, CheckinInbox), _count(core, Rating)) == (1, 0)  # kept aside
    assert flows.checkin.store_received(ALICE, "test:view-1").effects == ()
    assert (
        build_flows(core, clock=lambda: NOW + 99 * LEASE).checkin.left_behind(Platform.SLACK) == []
    )


def test_submissions_kept_together_are_each_checked_on_their_own(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    batch = [
        (ALICE, _answers(prompts.alice, key="mine")),
        (ALICE, _answers(prompts.bob, key="theirs")),
        (ALICE, _answers(prompts.alice, key="wrong", closing="astronaut")),
        (STRANGER, _answers(prompts.alice, key="stranger")),
        (ALICE, _answers(prompts.alice, key="mine")),  # delivered twice in one batch
    ]
    with watching(core) as seen:
        kept = flows.checkin._keep(batch)
    assert kept == ["en-GB", None, None, None, "en-GB"]
    assert len([sql for sql in seen.statements if not sql.startswith("BEGIN")]) == 2
    with core.sessions() as session:
        assert session.scalars(select(CheckinInbox.idempotency_key)).all() == ["test:mine"]
