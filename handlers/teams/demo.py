"""``palier demo --platform teams``: the story played through the project's Teams emulator.

The story, its timeline and its printing (:mod:`handlers.demo`) know no platform; what
is Teams' is here and in :mod:`handlers.teams.demo_player`. The stage starts the
emulator (Microsoft's Connector, its token endpoint, Bot Framework's signing keys and
Microsoft Graph, on 127.0.0.1) with the team as people of one Microsoft 365 tenant,
then Palier's Teams front end on the real Teams SDK, served over real HTTP on the
demo's database and clock and pointed at the emulator exactly as the tests point it
(``tests/teams/conftest.py``): Palier gets its tokens from the emulator's token
endpoint, checks every request against the emulator's published keys, and sends
through the emulator's Connector. No Microsoft account, nothing beyond localhost.

The emulator keeps the machine's clock, not the demo's: the Teams SDK checks the tokens
Teams signs (``nbf``, ``exp``) against the machine's clock, however far the story has
moved. Only tokens, message ids and timestamps follow it; nothing Palier decides or
prints does (Palier reads the demo's clock), so the demo is the same any day.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import TextIO

from bot.app.actor import ActorRef
from bot.bootstrap import build_core, build_flows
from bot.delivery.tick import Ticker, TickPolicy
from bot.domain.people import Profile
from bot.i18n import Locale
from bot.settings import load_settings
from emulators.teams import TeamsDriver, TeamsEmulator
from handlers.demo import runner
from handlers.demo.player import Account, Scene, Stage
from handlers.demo.story import TEAM
from handlers.teams.app import build_teams
from handlers.teams.demo_player import TeamsPlayer
from storage.models import Platform

# Fixed ids, so that two runs are the same: the emulator would make up random ones.
_IDS = uuid.UUID("6d1c2a57-0c4e-4d9b-9a43-7a1b8e5d3f10")
TENANT_ID = str(uuid.uuid5(_IDS, "tenant"))
TENANT_NAME = "Palier Demo"
APP_ID = str(uuid.uuid5(_IDS, "app"))
WORKER = "palier-demo"

# The demo's lines Teams says its own way (a Teams chat, a dialog, an organisation).
WORDS: Mapping[str, str] = (
    {
        key: f"teams_demo.{key.removeprefix('demo.')}"
        for key in (
            "demo.title",
            "demo.setup",
            "demo.team",
            "demo.member_all",
            "demo.member_rotation",
            "demo.rules",
            "demo.what.start",
            "demo.what.me",
            "demo.manage.open",
            "demo.manage.saved",
        )
    }
    | {
        f"demo_evidence_livret.what.{key}": f"demo_evidence_livret.teams.{key}"
        for key in ("wrote", "logged")
    }
    | {
        # The livret: offered as two files to accept, then in OneDrive (no Slack file store).
        "demo_evidence_livret.what.livret": "demo_teams_livret.livret",
        "demo_evidence_livret.stored": "demo_teams_livret.stored",
    }
)


def run_demo(
    out: TextIO, *, locale: Locale = "fr", weeks: int = 4, database_url: str | None = None
) -> int:
    """Play ``weeks`` weeks of the team's check-ins on the Teams emulator; print them.

    See :func:`handlers.demo.runner.run_demo` (the exit statuses, the database).
    """
    return runner.run_demo(
        out, teams_stage, team=TEAM, locale=locale, weeks=weeks, database_url=database_url
    )


def aad_object_id(user_id: str) -> str:
    """A member's Entra object id in the demo's tenant (fixed, from their story id)."""
    return str(uuid.uuid5(_IDS, user_id))


@contextmanager
def teams_stage(scene: Scene) -> Iterator[Stage]:
    """The emulator with the team as Teams users, and Palier served to it; all stopped after."""
    with ExitStack() as stack:
        emulator = stack.enter_context(
            TeamsEmulator(  # on the machine's clock: see the module's docstring
                clock=time.time, app_id=APP_ID, tenant_id=TENANT_ID, tenant_name=TENANT_NAME
            )
        )
        for member in scene.team:
            emulator.add_user(
                member.real_name,
                member.email,
                aad_object_id=aad_object_id(member.user_id),
                timezone=member.timezone,
                locale=member.platform_locale,
            )
        settings = load_settings(
            env_file=None,
            **{
                "TEAMS_APP_ID": emulator.app_id,
                "TEAMS_APP_SECRET": emulator.client_secret,
                "TEAMS_TENANT_ID": None,
                "TEAMS_HOST": "127.0.0.1",
                "TEAMS_PORT": None,
                "TEAMS_LOGIN_URL": emulator.login_endpoint,
                "TEAMS_OPENID_METADATA_URL": emulator.openid_metadata_url,
                "TEAMS_SERVICE_URL": emulator.service_url,
                "TEAMS_GRAPH_URL": emulator.graph_url,
                "DATABASE_URL": scene.database_url,
                **scene.settings,
            },
        )
        core = build_core(settings, engine=scene.engine)
        stack.callback(core.close)
        clock = scene.clock.now
        flows = build_flows(core, clock)
        palier = build_teams(settings, clock, flows, port=0).start()
        stack.callback(palier.stop)
        policy = TickPolicy(
            planning=flows.services.planning,
            reminder_hours=settings.reminder_hours,
            default_locale=settings.default_locale,
        )
        ticker = Ticker(
            core.sessions,
            core.referentiels,
            {Platform.TEAMS: palier.messenger},
            policy,
            WORKER,
            clock,
        )
        driver = stack.enter_context(TeamsDriver(palier.server.url, emulator))
        accounts = {
            member.user_id: Account(
                ActorRef(Platform.TEAMS, TENANT_ID, aad_object_id(member.user_id)),
                Profile(
                    aad_object_id(member.user_id),
                    member.real_name,
                    member.email,
                    member.timezone,
                    member.platform_locale,
                ),
            )
            for member in scene.team
        }
        yield Stage(
            TeamsPlayer(emulator, driver, ticker, clock, scene.team),
            core.referentiels,
            TENANT_NAME,
            accounts,
            WORDS,
        )
