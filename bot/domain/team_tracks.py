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
from datetime import datetime

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    and_,
    bindparam,
    case,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from bot.domain.progress import RatingPoint
from bot.domain.team_ratings import Followed, looked_up_history
from storage.models import Person, Rater, Rating, RatingTrack

History = defaultdict[tuple[int, Rater], list[RatingPoint]]  # by person and rater, oldest first


# The ids of the people, written into the statement (integers): hundreds of placeholders
# would cost the driver more than the query.
_PEOPLE: BindParameter[list[int]] = bindparam("people", expanding=True, literal_execute=True)
_SINCE: BindParameter[datetime] = bindparam("since", type_=Rating.rated_at.type)

# Each row: person, rater, competency, level, time, rating id (None for a kept track: its
# rating is the latest, after any other), and what it replaced — for a kept self track
# (whose latest rating is before ``since``: the others have ratings since) and the first
# self-rating since ``since`` of a track (the one whose replaced rating is before it).
_Row = tuple[int, Rater, str, str, datetime, int | None, str | None, datetime | None]


def _statement() -> CompoundSelect[
    int, Rater, str, str, datetime, int | None, str | None, datetime | None
]:
    kept = (
        select(
            RatingTrack.person_id,
            RatingTrack.rater,
            RatingTrack.competency_id,
            RatingTrack.level_id,
            RatingTrack.rated_at,
            null().label("id"),
            case((RatingTrack.rater == Rater.SELF, RatingTrack.replaced_level_id)),
            case((RatingTrack.rater == Rater.SELF, RatingTrack.replaced_at)),
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
            Rating.person_id,
            Rating.rater,
            Rating.competency_id,
            Rating.level_id,
            Rating.rated_at,
            Rating.id,
            case((first, Rating.replaced_level_id)),
            case((first, Rating.replaced_at)),
        )
        .join(
            Person,
            and_(Person.id == Rating.person_id, Person.referentiel_id == Rating.referentiel_id),
        )
        .where(Rating.person_id.in_(_PEOPLE), Rating.rater == Rater.SELF, Rating.rated_at >= _SINCE)
    )
    return union_all(kept, recent)


_KEPT = _statement()


class _Unknown(Exception):
    """A kept level is off the scale: the person's history must be read."""


def rating_history(session: Session, followed: Followed, since: datetime) -> History:
    """Each person's ratings on the scale of their référentiel, by person and rater, oldest
    first, as far back as the team view looks: what
    :func:`bot.domain.team_ratings.looked_up_history` gives (see there), from the kept
    state (two queries, whatever the team)."""
    found: History = defaultdict(list)
    if not followed:
        return found
    kept: dict[tuple[int, Rater, str], _Row] = {}
    recent: defaultdict[tuple[int, str], list[_Row]] = defaultdict(list)
    parameters = {"people": [person.id for person, _ in followed], "since": since}
    for row in session.connection().execute(_KEPT, parameters).all():
        if row[5] is None:
            kept[(row[0], row[1], row[2])] = row
        else:
            recent[(row[0], row[2])].append(row)
    unknown: list[tuple[int, str]] = []  # (person, competency): read in the history
    scales: dict[str, tuple[list[str], set[str]]] = {}  # by référentiel: competencies, levels
    for person, referentiel in followed:
        if (scale := scales.get(referentiel.id)) is None:
            competencies = [competency.id for competency in referentiel.all_competencies()]
            scale = scales[referentiel.id] = (
                competencies,
                {level.id for level in referentiel.scale.levels},
            )
        own: list[RatingPoint] = []
        theirs: list[RatingPoint] = []
        for competency_id in scale[0]:
            if not _track(person.id, competency_id, scale[1], kept, recent, own, theirs):
                unknown.append((person.id, competency_id))
        own.sort(key=_at)
        if own:
            found[(person.id, Rater.SELF)] = own
        if theirs:
            found[(person.id, Rater.MANAGER)] = theirs
    # Always made, so the statements do not depend on the data; usually for no track.
    looked_up = looked_up_history(session, followed, since, unknown)
    for key, points in looked_up.items():
        found[key] = sorted([*found[key], *points], key=_at)
    return found


def _track(
    person_id: int,
    competency_id: str,
    on_scale: set[str],
    kept: dict[tuple[int, Rater, str], _Row],
    recent: defaultdict[tuple[int, str], list[_Row]],
    own: list[RatingPoint],
    theirs: list[RatingPoint],
) -> bool:
    """Add one competency's points (see :func:`rating_history`) to ``own`` and ``theirs``;
    ``False`` (adding nothing) when a level the definitions need is no longer on the scale:
    what came before it is not kept."""
    mine: list[RatingPoint] = []
    given = recent.get((person_id, competency_id))
    if given:
        given.sort(key=_in_order)
        since = [RatingPoint(competency_id, row[3], row[4]) for row in given if row[3] in on_scale]
        level, at = given[0][6], given[0][7]  # the track's latest rating before ``since``
        if level is not None and at is not None:
            # When nothing on the scale was rated since, the one before it would count too.
            if level not in on_scale or not since:
                return False
            mine.append(RatingPoint(competency_id, level, at))
        mine += since
    elif (latest := kept.get((person_id, Rater.SELF, competency_id))) is not None:
        if latest[3] not in on_scale:
            return False
        level, at = latest[6], latest[7]  # the rating before it
        if level is not None and at is not None:
            if level not in on_scale:
                return False
            mine.append(RatingPoint(competency_id, level, at))
        mine.append(RatingPoint(competency_id, latest[3], latest[4]))
    if (manager := kept.get((person_id, Rater.MANAGER, competency_id))) is not None:
        if manager[3] not in on_scale:
            return False
        theirs.append(RatingPoint(competency_id, manager[3], manager[4]))
    own += mine
    return True


def _in_order(row: _Row) -> tuple[datetime, int]:
    return row[4], row[5] or 0


def _at(point: RatingPoint) -> datetime:
    return point.rated_at
