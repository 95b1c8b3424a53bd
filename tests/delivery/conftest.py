"""Delivery without a chat platform: a core on the migrated database (SQLite, and
PostgreSQL when TEST_DATABASE_URL is set) with a Slack workspace (Alice, in Paris) and
a Teams one (Bruno) that no messenger serves, and a Ticker on a fake messenger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from bot.bootstrap import Core, build_core, build_services
from bot.delivery.tick import Ticker, TickPolicy, TickReport
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.settings import load_settings
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, Platform, Tenant
from tests.delivery.support import FakeMessenger

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Delivery:
    core: Core
    messenger: FakeMessenger
    ticker: Ticker
    clock: Clock

    def tick(self, now: datetime) -> TickReport:
        self.clock.now = now
        return self.ticker.tick(now)

    def prompt(self, user_id: str) -> CheckinPrompt:
        with session_scope(self.core.sessions) as session:
            return session.scalars(
                select(CheckinPrompt).join(Person).where(Person.platform_user_id == user_id)
            ).one()

    def person(self, user_id: str) -> Person:
        with session_scope(self.core.sessions) as session:
            return session.scalars(select(Person).where(Person.platform_user_id == user_id)).one()

    def tenant(self, external_id: str) -> Tenant:
        with session_scope(self.core.sessions) as session:
            return session.scalars(select(Tenant).where(Tenant.external_id == external_id)).one()


def _enrol(core: Core, platform: Platform, team: str, profile: Profile) -> None:
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, platform, team)
        person, _ = upsert_person(session, tenant, profile)
        person.referentiel_id = "account-executive"


@pytest.fixture
def delivery(migrated_engine: Engine) -> Delivery:
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    _enrol(core, Platform.SLACK, "T0ACME", Profile("U0ALICE", "Alice", timezone="Europe/Paris"))
    _enrol(core, Platform.TEAMS, "M0TEAMS", Profile("M0BRUNO", "Bruno", timezone="Europe/Paris"))
    messenger = FakeMessenger()
    policy = TickPolicy(planning=build_services(core).planning)
    clock = Clock()
    messengers = {Platform.SLACK: messenger}
    ticker = Ticker(core.sessions, core.referentiels, messengers, policy, "worker-1", clock)
    return Delivery(core, messenger, ticker, clock)
