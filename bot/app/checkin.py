"""The weekly check-in as the person acts on it: open the form, submit it, skip the
week, or put it off a few hours.

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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.app.actor import Actor, ActorRef
from bot.app.messages import prompt_messages
from bot.app.outcome import Effect, Outcome, Problem, RefreshHome, SendDirect, UpdateMessages
from bot.app.unit_of_work import UnitOfWork
from bot.domain.checkin import CheckinForm, CheckinService, Refusal, build_form, load_summary
from bot.domain.people import Directory
from bot.domain.progress import ProgressSummary
from bot.domain.submissions import CheckinSubmission, FieldProblem
from referentiels.loader import ReferentielCatalog
from storage.models import CheckinPrompt, Person

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


@dataclass(frozen=True)
class RatedSummary:
    """The level-progress summary sent after a check-in, told for what was just rated."""

    summary: ProgressSummary
    rated: frozenset[str]  # competency ids


@dataclass(frozen=True)
class PromptAction:
    """A click on one of a prompt's buttons."""

    prompt_id: int
    clicked: str | None = None  # the message clicked (an opaque reference), updated too


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
        """The check-in put off a few hours; the prompt says until when."""
        with self.work.begin(ref) as (session, actor):
            if actor.person is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            prompt = self.checkins.snooze(session, actor.person, action.prompt_id, self.clock())
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
            if result.refusal is not None:
                return Outcome.refused(actor.locale, result.refusal.value)
            if result.problems:
                problems = tuple(_problem(problem) for problem in result.problems)
                return Outcome.to_fix(actor.locale, problems)
            if result.duplicate or result.prompt is None:
                return Outcome(actor.locale)
            effects = self._after_checkin(session, actor, person, result.prompt, answers, now)
            return Outcome(actor.locale, effects=effects)

    def _after_checkin(
        self,
        session: Session,
        actor: Actor,
        person: Person,
        prompt: CheckinPrompt,
        answers: CheckinAnswers,
        now: datetime,
    ) -> tuple[Effect, ...]:
        referentiel = self.checkins.referentiel_of(person)
        assert referentiel is not None and answers.submission is not None  # stored: both known
        done = PromptView(
            build_form(session, person, prompt, referentiel), PromptState.DONE, actor.timezone
        )
        summary = load_summary(session, person, referentiel, now, actor.timezone)
        rated = frozenset(answer.competency_id for answer in answers.submission.answers)
        # The summary goes beside the message the form was opened from, else the prompt's.
        near = answers.clicked or next(iter(prompt_messages(prompt)), None)
        return (
            *self._shown(prompt, answers.clicked, done),
            SendDirect(
                actor.ref.user_id,
                RatedSummary(summary, rated),
                near=near,
                conversation=person.conversation_ref,
            ),
            RefreshHome(actor.ref.user_id),
        )

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
        view = PromptView(form, state, actor.timezone, until)
        return Outcome(actor.locale, effects=self._shown(prompt, action.clicked, view))

    @staticmethod
    def _shown(prompt: CheckinPrompt, clicked: str | None, view: PromptView) -> tuple[Effect, ...]:
        """Every message of the prompt (its reminder, the one clicked) shows ``view``."""
        refs = prompt_messages(prompt, clicked)
        return (UpdateMessages(refs, view),) if refs else ()
