"""The weekly check-in as the person acts on it: open the form, submit it, skip the
week, or put it off a few hours; and, until the week closes, edit it (the form filled
in as submitted; submitting it again replaces the week's, :mod:`bot.domain.checkin_edit`).

Each operation is one unit of work with the actor resolved once (a submission is
validated, stored and everything its effects show is read in the same
transaction), so what a front end carries out after answering — the prompt's
messages turned to their new state, the summary in the person's DM, their Home —
never needs another read. Refusals are the neutral codes of
:class:`bot.domain.checkin.Refusal`; a submission's problems go back beside their
fields (:class:`~bot.app.outcome.Problem`, keys under ``checkin.problem.``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.app.actor import Actor, ActorRef
from bot.app.batches import Batches
from bot.app.messages import prompt_messages
from bot.app.outcome import Effect, Outcome, Problem, RefreshHome, SendDirect, UpdateMessages
from bot.app.unit_of_work import UnitOfWork
from bot.domain import checkin_inbox as inbox
from bot.domain.checkin import (
    CheckinForm,
    CheckinService,
    Refusal,
    SubmitResult,
    build_form,
    load_summary,
)
from bot.domain.checkin_edit import editable
from bot.domain.people import Directory, person_locale
from bot.domain.progress import ProgressSummary
from bot.domain.snooze import SnoozeOption, snooze_options
from bot.domain.submissions import CheckinSubmission, FieldProblem, validate_checkin
from bot.i18n import Locale
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, Platform

# The form could not be read at all (a malformed submission): a level is what it lacks.
UNREADABLE = Problem(field="level", key="checkin.problem.level_required")


class PromptState(enum.StrEnum):
    """What a prompt's messages say once the person acted on it."""

    DONE = "done"
    SKIPPED = "skipped"
    SNOOZED = "snoozed"


@dataclass(frozen=True)
class PromptView:
    """A prompt in its new state, for every message that shows it."""

    form: CheckinForm
    state: PromptState
    timezone: str  # the person's: the deadline, and when a snoozed prompt comes back
    until: datetime | None = None  # SNOOZED: when it comes back
    snooze: tuple[SnoozeOption, ...] = ()  # SKIPPED, SNOOZED: the snooze choices still open


@dataclass(frozen=True)
class EditOffer:
    """A check-in that can still be edited: its prompt, until when (the person's zone)."""

    prompt_id: int
    closes_at: datetime
    timezone: str


@dataclass(frozen=True)
class RatedSummary:
    """The level-progress summary sent after a check-in, told for what was just rated;
    after an edit, which competencies await the manager's review again."""

    summary: ProgressSummary
    rated: frozenset[str]  # competency ids
    edit: EditOffer | None = None  # None once the week is closed
    edited: bool = False
    reopened: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PromptAction:
    """A click on one of a prompt's buttons."""

    prompt_id: int
    clicked: str | None = None  # the message clicked (an opaque reference), updated too
    choice: str | None = None  # Later: the snooze choice clicked, as the button carried it


@dataclass(frozen=True)
class CheckinAnswers:
    """A filled-in check-in form.

    ``prompt_id`` is None when the form did not say which prompt it answers, and
    ``submission`` None when the front end could not read the form; both are
    answered (a refusal, a problem) in the person's language. ``idempotency_key``
    is the same for every delivery of one submission (Slack's view id).
    """

    prompt_id: int | None
    submission: CheckinSubmission | None
    idempotency_key: str
    clicked: str | None = None  # the message the form was opened from


@dataclass(frozen=True)
class Received:
    """A check-in acknowledged before it is stored: the front end answers at once, then
    has it stored (:meth:`CheckinFlow.store_received`) with ``key``."""

    key: str


@dataclass(frozen=True)
class UnstoredCheckin:
    """A received check-in that could not be stored after all, told to the person with
    their answers. ``reason``: a key under ``checkin_unstored.why``."""

    submission: CheckinSubmission
    referentiel: Referentiel | None  # the person's, to name competencies and levels
    reason: str


def _problem(problem: FieldProblem) -> Problem:
    return Problem(problem.field, f"checkin.problem.{problem.key}", problem.competency_id)


class CheckinFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        checkins: CheckinService,
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.checkins = checkins
        # Submissions arriving while others are kept share the next transaction (two at
        # once: one waits on the database while the other is written).
        self._keeping = Batches(self._keep, most=32, lanes=2)

    def start(
        self, ref: ActorRef, action: PromptAction, directory: Directory | None = None
    ) -> Outcome[CheckinForm]:
        """The form of the prompt, from one short read (a modal must open within seconds)."""
        with self.work.begin(ref, directory) as (session, actor):
            if actor.person is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            form = self.checkins.open_form(session, actor.person, action.prompt_id, self.clock())
            if isinstance(form, Refusal):
                return Outcome.refused(actor.locale, form.value)
            return Outcome(actor.locale, form)

    def edit(
        self, ref: ActorRef, action: PromptAction, directory: Directory | None = None
    ) -> Outcome[CheckinForm]:
        """The form of a submitted check-in, filled in as it was, while its week is open
        (submitting it replaces the week's: :meth:`receive`, :meth:`submit`)."""
        with self.work.begin(ref, directory) as (session, actor):
            if actor.person is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            form = self.checkins.open_edit(session, actor.person, action.prompt_id, self.clock())
            if form is Refusal.EDIT_CLOSED:  # said with when the week closed
                closes_at = self.checkins.closes_at(session, actor.person, action.prompt_id)
                return _edit_closed(actor, closes_at)
            if isinstance(form, Refusal):
                return Outcome.refused(actor.locale, form.value)
            return Outcome(actor.locale, form)

    def skip(self, ref: ActorRef, action: PromptAction) -> Outcome[None]:
        """No check-in this week (no reminder); the prompt can still be started."""
        with self.work.begin(ref) as (session, actor):
            if actor.person is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            prompt = self.checkins.skip(session, actor.person, action.prompt_id, self.clock())
            if isinstance(prompt, Refusal):
                return Outcome.refused(actor.locale, prompt.value)
            return self._acted(session, actor, actor.person, prompt, action, PromptState.SKIPPED)

    def snooze(self, ref: ActorRef, action: PromptAction) -> Outcome[None]:
        """The check-in put off to the choice clicked (in an hour, this evening, tomorrow
        morning: in the person's time zone); the prompt says until when. A choice no
        longer offered, or none offered at all, is refused and changes nothing."""
        with self.work.begin(ref) as (session, actor):
            if actor.person is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            prompt = self.checkins.snooze(
                session,
                actor.person,
                action.prompt_id,
                self.clock(),
                action.choice,
                actor.timezone,
            )
            if isinstance(prompt, Refusal):
                return Outcome.refused(actor.locale, prompt.value)
            return self._acted(session, actor, actor.person, prompt, action, PromptState.SNOOZED)

    def submit(self, ref: ActorRef, answers: CheckinAnswers) -> Outcome[None]:
        """Validate and store a check-in, in one transaction with what its effects show.

        Problems come back with nothing stored; a second delivery of a stored
        submission stores nothing and has no effect. Once stored: the prompt's
        messages turn to done, the summary of the rated competencies goes to the
        person's DM, and their Home is shown again.
        """
        with self.work.begin(ref) as (session, actor):
            if answers.prompt_id is None:
                return Outcome.refused(actor.locale, Refusal.UNKNOWN_PROMPT.value)
            if answers.submission is None:
                return Outcome.to_fix(actor.locale, (UNREADABLE,))
            person = actor.person
            if person is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            now = self.clock()
            result = self.checkins.submit(
                session,
                person,
                answers.prompt_id,
                answers.submission,
                answers.idempotency_key,
                now,
            )
            if result.refusal is Refusal.EDIT_CLOSED:
                return _edit_closed(actor, result.prompt.closes_at if result.prompt else None)
            if result.refusal is not None:
                return Outcome.refused(actor.locale, result.refusal.value)
            if result.problems:
                problems = tuple(_problem(problem) for problem in result.problems)
                return Outcome.to_fix(actor.locale, problems)
            if result.duplicate or result.prompt is None:
                return Outcome(actor.locale)
            effects = self._after_checkin(session, actor, person, result, answers, now)
            return Outcome(actor.locale, effects=effects)

    def receive(self, ref: ActorRef, answers: CheckinAnswers) -> Outcome[Received]:
        """What the answer to a submission needs, and no more: the inline checks (the
        prompt is the person's, the form against their référentiel in memory) and the
        submission kept in the inbox — one read, one insert, shared by the submissions
        arriving meanwhile (:class:`~bot.app.batches.Batches`). The front end answers,
        then has it stored (:meth:`store_received`); if the process dies first, a tick
        does (:meth:`left_behind`). Anything but a valid form of the person's own prompt
        is answered as :meth:`submit` answers it: a refusal or problems, nothing kept.
        """
        if answers.prompt_id is not None and answers.submission is not None:
            locale = self._keeping((ref, answers))
            if locale is not None:
                return Outcome(locale, Received(answers.idempotency_key))
        answered = self.submit(ref, answers)
        return Outcome(
            answered.locale,
            None,
            answered.refusal,
            answered.problems,
            answered.effects,
            answered.closed,
        )

    def _keep(self, batch: Sequence[tuple[ActorRef, CheckinAnswers]]) -> list[Locale | None]:
        """Each valid submission of ``batch`` kept in the inbox, in one transaction: its
        sender's language (None: not kept, for :meth:`submit` to answer)."""
        asked = [(r.platform, r.workspace_id, r.user_id, a.prompt_id or 0) for r, a in batch]
        now, kept, rows = self.clock(), list[Locale | None](), []
        with session_scope(self.work.sessions) as session:
            for (_, answers), who in zip(batch, inbox.senders(session, asked), strict=True):
                referentiel = self.catalog.get(who.referentiel_id or "") if who else None
                submission = answers.submission
                if (
                    who is None
                    or who.prompt_id is None
                    or referentiel is None
                    or submission is None
                    or validate_checkin(submission, referentiel, list(who.competency_ids))
                    or who.edit_closed(now)  # for submit to answer (or a replay: nothing)
                ):
                    kept.append(None)
                    continue
                dump = submission.model_dump(mode="json")
                rows.append(inbox.row(who, answers.idempotency_key, dump, answers.clicked, now))
                kept.append(person_locale(who.locale, self.work.defaults.locale))
            inbox.put(session, rows)
        return kept

    def store_received(self, ref: ActorRef, key: str) -> Outcome[None]:
        """Store a check-in :meth:`receive` kept, in one transaction with what its effects
        show (as :meth:`submit`); nothing when another worker or a tick stored it, or it
        was stored before. One that cannot be stored (the person or their prompt changed
        since, or it failed :data:`~bot.domain.checkin_inbox.MAX_ATTEMPTS` times) is kept
        aside and given back to the person in their DM, with their answers.
        """
        with self.work.begin(ref) as (session, actor):
            person = actor.person
            received = inbox.take(session, person.tenant_id, key) if person else None
            if person is None or received is None:
                return Outcome(actor.locale)
            submission = CheckinSubmission.model_validate(received.answers)
            answers = CheckinAnswers(received.prompt_id, submission, key, received.clicked)
            now = self.clock()
            if received.attempts > inbox.MAX_ATTEMPTS:
                return self._unstored(session, actor, person, received, "failed", now)
            result = self.checkins.submit(
                session, person, received.prompt_id, submission, key, now, received.received_at
            )
            if result.refusal is not None or result.problems:
                reason = result.refusal.value if result.refusal else "problems"
                if result.refusal is Refusal.EDIT_CLOSED:  # submitted before, stored after
                    reason = Refusal.CLOSED.value
                return self._unstored(session, actor, person, received, reason, now)
            if result.duplicate or result.prompt is None:
                return Outcome(actor.locale)
            effects = self._after_checkin(session, actor, person, result, answers, now)
            return Outcome(actor.locale, effects=effects)

    def left_behind(self, platform: Platform) -> list[tuple[ActorRef, str]]:
        """The check-ins of ``platform`` received by a process that did not store them in
        time (it died after answering), now leased to the caller: who sent each (to
        :meth:`store_received`), and its key."""
        with session_scope(self.work.sessions) as session:
            taken = inbox.left_behind(session, platform, self.clock())
        return [(ActorRef(platform, t.workspace_id, t.user_id), t.key) for t in taken]

    def _unstored(
        self,
        session: Session,
        actor: Actor,
        person: Person,
        received: inbox.Received,
        reason: str,
        now: datetime,
    ) -> Outcome[None]:
        prompt = session.get(CheckinPrompt, received.prompt_id)
        if prompt is not None:  # else erased with the person's data: nothing to keep
            inbox.keep_unstored(session, person.tenant_id, person.id, received, reason, now)
        near = received.clicked or (next(iter(prompt_messages(prompt)), None) if prompt else None)
        submission = CheckinSubmission.model_validate(received.answers)
        view = UnstoredCheckin(submission, self.checkins.referentiel_of(person), reason)
        told = SendDirect(actor.ref.user_id, view, near=near, conversation=person.conversation_ref)
        return Outcome(actor.locale, effects=(told,))

    def _after_checkin(
        self,
        session: Session,
        actor: Actor,
        person: Person,
        result: SubmitResult,
        answers: CheckinAnswers,
        now: datetime,
    ) -> tuple[Effect, ...]:
        """A check-in stored: the prompt's messages say done, the summary follows. After
        an edit, the summary it was opened from shows the new levels (the prompt says
        done already); opened elsewhere, a new summary is sent."""
        prompt = result.prompt
        referentiel = self.checkins.referentiel_of(person)
        assert referentiel is not None and answers.submission is not None  # stored: both known
        assert prompt is not None
        summary = load_summary(session, person, referentiel, now, actor.timezone)
        rated = frozenset(answer.competency_id for answer in answers.submission.answers)
        still_open = editable(prompt.status, prompt.closes_at, now)
        offer = EditOffer(prompt.id, prompt.closes_at, actor.timezone) if still_open else None
        view = RatedSummary(summary, rated, offer, result.replaced, result.reopened)
        home = RefreshHome(actor.ref.user_id)
        clicked = answers.clicked
        if result.replaced and clicked is not None and clicked not in prompt_messages(prompt):
            return UpdateMessages((clicked,), view), home
        # The summary goes beside the message the form was opened from, else the prompt's.
        near = clicked or next(iter(prompt_messages(prompt)), None)
        told = SendDirect(actor.ref.user_id, view, near=near, conversation=person.conversation_ref)
        if result.replaced:
            return told, home
        done = PromptView(
            build_form(session, person, prompt, referentiel), PromptState.DONE, actor.timezone
        )
        return (*self._shown(prompt, clicked, done), told, home)

    def _acted(
        self,
        session: Session,
        actor: Actor,
        person: Person,
        prompt: CheckinPrompt,
        action: PromptAction,
        state: PromptState,
    ) -> Outcome[None]:
        """Skipped or snoozed: every message of the prompt shows its new state."""
        referentiel = self.checkins.referentiel_of(person)
        assert referentiel is not None  # the service refused anyone not enrolled
        form = build_form(session, person, prompt, referentiel)
        until = prompt.snoozed_until if state is PromptState.SNOOZED else None
        snooze = snooze_options(self.clock(), actor.timezone, prompt.closes_at)
        view = PromptView(form, state, actor.timezone, until, snooze)
        return Outcome(actor.locale, effects=self._shown(prompt, action.clicked, view))

    @staticmethod
    def _shown(prompt: CheckinPrompt, clicked: str | None, view: PromptView) -> tuple[Effect, ...]:
        """Every message of the prompt (its reminder, the one clicked) shows ``view``."""
        refs = prompt_messages(prompt, clicked)
        return (UpdateMessages(refs, view),) if refs else ()


def _edit_closed(actor: Actor, closes_at: datetime | None) -> Outcome[Any]:
    """An edit refused because the week closed: when it closed, in the person's zone."""
    closed = (closes_at, actor.timezone) if closes_at is not None else None
    return Outcome(actor.locale, refusal=Refusal.EDIT_CLOSED.value, closed=closed)
