"""The team summary a manager asks for (``/palier team``): levels, trends, participation, flags.

:class:`TeamService` gathers, for every report of the person asking (direct
reports; the whole tree below when the workspace allows ``indirect``) and every
competency of their référentiel, the plain data a front end lays out. Who is
in the team is decided here, not by the front end: the team is the asker's
reporting line, and every person in it must also be someone
:func:`bot.domain.access.visible_people` lets the asker see. An admin gets their own
reports too (the workspace-wide export is a separate command). Someone with no
reports — or unknown to Palier — gets :attr:`TeamRefusal.NO_REPORTS`, the same
answer either way, so the refusal never tells whether anyone is enrolled.

Definitions (each report in their own time zone, like their check-ins):

* **self level** and **manager level**: the latest rating by that rater;
  levels no longer on the scale are ignored, as in :mod:`bot.domain.progress`.
* **gap**: manager rank minus self rank on the scale, when both exist; any
  difference is a level or more apart, which raises :attr:`Flag.GAP`.
* **trend over the last 4 cycles**: steps between the self level now and the
  self level when the oldest of the last 4 cycles (the current one included)
  began — the latest rating before then, or else the first one since, which is
  how :mod:`bot.domain.progress` defines the quarter's baseline. **Trend over the
  quarter**: the summary's own change since the quarter began. ``None`` when
  the competency has no self rating.
* **participation** over the last N cycles: check-ins done / check-ins that
  count, where a check-in counts once it is answered or its cycle ended.
  Skipped weeks count neither way (the person's choice, as in the streak);
  prompts Palier failed to deliver are Palier's fault and do not count either.
* **no progress** (:attr:`Flag.NO_PROGRESS`): the person has self ratings
  older than 8 weeks and no competency is higher today than it was 8 weeks ago
  (its latest rating before then); a competency first rated since is not a rise.
* **two missed in a row** (:attr:`Flag.MISSED_TWICE`): the two latest
  finished check-ins (answered, or their cycle ended), skips aside, were not
  done.

Nothing here knows about Slack.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.domain.access import Viewer, reports_of, visible_people
from bot.domain.checkin import person_for, quarter_began, summary_from
from bot.domain.people import shown_name, zone_of
from bot.domain.progress import History, ProgressSummary, RatingPoint
from bot.domain.scheduling import Cycle, cycle_at, previous_cycle
from bot.domain.team_checkins import Checkin, Earlier, team_checkins
from bot.domain.team_ratings import LatestRatings
from bot.domain.team_tracks import rating_history, rating_history_and_latest
from referentiels.loader import ReferentielCatalog
from referentiels.models import Competency, Level, Referentiel
from storage.models import Evidence, Person, Platform, PromptStatus, Rater

SHORT_CYCLES = 4
LONG_CYCLES = 12
NO_PROGRESS_AFTER = timedelta(weeks=8)


class TeamRefusal(enum.StrEnum):
    """Why there is no team summary; each has a catalog message."""

    NO_REPORTS = "no_reports"  # nobody reports to the asker (or the asker is unknown)


class Flag(enum.StrEnum):
    """Something about a report worth the manager's attention."""

    NO_PROGRESS = "no_progress"
    GAP = "gap"
    MISSED_TWICE = "missed_twice"


@dataclass(frozen=True, slots=True)  # many of them per team view
class Participation:
    """Check-ins done out of those that count (see the module's definitions)."""

    done: int
    due: int


class CompetencyLine(NamedTuple):  # immutable; thousands per team view, made fast
    """One report's standing on one competency."""

    competency: Competency
    self_level: Level | None
    manager_level: Level | None
    gap: int | None  # manager rank minus self rank; None unless both exist
    trend_cycles: int | None  # steps over the last 4 cycles; None while unrated
    trend_quarter: int | None  # steps since the quarter began; None while unrated
    evidence_count: int


@dataclass(frozen=True)
class ReportOverview:
    """One report: every competency of their référentiel, participation, flags."""

    person_id: int
    name: str
    referentiel: Referentiel
    summary: ProgressSummary  # their own level-progress summary, as ``/palier me`` shows it
    competencies: list[CompetencyLine]
    participation_short: Participation  # last 4 cycles
    participation_long: Participation  # last 12 cycles
    flags: frozenset[Flag]

    @property
    def evidence_count(self) -> int:
        return sum(line.evidence_count for line in self.competencies)

    @property
    def gaps(self) -> list[CompetencyLine]:
        return [line for line in self.competencies if line.gap]


@dataclass(frozen=True)
class TeamOverview:
    """The asker's team: the reports Palier follows, and the names of those it does not."""

    reports: list[ReportOverview]
    # Reports with no référentiel (not enrolled, or one no longer available) or no
    # longer active (removed, deactivated): named so the manager knows why they are absent.
    # Their names; None: a person whose data was erased.
    not_followed: list[str | None] = field(default_factory=list)

    def groups(self) -> list[tuple[Referentiel, list[ReportOverview]]]:
        """The reports by référentiel: the largest group first, then by title."""
        by_id: dict[str, list[ReportOverview]] = defaultdict(list)
        for report in self.reports:
            by_id[report.referentiel.id].append(report)
        ordered = sorted(
            by_id.values(), key=lambda group: (-len(group), group[0].referentiel.title)
        )
        return [(group[0].referentiel, group) for group in ordered]

    def flagged(self, flag: Flag) -> list[ReportOverview]:
        return [report for report in self.reports if flag in report.flags]


class TeamService:
    """The team summary of the person asking, given their platform identity."""

    def __init__(
        self,
        catalog: ReferentielCatalog,
        *,
        default_timezone: str = "Europe/Paris",
        platform: Platform = Platform.SLACK,
    ) -> None:
        self.catalog = catalog
        self.default_timezone = default_timezone
        self.platform = platform

    def overview(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        now: datetime,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> TeamOverview | TeamRefusal:
        """The asker's team summary, or a refusal when nobody reports to them (or
        Palier does not follow the asker); see :meth:`overview_of`."""
        me = person_for(session, self.platform, team_id, user_id)
        if me is None:
            return TeamRefusal.NO_REPORTS
        return self.overview_of(session, me, now, is_admin=is_admin, indirect=indirect)

    def overview_of(
        self,
        session: Session,
        me: Person,
        now: datetime,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> TeamOverview | TeamRefusal:
        """The team summary of ``me``, already looked up, or a refusal when nobody reports
        to them.

        ``is_admin`` is what the platform says of the asker; it does not widen the
        team (an admin sees their own reports here). ``indirect``: the workspace
        lets managers see their reports' reports.
        """
        allowed = {p.id for p in visible_people(session, Viewer(me, is_admin, indirect))}
        team = [p for p in reports_of(session, me, indirect) if p.id in allowed and p.id != me.id]
        if not team:
            return TeamRefusal.NO_REPORTS
        followed: list[tuple[Person, Referentiel]] = []
        not_followed: list[str | None] = []
        for person in team:
            referentiel = self.catalog.get(person.referentiel_id) if person.referentiel_id else None
            if referentiel is None or not person.active:
                not_followed.append(shown_name(person))
            else:
                followed.append((person, referentiel))
        # Everything the reports need, in four queries whatever the team's size or history,
        # each report's history read only as far back as the definitions look.
        calendars = {zone: _Calendar.of(zone, now) for zone in self._zones(followed)}
        ids = [person.id for person, _ in followed]
        ratings = rating_history(session, followed, _rated_since(calendars.values(), now))
        checkins = team_checkins(session, ids, _checked_in_since(calendars.values()), now)
        evidence = _evidence(session, followed)
        reports = [
            self._report(
                person,
                referentiel,
                now,
                calendars[self._zone(person)],
                ratings.get((person.id, Rater.SELF), {}),
                ratings.get((person.id, Rater.MANAGER), {}),
                checkins.recent[person.id],
                checkins.earlier.get(person.id, Earlier()),
                evidence[person.id],
            )
            for person, referentiel in followed
        ]
        return TeamOverview(reports, not_followed)

    def _zone(self, person: Person) -> str:
        return zone_of(person, self.default_timezone)

    def _zones(self, followed: Sequence[tuple[Person, Referentiel]]) -> set[str]:
        return {self._zone(person) for person, _ in followed}

    def _report(
        self,
        person: Person,
        referentiel: Referentiel,
        now: datetime,
        calendar: _Calendar,
        own_history: History,
        manager: History,
        prompts: Sequence[Checkin],
        earlier: Earlier,
        evidence: Mapping[str, int],
    ) -> ReportOverview:
        """One report's overview from their ratings on the scale by competency, oldest first
        (:func:`bot.domain.progress.by_competency`), self and manager's."""
        rows = [(p.cycle_key, p.status, p.closes_at) for p in prompts]
        summary = summary_from(
            referentiel,
            own_history,
            evidence,
            rows,
            calendar.zone,
            now,
            earlier.done_in_a_row,
            calendar.quarter_began,
        )
        ranks = {level.id: index for index, level in enumerate(referentiel.scale.levels)}
        levels = {level.id: level for level in referentiel.scale.levels}
        manager_latest = {cid: points[-1] for cid, points in manager.items() if points}
        cycles = calendar.cycles
        window_start = cycles[SHORT_CYCLES - 1].starts_at
        lines = []
        for item in summary.competencies:
            history = own_history.get(item.competency.id, ())
            theirs = manager_latest.get(item.competency.id)
            manager_level = levels[theirs.level_id] if theirs else None
            lines.append(
                CompetencyLine(
                    competency=item.competency,
                    self_level=item.current,
                    manager_level=manager_level,
                    gap=(
                        ranks[manager_level.id] - ranks[item.current.id]
                        if manager_level is not None and item.current is not None
                        else None
                    ),
                    trend_cycles=_trend(history, window_start, ranks),
                    trend_quarter=item.change_since_quarter if item.current else None,
                    evidence_count=item.evidence_count,
                )
            )
        flags = report_flags(
            any(line.gap for line in lines), own_history, prompts, earlier, now, ranks
        )
        return ReportOverview(
            person_id=person.id,
            name=_name(person),
            referentiel=referentiel,
            summary=summary,
            competencies=lines,
            participation_short=_participation(prompts, cycles[:SHORT_CYCLES], now),
            participation_long=_participation(prompts, cycles, now),
            flags=flags,
        )

    def pulse_of(
        self, session: Session, followed: Sequence[tuple[Person, Referentiel]], now: datetime
    ) -> TeamPulses:
        """Each followed report's check-in of this week (their own cycle) and flags, by
        person id: the flags by the team view's very rules, from its reads of ratings and
        check-ins (four queries whatever the team) — no levels, trends or evidence; and,
        from the same reads of ratings, each track's latest rating by each rater (what
        :meth:`bot.domain.review.ReviewService.pending_from` needs).

        This week's check-in counts once answered, whatever its slot: one done ahead of it
        (Check in now) counts for this week, as in :meth:`overview` (the same read)."""
        calendars = {zone: _Calendar.of(zone, now) for zone in self._zones(followed)}
        since = _rated_since(calendars.values(), now)
        ratings, latest = rating_history_and_latest(session, followed, since)
        ids = [person.id for person, _ in followed]
        checkins = team_checkins(session, ids, _checked_in_since(calendars.values()), now)
        pulses = {}
        for person, referentiel in followed:
            ranks = {level.id: index for index, level in enumerate(referentiel.scale.levels)}
            own = ratings.get((person.id, Rater.SELF), {})
            theirs = ratings.get((person.id, Rater.MANAGER), {})
            gap = any(
                points
                and own.get(cid)
                and ranks[points[-1].level_id] != ranks[own[cid][-1].level_id]
                for cid, points in theirs.items()
            )
            prompts = checkins.recent[person.id]
            this_week = calendars[self._zone(person)].cycles[0].key
            status = next((p.status for p in prompts if p.cycle_key == this_week), None)
            earlier = checkins.earlier.get(person.id, Earlier())
            flags = report_flags(gap, own, prompts, earlier, now, ranks)
            pulses[person.id] = ReportPulse(status, flags)
        return TeamPulses(pulses, latest)


class TeamPulses(NamedTuple):
    """A team at a glance: each report's pulse by person id, and each track's latest
    rating by each rater (read with them)."""

    pulses: dict[int, ReportPulse]
    latest: LatestRatings


@dataclass(frozen=True, slots=True)
class ReportPulse:
    """A report at a glance: this week's check-in (None: none planned yet) and flags."""

    this_week: PromptStatus | None
    flags: frozenset[Flag]


def report_flags(
    gap: bool,
    own_history: History,
    prompts: Sequence[Checkin],
    earlier: Earlier,
    now: datetime,
    ranks: dict[str, int],
) -> frozenset[Flag]:
    """A report's flags (the module's definitions); ``gap``: a manager level differs from
    the self level on some competency."""
    flags = set()
    if gap:
        flags.add(Flag.GAP)
    if _no_progress(own_history, now - NO_PROGRESS_AFTER, ranks):
        flags.add(Flag.NO_PROGRESS)
    # Only what counts by now: a check-in of a week still open is not missed.
    if _missed_twice(prompts, now, earlier.finished):
        flags.add(Flag.MISSED_TWICE)
    return frozenset(flags)


@dataclass(frozen=True)
class _Calendar:
    """The instants the definitions look back to, in one time zone (worked out once per
    zone, not once per report)."""

    zone: ZoneInfo
    cycles: list[Cycle]  # the current cycle and the LONG_CYCLES - 1 before it, newest first
    quarter_began: datetime

    @classmethod
    def of(cls, zone: str, now: datetime) -> _Calendar:
        info = ZoneInfo(zone)
        return cls(info, _last_cycles(now, zone, LONG_CYCLES), quarter_began(info, now))


def _rated_since(calendars: Iterable[_Calendar], now: datetime) -> datetime:
    """The earliest instant any definition looks back to with ratings: a quarter's start,
    the oldest of the last SHORT_CYCLES cycles, NO_PROGRESS_AFTER ago."""
    starts = [now - NO_PROGRESS_AFTER]
    for calendar in calendars:
        starts += [calendar.quarter_began, calendar.cycles[SHORT_CYCLES - 1].starts_at]
    return min(starts)


def _checked_in_since(calendars: Iterable[_Calendar]) -> datetime:
    """The earliest start of the last LONG_CYCLES cycles, in any of the zones (a day
    earlier still: a check-in planned in another zone ends its cycle a few hours apart)."""
    earliest = min((calendar.cycles[-1].starts_at for calendar in calendars), default=None)
    return earliest - timedelta(days=1) if earliest else datetime.max.replace(tzinfo=UTC)


def _name(person: Person) -> str:
    return person.display_name or person.platform_user_id


def _evidence(
    session: Session, followed: Sequence[tuple[Person, Referentiel]]
) -> defaultdict[int, Counter[str]]:
    """Every report's evidence per competency on their current référentiel (one query)."""
    found: defaultdict[int, Counter[str]] = defaultdict(Counter)
    referentiel_of = {person.id: referentiel.id for person, referentiel in followed}
    if not referentiel_of:
        return found
    rows = session.connection().execute(_EVIDENCE, {"people": list(referentiel_of)}).all()
    for person_id, referentiel_id, competency_id, count in rows:
        if referentiel_of[person_id] == referentiel_id:
            found[person_id][competency_id] = count
    return found


_EVIDENCE = (
    select(Evidence.person_id, Evidence.referentiel_id, Evidence.competency_id, func.count())
    .where(Evidence.person_id.in_(bindparam("people", expanding=True, literal_execute=True)))
    .group_by(Evidence.person_id, Evidence.referentiel_id, Evidence.competency_id)
)


def _last_cycles(now: datetime, zone: str, count: int) -> list[Cycle]:
    """The current cycle and the ``count - 1`` before it, newest first."""
    cycles = [cycle_at(now, zone)]
    while len(cycles) < count:
        cycles.append(previous_cycle(cycles[-1], zone))
    return cycles


def _trend(history: Sequence[RatingPoint], since: datetime, ranks: dict[str, int]) -> int | None:
    if not history:
        return None
    before = [point for point in history if point.rated_at < since]
    baseline = before[-1] if before else history[0]
    return ranks[history[-1].level_id] - ranks[baseline.level_id]


def _no_progress(history: History, cutoff: datetime, ranks: dict[str, int]) -> bool:
    if not any(point.rated_at < cutoff for points in history.values() for point in points):
        return False  # too new to Palier to say anything about eight weeks
    for points in history.values():
        before = [point for point in points if point.rated_at < cutoff]
        if before and ranks[points[-1].level_id] > ranks[before[-1].level_id]:
            return False
    return True


def _counts(prompt: Checkin, now: datetime) -> bool:
    """Whether a check-in counts: answered, or its cycle over; never a skip nor our failure."""
    if prompt.status in (PromptStatus.SKIPPED, PromptStatus.FAILED):
        return False
    return prompt.status is PromptStatus.DONE or prompt.closes_at <= now


def _participation(
    prompts: Sequence[Checkin], cycles: Sequence[Cycle], now: datetime
) -> Participation:
    keys = {cycle.key for cycle in cycles}
    counted = [p for p in prompts if p.cycle_key in keys and _counts(p, now)]
    return Participation(
        done=sum(1 for p in counted if p.status is PromptStatus.DONE), due=len(counted)
    )


def _missed_twice(prompts: Sequence[Checkin], now: datetime, earlier: Sequence[bool]) -> bool:
    """``earlier``: whether each of the latest check-ins that count before ``prompts``
    (those not read) was done, oldest first."""
    finished = [*earlier, *(p.status is PromptStatus.DONE for p in prompts if _counts(p, now))]
    return len(finished) >= 2 and not any(finished[-2:])
