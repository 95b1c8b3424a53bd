"""The rating tracks kept on write (:mod:`storage.rating_tracks`) say what the ratings say.

What each rating replaced and each track's latest rating are kept as ratings are written
and erased, so the team view reads no history (:mod:`bot.domain.team_tracks`). After each
way Palier writes or erases ratings — a check-in, a manager's review, a rating added out of
order, a change of référentiel, an erasure — the kept state is compared with the one worked
out here from every rating; the migration that worked it out for the ratings already
stored (0016) is held to the same. SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bot.bootstrap import build_core
from bot.domain.access import Viewer
from bot.domain.people import ensure_tenant
from bot.domain.privacy import erase_person
from bot.domain.review import ReviewAnswer, ReviewService, ReviewSubmission
from bot.domain.submissions import CheckinAnswer, CheckinSubmission, record_checkin
from bot.settings import load_settings
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Person, Platform, Rater, Rating, RatingTrack
from tests.support.company import build_company

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
AE = "account-executive"
BD = "business-developer"

Track = tuple[int, str, str, Rater]
# (ratings' replaced level and time by rating id, each track's latest with what it replaced)
State = tuple[
    dict[int, tuple[str | None, datetime | None]],
    dict[Track, tuple[int, str, datetime, str | None, datetime | None]],
]


def _from_history(session: Session) -> State:
    """The state worked out from every rating, in order (by time, then id)."""
    replaced: dict[int, tuple[str | None, datetime | None]] = {}
    latest: dict[Track, tuple[int, str, datetime, str | None, datetime | None]] = {}
    rows = session.execute(
        select(
            Rating.id,
            Rating.person_id,
            Rating.referentiel_id,
            Rating.competency_id,
            Rating.rater,
            Rating.level_id,
            Rating.rated_at,
        ).order_by(Rating.rated_at, Rating.id)
    )
    for rating_id, person_id, referentiel_id, competency_id, rater, level_id, rated_at in rows:
        track = (person_id, referentiel_id, competency_id, rater)
        before = latest.get(track)
        replaced[rating_id] = (before[1], before[2]) if before else (None, None)
        latest[track] = (rating_id, level_id, rated_at, *replaced[rating_id])
    return replaced, latest


def _kept(session: Session) -> State:
    session.expire_all()
    replaced = {
        rating_id: (level_id, at)
        for rating_id, level_id, at in session.execute(
            select(Rating.id, Rating.replaced_level_id, Rating.replaced_at)
        )
    }
    latest = {
        (t.person_id, t.referentiel_id, t.competency_id, t.rater): (
            t.rating_id,
            t.level_id,
            t.rated_at,
            t.replaced_level_id,
            t.replaced_at,
        )
        for t in session.scalars(select(RatingTrack))
    }
    return replaced, latest


def _same(session: Session) -> State:
    session.flush()
    kept = _kept(session)
    assert kept == _from_history(session)
    return kept


def _checkin(session: Session, person: Person, key: str, at: datetime, **levels: str) -> None:
    answers = [CheckinAnswer(competency_id=c, level_id=level) for c, level in levels.items()]
    stored = record_checkin(session, person, None, CheckinSubmission(answers=answers), key, at)
    assert stored is not None


def test_every_write_keeps_the_tracks_as_the_ratings_say(migrated_engine: Engine) -> None:
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    reviews = ReviewService(core.referentiels)
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, "T1")
        boss = Person(tenant_id=tenant.id, platform_user_id="UBOSS", referentiel_id=AE)
        session.add(boss)
        session.flush()
        ana = Person(
            tenant_id=tenant.id, platform_user_id="UANA", referentiel_id=AE, manager_id=boss.id
        )
        ben = Person(
            tenant_id=tenant.id, platform_user_id="UBEN", referentiel_id=AE, manager_id=boss.id
        )
        session.add_all([ana, ben])
        session.flush()

        # Check-ins: a track's first rating replaces nothing, the next one replaces it.
        _checkin(session, ana, "a1", T0, prospection="junior", closing="junior")
        _checkin(session, ben, "b1", T0, prospection="senior")
        _, tracks = _same(session)
        assert tracks[(ana.id, AE, "prospection", Rater.SELF)][3] is None
        _checkin(session, ana, "a2", T0 + timedelta(weeks=1), prospection="intermediaire")
        _, tracks = _same(session)
        assert tracks[(ana.id, AE, "prospection", Rater.SELF)][1:4] == (
            "intermediaire",
            T0 + timedelta(weeks=1),
            "junior",
        )

        # A manager's review: the manager's own tracks.
        submission = ReviewSubmission(
            answers=[ReviewAnswer(competency_id="prospection", level_id="senior")]
        )
        result = reviews.record(
            session, Viewer(boss), ana, submission, "r1", T0 + timedelta(weeks=1, days=1)
        )
        assert result.stored
        _, tracks = _same(session)
        assert tracks[(ana.id, AE, "prospection", Rater.MANAGER)][1] == "senior"

        # A rating added before the latest (a clock behind another's): the one after it
        # now replaces it, and the track's latest stays.
        session.add(
            Rating(
                tenant_id=tenant.id,
                person_id=ana.id,
                referentiel_id=AE,
                competency_id="prospection",
                level_id="senior",
                rater=Rater.SELF,
                rated_at=T0 + timedelta(days=3),
            )
        )
        _, tracks = _same(session)
        assert tracks[(ana.id, AE, "prospection", Rater.SELF)][3] == "senior"

        # Another référentiel: its own tracks; the former référentiel's stay as they were.
        ana.referentiel_id = BD
        _checkin(session, ana, "a3", T0 + timedelta(weeks=2), prospection="acquis")
        _, tracks = _same(session)
        assert tracks[(ana.id, BD, "prospection", Rater.SELF)][1:4] == (
            "acquis",
            T0 + timedelta(weeks=2),
            None,
        )
        assert (ana.id, AE, "prospection", Rater.SELF) in tracks

        # An erasure: nothing of hers is kept; his are untouched.
        erase_person(session, ana, "self", T0 + timedelta(weeks=3))
        _, tracks = _same(session)
        assert {track[0] for track in tracks} == {ben.id}


def test_the_migration_works_the_tracks_out_for_the_ratings_already_stored(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        core = build_core(load_settings(env_file=None), engine=engine)
        build_company(core.sessions, core.referentiels, reports=12, weeks=20, now=T0)
        with session_scope(core.sessions) as session:
            kept = _same(session)
            assert len(kept[1]) > 12 * 5
            # As the ratings were before migration 0016: nothing kept.
            session.execute(update(Rating).values(replaced_level_id=None, replaced_at=None))
        migrate.downgrade(engine, "0015")
        migrate.upgrade(engine)
        with session_scope(core.sessions) as session:
            assert _same(session) == kept
        core.close()
    finally:
        engine.dispose()
