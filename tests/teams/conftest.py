"""Palier's Teams front end on the real Teams SDK, against the project's Teams emulator.

The core runs on the migrated database (SQLite, and PostgreSQL when TEST_DATABASE_URL is
set) on a fixed clock (Thursday 26 November 2026, 16:00 in Paris: Alice's check-in is
due). The emulator's own clock starts at the real time and stands still: the SDK checks
the tokens Teams signs against the wall clock, so only those follow it; nothing Palier
decides does.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from bot.bootstrap import Core, Flows, build_core, build_flows, build_services
from bot.delivery.tick import Ticker, TickPolicy, TickReport
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.settings import load_settings
from emulators.teams import ManualClock, TeamsDriver, TeamsEmulator, User
from handlers.teams.context import TeamsDeps
from handlers.teams.directory import graph_directories
from handlers.teams.listeners import DIALOG_ACTIONS, register
from handlers.teams.messenger import TeamsMessenger
from handlers.teams.render import Renderer
from handlers.teams.server import Credentials, Endpoints, TeamsServer
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, Platform

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Naps:
    """How Palier's Teams side waits a ``Retry-After`` in tests: no real time. Each wait
    is recorded and moves the emulator's clock on by as much (its rate limits count on
    it); ``hold`` (set: nothing held) keeps a wait going until the test releases it,
    off the SDK's loop, so other sends go on meanwhile."""

    clock: ManualClock
    waits: list[float] = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)
    waiting: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.hold.set()

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.waiting.set()
        if not self.hold.is_set():
            await asyncio.to_thread(self.hold.wait, 30)
        self.clock.advance(seconds)


@dataclass
class TeamsWorld:
    core: Core
    flows: Flows
    emulator: TeamsEmulator
    server: TeamsServer
    teams: TeamsDriver
    ticker: Ticker
    clock: Clock
    alice: User
    naps: Naps

    def tick(self) -> TickReport:
        return self.ticker.tick(self.clock.now)

    def person(self, user: User) -> Person:
        with session_scope(self.core.sessions) as session:
            return session.scalars(
                select(Person).where(Person.platform_user_id == user.aad_object_id)
            ).one()

    def prompt(self, user: User) -> CheckinPrompt:
        with session_scope(self.core.sessions) as session:
            return session.scalars(
                select(CheckinPrompt)
                .join(Person)
                .where(Person.platform_user_id == user.aad_object_id)
            ).one()


def enrol(core: Core, user: User, referentiel_id: str = "account-executive") -> None:
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.TEAMS, user.tenant_id)
        person, _ = upsert_person(
            session, tenant, Profile(user.aad_object_id, user.name, user.email, user.timezone)
        )
        person.referentiel_id = referentiel_id


@pytest.fixture
def emulator() -> Iterator[TeamsEmulator]:
    with TeamsEmulator(clock=ManualClock(start=float(int(time.time())))) as emu:
        yield emu


@pytest.fixture
def world(migrated_engine: Engine, emulator: TeamsEmulator) -> Iterator[TeamsWorld]:
    clock = Clock()
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    flows = build_flows(core, clock=clock)
    alice = emulator.add_user("Alice Martin", "alice.martin@example.fr")
    enrol(core, alice)
    renderer = Renderer(DIALOG_ACTIONS)
    assert isinstance(emulator.clock, ManualClock)
    naps = Naps(emulator.clock)
    server = TeamsServer(
        Credentials(emulator.app_id, emulator.client_secret),
        clock,
        Endpoints(
            login_url=emulator.login_endpoint,
            openid_metadata_url=emulator.openid_metadata_url,
            service_url=emulator.service_url,
        ),
        sleep=naps,
    )
    directory = graph_directories(server, emulator.graph_url)  # the tenant's people: Graph
    # The emulator serves a sent file's downloadUrl over plain http on 127.0.0.1.
    deps = TeamsDeps(flows, renderer, directory=directory, plain_http_downloads=True)
    register(server.app, deps)
    server.start()
    policy = TickPolicy(planning=build_services(core).planning)
    messengers = {Platform.TEAMS: TeamsMessenger(server, renderer)}
    ticker = Ticker(core.sessions, core.referentiels, messengers, policy, "worker-1", clock)
    try:
        with TeamsDriver(server.url, emulator) as teams:
            yield TeamsWorld(core, flows, emulator, server, teams, ticker, clock, alice, naps)
    finally:
        server.stop()
