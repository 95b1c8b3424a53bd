"""``/palier help`` asks Slack whether the asker is an admin once, not at every help: the
profile read is used again for a few minutes (``handlers/slack/directory.ProfileCache``),
and read anew as soon as Slack says the person changed (``user_change``) or once it is
older than :data:`PROFILE_FRESH`. Through the Slack emulator, which records every Web API
call; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from emulators.slack import render_blocks
from handlers.slack.directory import PROFILE_FRESH
from tests.slack.conftest import ALICE, BOB, World

ADMIN_HELP = "/palier admin"  # the admin's commands, in either language


def _help(world: World, user: str) -> str:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", "help").ok
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    latest = found[-1]
    return render_blocks(latest.blocks) if latest.blocks else latest.text or ""


def _profiles_read(world: World, user: str) -> int:
    return sum(1 for call in world.emulator.calls_to("users.info") if call.params["user"] == user)


def test_a_second_help_asks_slack_nothing_and_an_admin_still_sees_the_admins_help(
    world: World,
) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    assert ADMIN_HELP in _help(world, BOB)
    assert _profiles_read(world, BOB) == 1
    assert ADMIN_HELP in _help(world, BOB)
    assert _profiles_read(world, BOB) == 1  # the second help made no users.info call
    world.enrol(ALICE)
    assert ADMIN_HELP not in _help(world, ALICE)
    assert ADMIN_HELP not in _help(world, ALICE)
    assert _profiles_read(world, ALICE) == 1


def test_someone_made_an_admin_sees_the_admins_help_once_slack_says_so(world: World) -> None:
    world.enrol(ALICE)
    assert ADMIN_HELP not in _help(world, ALICE)
    world.emulator.update_user(ALICE, is_admin=True)
    assert world.driver.user_change(ALICE).ok  # as Slack tells the app
    assert ADMIN_HELP in _help(world, ALICE)  # at once: the event made Palier read again
    assert _profiles_read(world, ALICE) == 2


def test_a_profile_read_for_the_help_is_read_again_once_it_is_old(world: World) -> None:
    world.enrol(ALICE)
    assert ADMIN_HELP not in _help(world, ALICE)
    world.emulator.update_user(ALICE, is_admin=True)  # no event reached Palier
    world.at(world.now() + PROFILE_FRESH - timedelta(seconds=1))
    assert ADMIN_HELP not in _help(world, ALICE)  # still the profile read a moment ago
    world.at(world.now() + timedelta(seconds=1))
    assert ADMIN_HELP in _help(world, ALICE)  # as fresh as PROFILE_FRESH at worst
    assert _profiles_read(world, ALICE) == 2
