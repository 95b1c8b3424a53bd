"""Rating rows built in one place, whoever rates.

A check-in (:mod:`bot.domain.submissions`), its edit while the week is open
(:mod:`bot.domain.checkin_edit`) and a manager's review (:mod:`bot.domain.review`) all
store ratings of a person's competencies. The columns are the same and must be filled
the same way (the rated person's tenant and référentiel, the rater and who they are,
the submission the rating came with); only who rates, the week and the comment differ,
and those are stated by each caller in a :class:`RatingSource`.

Two ways to write them, as each flow needs: :meth:`RatingSource.add` puts one row in
the session (the rating tracks, :mod:`storage.rating_tracks`, are kept at the next
flush); :func:`insert_ratings` writes a whole check-in in one statement and keeps the
tracks itself, since a bulk insert is no flush.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from storage.models import Person, Rater, Rating
from storage.rating_tracks import sync_tracks


@dataclass(frozen=True)
class RatingSource:
    """What every rating of one submission shares: who is rated, by whom, when."""

    person: Person  # the person rated
    rater: Rater
    rated_by: Person  # the person rating (the person themself for a self-rating)
    rated_at: datetime
    submission_id: int | None
    cycle_key: str | None = None  # the check-in's week, when it came with one
    comment: str | None = None  # a manager's comment on their review

    def values(self, competency_id: str, level_id: str) -> dict[str, Any]:
        """The columns of this source's rating of one competency at one level."""
        return {
            "tenant_id": self.person.tenant_id,
            "person_id": self.person.id,
            "referentiel_id": self.person.referentiel_id,
            "competency_id": competency_id,
            "level_id": level_id,
            "rater": self.rater,
            "rater_person_id": self.rated_by.id,
            "cycle_key": self.cycle_key,
            "comment": self.comment,
            "submission_id": self.submission_id,
            "rated_at": self.rated_at,
        }

    def add(self, session: Session, competency_id: str, level_id: str) -> Rating:
        """A new rating added to the session (its tracks are kept at the next flush)."""
        rating = Rating(**self.values(competency_id, level_id))
        session.add(rating)
        return rating


def insert_ratings(
    session: Session, source: RatingSource, levels: Iterable[tuple[str, str]]
) -> None:
    """The ratings of ``levels`` (competency, level) in one statement, however many, and
    the rated person's tracks kept (a bulk insert is no flush)."""
    session.execute(insert(Rating), [source.values(c, level) for c, level in levels])
    sync_tracks(session, (source.person.id,))
