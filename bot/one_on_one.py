"""The 1:1 brief: what a manager brings to their next 1:1 with a report, and its follow-up.

:class:`OneOnOneService` builds the :class:`Brief` about one person since their
last 1:1 (or over the last :data:`WINDOW` when none is recorded): the check-ins
done, skipped and missed, the level changes (self and manager ratings), the new
evidence, the topics the person raised and that are still open, the competencies
where self and manager ratings are a level or more apart, and three talking
points drawn from the référentiel, each with the words of the level to reach.
It also records that a 1:1 took place (the open topics it covered are then
*discussed*; topics raised afterwards carry over), the manager's private notes,
and recurring 1:1s whose brief the tick sends an hour before.

Who may see what is :mod:`bot.access`'s policy: the person themself (their own
prep, never the manager's notes), their manager, an admin of the workspace (a
read-only brief). Acting — recording the 1:1, writing a note, a recurring 1:1 —
is for the person's manager only. Anyone else gets :attr:`OneOnOneRefusal.UNAVAILABLE`,
the very answer an unknown person gets, so a refusal never says whether someone
is enrolled.

A private note is shown to its author only. It is still personal data about the
report: :mod:`bot.privacy` erases it with them and puts it in their own export.

Like every service here it takes the caller's session and the platform identity
of the person acting. Nothing here knows about Slack.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.access import Scope, Viewer, scope_over
from bot.checkin_flow import next_level_of, person_for
from bot.checkins import MAX_TEXT
from bot.people import find_person, find_tenant, zone_of
from bot.scheduling import local_to_utc
from bot.text import clean_text
from referentiels.loader import ReferentielCatalog
from referentiels.models import Competency, Level, LevelDescriptor, Referentiel
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOne,
    OneOnOneNote,
    OneOnOneSchedule,
    OneOnOneTopic,
    Person,
    Platform,
    PromptStatus,
    Rater,
    Rating,
)

WINDOW = timedelta(days=14)  # what a brief covers when no 1:1 is recorded yet
BRIEF_LEAD = timedelta(hours=1)  # a scheduled brief arrives this long before the 1:1
NOTES_SHOWN = 5  # the author's latest private notes in a brief
TALKING_POINTS = 3


class OneOnOneRefusal(enum.StrEnum):
    """Why a 1:1 action was not carried out; each has a catalog message."""

    NOT_ENROLLED = "not_enrolled"  # the asker's own brief: unknown to Palier, or no référentiel
    # Unknown person, another workspace, a peer, another team: one answer for all, so
    # it never tells whether someone is enrolled.
    UNAVAILABLE = "unavailable"
    TARGET_NOT_ENROLLED = "target_not_enrolled"  # someone the asker may see, with no référentiel
    MANAGER_ONLY = "manager_only"  # may see the brief, may not act (themself, an admin)
    ALREADY_RECORDED = "already_recorded"  # a 1:1 was recorded since this brief was shown
    EMPTY_NOTE = "empty_note"
    NOTE_TOO_LONG = "note_too_long"


class PointReason(enum.StrEnum):
    """Why a competency is suggested as a talking point."""

    GAP = "gap"  # the biggest gap between the self and the manager rating
    STAGNATION = "stagnation"  # no self-rating rise for the longest time
    WEAKEST = "weakest"  # the lowest self-rating
    NEXT = "next"  # filling up to three: the next lowest


@dataclass(frozen=True)
class PersonRef:
    """Someone a brief is about, without the ORM object (it must not leave its session)."""

    person_id: int
    user_id: str
    name: str | None


@dataclass(frozen=True)
class CheckinOutcome:
    cycle_key: str
    status: PromptStatus  # done, skipped or missed
    at: datetime


@dataclass(frozen=True)
class LevelChange:
    """A competency's level by one rater, at the start of the period and now."""

    competency: Competency
    rater: Rater
    before: Level | None  # None: the first rating by this rater
    after: Level
    steps: int  # +n up, -n down on the scale (0 for a first rating)
    at: datetime


@dataclass(frozen=True)
class EvidenceLine:
    competency_label: str
    text: str
    link: str | None
    source_permalink: str | None
    created_at: datetime


@dataclass(frozen=True)
class TopicLine:
    id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Gap:
    """Self and manager ratings of one competency, a level or more apart."""

    competency: Competency
    self_level: Level
    manager_level: Level
    steps: int  # self minus manager: positive when the person rates themself higher


@dataclass(frozen=True)
class TalkingPoint:
    """A competency to talk about, with the référentiel's words for the level to reach."""

    reason: PointReason
    competency: Competency
    self_level: Level | None
    manager_level: Level | None
    target: Level
    descriptor: LevelDescriptor | None  # the matrix cell; None: quote the criteria
    since: datetime | None = None  # stagnation: no rise since then


@dataclass(frozen=True)
class NoteLine:
    id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class ScheduleInfo:
    """A recurring 1:1: its weekday and local time (the manager's), the next one in UTC."""

    weekday: int
    local_time: time
    next_meeting_at: datetime
    timezone: str


@dataclass(frozen=True)
class Brief:
    """Everything a front end needs to draw one 1:1 brief."""

    report: PersonRef
    referentiel: Referentiel
    own: bool  # the person's own prep
    can_act: bool  # the viewer is the person's manager: 1:1 done, notes, schedule
    generated_at: datetime
    since: datetime
    last_one_on_one_at: datetime | None
    last_one_on_one_id: int | None
    checkins: list[CheckinOutcome]
    changes: list[LevelChange]
    evidence: list[EvidenceLine]
    topics: list[TopicLine]
    gaps: list[Gap]
    points: list[TalkingPoint]
    notes: list[NoteLine] = field(default_factory=list)  # the viewer's own notes only
    schedule: ScheduleInfo | None = None

    def count(self, status: PromptStatus) -> int:
        return sum(1 for outcome in self.checkins if outcome.status is status)


@dataclass(frozen=True)
class Recorded:
    """A 1:1 recorded: with whom, and how many open topics it covered."""

    one_on_one_id: int
    report: PersonRef
    held_at: datetime
    topics_discussed: int
    topics_left: int  # raised after the brief was shown: they carry over


# -- the brief ---------------------------------------------------------------------------


def _ref(person: Person) -> PersonRef:
    return PersonRef(person.id, person.platform_user_id, person.display_name)


def _rank(referentiel: Referentiel, level: Level | None) -> int:
    return referentiel.scale.rank(level.id) if level is not None else -1


def _target(referentiel: Referentiel, below: Level | None) -> Level | None:
    """The level to reach above ``below``; never Palier's « Non acquis », which is no goal."""
    upcoming = next_level_of(referentiel, below)
    levels = referentiel.scale.levels
    if upcoming is levels[0] and referentiel.scale.origin == "palier":
        return levels[1]
    return upcoming


@dataclass(frozen=True)
class _Point:
    level_id: str
    rated_at: datetime


def _histories(
    session: Session, report: Person, referentiel: Referentiel, now: datetime
) -> dict[Rater, dict[str, list[_Point]]]:
    """Each rater's ratings by competency, oldest first (levels off the scale ignored)."""
    histories: dict[Rater, dict[str, list[_Point]]] = {Rater.SELF: {}, Rater.MANAGER: {}}
    rows = session.execute(
        select(Rating.rater, Rating.competency_id, Rating.level_id, Rating.rated_at)
        .where(
            Rating.person_id == report.id,
            Rating.referentiel_id == referentiel.id,
            Rating.rated_at <= now,
        )
        .order_by(Rating.rated_at, Rating.id)
    )
    for rater, competency_id, level_id, rated_at in rows:
        if referentiel.scale.level(level_id) is not None:
            histories[rater].setdefault(competency_id, []).append(_Point(level_id, rated_at))
    return histories


def _latest(history: Sequence[_Point], until: datetime) -> _Point | None:
    found = [point for point in history if point.rated_at <= until]
    return found[-1] if found else None


def _changes(
    referentiel: Referentiel,
    histories: dict[Rater, dict[str, list[_Point]]],
    since: datetime,
    now: datetime,
) -> list[LevelChange]:
    """Net changes over the period: the level at its start against the latest one."""
    scale = referentiel.scale
    changes = []
    for competency in referentiel.all_competencies():
        for rater in (Rater.SELF, Rater.MANAGER):
            history = histories[rater].get(competency.id, [])
            after = _latest(history, now)
            if after is None or after.rated_at <= since:
                continue
            before = _latest(history, since)
            if before is not None and before.level_id == after.level_id:
                continue  # up and back down again, or confirmed: nothing changed
            after_level = scale.level(after.level_id)
            before_level = scale.level(before.level_id) if before else None
            assert after_level is not None
            steps = scale.rank(after.level_id) - scale.rank(before.level_id) if before else 0
            changes.append(
                LevelChange(competency, rater, before_level, after_level, steps, after.rated_at)
            )
    return changes


def _current(referentiel: Referentiel, history: Sequence[_Point]) -> Level | None:
    return referentiel.scale.level(history[-1].level_id) if history else None


def _last_rise(referentiel: Referentiel, history: Sequence[_Point]) -> datetime | None:
    """When the self-rating last went up; the first rating when it never did."""
    if not history:
        return None
    rise = history[0].rated_at
    ranks = [referentiel.scale.rank(point.level_id) for point in history]
    for index in range(1, len(history)):
        if ranks[index] > ranks[index - 1]:
            rise = history[index].rated_at
    return rise


def talking_points(
    referentiel: Referentiel,
    self_levels: dict[str, Level],
    manager_levels: dict[str, Level],
    last_rises: dict[str, datetime],
    gaps: Sequence[Gap],
) -> list[TalkingPoint]:
    """Up to three competencies to talk about, each with the level to reach.

    The biggest self/manager gap (the level in dispute: the one above the lower
    rating), the longest stagnation (rated, not at the top, the oldest last rise),
    the weakest (lowest self-rating; while nothing is rated, the first ones); then,
    up to three, the next weakest. Each competency appears once; one already at
    the top of the scale has no level to reach and is left out.
    """
    order = {c.id: index for index, c in enumerate(referentiel.all_competencies())}
    competencies = referentiel.all_competencies()
    points: list[TalkingPoint] = []
    used: set[str] = set()

    def add(
        reason: PointReason, competency: Competency, below: Level | None, since: datetime | None
    ) -> bool:
        target = _target(referentiel, below)
        if target is None or competency.id in used:
            return False
        used.add(competency.id)
        points.append(
            TalkingPoint(
                reason=reason,
                competency=competency,
                self_level=self_levels.get(competency.id),
                manager_level=manager_levels.get(competency.id),
                target=target,
                descriptor=competency.levels.get(target.id),
                since=since,
            )
        )
        return True

    for gap in gaps:  # sorted biggest first
        lower = min(gap.self_level, gap.manager_level, key=lambda lv: _rank(referentiel, lv))
        if add(PointReason.GAP, gap.competency, lower, None):
            break
    stagnant = sorted(
        (c for c in competencies if c.id in last_rises),
        key=lambda c: (last_rises[c.id], order[c.id]),
    )
    for competency in stagnant:
        level = self_levels.get(competency.id)
        if add(PointReason.STAGNATION, competency, level, last_rises[competency.id]):
            break
    rated = [c for c in competencies if c.id in self_levels]
    by_weakness = sorted(
        rated or competencies,
        key=lambda c: (_rank(referentiel, self_levels.get(c.id)), order[c.id]),
    )
    reason = PointReason.WEAKEST
    for competency in by_weakness:
        if len(points) >= TALKING_POINTS:
            break
        if add(reason, competency, self_levels.get(competency.id), None):
            reason = PointReason.NEXT
    # A rotation leaves competencies unrated for weeks: they may fill the last places.
    for competency in competencies:
        if len(points) >= TALKING_POINTS:
            break
        add(PointReason.NEXT, competency, self_levels.get(competency.id), None)
    return points[:TALKING_POINTS]


def _outcome_at(prompt: CheckinPrompt) -> datetime:
    # Done and skipped: when the person answered; missed: when the week closed. A prompt
    # held back by a pause has no answer time: its planned time stands for it.
    if prompt.status is PromptStatus.MISSED:
        return prompt.closes_at
    return prompt.completed_at or prompt.scheduled_at


def compose_brief(
    session: Session,
    report: Person,
    referentiel: Referentiel,
    now: datetime,
    *,
    viewer: Person | None,
    own: bool,
    can_act: bool,
    default_timezone: str = "Europe/Paris",
    window: timedelta = WINDOW,
) -> Brief:
    """The brief about ``report`` as ``viewer`` may see it (access is checked by the caller).

    The viewer's own private notes, and their recurring 1:1, only when ``can_act``.
    """
    last = session.scalars(
        select(OneOnOne)
        .where(OneOnOne.report_id == report.id, OneOnOne.held_at <= now)
        .order_by(OneOnOne.held_at.desc(), OneOnOne.id.desc())
        .limit(1)
    ).first()
    since = last.held_at if last is not None else now - window

    prompts = session.scalars(
        select(CheckinPrompt)
        .where(
            CheckinPrompt.person_id == report.id,
            CheckinPrompt.status.in_(
                [PromptStatus.DONE, PromptStatus.SKIPPED, PromptStatus.MISSED]
            ),
        )
        .order_by(CheckinPrompt.cycle_key)
    ).all()
    checkins = [
        CheckinOutcome(p.cycle_key, p.status, _outcome_at(p))
        for p in prompts
        if since < _outcome_at(p) <= now
    ]

    histories = _histories(session, report, referentiel, now)
    self_levels = {
        cid: level
        for cid, history in histories[Rater.SELF].items()
        if (level := _current(referentiel, history)) is not None
    }
    manager_levels = {
        cid: level
        for cid, history in histories[Rater.MANAGER].items()
        if (level := _current(referentiel, history)) is not None
    }
    competencies = referentiel.all_competencies()
    gaps = [
        Gap(c, self_levels[c.id], manager_levels[c.id], steps)
        for c in competencies
        if c.id in self_levels
        and c.id in manager_levels
        and (
            steps := _rank(referentiel, self_levels[c.id])
            - _rank(referentiel, manager_levels[c.id])
        )
        != 0
    ]
    gaps.sort(key=lambda gap: -abs(gap.steps))  # stable: référentiel order among equals
    last_rises = {
        cid: rise
        for cid, history in histories[Rater.SELF].items()
        if (rise := _last_rise(referentiel, history)) is not None
    }

    labels = {c.id: c.label for c in competencies}
    evidence = [
        EvidenceLine(
            labels.get(e.competency_id, e.competency_id),
            e.text,
            e.link,
            e.source_permalink,
            e.created_at,
        )
        for e in session.scalars(
            select(Evidence)
            .where(
                Evidence.person_id == report.id,
                Evidence.referentiel_id == referentiel.id,
                Evidence.created_at > since,
                Evidence.created_at <= now,
            )
            .order_by(Evidence.created_at.desc(), Evidence.id.desc())
        )
    ]
    topics = [
        TopicLine(topic.id, topic.text, topic.created_at)
        for topic in session.scalars(
            select(OneOnOneTopic)
            .where(
                OneOnOneTopic.person_id == report.id,
                OneOnOneTopic.discussed_in_id.is_(None),
                OneOnOneTopic.created_at <= now,
            )
            .order_by(OneOnOneTopic.created_at, OneOnOneTopic.id)
        )
    ]
    notes: list[NoteLine] = []
    schedule = None
    if can_act and viewer is not None and viewer.id != report.id:
        notes = [
            NoteLine(note.id, note.text, note.created_at)
            for note in session.scalars(
                select(OneOnOneNote)
                .where(OneOnOneNote.person_id == report.id, OneOnOneNote.author_id == viewer.id)
                .order_by(OneOnOneNote.created_at.desc(), OneOnOneNote.id.desc())
                .limit(NOTES_SHOWN)
            )
        ]
        row = _schedule(session, viewer, report)
        if row is not None:
            schedule = ScheduleInfo(
                row.weekday,
                row.local_time,
                row.next_meeting_at,
                zone_of(viewer, default_timezone),
            )
    return Brief(
        report=_ref(report),
        referentiel=referentiel,
        own=own,
        can_act=can_act,
        generated_at=now,
        since=since,
        last_one_on_one_at=last.held_at if last is not None else None,
        last_one_on_one_id=last.id if last is not None else None,
        checkins=checkins,
        changes=_changes(referentiel, histories, since, now),
        evidence=evidence,
        topics=topics,
        gaps=gaps,
        points=talking_points(referentiel, self_levels, manager_levels, last_rises, gaps),
        notes=notes,
        schedule=schedule,
    )


def manages(session: Session, viewer: Viewer, target: Person) -> bool:
    """Whether ``viewer`` is ``target``'s manager (an admin's right to read is not enough)."""
    as_manager = replace(viewer, is_admin=False)
    return scope_over(session, as_manager, target) is Scope.MANAGER


def _schedule(session: Session, manager: Person, report: Person) -> OneOnOneSchedule | None:
    return session.scalars(
        select(OneOnOneSchedule).where(
            OneOnOneSchedule.manager_id == manager.id, OneOnOneSchedule.report_id == report.id
        )
    ).one_or_none()


def next_occurrence(weekday: int, local_time: time, timezone: str, after: datetime) -> datetime:
    """The first instant strictly after ``after`` when it is ``weekday`` ``local_time`` there.

    DST is :func:`bot.scheduling.local_to_utc`'s: a time in the spring gap is the
    first minute after it, a time that happens twice is the first one.
    """
    local_day = after.astimezone(ZoneInfo(timezone)).date()
    ahead = (weekday - local_day.weekday()) % 7
    for extra in (0, 7, 14):
        candidate = local_to_utc(local_day + timedelta(days=ahead + extra), local_time, timezone)
        if candidate > after:
            return candidate
    raise AssertionError("an occurrence is always within three weeks")  # pragma: no cover


# -- the service ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Access:
    me: Person
    viewer: Viewer
    target: Person
    scope: Scope
    manager: bool


class OneOnOneService:
    """1:1 briefs, records, notes and schedules, for the person acting (platform identity)."""

    def __init__(
        self,
        catalog: ReferentielCatalog,
        *,
        default_timezone: str = "Europe/Paris",
        platform: Platform = Platform.SLACK,
        window: timedelta = WINDOW,
    ) -> None:
        self.catalog = catalog
        self.default_timezone = default_timezone
        self.platform = platform
        self.window = window

    # -- who may do what ---------------------------------------------------------------------

    def _access(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        target: Person | None,
        *,
        is_admin: bool,
        indirect: bool,
    ) -> _Access | OneOnOneRefusal:
        me = person_for(session, self.platform, team_id, user_id)
        if me is None or target is None:
            return OneOnOneRefusal.UNAVAILABLE
        viewer = Viewer(me, is_admin=is_admin, indirect=indirect)
        scope = scope_over(session, viewer, target)
        if scope is None:
            return OneOnOneRefusal.UNAVAILABLE
        return _Access(me, viewer, target, scope, manages(session, viewer, target))

    def _by_user_id(self, session: Session, team_id: str, user_id: str) -> Person | None:
        tenant = find_tenant(session, self.platform, team_id)
        return find_person(session, tenant.id, user_id) if tenant else None

    def _acting(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        report_id: int,
        *,
        is_admin: bool,
        indirect: bool,
        lock: bool = False,
    ) -> _Access | OneOnOneRefusal:
        """The report, when the actor is their manager (locked for update when ``lock``)."""
        query = select(Person).where(Person.id == report_id)
        if lock:
            # Serialises two "1:1 done" clicks on PostgreSQL (SQLite serialises writers anyway).
            query = query.with_for_update()
        target = session.scalars(query).one_or_none()
        access = self._access(
            session, team_id, user_id, target, is_admin=is_admin, indirect=indirect
        )
        if isinstance(access, OneOnOneRefusal):
            return access
        if not access.manager:
            return OneOnOneRefusal.MANAGER_ONLY
        return access

    # -- reading -------------------------------------------------------------------------------

    def brief(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        target_user_id: str | None,
        now: datetime,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> Brief | OneOnOneRefusal:
        """The brief about ``target_user_id`` (None: the asker's own prep), or why not."""
        if target_user_id is None or target_user_id == user_id:
            me = person_for(session, self.platform, team_id, user_id)
            referentiel = self.catalog.get(me.referentiel_id or "") if me else None
            if me is None or referentiel is None:
                return OneOnOneRefusal.NOT_ENROLLED
            return compose_brief(
                session,
                me,
                referentiel,
                now,
                viewer=me,
                own=True,
                can_act=False,
                default_timezone=self.default_timezone,
                window=self.window,
            )
        target = self._by_user_id(session, team_id, target_user_id)
        access = self._access(
            session, team_id, user_id, target, is_admin=is_admin, indirect=indirect
        )
        if isinstance(access, OneOnOneRefusal):
            return access
        referentiel = self.catalog.get(access.target.referentiel_id or "")
        if referentiel is None:
            return OneOnOneRefusal.TARGET_NOT_ENROLLED
        return compose_brief(
            session,
            access.target,
            referentiel,
            now,
            viewer=access.me,
            own=False,
            can_act=access.manager,
            default_timezone=self.default_timezone,
            window=self.window,
        )

    def report_for_note(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        report_id: int,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> PersonRef | OneOnOneRefusal:
        """Whom a note would be about, when the actor may write one (their manager)."""
        access = self._acting(
            session, team_id, user_id, report_id, is_admin=is_admin, indirect=indirect
        )
        return access if isinstance(access, OneOnOneRefusal) else _ref(access.target)

    # -- acting ----------------------------------------------------------------------------------

    def record_one_on_one(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        report_id: int,
        now: datetime,
        *,
        shown_at: datetime,
        last_seen_id: int | None,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> Recorded | OneOnOneRefusal:
        """Record that the 1:1 shown in a brief took place now.

        The topics that were open when the brief was shown (``shown_at``) are marked
        discussed in it; topics raised after that stay open for the next one. When a
        1:1 was recorded since the brief was shown (``last_seen_id`` is no longer the
        latest: a double click, a second process, an old message) nothing is stored.
        """
        access = self._acting(
            session, team_id, user_id, report_id, is_admin=is_admin, indirect=indirect, lock=True
        )
        if isinstance(access, OneOnOneRefusal):
            return access
        report = access.target
        latest = session.scalars(
            select(OneOnOne.id)
            .where(OneOnOne.report_id == report.id)
            .order_by(OneOnOne.held_at.desc(), OneOnOne.id.desc())
            .limit(1)
        ).first()
        if latest != last_seen_id:
            return OneOnOneRefusal.ALREADY_RECORDED
        meeting = OneOnOne(
            tenant_id=report.tenant_id,
            manager_id=access.me.id,
            report_id=report.id,
            held_at=now,
            created_at=now,
        )
        session.add(meeting)
        session.flush()
        cutoff = min(shown_at, now)  # a forged future time must not sweep later topics
        discussed = session.execute(
            update(OneOnOneTopic)
            .where(
                OneOnOneTopic.person_id == report.id,
                OneOnOneTopic.discussed_in_id.is_(None),
                OneOnOneTopic.created_at <= cutoff,
            )
            .values(discussed_in_id=meeting.id)
            .execution_options(synchronize_session=False)
        )
        left = session.scalars(
            select(OneOnOneTopic.id).where(
                OneOnOneTopic.person_id == report.id, OneOnOneTopic.discussed_in_id.is_(None)
            )
        ).all()
        return Recorded(
            meeting.id,
            _ref(report),
            now,
            int(getattr(discussed, "rowcount", 0) or 0),
            len(left),
        )

    def add_note(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        report_id: int,
        text: str,
        now: datetime,
        *,
        idempotency_key: str | None = None,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> NoteLine | OneOnOneRefusal | None:
        """Store the manager's private note about a report; None for a second delivery."""
        text = clean_text(text)
        if not text:
            return OneOnOneRefusal.EMPTY_NOTE
        if len(text) > MAX_TEXT:
            return OneOnOneRefusal.NOTE_TOO_LONG
        access = self._acting(
            session, team_id, user_id, report_id, is_admin=is_admin, indirect=indirect
        )
        if isinstance(access, OneOnOneRefusal):
            return access
        note = OneOnOneNote(
            tenant_id=access.target.tenant_id,
            person_id=access.target.id,
            author_id=access.me.id,
            text=text,
            idempotency_key=idempotency_key,
            created_at=now,
        )
        try:
            # A savepoint: a duplicate rolls back this insert only.
            with session.begin_nested():
                session.add(note)
                session.flush()
        except IntegrityError:
            return None
        return NoteLine(note.id, note.text, note.created_at)

    def _acting_on(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        target_user_id: str,
        is_admin: bool,
        indirect: bool,
    ) -> tuple[Person, _Access] | OneOnOneRefusal:
        """The target by Slack id and the actor's right to act on them, or the refusal."""
        target = self._by_user_id(session, team_id, target_user_id)
        if target is None:
            return OneOnOneRefusal.UNAVAILABLE
        access = self._acting(
            session, team_id, user_id, target.id, is_admin=is_admin, indirect=indirect
        )
        if isinstance(access, OneOnOneRefusal):
            return access
        return target, access

    def set_schedule(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        target_user_id: str,
        weekday: int,
        local_time: time,
        now: datetime,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> tuple[PersonRef, ScheduleInfo] | OneOnOneRefusal:
        """A recurring 1:1 (the manager's weekday and local time); replaces any previous one."""
        acting = self._acting_on(session, team_id, user_id, target_user_id, is_admin, indirect)
        if isinstance(acting, OneOnOneRefusal):
            return acting
        target, access = acting
        zone = zone_of(access.me, self.default_timezone)
        upcoming = next_occurrence(weekday, local_time, zone, now)
        row = _schedule(session, access.me, target)
        if row is None:
            row = OneOnOneSchedule(
                tenant_id=target.tenant_id,
                manager_id=access.me.id,
                report_id=target.id,
                weekday=weekday,
                local_time=local_time,
                next_meeting_at=upcoming,
                created_at=now,
                updated_at=now,
            )
            try:
                with session.begin_nested():
                    session.add(row)
                    session.flush()
            except IntegrityError:  # set at the same moment by another request: update it
                found = _schedule(session, access.me, target)
                assert found is not None
                row = found
        row.weekday, row.local_time, row.next_meeting_at = weekday, local_time, upcoming
        row.updated_at = now
        session.flush()
        return _ref(target), ScheduleInfo(weekday, local_time, upcoming, zone)

    def clear_schedule(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        target_user_id: str,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> tuple[PersonRef, bool] | OneOnOneRefusal:
        """Stop the recurring brief; True when there was one."""
        acting = self._acting_on(session, team_id, user_id, target_user_id, is_admin, indirect)
        if isinstance(acting, OneOnOneRefusal):
            return acting
        target, access = acting
        result = session.execute(
            delete(OneOnOneSchedule)
            .where(
                OneOnOneSchedule.manager_id == access.me.id,
                OneOnOneSchedule.report_id == target.id,
            )
            .execution_options(synchronize_session=False)
        )
        return _ref(target), bool(getattr(result, "rowcount", 0))
