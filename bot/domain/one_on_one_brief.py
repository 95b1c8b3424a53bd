"""The 1:1 brief's queries: what happened to one person since their last 1:1.

:func:`compose_brief` reads, in the caller's session, the check-ins done, skipped
and missed, the level changes (self and manager ratings), the new evidence, the
topics still open, and — for the person's manager — their own private notes and
recurring 1:1; the talking points come from :mod:`bot.domain.talking_points`. Who may see
the brief is checked by the caller (:mod:`bot.domain.one_on_one`), never here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.domain.one_on_one_views import (
    Brief,
    CheckinOutcome,
    EvidenceLine,
    LevelChange,
    NoteLine,
    ScheduleInfo,
    TopicLine,
    person_ref,
)
from bot.domain.people import zone_of
from bot.domain.talking_points import find_gaps, talking_points
from referentiels.models import Level, Referentiel
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOne,
    OneOnOneNote,
    OneOnOneSchedule,
    OneOnOneTopic,
    Person,
    PromptStatus,
    Rater,
    Rating,
)

WINDOW = timedelta(days=14)  # what a brief covers when no 1:1 is recorded yet
NOTES_SHOWN = 5  # the author's latest private notes in a brief


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
    checkins = _checkins(session, report, since, now)
    histories = _histories(session, report, referentiel, now)
    self_levels = _current_levels(referentiel, histories[Rater.SELF])
    manager_levels = _current_levels(referentiel, histories[Rater.MANAGER])
    gaps = find_gaps(referentiel, self_levels, manager_levels)
    last_rises = {
        cid: rise
        for cid, history in histories[Rater.SELF].items()
        if (rise := _last_rise(referentiel, history)) is not None
    }
    evidence = _evidence(session, report, referentiel, since, now)
    topics = _open_topics(session, report, now)
    notes: list[NoteLine] = []
    schedule = None
    if can_act and viewer is not None and viewer.id != report.id:
        notes = _own_notes(session, viewer, report)
        schedule = _schedule_info(session, viewer, report, default_timezone)
    return Brief(
        report=person_ref(report),
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


def _checkins(
    session: Session, report: Person, since: datetime, now: datetime
) -> list[CheckinOutcome]:
    prompts = session.scalars(
        select(CheckinPrompt)
        .where(
            CheckinPrompt.person_id == report.id,
            CheckinPrompt.status.in_(
                [PromptStatus.DONE, PromptStatus.SKIPPED, PromptStatus.MISSED]
            ),
            # Only those that may have come out after ``since``, not the whole history: a
            # check-in's outcome (_outcome_at) is its answer's time, or else no later than
            # the end of its week.
            or_(CheckinPrompt.closes_at > since, CheckinPrompt.completed_at > since),
        )
        .order_by(CheckinPrompt.cycle_key)
    ).all()
    return [
        CheckinOutcome(p.cycle_key, p.status, _outcome_at(p))
        for p in prompts
        if since < _outcome_at(p) <= now
    ]


def _current_levels(
    referentiel: Referentiel, histories: dict[str, list[_Point]]
) -> dict[str, Level]:
    return {
        cid: level
        for cid, history in histories.items()
        if (level := _current(referentiel, history)) is not None
    }


def _evidence(
    session: Session, report: Person, referentiel: Referentiel, since: datetime, now: datetime
) -> list[EvidenceLine]:
    labels = {c.id: c.label for c in referentiel.all_competencies()}
    return [
        EvidenceLine(
            labels.get(e.competency_id, e.competency_id),
            e.text,
            e.link,
            e.source_permalink,
            e.created_at,
            e.happened_on,
        )
        for e in session.scalars(
            select(Evidence)
            .where(
                Evidence.person_id == report.id,
                Evidence.referentiel_id == referentiel.id,
                Evidence.created_at > since,
                Evidence.created_at <= now,
            )
            # Logged since the last 1:1 (new to the manager), the latest to happen first.
            .order_by(Evidence.happened_on.desc(), Evidence.id.desc())
        )
    ]


def _open_topics(session: Session, report: Person, now: datetime) -> list[TopicLine]:
    return [
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


def _own_notes(session: Session, author: Person, report: Person) -> list[NoteLine]:
    """The author's latest private notes about the report (never anyone else's)."""
    return [
        NoteLine(note.id, note.text, note.created_at)
        for note in session.scalars(
            select(OneOnOneNote)
            .where(OneOnOneNote.person_id == report.id, OneOnOneNote.author_id == author.id)
            .order_by(OneOnOneNote.created_at.desc(), OneOnOneNote.id.desc())
            .limit(NOTES_SHOWN)
        )
    ]


def _schedule_info(
    session: Session, manager: Person, report: Person, default_timezone: str
) -> ScheduleInfo | None:
    row = schedule_between(session, manager, report)
    if row is None:
        return None
    zone = zone_of(manager, default_timezone)
    return ScheduleInfo(row.weekday, row.local_time, row.next_meeting_at, zone)


def schedule_between(session: Session, manager: Person, report: Person) -> OneOnOneSchedule | None:
    """The manager's recurring 1:1 with the report, when there is one."""
    return session.scalars(
        select(OneOnOneSchedule).where(
            OneOnOneSchedule.manager_id == manager.id, OneOnOneSchedule.report_id == report.id
        )
    ).one_or_none()
