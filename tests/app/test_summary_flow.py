"""The summary flow of the application layer, called directly as any front end would:
no chat platform, a directory port for people Palier does not follow, and the
database on SQLite (and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.summary import LANGUAGE_USAGE
from bot.bootstrap import Core, Flows
from bot.domain.people import Profile
from storage.models import Person, Platform
from tests.app.support import ALICE, STRANGER, TEAM, Directory, counting_sql


def test_me_is_the_persons_summary_in_their_language(flows: Flows) -> None:
    outcome = flows.summary.me(ALICE)
    assert outcome.refusal is None and outcome.locale == "en-GB"
    assert outcome.view is not None and outcome.view.referentiel.id == "account-executive"
    assert outcome.view.total == 5


def test_someone_not_followed_is_refused_in_the_language_the_platform_gives(
    flows: Flows,
) -> None:
    directory = Directory(Profile("U0NOBODY", locale="en-US", timezone="America/New_York"))
    outcome = flows.summary.me(STRANGER, directory)
    assert (outcome.view, outcome.refusal, outcome.locale) == (None, "not_enrolled", "en-US")


def test_a_directory_that_fails_leaves_the_default_language(flows: Flows) -> None:
    outcome = flows.summary.me(STRANGER, Directory(failing=True))
    assert (outcome.refusal, outcome.locale) == ("not_enrolled", "fr")


def test_the_same_user_id_in_another_workspace_is_someone_else(flows: Flows) -> None:
    other = ActorRef(Platform.SLACK, "T0OTHER", "U0ALICE")
    assert flows.summary.me(other).refusal == "not_enrolled"


def test_help_speaks_the_persons_language(flows: Flows) -> None:
    assert flows.summary.help(ALICE).locale == "en-GB"
    assert flows.summary.help(STRANGER).locale == "fr"


def test_a_chosen_language_is_kept_over_the_platforms(core: Core, flows: Flows) -> None:
    assert flows.summary.choose_language(ALICE, "Français").locale == "fr-GB"
    assert flows.summary.me(ALICE).locale == "fr-GB"
    with core.sessions() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        assert (alice.locale, alice.locale_chosen) == ("fr-GB", True)
    assert flows.summary.choose_language(ALICE, "de").refusal == LANGUAGE_USAGE
    assert flows.summary.choose_language(STRANGER, "en").refusal == "not_enrolled"


def test_a_request_resolves_the_actor_once_in_one_transaction(core: Core, flows: Flows) -> None:
    with counting_sql(core.engine) as (seen, begun):
        flows.summary.me(ALICE)
    tenant_reads = [sql for sql in seen if "FROM tenants" in sql]
    assert len(tenant_reads) == 1 and len(begun) == 1


def test_the_actor_is_an_admin_only_when_the_flow_asks_and_the_rule_says_so(
    core: Core,
) -> None:
    from bot.app.unit_of_work import Defaults, UnitOfWork

    work = UnitOfWork(core.sessions, Defaults(admin_user_ids=frozenset({"U0BOSS"})))
    slack_admin = Directory(Profile("U0ALICE", is_admin=True))
    with work.begin(ALICE, slack_admin) as (_session, actor):
        assert actor.person is not None and not actor.is_admin  # not asked: not looked up
    with work.begin(ALICE, slack_admin, admin=True) as (_session, actor):
        assert actor.is_admin and actor.locale == "en-GB"  # the person's own language still
    with work.begin(ALICE, Directory(Profile("U0ALICE")), admin=True) as (_session, actor):
        assert not actor.is_admin
    boss = ActorRef(Platform.SLACK, TEAM, "U0BOSS")
    with work.begin(boss, Directory(Profile("U0BOSS")), admin=True) as (_session, actor):
        assert actor.person is None and actor.is_admin  # PALIER_ADMIN_USER_IDS


def test_the_language_to_answer_any_request_in_is_the_persons_else_the_default(
    flows: Flows,
) -> None:
    # For a front end's own words (a failure, a malformed request): no platform call.
    assert flows.summary.language(ALICE) == "en-GB"
    assert flows.summary.language(STRANGER) == "fr"
