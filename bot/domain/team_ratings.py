"""Ratings read for a whole team at once: one query, whatever the number of people or weeks.

The manager's reads (the team view, the review list, one report's review, the weekly
digest) used to read each report's whole rating history, one report after another or
all at once: a query or more per report, and every rating since they joined — two years
of weekly check-ins are a hundred thousand rows for 300 reports. What they look at is
small and bounded, per *track* (a person's ratings of one competency by one rater):
its latest rating, the level it had at a few instants (the quarter's start, four cycles
ago, eight weeks ago), and, for a week, that week's self-ratings with the level each
moved from. The database picks those rows:

* each track is probed on ``ix_ratings_track`` (person, competency, rater, time, id):
  its latest rating, or its latest before an instant, is the first entry of one
  backward index scan, so a track costs the same whatever its length;
* the tracks are every competency of each person's *current* référentiel (ratings on
  a former one never count), listed in the query itself;
* a week's self-ratings are found by their cycle, each with the rating before it.

So a team of 300 with two years of check-ins costs what a team of three does, in
statements, and the rows read grow with the team, not with its history. The team view
itself reads the state kept on write instead (:mod:`bot.domain.team_tracks`) and looks
up here only the tracks that state cannot answer for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import (
    CTE,
    ColumnElement,
    CompoundSelect,
    Row,
    Select,
    and_,
    bindparam,
    case,
    exists,
    false,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.util import AliasedClass

from bot.domain.progress import RatingPoint
from referentiels.models import Referentiel
from storage.models import Person, Rater, Rating

Followed = Sequence[tuple[Person, Referentiel]]  # people, each with their current référentiel
Ratings = type[Rating] | AliasedClass[Rating]  # the table, or another name for it in a query


@dataclass(frozen=True)
class LatestRating:
    """A competency's latest rating by one rater."""

    level_id: str
    rated_at: datetime


# (person id, rater, competency id) → that competency's latest rating by that rater
LatestRatings = dict[tuple[int, Rater, str], LatestRating]


@dataclass(frozen=True)
class WeekRating:
    """A self-rating given in the week asked about, with the one before it."""

    person_id: int
    competency_id: str
    level_id: str
    submission_id: int | None  # the check-in it came with (its evidence has the same)
    before_level_id: str | None  # the latest self-rating of the competency before it


@dataclass(frozen=True)
class _Shape:
    """What a statement is built from: each référentiel's competencies and levels (the
    statement is built once per shape, then run with the people and the instant)."""

    referentiels: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]

    @classmethod
    def of(cls, followed: Followed) -> _Shape:
        referentiels = {referentiel.id: referentiel for _, referentiel in followed}
        return cls(
            tuple(
                (
                    referentiel.id,
                    tuple(competency.id for competency in referentiel.all_competencies()),
                    tuple(level.id for level in referentiel.scale.levels),
                )
                for _, referentiel in sorted(referentiels.items())
            )
        )

    def tracks(self, *, listed: bool = False) -> CTE:
        """Every (person, référentiel, competency) of the people (``people``, a parameter):
        their current référentiel's competencies, listed in the query; ``listed``: only
        those of the (person, competency) pairs ``tracks``, a parameter too."""
        competencies = union_all(
            *(
                select(
                    literal(referentiel_id).label("referentiel_id"),
                    literal(competency_id).label("competency_id"),
                )
                for referentiel_id, competency_ids, _ in self.referentiels
                for competency_id in competency_ids
            )
        ).cte("competencies")
        query = (
            select(
                Person.id.label("person_id"),
                competencies.c.referentiel_id,
                competencies.c.competency_id,
            )
            .join(competencies, competencies.c.referentiel_id == Person.referentiel_id)
            .where(Person.id.in_(bindparam("people", expanding=True, literal_execute=True)))
        )
        if listed:
            pairs = tuple_(Person.id, competencies.c.competency_id)
            query = query.where(pairs.in_(bindparam("tracks", expanding=True)))
        return query.cte("tracks")

    def on_scale(self, rating: Ratings) -> ColumnElement[bool]:
        """The rating's level is on its référentiel's scale (one no longer there is ignored)."""
        return or_(
            false(),
            *(
                and_(rating.referentiel_id == referentiel_id, rating.level_id.in_(level_ids))
                for referentiel_id, _, level_ids in self.referentiels
            ),
        )


def _of_track(rating: Ratings, tracks: CTE, rater: Rater) -> ColumnElement[bool]:
    return and_(
        rating.person_id == tracks.c.person_id,
        rating.competency_id == tracks.c.competency_id,
        rating.rater == rater,
        rating.referentiel_id == tracks.c.referentiel_id,
    )


def _probe(
    tracks: CTE,
    rater: Rater,
    *,
    before: bool = False,
    skip: int = 0,
    scale: _Shape | None = None,
) -> Select[int]:
    """The id of a track's latest rating (before ``since``, a parameter, when ``before``;
    the ``skip``-th before that; on the scale when ``scale`` is given), correlated to
    ``tracks``: one backward scan of ``ix_ratings_track``."""
    rating = aliased(Rating)
    query = select(rating.id).where(_of_track(rating, tracks, rater))
    if before:
        query = query.where(rating.rated_at < bindparam("since"))
    if scale is not None:
        query = query.where(scale.on_scale(rating))
    return (
        query.order_by(rating.rated_at.desc(), rating.id.desc())
        .offset(skip)
        .limit(1)
        .correlate(tracks)
    )


@lru_cache(maxsize=32)
def _latest_statement(shape: _Shape) -> Select[int, Rater, str, str, datetime]:
    tracks = shape.tracks()
    picks = (
        select(
            _probe(tracks, Rater.SELF).scalar_subquery().label("own"),
            _probe(tracks, Rater.MANAGER).scalar_subquery().label("manager"),
        )
        .select_from(tracks)
        .cte("picks")
    )
    ids = union_all(select(picks.c.own), select(picks.c.manager))
    return select(
        Rating.person_id, Rating.rater, Rating.competency_id, Rating.level_id, Rating.rated_at
    ).where(Rating.id.in_(ids))


def latest_ratings(session: Session, followed: Followed) -> LatestRatings:
    """Each person's latest rating of each competency of their référentiel, by each rater
    (one query): the last by time, then by id, whatever its level."""
    if not followed:
        return {}
    rows = session.execute(
        _latest_statement(_Shape.of(followed)), {"people": [person.id for person, _ in followed]}
    )
    return {
        (person_id, rater, competency_id): LatestRating(level_id, rated_at)
        for person_id, rater, competency_id, level_id, rated_at in rows
    }


@lru_cache(maxsize=32)
def _history_statement(shape: _Shape) -> CompoundSelect[int, Rater, str, str, datetime, int]:
    tracks = shape.tracks(listed=True)
    recent = aliased(Rating)
    rated_since = exists().where(
        _of_track(recent, tracks, Rater.SELF),
        recent.rated_at >= bindparam("since"),
        shape.on_scale(recent),
    )
    picks = (
        select(
            _probe(tracks, Rater.SELF, before=True, scale=shape).scalar_subquery().label("before"),
            case(
                (
                    ~rated_since,
                    _probe(tracks, Rater.SELF, before=True, skip=1, scale=shape).scalar_subquery(),
                ),
            ).label("earlier"),
            _probe(tracks, Rater.MANAGER, scale=shape).scalar_subquery().label("manager"),
        )
        .select_from(tracks)
        .cte("picks")
    )
    columns = (Rating.person_id, Rating.rater, Rating.competency_id, Rating.level_id)
    picked = select(*columns, Rating.rated_at, Rating.id).where(
        Rating.id.in_(
            union_all(select(picks.c.before), select(picks.c.earlier), select(picks.c.manager))
        )
    )
    since_then = (
        select(*columns, Rating.rated_at, Rating.id)
        .join(tracks, _of_track(Rating, tracks, Rater.SELF))
        .where(Rating.rated_at >= bindparam("since"), shape.on_scale(Rating))
    )
    return union_all(picked, since_then)  # in order in Python: cheaper than in the database


def looked_up_history(
    session: Session, followed: Followed, since: datetime, tracks: Sequence[tuple[int, str]]
) -> defaultdict[tuple[int, Rater], list[RatingPoint]]:
    """The ratings on the scale of their référentiel of the ``tracks`` (person id,
    competency id; people of ``followed``, for whose référentiels the statement is built),
    by person and rater, oldest first — as far back as the team view looks (one query),
    looked up in the history. :func:`bot.domain.team_tracks.rating_history` gives the same
    from the state kept on write, and asks here for the tracks whose kept levels are no
    longer on the scale.

    Of the self-ratings: every one given since ``since``, and of each competency the
    latest before it (the level the competency had then) — and the one before that
    when nothing was rated since, which is still the "previous" level. Of the manager's:
    each competency's latest. Any definition that looks no further back than ``since``
    (the level now and the one before it, the level at an instant after ``since`` — the
    latest rating before it, or else the first one) reads the same from these rows as
    from the whole history: every rating it could pick is among them.
    """
    found: defaultdict[tuple[int, Rater], list[RatingPoint]] = defaultdict(list)
    if not followed:
        return found
    parameters = {
        "people": sorted({person_id for person_id, _ in tracks}),
        "tracks": list(tracks),
        "since": since,
    }
    rows = session.connection().execute(_history_statement(_Shape.of(followed)), parameters)
    for person_id, rater, competency_id, level_id, rated_at, _ in sorted(rows, key=_in_order):
        found[(person_id, rater)].append(RatingPoint(competency_id, level_id, rated_at))
    return found


def _in_order(row: Row[int, Rater, str, str, datetime, int]) -> tuple[datetime, int]:
    return row[4], row[5]  # by time, then by id


def week_ratings(session: Session, followed: Followed, cycle_key: str) -> list[WeekRating]:
    """The self-ratings given in the week ``cycle_key``, each with the self-rating of the
    same competency before it (one query), in the order they were given."""
    referentiel_of = {person.id: referentiel.id for person, referentiel in followed}
    if not referentiel_of:
        return []
    earlier = aliased(Rating)
    before = (
        select(earlier.level_id)
        .where(
            earlier.person_id == Rating.person_id,
            earlier.competency_id == Rating.competency_id,
            earlier.referentiel_id == Rating.referentiel_id,
            earlier.rater == Rater.SELF,
            earlier.rated_at < Rating.rated_at,
        )
        .order_by(earlier.rated_at.desc(), earlier.id.desc())
        .limit(1)
        .correlate(Rating)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Rating.person_id,
            Rating.referentiel_id,
            Rating.competency_id,
            Rating.level_id,
            Rating.submission_id,
            before,
        )
        .where(
            Rating.person_id.in_(referentiel_of),
            Rating.rater == Rater.SELF,
            Rating.cycle_key == cycle_key,
        )
        .order_by(Rating.rated_at, Rating.id)
    )
    return [
        WeekRating(person_id, competency_id, level_id, submission_id, before_level_id)
        for person_id, referentiel_id, competency_id, level_id, submission_id, before_level_id in rows
        if referentiel_of[person_id] == referentiel_id
    ]
