"""The person's own page (Slack's App Home): what it shows, and what its buttons do.

The Home was the front end's most expensive page: each request looked the person up
once per service it called (four reads of the workspace to publish it). Here each
operation is one unit of work with the actor resolved once, the domain
(:class:`~bot.domain.home.HomeService`) is given that person, and a change answers a
:class:`~bot.app.outcome.RefreshHome` effect: the front end shows the Home again
(calling :meth:`HomeFlow.home`). The Home shows the actor's own data only — and, to a
manager, their team at a glance (:mod:`bot.domain.home_team`), as the team view and the
review would show it to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.app.actor import ActorRef
from bot.app.evidence import enrolment
from bot.app.outcome import Outcome, Problem, RefreshHome
from bot.app.summary import LANGUAGE_USAGE
from bot.app.unit_of_work import UnitOfWork
from bot.domain.checkin import CheckinForm, Refusal
from bot.domain.home import Home, HomeService, Schedule
from bot.domain.home_team import TeamPage, TeamPulse, team_pulse
from bot.domain.people import Directory, choose_locale
from bot.domain.review import ReviewService
from bot.domain.scheduling import parse_local_time
from bot.domain.team import TeamService
from bot.i18n import LOCALES
from bot.views.checkin import REFUSALS
from referentiels.loader import ReferentielCatalog
from storage.models import Person

NOT_ENROLLED = Refusal.NOT_ENROLLED.value


@dataclass(frozen=True)
class PauseForm:
    """What the pause form starts from: the person's local today, and a pause running."""

    today: date
    paused_until: date | None


@dataclass(frozen=True)
class PauseChoice:
    """The last day of the pause (a local date, included); None when none was given."""

    until: date | None


@dataclass(frozen=True)
class ScheduleForm:
    """The person's slot, shown in their time zone."""

    schedule: Schedule
    timezone: str


@dataclass(frozen=True)
class ScheduleChoice:
    """A weekday (``0`` = Monday … ``6``) and a time (``HH:MM``) as chosen; None for
    either means the workspace's default."""

    weekday: str | None = None
    local_time: str | None = None


def refusal_key(code: str) -> str:
    """The catalog message of a refusal of the Home's flows (a flow's code names no
    platform; each front end shows the message its own way)."""
    if code == LANGUAGE_USAGE:
        return "language.usage"
    return REFUSALS.get(code, f"refusal.{code}")


def _weekday(text: str) -> int | None:
    """``0`` … ``6``; None for anything else."""
    return int(text) if text in {str(day) for day in range(7)} else None


def _local_time(text: str) -> time | None:
    try:
        return parse_local_time(text)
    except ValueError:
        return None


class HomeFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        home: HomeService,
        *,
        reviews: ReviewService | None = None,
        team: TeamService | None = None,
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.service = home
        # With both, a manager's Home has its team section (bot.domain.home_team).
        self.reviews = reviews
        self.team = team

    def home(
        self, ref: ActorRef, page: int = 0, directory: Directory | None = None
    ) -> Outcome[Home]:
        """The actor's Home with their evidence page ``page`` (and a manager's team);
        refused when not followed (in the language the platform gives, with
        ``directory``)."""
        outcome = self.page(ref, page, directory)
        if isinstance(outcome.view, Home):
            return Outcome(outcome.locale, outcome.view)
        return Outcome.refused(outcome.locale, NOT_ENROLLED)

    def page(
        self, ref: ActorRef, page: int = 0, directory: Directory | None = None
    ) -> Outcome[Home | TeamPage]:
        """What the actor's page shows: their Home (see :meth:`home`); for a manager
        Palier does not follow themself, their team only; refused to anyone else."""
        with self.work.begin(ref, directory) as (session, actor):
            now = self.clock()
            found = enrolment(actor, self.catalog)
            if found is None:
                me = actor.person
                pulse = self._team(session, me, now) if me is not None else None
                if pulse is not None:
                    return Outcome(actor.locale, TeamPage(pulse))
                return Outcome.refused(actor.locale, NOT_ENROLLED)
            person, referentiel = found
            indirect = self.work.defaults.managers_see_indirect
            home = self.service.load(session, person, referentiel, now, page, indirect=indirect)
            return Outcome(actor.locale, replace(home, team=self._team(session, person, now)))

    def _team(self, session: Session, me: Person, now: datetime) -> TeamPulse | None:
        """``me``'s team this week, when someone reports to them."""
        if self.reviews is None or self.team is None:
            return None
        indirect = self.work.defaults.managers_see_indirect
        return team_pulse(session, me, now, self.reviews, self.team, indirect=indirect)

    def check_in_now(
        self, ref: ActorRef, directory: Directory | None = None
    ) -> Outcome[CheckinForm]:
        """This week's check-in form outside the schedule (it counts for this week); the
        prompt is stored before the answer, so the form's submission finds it."""
        with self.work.begin(ref, directory) as (session, actor):
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, NOT_ENROLLED)
            form = self.service.check_in_now(session, *found, self.clock())
            if isinstance(form, Refusal):
                return Outcome.refused(actor.locale, form.value)
            return Outcome(actor.locale, form, effects=(RefreshHome(ref.user_id),))

    def pause_form(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[PauseForm]:
        with self.work.begin(ref, directory) as (_session, actor):
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, NOT_ENROLLED)
            today = self.clock().astimezone(ZoneInfo(actor.timezone)).date()
            return Outcome(actor.locale, PauseForm(today, found[0].paused_until))

    def pause(
        self, ref: ActorRef, choice: PauseChoice, directory: Directory | None = None
    ) -> Outcome[None]:
        """No check-in until the chosen day; a day past or too far is a problem to fix."""
        with self.work.begin(ref, directory) as (_session, actor):
            if choice.until is None:
                return Outcome.to_fix(
                    actor.locale, (Problem("until", "home.pause.problem.missing"),)
                )
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, NOT_ENROLLED)
            problem = self.service.pause(found[0], choice.until, self.clock())
            if problem is not None:
                key = f"home.pause.problem.{problem.value}"
                return Outcome.to_fix(actor.locale, (Problem("until", key),))
            return Outcome(actor.locale, effects=(RefreshHome(ref.user_id),))

    def resume(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        with self.work.begin(ref, directory) as (_session, actor):
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, NOT_ENROLLED)
            self.service.resume(found[0])
            return Outcome(actor.locale, effects=(RefreshHome(ref.user_id),))

    def schedule_form(
        self, ref: ActorRef, directory: Directory | None = None
    ) -> Outcome[ScheduleForm]:
        with self.work.begin(ref, directory) as (session, actor):
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, NOT_ENROLLED)
            schedule = self.service.schedule(session, found[0], self.clock())
            return Outcome(actor.locale, ScheduleForm(schedule, actor.timezone))

    def set_schedule(
        self, ref: ActorRef, choice: ScheduleChoice, directory: Directory | None = None
    ) -> Outcome[None]:
        """The actor's own day and time; a prompt not sent yet follows the new slot."""
        weekday = _weekday(choice.weekday) if choice.weekday is not None else None
        local_time = _local_time(choice.local_time) if choice.local_time else None
        problems: list[Problem] = []
        if choice.weekday is not None and weekday is None:
            problems.append(Problem("weekday", "home.schedule.problem.bad_weekday"))
        if choice.local_time and local_time is None:
            problems.append(Problem("time", "home.schedule.problem.bad_time"))
        with self.work.begin(ref, directory) as (session, actor):
            if problems:
                return Outcome.to_fix(actor.locale, tuple(problems))
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, NOT_ENROLLED)
            self.service.set_schedule(session, found[0], weekday, local_time, self.clock())
            return Outcome(actor.locale, effects=(RefreshHome(ref.user_id),))

    def language_form(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        """The language form starts from the actor's language (the outcome's)."""
        with self.work.begin(ref, directory) as (_session, actor):
            if enrolment(actor, self.catalog) is None:
                return Outcome.refused(actor.locale, NOT_ENROLLED)
            return Outcome(actor.locale)

    def set_language(
        self, ref: ActorRef, wanted: str, directory: Directory | None = None
    ) -> Outcome[None]:
        """The language Palier writes in from now on (one it speaks); the Home follows."""
        locale = next((known for known in LOCALES if known == wanted), None)
        with self.work.begin(ref, directory) as (_session, actor):
            if locale is None:
                return Outcome.refused(actor.locale, LANGUAGE_USAGE)
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, NOT_ENROLLED)
            chosen = choose_locale(found[0], locale)
            return Outcome(chosen, effects=(RefreshHome(ref.user_id),))
