"""The team flow of the application layer (``/palier team``), called directly as any front
end would: who is in the actor's team is the access policy's answer, whatever the platform
says of the actor; anyone else gets one refusal. SQLite, and PostgreSQL when
TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.app.actor import ActorRef
from bot.bootstrap import Core, Flows, build_core, build_flows
from bot.domain.people import Profile, ensure_tenant, find_person, upsert_person
from bot.domain.team import Flag
from bot.settings import load_settings
from storage.db import session_scope
from storage.models import Platform, Rater, Rating
from tests.app.support import ALICE, NOW, STRANGER, TEAM, Directory, counting_sql

CHLOE = ActorRef(Platform.SLACK, TEAM, "U0CHLOE")  # manages Alice, Bob and Gus; French
BOB = ActorRef(Platform.SLACK, TEAM, "U0BOB")
NO_REPORTS = "no_reports"


@pytest.fixture
def team(core: Core) -> None:
    """Chloé manages Alice, Bob and Gus (no référentiel); Hugo reports to Alice. Chloé
    rated Alice's closing a level above Alice's own rating of it (a gap)."""
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        chloe, _ = upsert_person(session, tenant, Profile("U0CHLOE", "Chloé", locale="fr-FR"))
        bob, _ = upsert_person(session, tenant, Profile("U0BOB", "Bob"))
        gus, _ = upsert_person(session, tenant, Profile("U0GUS", "Gus"))
        hugo, _ = upsert_person(session, tenant, Profile("U0HUGO", "Hugo"))
        alice = find_person(session, tenant.id, "U0ALICE")
        assert alice is not None
        for person in (chloe, bob, hugo):
            person.referentiel_id = "account-executive"
        session.flush()
        alice.manager_id = bob.manager_id = gus.manager_id = chloe.id
        hugo.manager_id = alice.id
        for rater, level, by in ((Rater.SELF, "junior", None), (Rater.MANAGER, "senior", chloe)):
            session.add(
                Rating(
                    tenant_id=tenant.id,
                    person_id=alice.id,
                    referentiel_id="account-executive",
                    competency_id="closing",
                    level_id=level,
                    rater=rater,
                    rater_person_id=by.id if by else None,
                    rated_at=NOW - timedelta(days=2),
                )
            )


def _names(flows: Flows, who: ActorRef, directory: Directory | None = None) -> list[str]:
    outcome = flows.team.overview(who, directory)
    assert outcome.view is not None, outcome.refusal
    return [report.name for report in outcome.view.reports]


@pytest.mark.usefixtures("team")
def test_a_manager_gets_their_direct_reports_in_their_language(flows: Flows) -> None:
    outcome = flows.team.overview(CHLOE)
    assert outcome.refusal is None and outcome.locale == "fr-FR"
    assert outcome.view is not None
    assert sorted(report.name for report in outcome.view.reports) == ["Alice", "Bob"]
    assert outcome.view.not_followed == ["Gus"]  # named, so the manager knows why
    alice = next(report for report in outcome.view.reports if report.name == "Alice")
    closing = next(line for line in alice.competencies if line.competency.id == "closing")
    assert (closing.gap, Flag.GAP in alice.flags) == (2, True)


@pytest.mark.usefixtures("team")
def test_members_and_strangers_get_the_same_refusal(flows: Flows) -> None:
    bob = flows.team.overview(BOB)
    assert (bob.view, bob.refusal, bob.locale) == (None, NO_REPORTS, "fr")
    stranger = flows.team.overview(STRANGER, Directory(Profile("U0NOBODY", locale="en-US")))
    assert (stranger.view, stranger.refusal, stranger.locale) == (None, NO_REPORTS, "en-US")
    other = ActorRef(Platform.SLACK, "T0OTHER", "U0CHLOE")  # the same id, another workspace
    assert flows.team.overview(other).refusal == NO_REPORTS


@pytest.mark.usefixtures("team")
def test_being_an_admin_does_not_widen_a_team(flows: Flows) -> None:
    slack_admin = Directory(Profile("U0BOB", is_admin=True))
    assert flows.team.overview(BOB, slack_admin).refusal == NO_REPORTS
    assert _names(flows, ALICE, Directory(Profile("U0ALICE", is_admin=True))) == ["Hugo"]


@pytest.mark.usefixtures("team")
def test_indirect_reports_only_when_the_workspace_allows_it(
    flows: Flows, migrated_engine: Engine
) -> None:
    assert "Hugo" not in _names(flows, CHLOE)
    settings = load_settings(env_file=None, PALIER_MANAGERS_SEE_INDIRECT="true")
    wider = build_flows(build_core(settings, engine=migrated_engine), clock=lambda: NOW)
    assert sorted(_names(wider, CHLOE)) == ["Alice", "Bob", "Hugo"]


@pytest.mark.usefixtures("team")
def test_the_summary_resolves_the_actor_once_in_one_transaction(core: Core, flows: Flows) -> None:
    with counting_sql(core.engine) as (seen, begun):
        assert flows.team.overview(CHLOE, Directory(Profile("U0CHLOE"))).ok
    people_by_user = [sql for sql in seen if "people.platform_user_id =" in sql]
    assert len([sql for sql in seen if "FROM tenants" in sql]) == 1
    assert len(people_by_user) == 1 and len(begun) == 1


def _reports(core: Core, count: int) -> None:
    """``count`` more reports of Chloé, each with a rating and a piece of evidence."""
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        chloe = find_person(session, tenant.id, "U0CHLOE")
        assert chloe is not None
        for index in range(count):
            report, _ = upsert_person(session, tenant, Profile(f"U0R{index:03d}", f"R{index}"))
            report.referentiel_id = "account-executive"
            report.manager_id = chloe.id
            session.flush()
            session.add(
                Rating(
                    tenant_id=tenant.id,
                    person_id=report.id,
                    referentiel_id="account-executive",
                    competency_id="closing",
                    level_id="junior",
                    rater=Rater.SELF,
                    rated_at=NOW - timedelta(days=3),
                )
            )


@pytest.mark.usefixtures("team")
def test_the_team_view_reads_as_much_for_thirty_reports_as_for_three(
    core: Core, flows: Flows
) -> None:
    with counting_sql(core.engine) as (small, _):
        assert flows.team.overview(CHLOE, Directory(Profile("U0CHLOE"))).ok
    _reports(core, 30)
    with counting_sql(core.engine) as (large, _):
        outcome = flows.team.overview(CHLOE, Directory(Profile("U0CHLOE")))
    assert outcome.view is not None and len(outcome.view.reports) == 32
    assert len(large) == len(small) <= 10
