"""What a person's Home reads of their own data: three statements, whatever their history.

The Home used to read the person's ratings twice (for the level-progress summary, then
for the competencies' histories), their evidence three times (counted by competency,
counted in all, then a page of it) and their check-ins twice (those scheduled so far,
for the streak, then this week's, for the slot): seven statements, a manager's Home
fifteen with its team section. Each table is read once here:

* **ratings**: every rating of the person on their référentiel, by either rater — the
  summary takes the self-ratings in the order :func:`bot.domain.checkin.load_summary`
  reads them (by id), the competencies' histories all of them by time;
* **evidence**: a page of it, newest first, and in the same statement (``UNION ALL``) how
  many the person has by référentiel and competency — the page's total and the summary's
  counts (those on the current référentiel);
* **check-ins**: those scheduled so far (the summary's) and this week's whatever its
  slot (the schedule's), in one statement.

Only the person's own rows are read (the Home shows the viewer's own data), and what
each part of the Home is given is exactly what its former read gave it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, String, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from bot.domain.checkin import PromptRow
from bot.domain.progress import RatingPoint
from storage.models import CheckinPrompt, Evidence, Person, PromptStatus, Rater, Rating

PAGE, COUNT = 0, 1  # what an evidence row is: an entry of the page, or a count


@dataclass(frozen=True)
class OwnRatings:
    """The person's ratings on their référentiel."""

    own: list[RatingPoint]  # self-ratings, in the order they were stored (by id)
    by_time: list[tuple[str, str, Rater]]  # (competency, level, rater), oldest first


def own_ratings(session: Session, person: Person, referentiel_id: str) -> OwnRatings:
    """Every rating of ``person`` on ``referentiel_id``, by either rater (one statement)."""
    rows = session.execute(
        select(Rating.id, Rating.competency_id, Rating.level_id, Rating.rated_at, Rating.rater)
        .where(Rating.person_id == person.id, Rating.referentiel_id == referentiel_id)
        .order_by(Rating.rated_at, Rating.id)
    ).all()
    own = sorted((row for row in rows if row.rater is Rater.SELF), key=lambda row: row.id)
    return OwnRatings(
        own=[RatingPoint(row.competency_id, row.level_id, row.rated_at) for row in own],
        by_time=[(row.competency_id, row.level_id, row.rater) for row in rows],
    )


@dataclass(frozen=True)
class EvidenceRow:
    """One entry of the person's evidence, as the Home shows it."""

    id: int
    referentiel_id: str
    competency_id: str
    created_at: datetime
    text: str
    link: str | None
    source_permalink: str | None
    happened_on: date | None


@dataclass(frozen=True)
class OwnEvidence:
    rows: list[EvidenceRow]  # the page asked for, the latest to happen first
    total: int  # all the person's evidence
    counts: Counter[str]  # on the référentiel asked for, by competency


def own_evidence(
    session: Session, person: Person, referentiel_id: str, limit: int, offset: int
) -> OwnEvidence:
    """A page of ``person``'s evidence, their evidence counted in all, and counted by
    competency of ``referentiel_id`` (one statement)."""
    newest_first = (Evidence.happened_on.desc(), Evidence.id.desc())
    page = (
        select(
            literal(PAGE, Integer).label("kind"),
            func.row_number().over(order_by=newest_first).label("position"),
            Evidence.id,
            Evidence.referentiel_id,
            Evidence.competency_id,
            Evidence.created_at,
            Evidence.text,
            Evidence.link,
            Evidence.source_permalink,
            Evidence.happened_on,
        )
        .where(Evidence.person_id == person.id)
        .order_by(*newest_first)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    counts = (
        select(
            literal(COUNT, Integer),
            func.count(),  # in the position's place
            null(),
            Evidence.referentiel_id,
            Evidence.competency_id,
            null(),
            cast(null(), String),
            cast(null(), String),
            cast(null(), String),
            null(),
        )
        .where(Evidence.person_id == person.id)
        .group_by(Evidence.referentiel_id, Evidence.competency_id)
    )
    entries: list[tuple[int, EvidenceRow]] = []
    total = 0
    by_competency: Counter[str] = Counter()
    found: list[Any] = list(session.execute(union_all(select(page), counts)).all())
    for kind, number, id_, ref_id, competency_id, created, text, link, permalink, happened in found:
        if kind == COUNT:
            total += number
            if ref_id == referentiel_id:
                by_competency[competency_id] += number
        else:  # ``number``: its position in the whole list, newest first (as the database
            # orders them: where an undated entry goes differs between databases)
            row = EvidenceRow(id_, ref_id, competency_id, created, text, link, permalink, happened)
            entries.append((number, row))
    entries.sort(key=lambda entry: entry[0])
    return OwnEvidence([row for _, row in entries], total, by_competency)


@dataclass(frozen=True)
class OwnCheckins:
    scheduled: list[PromptRow]  # those scheduled by now, by the end of their cycle
    current: tuple[PromptStatus, datetime] | None  # this week's: status, slot


def own_checkins(session: Session, person: Person, cycle_key: str, now: datetime) -> OwnCheckins:
    """``person``'s check-ins scheduled by ``now`` and that of the cycle ``cycle_key``
    whatever its slot (one statement)."""
    rows = session.execute(
        select(
            CheckinPrompt.cycle_key,
            CheckinPrompt.status,
            CheckinPrompt.closes_at,
            CheckinPrompt.scheduled_at,
        )
        .where(
            CheckinPrompt.person_id == person.id,
            or_(CheckinPrompt.scheduled_at <= now, CheckinPrompt.cycle_key == cycle_key),
        )
        .order_by(CheckinPrompt.closes_at)
    ).all()
    scheduled = [(key, status, ends) for key, status, ends, at in rows if at <= now]
    current = next(((status, at) for key, status, _, at in rows if key == cycle_key), None)
    return OwnCheckins(scheduled, current)
