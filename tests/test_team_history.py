"""The team view reads each report's history only as far back as its definitions look
(:mod:`bot.domain.team_ratings`, :mod:`bot.domain.team_checkins`) — and says exactly
what it says from the whole history.

A team is built with everything the definitions meet (``tests/support/company.py``):
check-ins done, missed, skipped, failed and left unanswered, reports who never missed a
week (a streak as long as the history), reports on leave for longer than the weeks read
whole (two missed in a row before it), reports in another time zone, ratings at a level
the scale no longer has and on a former référentiel, manager reviews. Each report's
overview is then worked out twice: by the team view as it reads, and from every rating
and check-in the report has — at the end of the history, a few weeks later (nothing
rated since the quarter began for some) and months later (nothing recent at all).
SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.bootstrap import build_core
from bot.domain import team_tracks
from bot.domain.access import Viewer
from bot.domain.privacy import erase_person
from bot.domain.progress import RatingPoint, by_competency
from bot.domain.review import ReviewAnswer, ReviewService, ReviewSubmission
from bot.domain.submissions import CheckinAnswer, CheckinSubmission, record_checkin
from bot.domain.team import Flag, ReportOverview, TeamOverview, TeamService, _Calendar
from bot.domain.team_checkins import Checkin, Earlier
from bot.domain.team_ratings import Followed, looked_up_history
from bot.settings import load_settings
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel
from storage.db import session_scope
from storage.models import CheckinPrompt, Evidence, Person, Rater, Rating
from tests.support.company import build_company

END = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # the history's last day (a Thursday)


def _whole_history(
    service: TeamService,
    session: Session,
    person: Person,
    referentiel: Referentiel,
    now: datetime,
) -> ReportOverview:
    """The report's overview from every rating and check-in they have."""
    points: defaultdict[Rater, list[RatingPoint]] = defaultdict(list)
    for rater, competency_id, level_id, rated_at in session.execute(
        select(Rating.rater, Rating.competency_id, Rating.level_id, Rating.rated_at)
        .where(Rating.person_id == person.id, Rating.referentiel_id == referentiel.id)
        .order_by(Rating.rated_at, Rating.id)
    ):
        points[rater].append(RatingPoint(competency_id, level_id, rated_at))
    checkins = [
        Checkin(cycle_key, status, closes_at)
        for cycle_key, status, closes_at in session.execute(
            select(CheckinPrompt.cycle_key, CheckinPrompt.status, CheckinPrompt.closes_at)
            .where(CheckinPrompt.person_id == person.id, CheckinPrompt.scheduled_at <= now)
            .order_by(CheckinPrompt.closes_at, CheckinPrompt.id)
        )
    ]
    evidence = Counter(
        dict(
            session.execute(
                select(Evidence.competency_id, func.count())
                .where(Evidence.person_id == person.id, Evidence.referentiel_id == referentiel.id)
                .group_by(Evidence.competency_id)
            ).all()
        )
    )
    calendar = _Calendar.of(person.timezone or "Europe/Paris", now)
    return service._report(
        person,
        referentiel,
        now,
        calendar,
        by_competency(referentiel, points[Rater.SELF]),
        by_competency(referentiel, points[Rater.MANAGER]),
        checkins,
        Earlier(),  # nothing left unread
        evidence,
    )


def _as_the_whole_history(
    service: TeamService, session: Session, manager_id: int, now: datetime
) -> TeamOverview:
    manager = session.get(Person, manager_id)
    assert manager is not None
    overview = service.overview_of(session, manager, now)
    assert isinstance(overview, TeamOverview)
    for report in overview.reports:
        person = session.get(Person, report.person_id)
        assert person is not None
        expected = _whole_history(service, session, person, report.referentiel, now)
        assert report == expected, person.display_name
    return overview


@pytest.mark.parametrize("later", [timedelta(0), timedelta(weeks=3), timedelta(weeks=30)])
def test_the_team_view_says_what_the_whole_history_says(
    migrated_engine: Engine, later: timedelta, monkeypatch: pytest.MonkeyPatch
) -> None:
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    catalog: ReferentielCatalog = core.referentiels
    company = build_company(core.sessions, catalog, reports=40, weeks=60, now=END)
    service = TeamService(catalog)
    now = END + later
    looked_up: list[tuple[int, str]] = []  # tracks whose kept levels left the scale

    def spy(
        session: Session, followed: Followed, since: datetime, tracks: Sequence[tuple[int, str]]
    ) -> defaultdict[tuple[int, Rater], list[RatingPoint]]:
        looked_up.extend(tracks)
        return looked_up_history(session, followed, since, tracks)

    monkeypatch.setattr(team_tracks, "looked_up_history", spy)
    with session_scope(core.sessions) as session:
        overview = _as_the_whole_history(service, session, company.manager_id, now)
        assert len(overview.reports) == 40
        streaks = [report.summary.streak for report in overview.reports]
        assert max(streaks) > 12  # some streaks reach back before what is read whole
        assert any(Flag.MISSED_TWICE in report.flags for report in overview.reports)
    # Ratings at a level the scale no longer has are among those kept: their tracks were
    # looked up in the history, the others were not.
    assert 0 < len(looked_up) < 40 * 5


def test_the_team_view_still_says_it_after_ratings_are_written_and_erased(
    migrated_engine: Engine,
) -> None:
    """The state kept on write follows each write: a check-in, a review, a change of
    référentiel, an erasure (each held to the history in tests/test_rating_tracks.py)."""
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    catalog: ReferentielCatalog = core.referentiels
    company = build_company(core.sessions, catalog, reports=14, weeks=30, now=END)
    service = TeamService(catalog)
    reviews = ReviewService(catalog)
    now = END + timedelta(hours=1)
    with session_scope(core.sessions) as session:
        people = [session.get(Person, person_id) for person_id in company.report_ids]
        boss = session.get(Person, company.manager_id)
        assert boss is not None and all(people)
        first, second, third = (person for person in people[:3] if person is not None)
        answers = [CheckinAnswer(competency_id="prospection", level_id="senior")]
        assert record_checkin(session, first, None, CheckinSubmission(answers=answers), "c", now)
        review = ReviewSubmission(
            answers=[ReviewAnswer(competency_id="closing", level_id="junior")]
        )
        assert reviews.record(session, Viewer(boss), first, review, "r", now).stored
        # Enrolled on the other référentiel: the ratings on the former one no longer count.
        assert second.referentiel_id == "business-developer"
        second.referentiel_id = "account-executive"
        erase_person(session, third, "self", now)
        session.flush()
        overview = _as_the_whole_history(service, session, company.manager_id, now)
        assert len(overview.reports) == 13  # the erased report is no longer followed
