"""A person's levels over the last quarters, competency by competency: what their
progress chart shows (:mod:`bot.views.progress_chart`).

Definitions (those of :mod:`bot.domain.progress`, over a longer time):

* **the quarters**: the calendar quarter of today in the person's time zone and the
  three before it, oldest first; each ends at its last day's midnight in that zone,
  and the current one "ends" now (its level is today's).
* **the level of a competency in a quarter**: its latest self-rating before the
  quarter's end, on the scale of the person's référentiel (a level the scale no longer
  has is ignored, as everywhere); none while it was not rated yet. A competency rated
  once two years ago keeps that level in every quarter: it is still where the person
  said they stand.
* **no data**: no competency has a level in any of the quarters; the chart is then not
  drawn (the person is told why instead of getting an empty picture).

Self-ratings, not the manager's: the chart is the person's own account of where they
stand, as ``/palier me`` gives it; the manager's confirmations are in the 1:1 brief.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.progress import RatingPoint, by_competency, quarter_start
from referentiels.models import Competency, Level, Referentiel
from storage.models import Person, Rater, Rating

QUARTERS = 4


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter (``number`` 1–4 of ``year``) and the instant its levels are
    read at: its end, or now for the current one."""

    year: int
    number: int
    ends_at: datetime
    current: bool


@dataclass(frozen=True)
class CompetencyLevels:
    """One competency's level at the end of each quarter (None: not rated yet)."""

    competency: Competency
    levels: tuple[Level | None, ...]


@dataclass(frozen=True)
class ProgressChart:
    """What a person's progress chart shows: whose, on which référentiel, the quarters
    (oldest first) and a row per competency in the référentiel's order."""

    name: str
    referentiel: Referentiel
    quarters: tuple[Quarter, ...]
    rows: tuple[CompetencyLevels, ...]

    @property
    def empty(self) -> bool:
        return all(level is None for row in self.rows for level in row.levels)


def _previous(start: date) -> date:
    """The first day of the quarter before the one starting on ``start``."""
    month = start.month - 3
    return date(start.year - 1, month + 12, 1) if month < 1 else date(start.year, month, 1)


def last_quarters(now: datetime, zone: str, count: int = QUARTERS) -> tuple[Quarter, ...]:
    """The current quarter in ``zone`` and the ``count - 1`` before it, oldest first."""
    tz = ZoneInfo(zone)
    aware = now if now.tzinfo else now.replace(tzinfo=UTC)
    start = quarter_start(aware.astimezone(tz).date())
    found = [Quarter(start.year, (start.month - 1) // 3 + 1, aware, True)]
    for _ in range(count - 1):
        end = datetime.combine(start, time(), tzinfo=tz).astimezone(UTC)
        start = _previous(start)
        found.append(Quarter(start.year, (start.month - 1) // 3 + 1, end, False))
    return tuple(reversed(found))


def levels_by_quarter(
    referentiel: Referentiel, ratings: Iterable[RatingPoint], quarters: Sequence[Quarter]
) -> tuple[CompetencyLevels, ...]:
    """Each competency's level at each quarter's end (see the module's definitions)."""
    history = by_competency(referentiel, ratings)
    levels = {level.id: level for level in referentiel.scale.levels}
    rows = []
    for competency in referentiel.all_competencies():
        points = history.get(competency.id, ())
        shown: list[Level | None] = []
        for quarter in quarters:
            before = [p for p in points if _by(p.rated_at, quarter)]
            shown.append(levels[before[-1].level_id] if before else None)
        rows.append(CompetencyLevels(competency, tuple(shown)))
    return tuple(rows)


def _by(rated_at: datetime, quarter: Quarter) -> bool:
    """Whether a rating given at ``rated_at`` counts for ``quarter``: before its end (the
    next quarter's first instant), or up to now for the current one."""
    return rated_at <= quarter.ends_at if quarter.current else rated_at < quarter.ends_at


def load_chart(
    session: Session, person: Person, referentiel: Referentiel, now: datetime, zone: str
) -> ProgressChart:
    """``person``'s chart on ``referentiel`` as of ``now`` (one query: their
    self-ratings on it)."""
    quarters = last_quarters(now, zone)
    rows = session.execute(
        select(Rating.competency_id, Rating.level_id, Rating.rated_at).where(
            Rating.person_id == person.id,
            Rating.referentiel_id == referentiel.id,
            Rating.rater == Rater.SELF,
        )
    ).all()
    points = [
        RatingPoint(c, level, at if at.tzinfo else at.replace(tzinfo=UTC)) for c, level, at in rows
    ]
    name = person.display_name or person.platform_user_id
    return ProgressChart(
        name, referentiel, quarters, levels_by_quarter(referentiel, points, quarters)
    )
