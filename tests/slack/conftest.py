"""A whole Palier on Slack for end-to-end tests: emulator, database, Bolt over HTTP, driver.

Time is the emulator's :class:`ManualClock`, shared with Palier (``build_app(clock=…)``),
so a test moves the week forward instead of waiting. Requests reach the real Bolt
app over HTTP, signed; Web API calls go to the emulator over HTTP. Each Palier
process runs its listeners on a :class:`ListenerExecutor` the emulator watches, so
``wait_for`` and the driver's and World's helpers first wait for what the requests
so far started, instead of racing with it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.tick import TickReport
from bot.domain.people import ensure_tenant, upsert_person
from bot.settings import Settings, load_settings
from emulators.slack import (
    BoltAppServer,
    DriverResponse,
    ManualClock,
    SlackDriver,
    SlackEmulator,
)
from emulators.slack.listeners import ListenerExecutor
from emulators.slack.server import Message
from handlers.slack.app import PalierSlack, build_app
from handlers.slack.profiles import to_profile
from handlers.slack.runner import wsgi_app
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, Platform, Role

SIGNING_SECRET = "palier-e2e-signing-secret"
ALICE = "U0ALICE"  # fr-FR, Europe/Paris
BOB = "U0BOB"  # en-US, America/New_York
CHLOE = "U0CHLOE"  # fr-FR, Asia/Kolkata
DAVID = "U0DAVID"  # deactivated in Slack


class World:
    """The emulator, one or more Palier processes on one database, and helpers."""

    def __init__(self, engine: Engine, emulator: SlackEmulator, clock: ManualClock) -> None:
        self.engine = engine
        self.emulator = emulator
        self.clock = clock
        self.apps: list[PalierSlack] = []
        self.listeners: list[ListenerExecutor] = []
        self.servers: list[BoltAppServer] = []
        self.palier = self.process()
        self.server = self.servers[0]
        self.driver = SlackDriver(self.server.url, SIGNING_SECRET, emulator)

    def settings(self, **overrides: str) -> Settings:
        values = {
            "SLACK_BOT_TOKEN": self.emulator.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.emulator.api_url,
            **overrides,
        }
        return load_settings(env_file=None, **values)

    def process(self, **overrides: str) -> PalierSlack:
        """Another Palier process (its own Bolt app, client and worker id) on the same DB."""
        app = build_app(
            self.settings(**overrides),
            engine=self.engine,
            clock=self.now,
            listener_executor=self.listener_executor(),
        )
        self.apps.append(app)
        self.servers.append(BoltAppServer(app.bolt, wsgi=wsgi_app(app)).start())
        return app

    def listener_executor(self) -> ListenerExecutor:
        """For a Palier's Bolt app: the emulator waits for its listeners; shut down at close."""
        listeners = ListenerExecutor()
        self.emulator.watch(listeners)
        self.listeners.append(listeners)
        return listeners

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def at(self, moment: datetime) -> None:
        """Move the clock, once what the requests so far started has finished at the old time."""
        self.emulator.settle()
        self.clock.set(moment.timestamp())

    def tick(self, app: PalierSlack | None = None) -> TickReport:
        """One tick, once every listener started so far has finished."""
        self.emulator.settle()
        return (app or self.palier).tick()

    def session(self) -> Session:
        """A session on the database, once every listener started so far has finished."""
        self.emulator.settle()
        return self.palier.core.sessions()

    def enrol(
        self,
        user_id: str,
        referentiel_id: str = "account-executive",
        *,
        role: Role = Role.MEMBER,
        weekday: int | None = None,
        at: time | None = None,
    ) -> int:
        user = self.emulator.user(user_id)
        with session_scope(self.palier.core.sessions) as session:
            tenant = ensure_tenant(session, Platform.SLACK, user.team_id, "Palier Demo")
            person, _ = upsert_person(
                session, tenant, to_profile(user.to_api(0, include_locale=True))
            )
            person.referentiel_id = referentiel_id
            person.role = role
            person.checkin_weekday = weekday
            person.checkin_time = at
            session.flush()
            return person.id

    def prompts(self, user_id: str) -> list[CheckinPrompt]:
        with self.session() as session:
            return list(
                session.scalars(
                    select(CheckinPrompt)
                    .join(Person)
                    .where(Person.platform_user_id == user_id)
                    .order_by(CheckinPrompt.cycle_key)
                )
            )

    def forge_click(self, user_id: str, action_id: str, value: str) -> DriverResponse:
        """A signed block_actions the person could not produce from what they see
        (a forged value, or a button no longer displayed): what an attacker or a
        stale client would send."""
        payload = {
            "type": "block_actions",
            "team": {"id": self.emulator.workspace.team_id, "domain": "palier-demo"},
            "user": {"id": user_id, "team_id": self.emulator.workspace.team_id},
            "api_app_id": "A0PALIERAPP",
            "token": "x",
            "trigger_id": self.emulator.issue_trigger(user_id),
            "response_url": self.emulator.issue_response_url(
                user_id, self.emulator.dm_channel_id(user_id)
            ),
            "actions": [
                {"action_id": action_id, "block_id": "b", "type": "button", "value": value}
            ],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.driver.post(body, "application/x-www-form-urlencoded")

    def dms(self, user_id: str) -> list[Message]:
        """The person's DM with the bot, once every listener started so far has finished."""
        self.emulator.settle()
        return self.emulator.dm_messages(user_id)

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        for listeners in self.listeners:
            listeners.shutdown(wait=True)
        for app in self.apps:
            app.close()


@pytest.fixture
def clock() -> ManualClock:
    # Thursday 26 November 2026, 14:00 UTC (15:00 in Paris).
    return ManualClock(datetime(2026, 11, 26, 14, 0, tzinfo=UTC).timestamp())


@pytest.fixture
def emulator(clock: ManualClock) -> Iterator[SlackEmulator]:
    with SlackEmulator(clock=clock) as emu:
        emu.add_user(ALICE, "alice", "Alice Martin", "alice@example.fr")
        emu.add_user(
            BOB, "bob", "Bob Stone", "bob@example.com", tz="America/New_York", locale="en-US"
        )
        emu.add_user(CHLOE, "chloe", "Chloé Rao", "chloe@example.fr", tz="Asia/Kolkata")
        emu.add_user(DAVID, "david", "David Petit", "david@example.fr", deleted=True)
        yield emu
        assert_no_neutral_markup(emu)


# The catalog's neutral markup, which Slack would show as typed: every text Palier sends
# goes through Slack's translator (handlers.slack.markup), so none may reach Slack.
NEUTRAL_MARKUP = re.compile(r"\*\*[^*\s][^*]*\*\*|\]\((?:https?://|\{)")


def assert_no_neutral_markup(emulator: SlackEmulator) -> None:
    for call in emulator.calls:
        sent = json.dumps(call.params, ensure_ascii=False)
        found = NEUTRAL_MARKUP.search(sent)
        assert found is None, f"{call.method} sent neutral markup {found.group()!r}"


@pytest.fixture
def world(migrated_engine: Engine, emulator: SlackEmulator, clock: ManualClock) -> Iterator[World]:
    palier_world = World(migrated_engine, emulator, clock)
    yield palier_world
    palier_world.close()


class Errors:
    """Log records at ERROR or above from threads started during the test.

    A thread of an earlier test (a listener still finishing after its world closed)
    may log while this test runs; it is not this test's error.
    """

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog
        self.earlier = {thread.ident for thread in threading.enumerate()} - {
            threading.main_thread().ident
        }

    def records(self) -> list[logging.LogRecord]:
        return [
            r
            for r in self.caplog.records
            if r.levelno >= logging.ERROR and r.thread not in self.earlier
        ]


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Errors:
    return Errors(caplog)
