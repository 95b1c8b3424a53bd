"""Shared set-up of the application layer's tests: a core on the migrated database
(SQLite, and PostgreSQL when TEST_DATABASE_URL is set) with Alice enrolled, and its
flows on a fixed clock."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.bootstrap import Core, Flows, build_core, build_flows
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.settings import load_settings
from storage.db import session_scope
from storage.models import Platform
from tests.app.support import NOW, TEAM


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
