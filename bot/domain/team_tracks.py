"""A team's rating history as the team view reads it, from the state kept on write: one
query, and no lookup per track.

The team view's definitions (:mod:`bot.domain.team`) look, per *track* (a person's
ratings of one competency by one rater), at its latest rating, the one before it, and the
level it had at a few instants since ``since`` (the quarter's start, four cycles ago,
eight weeks ago). :mod:`bot.domain.team_ratings` finds those in the history, three or
four index lookups per track: 3,750 tracks for 300 reports, most of the view's time in
the database. :mod:`storage.rating_tracks` keeps on write what they need instead —
each track's latest rating with the one it replaced, and on every rating the one before
it — so here one query reads, for the team:

* each track's kept state (its latest rating and the one before it), on the person's
  current référentiel;
* every self-rating given since ``since``, each with the rating it replaced: the first of
  a track's says what the track was before ``since``.

From these the rows :func:`bot.domain.team_ratings.rating_history` would give are put
together, the same: the self-ratings on the scale since ``since``, the latest before it
(and the one before that when nothing on the scale was rated since), the manager's latest.
Levels no longer on the scale are ignored, as everywhere; the kept state cannot know
which (a référentiel's scale may lose a level after the ratings were given), so a person
whose kept levels are not all on the scale has their history read as before, in a second
query that is always made (with nobody in it, usually), so the view's statements stay
the same whatever its data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    DateTime,
    Dialect,
    TypeDecorator,
    and_,
    bindparam,
    case,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from bot.domain.progress import RatingPoint
from bot.domain.team_ratings import Followed, LatestRating, LatestRatings, looked_up_history
from storage.models import Person, Rater, Rating, RatingTrack

# By person and rater: the ratings on the scale by competency, oldest first.
TeamHistory = dict[tuple[int, Rater], dict[str, list[RatingPoint]]]


# The ids of the people, written into the statement (integers): hundreds of placeholders
# would cost the driver more than the query.
_PEOPLE: BindParameter[list[int]] = bindparam("people", expanding=True, literal_execute=True)
_SINCE: BindParameter[datetime] = bindparam("since", type_=Rating.rated_at.type)

SELF, MANAGER, SINCE = 0, 1, 2  # what a row is: a kept track, or a self-rating since


class _Instant(TypeDecorator[datetime]):
    """An instant as the driver gives it, made aware where it is not (SQLite): the many
    read here are only compared, so PostgreSQL's, already aware, are not converted."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name == "postgresql":
            return None
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


# Each row: what it is, person, competency, level, time, rating id (0 for a kept track: its
# rating is the latest, after any other), and what it replaced — for a kept self track
# (whose latest rating is before ``since``: the others have ratings since) and the first
# self-rating since ``since`` of a track (the one whose replaced rating is before it).
_Row = tuple[int, int, str, str, datetime, int, str | None, datetime | None]


def _instant(column: Any) -> Any:
    return type_coerce(column, _Instant())


def _statement() -> CompoundSelect[int, int, str, str, datetime, int, str | None, datetime | None]:
    own = RatingTrack.rater == Rater.SELF
    kept = (
        select(
            case((own, SELF), else_=MANAGER),
            RatingTrack.person_id,
            RatingTrack.competency_id,
            RatingTrack.level_id,
            _instant(RatingTrack.rated_at),
            literal(0),
            case((own, RatingTrack.replaced_level_id)),
            _instant(case((own, RatingTrack.replaced_at))),
        )
        .join(
            Person,
            and_(
                Person.id == RatingTrack.person_id,
                Person.referentiel_id == RatingTrack.referentiel_id,
            ),
        )
        .where(
            RatingTrack.person_id.in_(_PEOPLE),
            or_(RatingTrack.rater == Rater.MANAGER, RatingTrack.rated_at < _SINCE),
        )
    )
    first = Rating.replaced_at < _SINCE  # the first rating since ``since`` of its track
    recent = (
        select(
            literal(SINCE),
            Rating.person_id,
            Rating.competency_id,
            Rating.level_id,
            _instant(Rating.rated_at),
            Rating.id,
            case((first, Rating.replaced_level_id)),
            _instant(case((first, Rating.replaced_at))),
        )
        .join(
            Person,
            and_(Person.id == Rating.person_id, Person.referentiel_id == Rating.referentiel_id),
        )
        .where(Rating.person_id.in_(_PEOPLE), Rating.rater == Rater.SELF, Rating.rated_at >= _SINCE)
    )
    return union_all(kept, recent)


_KEPT = _statement()


def rating_history(session: Session, followed: Followed, since: datetime) -> TeamHistory:
    """Each person's ratings on the scale of their référentiel, by person and rater, by
    competency, oldest first, as far back as the team view looks: what
    :func:`bot.domain.team_ratings.looked_up_history` gives (see there), from the kept
    state (two queries, whatever the team)."""
    return rating_history_and_latest(session, followed, since)[0]


def rating_history_and_latest(
    session: Session, followed: Followed, since: datetime
) -> tuple[TeamHistory, LatestRatings]:
    """:func:`rating_history`, and from the same rows what
    :func:`bot.domain.team_ratings.latest_ratings` gives (each track's latest rating by
    each rater, whatever its level: the review's pending ratings) — two queries for both,
    not three."""
    found: TeamHistory = {}
    if not followed:
        return found, {}
    kept: tuple[dict[tuple[int, str], _Row], ...] = ({}, {})  # SELF, MANAGER
    recent: defaultdict[tuple[int, str], list[_Row]] = defaultdict(list)
    parameters = {"people": [person.id for person, _ in followed], "since": since}
    for row in session.connection().execute(_KEPT, parameters).all():
        if row[0] == SINCE:
            recent[(row[1], row[2])].append(row)
        else:
            kept[row[0]][(row[1], row[2])] = row
    latest = _latest(kept, recent)  # before _track sorts ``recent`` in place (same result)
    unknown: list[tuple[int, str]] = []  # (person, competency): read in the history
    scales: dict[str, tuple[list[str], set[str]]] = {}  # by référentiel: competencies, levels
    for person, referentiel in followed:
        if (scale := scales.get(referentiel.id)) is None:
            competencies = [competency.id for competency in referentiel.all_competencies()]
            scale = scales[referentiel.id] = (
                competencies,
                {level.id for level in referentiel.scale.levels},
            )
        person_id = person.id
        own: dict[str, list[RatingPoint]] = {}
        theirs: dict[str, list[RatingPoint]] = {}
        for competency_id in scale[0]:
            track = (person_id, competency_id)
            if not _track(track, scale[1], kept, recent.get(track), own, theirs):
                unknown.append(track)
        found[(person_id, Rater.SELF)] = own
        found[(person_id, Rater.MANAGER)] = theirs
    # Always made, so the statements do not depend on the data; usually for no track.
    for (person_id, rater), points in looked_up_history(session, followed, since, unknown).items():
        for point in points:  # oldest first
            found[(person_id, rater)].setdefault(point.competency_id, []).append(point)
    return found, latest


def _latest(
    kept: tuple[dict[tuple[int, str], _Row], ...],
    recent: defaultdict[tuple[int, str], list[_Row]],
) -> LatestRatings:
    """Each track's latest rating by time, then id, whatever its level: a self track's is
    the last given since ``since`` when there is one (the kept state's is then not read),
    else the kept one; a manager's is the kept one."""
    latest: LatestRatings = {}
    for (person_id, competency_id), row in kept[MANAGER].items():
        latest[(person_id, Rater.MANAGER, competency_id)] = LatestRating(row[3], row[4])
    for (person_id, competency_id), row in kept[SELF].items():
        latest[(person_id, Rater.SELF, competency_id)] = LatestRating(row[3], row[4])
    for (person_id, competency_id), rows in recent.items():
        last = max(rows, key=_in_order)
        latest[(person_id, Rater.SELF, competency_id)] = LatestRating(last[3], last[4])
    return latest


def _track(
    track: tuple[int, str],
    on_scale: set[str],
    kept: tuple[dict[tuple[int, str], _Row], ...],
    given: list[_Row] | None,
    own: dict[str, list[RatingPoint]],
    theirs: dict[str, list[RatingPoint]],
) -> bool:
    """Add one competency's points (see :func:`rating_history`) to ``own`` and ``theirs``;
    ``False`` (adding nothing) when a level the definitions need is no longer on the scale:
    what came before it is not kept."""
    competency_id = track[1]
    mine: list[RatingPoint] = []
    if given:
        if len(given) > 1:
            given.sort(key=_in_order)
        since = [RatingPoint(competency_id, row[3], row[4]) for row in given if row[3] in on_scale]
        level, at = given[0][6], given[0][7]  # the track's latest rating before ``since``
        if level is not None and at is not None:
            # When nothing on the scale was rated since, the one before it would count too.
            if level not in on_scale or not since:
                return False
            mine.append(RatingPoint(competency_id, level, at))
        mine += since
    elif (latest := kept[SELF].get(track)) is not None:
        if latest[3] not in on_scale:
            return False
        level, at = latest[6], latest[7]  # the rating before it
        if level is not None and at is not None:
            if level not in on_scale:
                return False
            mine.append(RatingPoint(competency_id, level, at))
        mine.append(RatingPoint(competency_id, latest[3], latest[4]))
    if (manager := kept[MANAGER].get(track)) is not None:
        if manager[3] not in on_scale:
            return False
        theirs[competency_id] = [RatingPoint(competency_id, manager[3], manager[4])]
    if mine:
        own[competency_id] = mine
    return True


def _in_order(row: _Row) -> tuple[datetime, int]:
    return row[4], row[5]
