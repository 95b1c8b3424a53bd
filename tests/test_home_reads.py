"""The manager's Home reads the reviews waiting from the team view's kept state: the same
latest ratings as the review's own read, and so the same pending ratings.

A company with history (``tests/support/company.py``): each track's latest rating by each
rater, as :func:`bot.domain.team_tracks.rating_history_and_latest` finds it in the kept
state, is what :func:`bot.domain.team_ratings.latest_ratings` reads in the history — on
the competencies of each person's référentiel — and a manager rating given after the
latest self-rating takes that competency out of the pending ones. SQLite, and PostgreSQL
when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot.bootstrap import build_core
from bot.domain.review import ReviewService
from bot.domain.team_ratings import latest_ratings
from bot.domain.team_tracks import rating_history_and_latest
from bot.settings import load_settings
from storage.models import Person, Rater
from tests.support.company import build_company

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def test_the_kept_state_gives_the_reviews_their_latest_ratings(migrated_engine: Engine) -> None:
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    company = build_company(core.sessions, core.referentiels, reports=6, weeks=8, now=NOW)
    reviews = ReviewService(core.referentiels)
    with core.sessions() as session:
        people = [session.get_one(Person, person_id) for person_id in company.report_ids]
        followed = reviews.followed(people)
        since = NOW - timedelta(weeks=3)  # tracks rated since, and others kept before
        _, latest = rating_history_and_latest(session, followed, since)
        expected = latest_ratings(session, followed)
        on_referentiel = {
            (person.id, competency.id)
            for person, referentiel in followed
            for competency in referentiel.all_competencies()
        }
        kept = {key: value for key, value in latest.items() if key[::2] in on_referentiel}
        assert expected and kept == expected
        assert {key[1] for key in expected} == {Rater.SELF, Rater.MANAGER}
        assert reviews.pending_from(followed, latest) == reviews.pending_among(session, people)
        assert any(review.pending for review in reviews.pending_among(session, people))
