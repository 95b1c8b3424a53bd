"""Each rating track's state kept true on write: its latest rating, and what every rating
replaced.

A *track* is a person's ratings of one competency of one référentiel by one rater. The
team view (:mod:`bot.domain.team_ratings`) needs, per track, its latest rating, the one
before it, and the level it had at a few instants of the last weeks; worked out from the
history that is several index lookups per track — 3,750 tracks for 300 reports. So two
things are kept as ratings are written:

* ``ratings.replaced_level_id`` / ``replaced_at``: the rating just before each one on its
  track (by time, then id), whatever its level. Whoever reads a track's ratings since an
  instant knows, from the first of them, the level the track had then.
* ``rating_tracks``: each track's latest rating, with what it replaced.

Both are worked out from the ratings themselves (:func:`sync_tracks`), so they cannot
drift from them, for the people whose ratings change: in the same flush when ratings are
added or removed through the session (a check-in, a review — here, once, rather than in
every flow that writes ratings), and by the callers of a bulk statement (an erasure, a
bulk load) — migration 0016 did it for the ratings written before. Whether a kept level is
still on its référentiel's scale is the reader's business (a scale can lose a level
later): it falls back to the history for that person.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, delete, event, func, insert, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Person, Rating, RatingTrack

_RATINGS = cast(Table, Rating.__table__)
_TRACKS = cast(Table, RatingTrack.__table__)
_PEOPLE = cast(Table, Person.__table__)
TRACKS_LOCK = 0x7A1E  # the advisory locks' first key: keeping a person's rating tracks
_TRACK = (
    _RATINGS.c.person_id,
    _RATINGS.c.referentiel_id,
    _RATINGS.c.competency_id,
    _RATINGS.c.rater,
)


def sync_tracks(session: Session, person_ids: Iterable[int]) -> None:
    """Work out again, from their ratings, the kept state of every track of these people:
    what each rating replaced (only rows that change are written) and each track's latest
    rating (a track with no rating left has no row). Four statements, whatever the number
    of people; on PostgreSQL a lock per person is taken first (an advisory one, held to the
    end of the transaction: nothing else waits on it), so two transactions writing ratings
    of the same person keep their tracks in turn, each seeing the other's ratings."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # SQLite has one writer at a time already
        connection.execute(
            select(func.pg_advisory_xact_lock(TRACKS_LOCK, _PEOPLE.c.id))
            .where(_PEOPLE.c.id.in_(ids))
            .order_by(_PEOPLE.c.id)
        )
    in_order = (_RATINGS.c.rated_at, _RATINGS.c.id)
    before = (
        select(
            _RATINGS.c.id,
            func.lag(_RATINGS.c.level_id)
            .over(partition_by=_TRACK, order_by=in_order)
            .label("level_id"),
            func.lag(_RATINGS.c.rated_at)
            .over(partition_by=_TRACK, order_by=in_order)
            .label("rated_at"),
        )
        .where(_RATINGS.c.person_id.in_(ids))
        .subquery("before")
    )
    connection.execute(
        update(_RATINGS)
        .where(
            _RATINGS.c.id == before.c.id,
            or_(
                _RATINGS.c.replaced_level_id.is_distinct_from(before.c.level_id),
                _RATINGS.c.replaced_at.is_distinct_from(before.c.rated_at),
            ),
        )
        .values(replaced_level_id=before.c.level_id, replaced_at=before.c.rated_at)
    )
    connection.execute(delete(_TRACKS).where(_TRACKS.c.person_id.in_(ids)))
    newest_first = (_RATINGS.c.rated_at.desc(), _RATINGS.c.id.desc())
    ranked = (
        select(
            *_TRACK,
            _RATINGS.c.id,
            _RATINGS.c.level_id,
            _RATINGS.c.rated_at,
            _RATINGS.c.replaced_level_id,
            _RATINGS.c.replaced_at,
            func.row_number().over(partition_by=_TRACK, order_by=newest_first).label("rank"),
        )
        .where(_RATINGS.c.person_id.in_(ids))
        .subquery("ranked")
    )
    columns = [
        "person_id",
        "referentiel_id",
        "competency_id",
        "rater",
        "rating_id",
        "level_id",
        "rated_at",
        "replaced_level_id",
        "replaced_at",
    ]
    latest = select(
        ranked.c.person_id,
        ranked.c.referentiel_id,
        ranked.c.competency_id,
        ranked.c.rater,
        ranked.c.id,
        ranked.c.level_id,
        ranked.c.rated_at,
        ranked.c.replaced_level_id,
        ranked.c.replaced_at,
    ).where(ranked.c["rank"] == 1)
    connection.execute(insert(_TRACKS).from_select(columns, latest))


@event.listens_for(Session, "after_flush")
def _keep_tracks(session: Session, _context: Any) -> None:
    # After the flush the new ratings have their ids; the session's lists still say what
    # the flush wrote.
    people = {
        target.person_id
        for target in (*session.new, *session.dirty, *session.deleted)
        if isinstance(target, Rating)
    }
    if people:
        sync_tracks(session, people)
