"""Requests that ask Slack about someone (``users.info``, Web API tier 4) use again a
profile read a moment ago (``handlers/slack/directory.ProfileCache``), except to grant
power: a manager's review, team, export and 1:1 schedule ask Slack once in a row; an
admin is asked of Slack at each admin command, so a demotion counts at once; a kept
"not an admin" may only refuse, until Slack says the person changed (``user_change``).
Through the Slack emulator, which records every Web API call; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from emulators.slack import Message, render_blocks
from storage.models import Person
from tests.slack.conftest import ALICE, BOB, CHLOE, World

REFUSED = "réservée aux administrateurs"  # the admin commands' refusal (French)
REFUSED_EN = "for Palier's administrators"  # the same, in Bob's English


def _reads(world: World, user: str) -> int:
    """Palier's ``users.info`` calls about ``user`` so far."""
    world.emulator.settle()
    return sum(1 for call in world.emulator.calls_to("users.info") if call.params["user"] == user)


def _ephemeral(world: World, user: str, seen: int) -> Message:
    return world.emulator.wait_for(
        lambda: m[-1] if len(m := world.emulator.ephemerals_for(user)) > seen else None
    )


def _text(message: Message) -> str:
    return render_blocks(message.blocks) if message.blocks else message.text or ""


def _command(world: World, user: str, text: str) -> str:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", text).ok
    return _text(_ephemeral(world, user, seen))


def _chloe_manages_alice_who_checked_in(world: World) -> None:
    for user in (ALICE, CHLOE):
        world.enrol(user)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[CHLOE].id
    world.at(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    world.tick()
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, action_id="checkin_start")
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    levels = {
        b["block_id"]: "Junior" for b in modal.blocks if b.get("block_id", "").startswith("level:")
    }
    assert world.driver.submit_view(ALICE, modal, levels).outcome == "close"
    world.emulator.wait_for(lambda: len(world.dms(ALICE)) >= 2 or None)


def test_a_managers_requests_ask_slack_once_until_slack_says_she_changed(world: World) -> None:
    _chloe_manages_alice_who_checked_in(world)
    base = _reads(world, CHLOE)  # the tick's own reading of profiles, in the background
    seen = len(world.emulator.ephemerals_for(CHLOE))
    assert world.driver.slash_command(CHLOE, "/palier", "review").ok
    listing = _ephemeral(world, CHLOE, seen)
    assert _reads(world, CHLOE) == base  # followed, and nothing an admin could do more
    row = next(b for b in listing.blocks if "Alice" in b.get("text", {}).get("text", ""))
    assert world.driver.click(CHLOE, listing, action_id=row["accessory"]["action_id"]).ok
    modal = world.emulator.wait_for(lambda: world.driver.modal(CHLOE))
    assert _reads(world, CHLOE) == base + 1  # is she an admin (who may review anyone)?
    answer = world.driver.submit_view(CHLOE, modal, {"review_level:closing": "Junior"})
    assert answer.outcome == "close"
    assert _reads(world, CHLOE) == base + 1  # the review submission asked Slack nothing
    assert "Alice Martin" in _command(world, CHLOE, "team") + _text(world.dms(CHLOE)[-1])
    assert _reads(world, CHLOE) == base + 1  # nor /palier team
    export = _command(world, CHLOE, "export")
    assert REFUSED not in export and "refus" not in export.lower()
    assert _reads(world, CHLOE) == base + 1  # nor /palier export
    assert "jeudi" in _command(world, CHLOE, f"1on1 <@{ALICE}> schedule jeudi 10:00")
    assert _reads(world, CHLOE) == base + 1  # nor a 1:1 schedule for her report
    assert world.driver.user_change(CHLOE).ok  # as Slack tells the app
    _command(world, CHLOE, "team")
    assert _reads(world, CHLOE) == base + 2  # the event made Palier read her again


def test_an_admin_is_asked_of_slack_at_each_command_and_a_demotion_counts_at_once(
    world: World,
) -> None:
    world.enrol(ALICE)
    world.emulator.update_user(BOB, is_admin=True)
    assert REFUSED_EN not in _command(world, BOB, "admin status")
    assert REFUSED_EN not in _command(world, BOB, "admin status")
    assert _reads(world, BOB) == 2  # "admin" grants power: never from the cache
    world.emulator.update_user(BOB, is_admin=False)  # no event reaches Palier
    assert REFUSED_EN in _command(world, BOB, "admin status")  # at once
    assert REFUSED_EN in _command(world, BOB, f"admin remove <@{ALICE}|alice>")
    assert _reads(world, BOB) == 3  # a kept "not an admin" only refuses
    with world.session() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == ALICE)).one()
        assert alice.active  # the refused removal changed nothing


def test_a_kept_profile_refuses_until_slack_says_the_person_was_made_an_admin(
    world: World,
) -> None:
    world.enrol(ALICE)
    assert REFUSED in _command(world, ALICE, "admin status")
    world.emulator.update_user(ALICE, is_admin=True)  # no event yet
    assert REFUSED in _command(world, ALICE, "admin status")  # the cache may refuse…
    assert _reads(world, ALICE) == 1
    assert world.driver.user_change(ALICE).ok
    assert REFUSED not in _command(world, ALICE, "admin status")  # …until Slack says
    assert _reads(world, ALICE) == 2


def test_the_person_an_admin_names_is_read_once(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    first = _command(world, BOB, f"admin enrol <@{CHLOE}|chloe> account-executive")
    again = _command(world, BOB, f"admin enrol <@{CHLOE}|chloe> account-executive")
    assert first != again  # enrolled, then "already enrolled": both from Chloé's profile
    assert _reads(world, CHLOE) == 1  # her name, zone and language: read once
    assert _reads(world, BOB) == 2  # whether Bob is an admin: asked at each command
    with world.session() as session:
        chloe = session.scalars(select(Person).where(Person.platform_user_id == CHLOE)).one()
        assert chloe.timezone == "Asia/Kolkata"
