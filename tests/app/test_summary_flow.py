"""The summary flow of the application layer, called directly as any front end would:
no chat platform, a directory port for people Palier does not follow, and the
database on SQLite (and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from bot.app.actor import ActorRef
from bot.app.summary import LANGUAGE_USAGE
from bot.bootstrap import Core, Flows, build_core, build_flows
from bot.people import DirectoryError, Profile, ensure_tenant, upsert_person
from bot.settings import load_settings
from storage.db import session_scope
from storage.models import Person, Platform

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
TEAM = "T0ACME"
ALICE = ActorRef(Platform.SLACK, TEAM, "U0ALICE")
STRANGER = ActorRef(Platform.SLACK, TEAM, "U0NOBODY")


class Directory:
    """The platform's directory as the port describes it, with what it says of people."""

    def __init__(self, *profiles: Profile, failing: bool = False) -> None:
        self.profiles = {profile.user_id: profile for profile in profiles}
        self.failing = failing

    def lookup_by_email(self, email: str) -> Profile | None:
        return next((p for p in self.profiles.values() if p.email == email), None)

    def profile(self, user_id: str) -> Profile | None:
        if self.failing:
            raise DirectoryError("the platform did not answer")
        return self.profiles.get(user_id)


@pytest.fixture
def core(migrated_engine: Engine) -> Core:
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        alice, _ = upsert_person(
            session, tenant, Profile("U0ALICE", "Alice", timezone="Asia/Kolkata", locale="en-GB")
        )
        alice.referentiel_id = "account-executive"
    return core


@pytest.fixture
def flows(core: Core) -> Flows:
    return build_flows(core, clock=lambda: NOW)


def test_me_is_the_persons_summary_in_their_language(flows: Flows) -> None:
    outcome = flows.summary.me(ALICE)
    assert outcome.refusal is None and outcome.locale == "en"
    assert outcome.view is not None and outcome.view.referentiel.id == "account-executive"
    assert outcome.view.total == 5


def test_someone_not_followed_is_refused_in_the_language_the_platform_gives(
    flows: Flows,
) -> None:
    directory = Directory(Profile("U0NOBODY", locale="en-US", timezone="America/New_York"))
    outcome = flows.summary.me(STRANGER, directory)
    assert (outcome.view, outcome.refusal, outcome.locale) == (None, "not_enrolled", "en")


def test_a_directory_that_fails_leaves_the_default_language(flows: Flows) -> None:
    outcome = flows.summary.me(STRANGER, Directory(failing=True))
    assert (outcome.refusal, outcome.locale) == ("not_enrolled", "fr")


def test_the_same_user_id_in_another_workspace_is_someone_else(flows: Flows) -> None:
    other = ActorRef(Platform.SLACK, "T0OTHER", "U0ALICE")
    assert flows.summary.me(other).refusal == "not_enrolled"


def test_help_speaks_the_persons_language(flows: Flows) -> None:
    assert flows.summary.help(ALICE).locale == "en"
    assert flows.summary.help(STRANGER).locale == "fr"


def test_a_chosen_language_is_kept_over_the_platforms(core: Core, flows: Flows) -> None:
    assert flows.summary.choose_language(ALICE, "Français").locale == "fr"
    assert flows.summary.me(ALICE).locale == "fr"
    with core.sessions() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        assert (alice.locale, alice.locale_chosen) == ("fr", True)
    assert flows.summary.choose_language(ALICE, "de").refusal == LANGUAGE_USAGE
    assert flows.summary.choose_language(STRANGER, "en").refusal == "not_enrolled"


def test_a_request_resolves_the_actor_once_in_one_transaction(core: Core, flows: Flows) -> None:
    seen: list[str] = []
    begun: list[object] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    def begin(connection: Any) -> None:
        begun.append(connection)

    event.listen(core.engine, "before_cursor_execute", statement)
    event.listen(core.engine, "begin", begin)
    try:
        flows.summary.me(ALICE)
    finally:
        event.remove(core.engine, "before_cursor_execute", statement)
        event.remove(core.engine, "begin", begin)
    tenant_reads = [sql for sql in seen if "FROM tenants" in sql]
    assert len(tenant_reads) == 1 and len(begun) == 1
