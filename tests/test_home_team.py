"""The team section of a manager's Home says what the team view and the review say
(issue #10): the same flags for every report, by the team view's own rules; this week's
check-in as stored; the self-ratings waiting for review, as the review counts them.

A company of 30 reports with 30 weeks of history (``tests/support/company.py``: missed
weeks, leave, ratings off the scale, a former référentiel…). SQLite, and PostgreSQL when
TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from bot.bootstrap import build_core
from bot.domain.home_team import team_pulse
from bot.domain.review import ReviewService
from bot.domain.team import Flag, TeamOverview, TeamService
from bot.settings import load_settings
from storage.models import CheckinPrompt, Person, PromptStatus
from tests.support.company import build_company

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris


def test_the_section_says_what_the_team_view_and_the_review_say(migrated_engine: Engine) -> None:
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    company = build_company(core.sessions, core.referentiels, reports=30, weeks=30, now=NOW)
    team, reviews = TeamService(core.referentiels), ReviewService(core.referentiels)
    with core.sessions() as session:
        boss = session.get(Person, company.manager_id)
        assert boss is not None
        overview = team.overview_of(session, boss, NOW)
        assert isinstance(overview, TeamOverview)
        pulse = team_pulse(session, boss, NOW, reviews, team, indirect=False)
        assert pulse is not None
        waiting = reviews.team_pending(session, boss)
        statuses = dict(
            session.execute(
                select(Person.display_name, CheckinPrompt.status)
                .join(Person, Person.id == CheckinPrompt.person_id)
                .where(CheckinPrompt.cycle_key == company.cycle_key)
            ).all()
        )
    for flag in Flag:
        expected = tuple(report.name for report in overview.flagged(flag))
        assert pulse.flagged.get(flag, ()) == expected, flag
    assert any(pulse.flagged.values())  # the history flags someone
    assert pulse.reviews == sum(len(review.pending) for review in waiting) > 0
    assert pulse.reviewed_people == len(waiting)
    done = tuple(name for name, status in statuses.items() if status is PromptStatus.DONE)
    assert sorted(pulse.done) == sorted(done) and pulse.followed == 30
    skipped = [name for name, status in statuses.items() if status is PromptStatus.SKIPPED]
    assert pulse.skipped == len(skipped)
