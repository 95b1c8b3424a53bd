"""Three things to talk about in a 1:1, drawn from the référentiel: the algorithm.

Given a person's current self and manager levels and when each self-rating last
rose, :func:`talking_points` picks the biggest self/manager gap, the longest
stagnation and the weakest competencies, each with the level to reach. Pure: no
session, no clock, so it is tested on its own and the brief's queries stay apart
(:mod:`bot.domain.one_on_one_brief`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.checkin import next_level_of
from referentiels.models import Competency, Level, LevelDescriptor, Referentiel

TALKING_POINTS = 3


class PointReason(enum.StrEnum):
    """Why a competency is suggested as a talking point."""

    GAP = "gap"  # the biggest gap between the self and the manager rating
    STAGNATION = "stagnation"  # no self-rating rise for the longest time
    WEAKEST = "weakest"  # the lowest self-rating
    NEXT = "next"  # filling up to three: the next lowest


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


def rank(referentiel: Referentiel, level: Level | None) -> int:
    """A level's place on the scale; -1 for no level at all."""
    return referentiel.scale.rank(level.id) if level is not None else -1


def target_level(referentiel: Referentiel, below: Level | None) -> Level | None:
    """The level to reach above ``below``; never Palier's « Non acquis », which is no goal."""
    upcoming = next_level_of(referentiel, below)
    levels = referentiel.scale.levels
    if upcoming is levels[0] and referentiel.scale.origin == "palier":
        return levels[1]
    return upcoming


def find_gaps(
    referentiel: Referentiel, self_levels: dict[str, Level], manager_levels: dict[str, Level]
) -> list[Gap]:
    """The competencies rated by both, a level or more apart, the biggest gap first."""
    found = [
        Gap(c, self_levels[c.id], manager_levels[c.id], steps)
        for c in referentiel.all_competencies()
        if c.id in self_levels
        and c.id in manager_levels
        and (
            steps := rank(referentiel, self_levels[c.id]) - rank(referentiel, manager_levels[c.id])
        )
        != 0
    ]
    found.sort(key=lambda gap: -abs(gap.steps))  # stable: référentiel order among equals
    return found


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
        target = target_level(referentiel, below)
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
        lower = min(gap.self_level, gap.manager_level, key=lambda lv: rank(referentiel, lv))
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
        key=lambda c: (rank(referentiel, self_levels.get(c.id)), order[c.id]),
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
