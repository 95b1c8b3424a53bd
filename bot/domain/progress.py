"""The level-progress summary: where a person stands on their référentiel.

Pure computation over a person's ratings, evidence counts and check-in history;
the caller loads them (one session) and a front end renders the result. Levels
are compared by their rank on the référentiel's ordered scale.

Definitions (the product's words, made precise):

* **current level** of a competency: its latest rating by the chosen rater.
* **previous level**: the rating just before the latest one.
* **level at the start of the quarter**: the latest rating before the quarter
  began; when there is none, the first rating within the quarter (so a person who
  started this quarter sees their change since their first rating).
* **référentiel level reached**: the highest level that *every* competency has
  reached; none while a competency is unrated or below the lowest level.
* **progress to the next level**: how many competencies are at or above it.
* **weakest competency**: the lowest-rated one among those rated (while nothing
  is rated, the first one), ties in référentiel order; the summary quotes what
  its next level asks for. A competency not yet asked about (a rotation covers a
  large référentiel over weeks) is not "weakest": nothing is known about it.
* **streak**: consecutive cycles with a completed check-in, counting back from
  the most recent cycle that is done or already over (an open cycle not yet
  answered does not break it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from bot.domain.criteria_coverage import CompetencyCoverage
from referentiels.models import Competency, Level, LevelDescriptor, Referentiel


class RatingPoint(NamedTuple):  # immutable; thousands per team view, made fast
    competency_id: str
    level_id: str
    rated_at: datetime


class CycleOutcome(NamedTuple):  # immutable; thousands per team view, made fast
    cycle_key: str
    done: bool
    open: bool = False  # the cycle is still running, so an unanswered prompt is not missed yet


class CompetencyProgress(NamedTuple):  # immutable; thousands per team view, made fast
    competency: Competency
    current: Level | None
    previous: Level | None
    at_quarter_start: Level | None
    evidence_count: int
    last_rated_at: datetime | None
    # Steps on the scale: +n up, -n down, 0 unchanged or nothing to compare with.
    change_since_previous: int
    change_since_quarter: int


def _delta(before: Level | None, after: Level | None, ranks: Mapping[str, int]) -> int:
    if before is None or after is None:
        return 0
    return ranks[after.id] - ranks[before.id]


@dataclass(frozen=True)
class NextStep:
    """What the next level asks for one competency, quoted from the référentiel."""

    competency: Competency
    level: Level
    descriptor: LevelDescriptor | None  # a matrix cell; None for a certification


@dataclass(frozen=True)
class ProgressSummary:
    referentiel: Referentiel
    competencies: list[CompetencyProgress]
    reached: Level | None
    next_level: Level | None
    at_next_level: int  # competencies at or above next_level
    weakest: NextStep | None
    streak: int
    # The manager's latest level of each competency they reviewed (none before a review):
    # shown to the person beside their own where they ask for their summary.
    manager: Mapping[str, Level] = field(default_factory=dict)
    # On a certification référentiel with criteria: how many of them the person's
    # evidence covers, out of all (:mod:`bot.domain.criteria_coverage`); None otherwise.
    criteria: CompetencyCoverage | None = None

    @property
    def total(self) -> int:
        return len(self.competencies)

    def rated(self) -> list[CompetencyProgress]:
        return [c for c in self.competencies if c.current is not None]


def quarter_start(day: date) -> date:
    """First day of the calendar quarter containing ``day``."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def streak(outcomes: Sequence[CycleOutcome], before: int = 0) -> int:
    """Consecutive completed cycles, most recent first; outcomes in cycle order.

    ``before``: the streak the outcomes continue — the cycles done in a row just before
    the first of them, for a caller that did not read the older ones (it counts only
    when nothing among ``outcomes`` breaks the streak).
    """
    count = 0
    for outcome in reversed(outcomes):
        if outcome.done:
            count += 1
        elif outcome.open:
            continue
        else:
            return count
    return count + before


# One rater's ratings of a person on the scale of their référentiel, by competency, oldest
# first (as :func:`by_competency` gives them).
History = Mapping[str, Sequence[RatingPoint]]


def by_competency(referentiel: Referentiel, ratings: Iterable[RatingPoint]) -> History:
    """The ratings by competency, oldest first; a level no longer on the scale is ignored."""
    on_scale = {level.id for level in referentiel.scale.levels}
    found: dict[str, list[RatingPoint]] = {}
    for point in sorted(ratings, key=lambda p: p.rated_at):
        if point.level_id in on_scale:
            found.setdefault(point.competency_id, []).append(point)
    return found


def latest_of_each(referentiel: Referentiel, ratings: Iterable[RatingPoint]) -> dict[str, Level]:
    """Each competency's latest level among ``ratings`` (one rater's), on the scale."""
    levels = {level.id: level for level in referentiel.scale.levels}
    return {
        competency_id: levels[points[-1].level_id]
        for competency_id, points in by_competency(referentiel, ratings).items()
    }


def summarize(
    referentiel: Referentiel,
    ratings: Iterable[RatingPoint],
    evidence_counts: Mapping[str, int],
    outcomes: Sequence[CycleOutcome],
    quarter_began_at: datetime,
    streak_before: int = 0,
) -> ProgressSummary:
    """Compute the summary for one person and one rater's ratings (``streak_before``: see
    :func:`streak`)."""
    history = by_competency(referentiel, ratings)
    return summarize_history(
        referentiel, history, evidence_counts, outcomes, quarter_began_at, streak_before
    )


def summarize_history(
    referentiel: Referentiel,
    by_competency: History,
    evidence_counts: Mapping[str, int],
    outcomes: Sequence[CycleOutcome],
    quarter_began_at: datetime,
    streak_before: int = 0,
) -> ProgressSummary:
    """:func:`summarize`, for ratings already in order by competency (a whole team's are
    read that way)."""
    scale = referentiel.scale
    ranks = {level.id: index for index, level in enumerate(scale.levels)}
    levels = {level.id: level for level in scale.levels}  # of the scale: looked up once

    progress = []
    for competency in referentiel.all_competencies():
        history = by_competency.get(competency.id, ())
        current = levels[history[-1].level_id] if history else None
        previous = levels[history[-2].level_id] if len(history) > 1 else None
        before_quarter = [p for p in history if p.rated_at < quarter_began_at]
        baseline = before_quarter[-1] if before_quarter else (history[0] if history else None)
        at_quarter_start = levels[baseline.level_id] if baseline else None
        progress.append(
            CompetencyProgress(
                competency=competency,
                current=current,
                previous=previous,
                at_quarter_start=at_quarter_start,
                evidence_count=evidence_counts.get(competency.id, 0),
                last_rated_at=history[-1].rated_at if history else None,
                change_since_previous=_delta(previous, current, ranks),
                change_since_quarter=_delta(at_quarter_start, current, ranks),
            )
        )

    def rank(item: CompetencyProgress) -> int:
        return ranks[item.current.id] if item.current else -1

    lowest = min((rank(item) for item in progress), default=-1)
    reached = scale.levels[lowest] if lowest >= 0 else None
    next_rank = lowest + 1
    next_level = scale.levels[next_rank] if next_rank < len(scale.levels) else None
    at_next = sum(1 for item in progress if next_level is not None and rank(item) >= next_rank)

    weakest = None
    rated = [item for item in progress if item.current is not None]
    floor = min((rank(item) for item in rated), default=-1)
    candidates = [item for item in (rated or progress) if rank(item) == floor]
    if candidates:
        target_rank = rank(candidates[0]) + 1
        if target_rank < len(scale.levels):
            level = scale.levels[target_rank]
            competency = candidates[0].competency
            weakest = NextStep(competency, level, competency.levels.get(level.id))

    return ProgressSummary(
        referentiel=referentiel,
        competencies=progress,
        reached=reached,
        next_level=next_level,
        at_next_level=at_next,
        weakest=weakest,
        streak=streak(outcomes, streak_before),
    )
