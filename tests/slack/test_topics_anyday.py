"""A 1:1 topic any day, in Slack, end to end: ``/palier 1on1 topic …`` (``sujet``), the
"Add a 1:1 topic" button of the App Home and of one's own brief with its modal, and the
manager's brief showing the topic as typed; someone without a manager is asked for no
topic (no button, no check-in field) and the command stores nothing.

Alice (French) and Bob (English) report to Manon; Chloé has no manager. Everything goes
through the real Bolt app over HTTP, signed, and the emulator; what people see is read
from it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from emulators.slack import SlackDriver, View, render_blocks, render_view
from emulators.slack.server import Message
from handlers.slack import ids
from storage.models import OneOnOneTopic, Person, Role
from tests.slack.conftest import ALICE, BOB, CHLOE, World

MANON = "U0MANON"
THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# What a person typed, with what Slack makes of it in a command's text: <, > and &
# escaped, a mention and a link as entities.
TYPED = "Parler de *Acme* <urgent> & de ~Globex~ avec @paul https://crm.example.com/42"
AS_SLACK_SENDS = (
    "Parler de *Acme* &lt;urgent&gt; &amp; de ~Globex~ avec <@U0PAUL|paul> "
    "<https://crm.example.com/42>"
)
WORDS = {
    ALICE: {
        "command": "sujet",
        "button": "Ajouter un sujet de 1:1",
        "title": "Sujet pour le 1:1",
        "added": "✅ Sujet ajouté pour votre prochain 1:1 avec @U0MANON : « ",
        "one_open": "1 sujet ouvert pour ce 1:1.",
        "two_open": "2 sujets ouverts pour ce 1:1.",
        "empty": "Écrivez le sujet que vous voulez aborder.",
        "command_empty": "Écrivez votre sujet après « 1on1 sujet »",
        "too_long": "Votre sujet est trop long : 3 000 caractères au plus.",
        "no_manager": "Vous n'avez pas de manager dans Palier : personne à qui apporter",
    },
    BOB: {
        "command": "topic",
        "button": "Add a 1:1 topic",
        "title": "Topic for your 1:1",
        "added": "✅ Topic added for your next 1:1 with @U0MANON: “",
        "one_open": "1 open topic for this 1:1.",
        "two_open": "2 open topics for this 1:1.",
        "empty": "Write the topic you want to raise.",
        "command_empty": "Write your topic after “1on1 topic”",
        "too_long": "Your topic is too long: 3,000 characters at most.",
        "no_manager": "You have no manager in Palier, so there is nobody to bring",
    },
}


@pytest.fixture
def team(world: World) -> World:
    """Manon manages Alice and Bob; Chloé is enrolled with no manager."""
    world.emulator.add_user(MANON, "manon", "Manon Leroy", "manon@example.fr")
    for user in (ALICE, BOB, CHLOE):
        world.enrol(user)
    manon = world.enrol(MANON, role=Role.MANAGER)
    with world.session() as session, session.begin():
        for person in session.scalars(select(Person)):
            if person.platform_user_id in (ALICE, BOB):
                person.manager_id = manon
    return world


def _topics(world: World, user: str | None = None) -> list[str]:
    with world.session() as session:
        query = select(OneOnOneTopic.text).join(Person, Person.id == OneOnOneTopic.person_id)
        if user is not None:
            query = query.where(Person.platform_user_id == user)
        return list(session.scalars(query.order_by(OneOnOneTopic.id)))


def _count(world: World) -> int:
    with world.session() as session:
        return int(session.scalar(select(func.count()).select_from(OneOnOneTopic)) or 0)


def _command(world: World, user: str, text: str) -> Message:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", text).ok
    return world.emulator.wait_for(
        lambda: m[-1] if len(m := world.emulator.ephemerals_for(user)) > seen else None
    )


def _home(world: World, user: str) -> View:
    before = world.driver.home(user)
    assert world.driver.app_home_opened(user).ok
    old = before.hash if before is not None else None
    return world.emulator.wait_for(
        lambda: (home := world.driver.home(user)) is not None and home.hash != old and home
    )


def _modal(world: World, user: str, title: str) -> View:
    return world.emulator.wait_for(
        lambda: (modal := world.driver.modal(user)) is not None and modal.title == title and modal
    )


def _brief_of(world: World, user: str) -> str:
    return render_blocks(_command(world, MANON, f"1on1 <@{user}|someone>").blocks)


@pytest.mark.parametrize("user", [ALICE, BOB])
def test_the_command_stores_a_topic_the_manager_reads_as_typed(team: World, user: str) -> None:
    world, words = team, WORDS[user]
    answer = _command(world, user, f"1on1 {words['command']} {AS_SLACK_SENDS}")
    text = render_blocks(answer.blocks)
    assert words["added"] in text and words["one_open"] in text
    assert _topics(world, user) == [TYPED]  # Slack's escaping undone: what was typed
    # Manon's brief shows it as typed: escaped, never formatting, a mention or a link.
    brief = _brief_of(world, user)
    assert "Parler de \u2217Acme\u2217 <urgent> & de \u223cGlobex\u223c avec @paul" in brief
    raw = json.dumps(_command(world, MANON, f"1on1 <@{user}|x>").blocks)
    assert "&lt;urgent&gt; &amp; de" in raw and "<urgent>" not in raw and "*Acme*" not in raw
    assert "<@U0PAUL" not in raw
    # Empty or too long: said, nothing stored.
    empty = _command(world, user, f"1on1 {words['command']}   ")
    assert words["command_empty"] in (empty.text or "")
    long = _command(world, user, f"1on1 {words['command']} " + "x" * 3001)
    assert words["too_long"] in (long.text or "")
    assert _topics(world, user) == [TYPED]


@pytest.mark.parametrize("user", [ALICE, BOB])
def test_the_homes_button_opens_the_topic_modal(team: World, user: str) -> None:
    world, words = team, WORDS[user]
    home = _home(world, user)
    assert words["button"] in SlackDriver.button_labels(home)
    world.driver.click(user, home, text=words["button"])
    modal = _modal(world, user, words["title"])
    assert "Manon" in render_view(modal.data) or MANON in render_view(modal.data)
    # Only spaces: said beside the field, nothing stored.
    blank = world.driver.submit_view(user, modal, {ids.ONE_ON_ONE_TOPIC_BLOCK: "   "})
    assert blank.errors == {ids.ONE_ON_ONE_TOPIC_BLOCK: words["empty"]}
    assert _count(world) == 0
    done = world.driver.submit_view(
        user, world.driver.modal(user) or modal, {ids.ONE_ON_ONE_TOPIC_BLOCK: "Mon <plan> Q1"}
    )
    assert done.outcome == "update" and done.payload is not None
    shown = render_view((world.driver.modal(user) or modal).data)
    assert words["added"] in shown and words["one_open"] in shown
    # Slack delivers the same submission again: one topic, the same answer.
    replay = world.driver.post(
        urlencode({"payload": json.dumps(done.payload)}).encode(),
        "application/x-www-form-urlencoded",
    )
    assert replay.ok
    assert words["added"] in render_view(json.loads(replay.body)["view"])
    assert _topics(world, user) == ["Mon <plan> Q1"]
    assert "Mon <plan> Q1" in _brief_of(world, user)


def test_ones_own_brief_has_the_button_too(team: World) -> None:
    world, words = team, WORDS[ALICE]
    _command(world, ALICE, "1on1 sujet Un premier sujet")
    own = _command(world, ALICE, "1on1")
    assert "Un premier sujet" in render_blocks(own.blocks)
    assert SlackDriver.button_labels(own) == [words["button"]]
    world.driver.click(ALICE, own, text=words["button"])
    modal = _modal(world, ALICE, words["title"])
    done = world.driver.submit_view(ALICE, modal, {ids.ONE_ON_ONE_TOPIC_BLOCK: "Un second"})
    assert done.outcome == "update"
    assert words["two_open"] in render_view((world.driver.modal(ALICE) or modal).data)
    brief = _brief_of(world, ALICE)
    assert "Un premier sujet" in brief and "Un second" in brief


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_someone_without_a_manager_is_asked_for_no_topic(team: World, locale: str) -> None:
    world = team
    user = CHLOE
    if locale == "en":
        with world.session() as session, session.begin():
            chloe = session.scalars(select(Person).where(Person.platform_user_id == CHLOE)).one()
            chloe.locale, chloe.locale_chosen = "en", True
    words = WORDS[ALICE if locale == "fr" else BOB]
    refused = _command(world, user, f"1on1 {words['command']} Mon sujet")
    assert words["no_manager"] in (refused.text or "")
    assert _count(world) == 0
    home = _home(world, user)
    assert words["button"] not in SlackDriver.button_labels(home)
    assert SlackDriver.button_labels(_command(world, user, "1on1")) == []
    # A button she could not see (an old page, a forged click): told why, in a modal.
    assert world.forge_click(user, ids.ONE_ON_ONE_TOPIC, "topic").ok
    notice = world.emulator.wait_for(lambda: world.driver.modal(user))
    assert words["no_manager"] in render_view(notice.data)
    assert _count(world) == 0


def test_the_check_in_asks_for_a_topic_only_of_someone_with_a_manager(team: World) -> None:
    world = team
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    fields = {}
    for user in (ALICE, CHLOE):
        prompt = world.driver.latest_dm(user)
        assert prompt is not None
        world.driver.click(user, prompt, text="Faire mon check-in")
        modal = world.emulator.wait_for(lambda u=user: world.driver.modal(u))
        fields[user] = {block.get("block_id") for block in modal.blocks}
    assert ids.TOPIC_BLOCK in fields[ALICE]
    assert ids.TOPIC_BLOCK not in fields[CHLOE]
