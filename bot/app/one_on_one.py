"""The 1:1 flow: the brief, "1:1 done", the private note, and recurring 1:1s.

Each operation is one unit of work with the actor resolved once (and their admin
flag only where it changes the answer: a brief about someone else, a schedule);
the 1:1 service (:mod:`bot.domain.one_on_one`) then applies the access policy to the
actor's person, so a click's or a form's claim (a report's id) is checked like the
command. Refusals are neutral codes: :class:`~bot.domain.one_on_one.OneOnOneRefusal`'s
values, :data:`USAGE` and :data:`SCHEDULE_USAGE`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.app.actor import ActorRef
from bot.app.outcome import Outcome, Problem
from bot.app.unit_of_work import UnitOfWork
from bot.domain.one_on_one import OneOnOneRefusal, OneOnOneService
from bot.domain.one_on_one_views import Brief, NoteLine, PersonRef, Recorded, ScheduleInfo
from bot.domain.people import Directory
from bot.domain.scheduling import parse_local_time, parse_weekday
from referentiels.loader import ReferentielCatalog

USAGE = "usage"  # refusal: not a 1:1 command
SCHEDULE_USAGE = "schedule_usage"  # refusal: not a weekday and a time
NOTE = "note"  # the note form's one field
# What is wrong with a note's text itself: said on its field, nothing stored.
NOTE_PROBLEMS = frozenset({OneOnOneRefusal.EMPTY_NOTE, OneOnOneRefusal.NOTE_TOO_LONG})


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefRequest:
    """Whose brief: someone by platform user id, or None (or oneself) for one's own prep."""

    target_user_id: str | None = None


@dataclass(frozen=True)
class ScheduleRequest:
    """A recurring 1:1 with ``target_user_id``: a weekday and a local time, as typed
    (French or English day names; empty when not given)."""

    target_user_id: str
    day: str
    time: str


@dataclass(frozen=True)
class DoneClick:
    """ "1:1 done" on a brief: whom, when the brief was shown, the 1:1 it followed."""

    report_id: int
    shown_at: datetime
    last_seen_id: int | None


@dataclass(frozen=True)
class NoteForm:
    """A private note submitted about a report (``report_id`` None: not a row id)."""

    report_id: int | None
    text: str
    idempotency_key: str  # the same submission delivered twice stores one note


# -- views ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefView:
    brief: Brief
    timezone: str  # the actor's: the brief's dates are shown there


@dataclass(frozen=True)
class RecordedView:
    recorded: Recorded
    timezone: str


@dataclass(frozen=True)
class ScheduleSet:
    report: PersonRef
    schedule: ScheduleInfo


@dataclass(frozen=True)
class ScheduleStopped:
    report: PersonRef
    existed: bool  # False: there was no recurring 1:1 to stop


class OneOnOneFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        one_on_ones: OneOnOneService,
        *,
        indirect: bool = False,  # PALIER_MANAGERS_SEE_INDIRECT
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.one_on_ones = one_on_ones
        self.indirect = indirect

    def usage(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        """Not a 1:1 command: how to write one, in the actor's language."""
        with self.work.begin(ref, directory) as (_session, actor):
            return Outcome.refused(actor.locale, USAGE)

    def brief(
        self, ref: ActorRef, request: BriefRequest, directory: Directory | None = None
    ) -> Outcome[BriefView]:
        """The brief about someone, or one's own prep; only the former needs the admin flag."""
        other = request.target_user_id not in (None, ref.user_id)
        with self.work.begin(ref, directory, admin=other) as (session, actor):
            brief = self.one_on_ones.brief_for(
                session,
                actor.person,
                request.target_user_id if other else None,
                self.clock(),
                is_admin=actor.is_admin,
                indirect=self.indirect,
            )
            if isinstance(brief, OneOnOneRefusal):
                return Outcome.refused(actor.locale, brief.value)
            return Outcome(actor.locale, BriefView(brief, actor.timezone))

    def schedule(
        self, ref: ActorRef, request: ScheduleRequest, directory: Directory | None = None
    ) -> Outcome[ScheduleSet]:
        """A recurring 1:1, for the report's manager. An admin may read anyone's brief,
        so they are told "manager only" rather than "no such person"."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            try:
                weekday, at = parse_weekday(request.day), parse_local_time(request.time)
            except ValueError:
                return Outcome.refused(actor.locale, SCHEDULE_USAGE)
            done = self.one_on_ones.set_schedule(
                session,
                actor.person,
                request.target_user_id,
                weekday,
                at,
                self.clock(),
                is_admin=actor.is_admin,
                indirect=self.indirect,
            )
            if isinstance(done, OneOnOneRefusal):
                return Outcome.refused(actor.locale, done.value)
            return Outcome(actor.locale, ScheduleSet(*done))

    def stop_schedule(
        self, ref: ActorRef, target_user_id: str, directory: Directory | None = None
    ) -> Outcome[ScheduleStopped]:
        """No more recurring brief about ``target_user_id``."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            cleared = self.one_on_ones.clear_schedule(
                session,
                actor.person,
                target_user_id,
                is_admin=actor.is_admin,
                indirect=self.indirect,
            )
            if isinstance(cleared, OneOnOneRefusal):
                return Outcome.refused(actor.locale, cleared.value)
            return Outcome(actor.locale, ScheduleStopped(*cleared))

    def done(self, ref: ActorRef, click: DoneClick | None) -> Outcome[RecordedView]:
        """ "1:1 done": recorded, the topics the brief showed discussed. ``click`` None: a
        button value that is not one of Palier's, answered like someone unknown."""
        with self.work.begin(ref) as (session, actor):
            if click is None:
                return Outcome.refused(actor.locale, OneOnOneRefusal.UNAVAILABLE.value)
            recorded = self.one_on_ones.record_one_on_one(
                session,
                actor.person,
                click.report_id,
                self.clock(),
                shown_at=click.shown_at,
                last_seen_id=click.last_seen_id,
                indirect=self.indirect,
            )
            if isinstance(recorded, OneOnOneRefusal):
                return Outcome.refused(actor.locale, recorded.value)
            return Outcome(actor.locale, RecordedView(recorded, actor.timezone))

    def open_note(self, ref: ActorRef, report_id: int | None) -> Outcome[PersonRef]:
        """Whom the note form is about, for the report's manager only."""
        with self.work.begin(ref) as (session, actor):
            report = (
                self.one_on_ones.report_for_note(
                    session, actor.person, report_id, indirect=self.indirect
                )
                if report_id is not None
                else OneOnOneRefusal.UNAVAILABLE
            )
            if isinstance(report, OneOnOneRefusal):
                return Outcome.refused(actor.locale, report.value)
            return Outcome(actor.locale, report)

    def save_note(self, ref: ActorRef, form: NoteForm) -> Outcome[NoteLine | None]:
        """The note stored (view None: this same submission was stored already); a
        problem on the text, or a refusal, and nothing stored."""
        with self.work.begin(ref) as (session, actor):
            note = (
                self.one_on_ones.add_note(
                    session,
                    actor.person,
                    form.report_id,
                    form.text,
                    self.clock(),
                    idempotency_key=form.idempotency_key,
                    indirect=self.indirect,
                )
                if form.report_id is not None
                else OneOnOneRefusal.UNAVAILABLE
            )
            if isinstance(note, OneOnOneRefusal):
                if note in NOTE_PROBLEMS:
                    return Outcome.to_fix(actor.locale, (Problem(NOTE, refusal_key(note.value)),))
                return Outcome.refused(actor.locale, note.value)
            return Outcome(actor.locale, note)


def refusal_key(code: str) -> str:
    """The catalog message of a 1:1 refusal code (the 1:1's keys name no platform)."""
    return {USAGE: "one_on_one.usage", SCHEDULE_USAGE: "one_on_one.schedule.usage"}.get(
        code, f"one_on_one.refusal.{code}"
    )
