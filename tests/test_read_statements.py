"""The manager's reads cost a constant number of SQL statements, whatever the team.

Issue #13 (whole companies): the team view, the 1:1 brief (asked for, and sent by the
tick before a recurring 1:1), the App Home, the weekly digest (a page click, and the
tick's), the review list and one report's review must not read once per report, per week
or per rating.
Four teams are built in one database (``tests/support/company.py``): 3 or 30 reports,
each with 3 or 30 weeks of history — check-ins, self-ratings, evidence, reviews, 1:1s,
topics and notes. Each read is made once in each team, and the statements the database
sees are counted: the same number in all four, and at most ten. Each read is also
checked to have read the whole team (a read that answered nothing would count little).
SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.app.actor import ActorRef
from bot.app.one_on_one import BriefRequest, BriefView
from bot.app.review import DigestPage, OpenReview, PendingReviews
from bot.bootstrap import Core, Flows, build_core, build_flows, build_services
from bot.delivery.briefs import BriefJob
from bot.delivery.claims import Claimed
from bot.delivery.digests import DigestJob
from bot.delivery.policy import TickPolicy, TickReport
from bot.delivery.views import ScheduledBrief, WeeklyReview
from bot.delivery.workspaces import Workspaces
from bot.domain.home import Home
from bot.domain.review import Digest, ReportReview, ReviewService
from bot.domain.team import TeamOverview
from bot.settings import load_settings
from storage.models import Platform, PromptStatus
from tests.delivery.support import FakeMessenger
from tests.support.company import MANAGER_USER_ID, Company, build_company, statements

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris
TEAMS = {  # name: (reports, weeks of history)
    "small": (3, 3),
    "large": (30, 3),
    "long": (3, 30),
    "large_long": (30, 30),
    "sixty": (60, 3),  # a manager's Home shows a team of 60 at a glance (issue #10)
}
MOST = 10  # statements a read may take
# A Home: the person (2), their ratings, evidence (a page and the counts) and check-ins
# (3, bot.domain.home_reads), whether anyone reports to them (1); a manager's, the rest of
# the team section too (four: the ratings' kept state and its look-up — the flags' and
# the reviews waiting — this week's check-ins and before).
MOST_FOR = {"App Home": 6, "a manager's App Home": 10}


@dataclass(frozen=True)
class World:
    core: Core
    flows: Flows
    companies: dict[str, Company]
    policy: TickPolicy
    workspaces: Workspaces  # read at the start of a tick, as the tick reads them


@pytest.fixture
def world(migrated_engine: Engine) -> World:
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    companies = {
        name: build_company(
            core.sessions,
            core.referentiels,
            reports=reports,
            weeks=weeks,
            now=NOW,
            team_id=f"T0{name.upper()}",
        )
        for name, (reports, weeks) in TEAMS.items()
    }
    policy = TickPolicy(planning=build_services(core).planning)
    workspaces = Workspaces(core.sessions, {Platform.SLACK: FakeMessenger()})
    workspaces.refresh(NOW, policy.workspace_probe, [])
    return World(core, build_flows(core, clock=lambda: NOW), companies, policy, workspaces)


def _boss(company: Company) -> ActorRef:
    return ActorRef(Platform.SLACK, company.team_id, MANAGER_USER_ID)


def _report(company: Company, index: int = 0) -> ActorRef:
    return ActorRef(Platform.SLACK, company.team_id, company.report_user_ids[index])


# Each read: made in one team, it answers what it read (checked by the test).
Read = Callable[[World, Company], Any]


def team_view(world: World, company: Company) -> Any:
    outcome = world.flows.team.overview(_boss(company))
    view = outcome.view
    assert isinstance(view, TeamOverview) and len(view.reports) == len(company.report_ids)
    assert sum(report.participation_long.due for report in view.reports)
    return view


def brief(world: World, company: Company) -> Any:
    outcome = world.flows.one_on_one.brief(_boss(company), BriefRequest(company.report_user_ids[0]))
    view = outcome.view
    assert isinstance(view, BriefView) and view.brief.can_act and view.brief.schedule
    assert view.brief.notes and view.brief.checkins and view.brief.evidence
    return view


def own_brief(world: World, company: Company) -> Any:
    outcome = world.flows.one_on_one.brief(_report(company), BriefRequest())
    view = outcome.view
    assert isinstance(view, BriefView) and view.brief.own and view.brief.checkins
    return view


def tick_brief(world: World, company: Company) -> Any:
    core = world.core
    job = BriefJob(core.sessions, core.referentiels, world.policy, world.workspaces, TickReport())
    claimed = job.claim(company.schedule_ids[0], NOW)
    assert isinstance(claimed, Claimed) and isinstance(claimed.view, ScheduledBrief)
    assert claimed.view.brief.checkins and claimed.view.brief.schedule
    return claimed


def home(world: World, company: Company) -> Any:
    outcome = world.flows.home.home(_report(company))
    view = outcome.view
    assert isinstance(view, Home) and view.summary.rated() and view.evidence.entries
    return view


def manager_home(world: World, company: Company) -> Any:
    outcome = world.flows.home.home(_boss(company))
    view = outcome.view
    assert isinstance(view, Home) and view.team is not None
    assert view.team.followed == len(company.report_ids) and view.team.reviews
    return view


def _whole(digest: Digest, company: Company) -> None:
    """Every report has a row; whoever checked in this week moved, with evidence."""
    assert len(digest.rows) == len(company.report_ids)
    done = [row for row in digest.rows if row.status is PromptStatus.DONE]
    assert done and all(row.changes for row in done)
    assert any(change.evidence for row in done for change in row.changes)
    assert all(row.pending for row in done)


def digest_page(world: World, company: Company) -> Any:
    outcome = world.flows.review.digest(_boss(company), DigestPage(company.cycle_key))
    assert isinstance(outcome.view, Digest)
    _whole(outcome.view, company)
    return outcome.view


def tick_digest(world: World, company: Company) -> Any:
    reviews = ReviewService(world.core.referentiels)
    job = DigestJob(world.core.sessions, reviews, world.policy, world.workspaces, "w", TickReport())
    claimed = job.claim(company.digest_id, NOW)
    assert isinstance(claimed, Claimed) and isinstance(claimed.view, WeeklyReview)
    _whole(claimed.view.digest, company)
    return claimed


def review_list(world: World, company: Company) -> Any:
    outcome = world.flows.review.pending(_boss(company))
    view = outcome.view
    assert isinstance(view, PendingReviews) and len(view.reports) >= len(company.report_ids) // 2
    assert all(review.pending for review in view.reports)
    return view


def review_modal(world: World, company: Company) -> Any:
    # The second report: on the 20-competency certification (the référentiels alternate).
    outcome = world.flows.review.open(_boss(company), OpenReview(company.report_ids[1]))
    view = outcome.view
    assert isinstance(view, ReportReview) and view.pending
    assert any(pending.evidence for pending in view.pending)
    return view


READS: dict[str, Read] = {
    "team view": team_view,
    "1:1 brief": brief,
    "1:1 prep (one's own brief)": own_brief,
    "1:1 brief sent by the tick": tick_brief,
    "App Home": home,
    "a manager's App Home": manager_home,
    "weekly digest (page)": digest_page,
    "weekly digest sent by the tick": tick_digest,
    "review list": review_list,
    "review of one report": review_modal,
}


@pytest.mark.parametrize("name", READS)
def test_a_read_takes_as_many_statements_for_any_team_and_history(world: World, name: str) -> None:
    read = READS[name]
    counts = {}
    for team, company in world.companies.items():
        with statements(world.core.engine) as seen:
            read(world, company)
        counts[team] = len(seen)
    assert len(set(counts.values())) == 1, counts
    assert max(counts.values()) <= MOST_FOR.get(name, MOST), counts
