"""The App Home: everything a person sees about themself on their own page, and its actions.

:class:`HomeService` loads a :class:`Home` — the person's référentiel with, per
competency, their current level, their manager's latest one (once there is
one), a short history of their last self-ratings; the level-progress summary;
a page of their own evidence; their slot, the next check-in and any pause —
and carries out what the page offers: check in now (outside the schedule, for
the current cycle), pause and resume, change one's check-in day and time (a change
of language is :func:`bot.domain.people.choose_locale`'s).

It takes the caller's session and the person acting, resolved once by the caller
(the Home flow, :mod:`bot.app.home`), and only ever reads or changes that person's
rows: the Home shows the viewer's own data and nobody else's. Nothing here knows
about Slack.
"""

from __future__ import annotations

import enum
import re
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.domain.access import Reader, readers_of
from bot.domain.checkin import CheckinForm, CheckinService, Refusal, summary_from
from bot.domain.evidence import EvidenceService
from bot.domain.home_reads import OwnEvidence, own_checkins, own_evidence, own_ratings
from bot.domain.home_team import TeamPulse
from bot.domain.people import zone_of
from bot.domain.planning import PlanningPolicy, ensure_current_prompt, person_slot, workspace_slot
from bot.domain.progress import ProgressSummary
from bot.domain.scheduling import cycle_at, next_checkin
from bot.i18n import Translator
from referentiels.models import Competency, Group, Level, Referentiel
from storage.models import CheckinPrompt, Person, PromptStatus, Rater

HISTORY_LENGTH = 5  # self-ratings shown per competency, the latest last
EVIDENCE_PAGE_SIZE = 5
PAUSE_MAX_DAYS = 365  # a pause ends at most a year from today
SHORT_LABEL_MAX = 4

_WORD = re.compile(r"[^\W_]+")


# --- level abbreviations ------------------------------------------------------------


def short_level_labels(referentiel: Referentiel, t: Translator) -> dict[str, str]:
    """A short name for each level of the scale, by level id, for compact histories.

    The rule, defined here once:

    * Palier's own progression scale (certifications) has its short names in the
      message catalog (``home.scale_short.<level id>``: « NA », « EC », « A », « M »).
    * A référentiel's own scale: the initials of each level's words, numbers kept
      whole, at most four characters (Junior / Intermédiaire / Senior → J / I / S;
      « Niveau 2 » → N2).
    * Should two levels get the same short name, every level is named by its
      position on the scale instead (1, 2, 3 …), so a history is never ambiguous.
    """
    levels = referentiel.scale.levels
    if referentiel.scale.origin == "palier":
        short = {level.id: t(f"home.scale_short.{level.id}") for level in levels}
    else:
        short = {level.id: _initials(level.label) for level in levels}
    if len(set(short.values())) != len(levels) or not all(short.values()):
        short = {level.id: str(rank + 1) for rank, level in enumerate(levels)}
    return short


def _initials(label: str) -> str:
    words = _WORD.findall(label)
    return "".join(word if word.isdigit() else word[0].upper() for word in words)[:SHORT_LABEL_MAX]


# --- what the Home shows ------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyStatus:
    """One competency of the person's référentiel, as the Home shows it."""

    competency: Competency
    group: Group | None  # the outermost bloc or activity holding it
    current: Level | None  # the latest self-rating
    manager: Level | None  # the manager's latest rating, once there is one
    history: tuple[Level, ...]  # the last self-ratings, oldest first (the current one last)
    evidence_count: int


@dataclass(frozen=True)
class EvidenceEntry:
    """One piece of the person's evidence."""

    id: int
    competency_id: str
    competency: Competency | None  # None when the référentiel no longer has it
    logged_at: datetime  # UTC
    text: str
    link: str | None  # the link given, else the Slack message it was logged from
    happened_on: date | None = None  # the day it happened, which the page shows


@dataclass(frozen=True)
class EvidencePage:
    """A page of the person's evidence, newest first."""

    entries: tuple[EvidenceEntry, ...]
    page: int  # 0 = the newest
    total: int
    page_size: int = EVIDENCE_PAGE_SIZE

    @property
    def first(self) -> int:
        """1-based position of the first entry shown (0 when there is none)."""
        return self.page * self.page_size + 1 if self.entries else 0

    @property
    def last(self) -> int:
        return self.page * self.page_size + len(self.entries)

    @property
    def has_older(self) -> bool:
        return self.last < self.total

    @property
    def has_newer(self) -> bool:
        return self.page > 0


@dataclass(frozen=True)
class Schedule:
    """When the person's check-ins come, and what is under way this week."""

    weekday: int  # 0 = Monday
    local_time: time
    own_weekday: bool  # the person chose the day (else the workspace default)
    own_time: bool
    default_weekday: int  # the workspace default, for "back to the default"
    default_time: time
    next_at: datetime | None  # UTC; None when Palier no longer writes to the person
    paused_until: date | None  # a pause still running (local date, inclusive)
    cycle_key: str  # the current cycle
    done_this_week: bool


@dataclass(frozen=True)
class Home:
    """Everything the person's Home shows."""

    referentiel: Referentiel
    timezone: str  # IANA name: dates and times are shown in it
    summary: ProgressSummary
    competencies: list[CompetencyStatus]
    evidence: EvidencePage
    schedule: Schedule
    readers: tuple[Reader, ...]  # who sees the person's data (bot.domain.access.readers)
    # The person has a manager: they may add a topic for their next 1:1 any day.
    has_manager: bool = False
    # A manager's team this week (bot.domain.home_team); None for anyone nobody reports to.
    team: TeamPulse | None = None


class PauseProblem(enum.StrEnum):
    """Why a pause date is refused; each has a catalog message (``home.pause.problem``)."""

    PAST = "past"
    TOO_FAR = "too_far"


def pause_problem(until: date, today: date) -> PauseProblem | None:
    """What is wrong with pausing until ``until`` (inclusive) on the local day ``today``."""
    if until < today:
        return PauseProblem.PAST
    if until > today + timedelta(days=PAUSE_MAX_DAYS):
        return PauseProblem.TOO_FAR
    return None


def schedule_of(
    session: Session, person: Person, now: datetime, policy: PlanningPolicy
) -> Schedule:
    """The person's slot, pause and next check-in, as of ``now``."""
    cycle = cycle_at(now, zone_of(person, policy.default_timezone))
    prompt = session.execute(
        select(CheckinPrompt.status, CheckinPrompt.scheduled_at).where(
            CheckinPrompt.person_id == person.id, CheckinPrompt.cycle_key == cycle.key
        )
    ).one_or_none()
    return schedule_from(person, now, policy, None if prompt is None else (prompt[0], prompt[1]))


def schedule_from(
    person: Person,
    now: datetime,
    policy: PlanningPolicy,
    current: tuple[PromptStatus, datetime] | None,
) -> Schedule:
    """The person's slot, pause and next check-in, as of ``now``, given this cycle's
    check-in (its status and slot; None when not planned yet)."""
    timezone = zone_of(person, policy.default_timezone)
    weekday, local_time = person_slot(person, policy)
    default_weekday, default_time = workspace_slot(person.tenant, policy)
    today = now.astimezone(ZoneInfo(timezone)).date()
    paused = person.paused_until
    if paused is not None and paused < today:
        paused = None  # a pause that has ended changes nothing
    cycle = cycle_at(now, timezone)
    status, slot = current if current is not None else (None, None)
    next_at: datetime | None = None
    if person.active:
        zone = ZoneInfo(timezone)
        try:
            if (
                slot is not None
                and status is PromptStatus.PENDING
                and slot > now
                and (paused is None or slot.astimezone(zone).date() > paused)
            ):
                # The planned prompt is the truth (planned before a slot change, say).
                next_at = slot
            elif current is not None:
                # This cycle's check-in is out, answered, skipped or due this minute:
                # the next one is in a later cycle.
                _, next_at = next_checkin(cycle.ends_at, weekday, local_time, timezone, paused)
            else:
                # Not planned yet: the tick plans it within a minute, due now if this
                # week's slot has passed (a late prompt is sent rather than skipped).
                _, at = next_checkin(now, weekday, local_time, timezone, paused)
                next_at = max(at, now)
        except ValueError:  # a pause too far in the future for the calendar
            next_at = None
    return Schedule(
        weekday=weekday,
        local_time=local_time,
        own_weekday=person.checkin_weekday is not None,
        own_time=person.checkin_time is not None,
        default_weekday=default_weekday,
        default_time=default_time,
        next_at=next_at,
        paused_until=paused,
        cycle_key=cycle.key,
        done_this_week=status is PromptStatus.DONE,
    )


def _competencies(
    referentiel: Referentiel,
    summary: ProgressSummary,
    ratings: list[tuple[str, str, Rater]],
) -> list[CompetencyStatus]:
    """Each competency's status from the person's ratings (competency, level, rater),
    oldest first."""
    scale = referentiel.scale
    history: dict[str, deque[Level]] = {}
    manager: dict[str, Level] = {}
    for competency_id, level_id, rater in ratings:
        level = scale.level(level_id)
        if level is None:  # a level no longer on the scale
            continue
        if rater is Rater.MANAGER:
            manager[competency_id] = level
        else:
            history.setdefault(competency_id, deque(maxlen=HISTORY_LENGTH)).append(level)
    outer = {c.id: (path[0] if path else None) for path, c in referentiel.iter_competencies()}
    return [
        CompetencyStatus(
            competency=item.competency,
            group=outer.get(item.competency.id),
            current=item.current,
            manager=manager.get(item.competency.id),
            history=tuple(history.get(item.competency.id, ())),
            evidence_count=item.evidence_count,
        )
        for item in summary.competencies
    ]


def _evidence_page(referentiel: Referentiel, evidence: OwnEvidence, page: int) -> EvidencePage:
    entries = tuple(
        EvidenceEntry(
            id=row.id,
            competency_id=row.competency_id,
            competency=referentiel.competency(row.competency_id)
            if row.referentiel_id == referentiel.id
            else None,
            logged_at=row.created_at,
            text=row.text,
            link=row.link or row.source_permalink,
            happened_on=row.happened_on,
        )
        for row in evidence.rows
    )
    return EvidencePage(entries, page, evidence.total, EVIDENCE_PAGE_SIZE)


# --- the service --------------------------------------------------------------------


class HomeService:
    """The Home of one person, given that person."""

    def __init__(
        self, checkins: CheckinService, evidence: EvidenceService, policy: PlanningPolicy
    ) -> None:
        self.checkins = checkins
        self.evidence = evidence
        self.policy = policy

    def _timezone(self, person: Person) -> str:
        return zone_of(person, self.policy.default_timezone)

    def _today(self, person: Person, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self._timezone(person))).date()

    # -- reading -------------------------------------------------------------------

    def load(
        self,
        session: Session,
        person: Person,
        referentiel: Referentiel,
        now: datetime,
        page: int = 0,
        *,
        indirect: bool,
    ) -> Home:
        """The person's Home with the evidence page ``page``.

        A page past the end (evidence deleted meanwhile) shows the last page. ``indirect``:
        the workspace lets managers see their reports' reports (the page says who sees).
        """
        # Each of the person's tables read once (bot.domain.home_reads): three statements.
        timezone = self._timezone(person)
        cycle = cycle_at(now, timezone)
        ratings = own_ratings(session, person, referentiel.id)
        size, page = EVIDENCE_PAGE_SIZE, max(0, page)
        evidence = own_evidence(session, person, referentiel.id, size, page * size)
        if not evidence.rows and page > 0:  # past the end: show the last page
            page = max(0, (evidence.total - 1) // size)
            evidence = own_evidence(session, person, referentiel.id, size, page * size)
        checkins = own_checkins(session, person, cycle.key, now)
        zone = ZoneInfo(timezone)
        summary = summary_from(
            referentiel, ratings.own, evidence.counts, checkins.scheduled, zone, now
        )
        return Home(
            referentiel=referentiel,
            timezone=timezone,
            summary=summary,
            competencies=_competencies(referentiel, summary, ratings.by_time),
            evidence=_evidence_page(referentiel, evidence, page),
            schedule=schedule_from(person, now, self.policy, checkins.current),
            readers=readers_of(person, indirect),
            has_manager=person.manager_id is not None,
        )

    def schedule(self, session: Session, person: Person, now: datetime) -> Schedule:
        """The person's slot, pause and next check-in, as of ``now``."""
        return schedule_of(session, person, now, self.policy)

    # -- actions -------------------------------------------------------------------

    def check_in_now(
        self, session: Session, person: Person, referentiel: Referentiel, now: datetime
    ) -> CheckinForm | Refusal:
        """The form of this cycle's check-in, outside the schedule.

        The prompt is created if the planner has not made it yet; a check-in
        already done this cycle is refused (:attr:`Refusal.ALREADY_DONE`).
        """
        prompt = ensure_current_prompt(session, person, referentiel, now, self.policy)
        session.flush()
        return self.checkins.open_form(session, person, prompt.id, now)

    def pause(self, person: Person, until: date, now: datetime) -> PauseProblem | None:
        """No check-in until ``until`` included (a local date); None when done.

        A prompt already planned in the pause is held back by the tick when due.
        """
        problem = pause_problem(until, self._today(person, now))
        if problem is not None:
            return problem
        person.paused_until = until
        return None

    def resume(self, person: Person) -> None:
        """End the person's pause now."""
        person.paused_until = None

    def set_schedule(
        self,
        session: Session,
        person: Person,
        weekday: int | None,
        local_time: time | None,
        now: datetime,
    ) -> None:
        """The person's own check-in day and time; None for a part means the workspace's.

        A prompt planned at the old slot and not sent yet is deleted, so the
        next tick plans it again at the new one (a prompt out already stays:
        this week's DM is not sent twice).
        """
        if weekday is not None and not 0 <= weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")
        before = person_slot(person, self.policy)
        person.checkin_weekday = weekday
        person.checkin_time = local_time
        if person_slot(person, self.policy) != before:
            # Conditional on PENDING: a prompt a tick claims at this moment is being
            # sent at the old slot and must stay.
            session.execute(
                delete(CheckinPrompt)
                .where(
                    CheckinPrompt.person_id == person.id,
                    CheckinPrompt.status == PromptStatus.PENDING,
                    CheckinPrompt.closes_at > now,
                )
                .execution_options(synchronize_session=False)
            )
