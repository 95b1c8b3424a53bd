"""``palier demo`` on Slack: the story played through the project's Slack emulator.

The story (:mod:`handlers.demo.story`), its timeline and its printing
(:mod:`handlers.demo.director`, :mod:`handlers.demo.narrator`) and the run
(:mod:`handlers.demo.runner`: database, clock) know no platform. What is Slack's
is here and in :mod:`handlers.slack.demo_player`: the stage starts the emulator
with the team as Slack users, Palier's Bolt app served over real HTTP on the
demo's database and clock, and a driver that signs the people's requests; the
player clicks and reads through them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TextIO

from bot.i18n import Locale
from bot.settings import load_settings
from emulators.slack import BoltAppServer, SlackDriver, SlackEmulator
from emulators.slack.listeners import ListenerExecutor
from handlers.demo import runner
from handlers.demo.player import Account, Scene, Stage
from handlers.demo.runner import EXIT_FAILED, EXIT_OK, EXIT_USAGE, MAX_WEEKS
from handlers.demo.story import TEAM, Member, Proof, WeekPlan
from handlers.slack.app import build_app
from handlers.slack.context import Actor
from handlers.slack.demo_player import SlackPlayer
from handlers.slack.profiles import to_profile

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_WEEKS",
    "TEAM",
    "Member",
    "Proof",
    "WeekPlan",
    "run_demo",
    "slack_stage",
]

SIGNING_SECRET = "palier-demo-signing-secret"  # shared by the driver and Bolt, never printed


def run_demo(
    out: TextIO, *, locale: Locale = "fr", weeks: int = 4, database_url: str | None = None
) -> int:
    """Play ``weeks`` weeks of the team's check-ins on the Slack emulator; print them.

    See :func:`handlers.demo.runner.run_demo` (the exit statuses, the database).
    The team is this module's ``TEAM``, read at each call.
    """
    return runner.run_demo(
        out, slack_stage, team=TEAM, locale=locale, weeks=weeks, database_url=database_url
    )


@contextmanager
def slack_stage(scene: Scene) -> Iterator[Stage]:
    """The emulator with the team as Slack users, and Palier served to it; all stopped after."""
    with ExitStack() as stack:
        clock = scene.clock
        emulator = stack.enter_context(SlackEmulator(clock=clock))
        for member in scene.team:
            emulator.add_user(
                member.user_id,
                member.handle,
                member.real_name,
                member.email,
                tz=member.timezone,
                locale=member.platform_locale,
            )
        settings = load_settings(
            env_file=None,
            **{
                "SLACK_BOT_TOKEN": emulator.bot_token,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": emulator.api_url,
                "SLACK_APP_TOKEN": None,
                "DATABASE_URL": scene.database_url,
                "PORT": 3000,  # unused: the Bolt app is served on a free port
                **scene.settings,
            },
        )
        # The story waits for Palier's listeners to finish, not for a poll to see them.
        listeners = ListenerExecutor()
        emulator.watch(listeners)
        palier = build_app(
            settings,
            engine=scene.engine,
            clock=clock.now,
            worker="palier-demo",
            listener_executor=listeners,
        )
        stack.callback(palier.close)
        stack.callback(listeners.shutdown)
        server = BoltAppServer(palier.bolt).start()
        stack.callback(server.stop)
        driver = SlackDriver(server.url, SIGNING_SECRET, emulator)
        yield Stage(
            SlackPlayer(palier, emulator, driver, scene.team),
            palier.core.referentiels,
            emulator.workspace.name,
            {member.user_id: _account(emulator, member, clock()) for member in scene.team},
        )


def _account(emulator: SlackEmulator, member: Member, now: float) -> Account:
    """``member`` as Slack's ``users.info`` describes them (with their locale)."""
    user = emulator.user(member.user_id)
    actor = Actor(team_id=user.team_id, user_id=member.user_id)
    return Account(actor.ref, to_profile(user.to_api(now, include_locale=True)))
