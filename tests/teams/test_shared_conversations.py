"""Palier in a team's channel and in a group chat, end to end (handlers/teams/scope.py):
added there, it introduces itself once and keeps nothing; @mentioned there, whatever is
asked, it says it works in private, with the link to the person's own chat, and shows
nothing of anyone; a card's button or a dialog from there runs nothing; the person's
check-ins still go to their own chat — through the real Teams SDK and the emulator,
SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from emulators.teams import Conversation, Message, User
from storage.db import session_scope
from storage.models import Person
from tests.teams.conftest import TeamsWorld, enrol

PRIVATE_FR = "Palier travaille en privé."
PRIVATE_EN = "Palier works in private."
CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0"


def _bob(world: TeamsWorld) -> User:
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    return bob


def _bot_messages(world: TeamsWorld, conversation: Conversation) -> list[Message]:
    return [m for m in world.emulator.messages_in(conversation.id) if m.from_bot]


def _people(world: TeamsWorld) -> int:
    with session_scope(world.core.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def _links(world: TeamsWorld, message: Message) -> list[str]:
    card = message.card
    assert card is not None
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if value.get("type") == "Action.OpenUrl":
                found.append(str(value["url"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(card)
    return found


def _chat_link_is_palier(world: TeamsWorld, link: str) -> None:
    assert link.startswith(CHAT_LINK + "?")
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "tenantId": [world.emulator.tenant_id],
        "users": [f"28:{world.emulator.app_id}"],
    }


def test_added_to_a_team_palier_introduces_itself_once_and_keeps_nothing(
    world: TeamsWorld,
) -> None:
    teams, alice = world.teams, world.alice
    bob = _bob(world)
    teams.install(alice)
    own_chat = world.person(alice).conversation_ref
    people = _people(world)
    world.emulator.clear_calls()

    channel = world.emulator.add_team("Ventes Ouest", [alice, bob])
    answers = teams.add_app_to(alice, channel)
    assert [a.status for a in answers] == [200, 200]
    assert answers[0].activity is not None
    assert answers[0].activity["conversation"]["conversationType"] == "channel"
    assert answers[0].activity["channelData"]["team"]["name"] == "Ventes Ouest"

    [introduction] = _bot_messages(world, channel)  # once, for the two events
    shown = teams.render(introduction)
    assert "Bonjour, je suis Palier." in shown  # in the language of who added it
    assert "Account Executive" not in shown
    [link] = _links(world, introduction)
    _chat_link_is_palier(world, link)
    # Nothing learnt: her own chat is still the one her personal installation opened, nobody
    # new is known, the team's roster was not read, nobody was written to.
    assert world.person(alice).conversation_ref == own_chat
    assert world.person(bob).conversation_ref is None
    assert _people(world) == people
    operations = {call.operation for call in world.emulator.calls}
    assert operations <= {"token", "send"}, operations
    assert [c.conversation_id for c in world.emulator.calls_to("send")] == [channel.id]

    # Her check-in still comes to her own chat, never to the channel; Bob, who never
    # installed Palier for himself, is still out of its reach.
    [bobs] = world.tick().errors
    assert bobs.endswith(": not_installed")
    prompt = teams.latest_message(alice)
    assert prompt is not None and "Faire mon check-in" in teams.buttons(prompt)
    assert _bot_messages(world, channel) == [introduction]


def test_mentioned_in_a_channel_palier_says_it_works_in_private_and_nothing_else(
    world: TeamsWorld,
) -> None:
    teams, alice = world.teams, world.alice
    bob = _bob(world)
    teams.install(alice)
    world.tick()  # a prompt of hers exists: nothing of it may show in the channel
    channel = world.emulator.add_team("Ventes Ouest", [alice, bob])
    teams.add_app_to(bob, channel)
    mine = len(teams.messages(alice))

    for text in ("moi", "équipe", "accueil", f"1on1 {teams.mention(bob)}", "aide"):
        mentions = [bob] if "1on1" in text else []
        answer = teams.post(alice, channel, f"{teams.bot_mention()} {text}", mentions=mentions)
        assert answer is not None and answer.status == 200
        assert answer.activity is not None
        thread = answer.activity["conversation"]["id"]
        assert thread.startswith(channel.id + ";messageid=")
        reply = _bot_messages(world, channel)[-1]
        assert reply.reply_to_id == thread.split("=", 1)[1]  # in the thread it was asked in
        shown = teams.render(reply)
        assert PRIVATE_FR in shown
        for private in ("Account Executive", "Prospection", "Bob Stone", "check-in de la"):
            assert private not in shown
        [link] = _links(world, reply)
        _chat_link_is_palier(world, link)

    # In his language when Bob asks; nothing reaches anyone's own chat.
    teams.post(bob, channel, f"{teams.bot_mention()} me")
    assert PRIVATE_EN in teams.render(_bot_messages(world, channel)[-1])
    assert len(teams.messages(alice)) == mine
    assert teams.messages(bob) == []


def test_a_message_that_does_not_mention_palier_does_not_reach_it(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    bob = _bob(world)
    channel = world.emulator.add_team("Ventes Ouest", [alice, bob])
    assert teams.post(alice, channel, f"{teams.bot_mention()} aide") is None  # not added yet
    teams.add_app_to(alice, channel)
    before = len(world.emulator.inbound)
    assert teams.post(alice, channel, "moi") is None
    assert len(world.emulator.inbound) == before
    assert len(_bot_messages(world, channel)) == 1  # the introduction only


def test_in_a_group_chat_too_and_a_brief_asked_there_shows_nothing(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    bob = _bob(world)
    teams.install(alice)
    chat = world.emulator.add_group_chat([alice, bob])
    answers = teams.add_app_to(bob, chat)
    assert [a.status for a in answers] == [200, 200]
    [introduction] = _bot_messages(world, chat)
    assert "Hello, I am Palier." in teams.render(introduction)  # Bob's language
    assert world.person(bob).conversation_ref is None

    answer = teams.post(
        alice, chat, f"{teams.bot_mention()} 1on1 {teams.mention(bob)}", mentions=[bob]
    )
    assert answer is not None and answer.status == 200
    reply = _bot_messages(world, chat)[-1]
    assert PRIVATE_FR in teams.render(reply) and "Bob Stone" not in teams.render(reply)
    assert [c for c in world.emulator.calls if c.operation in ("member", "members")] == []


def test_a_button_or_a_dialog_from_a_shared_conversation_runs_nothing(world: TeamsWorld) -> None:
    """A card clicked in a channel (forwarded, or older): a notice, nothing run or shown."""
    teams, alice = world.teams, world.alice
    teams.install(alice)
    channel = world.emulator.add_team("Ventes Ouest", [alice])
    teams.add_app_to(alice, channel)
    person = world.emulator.user(alice)
    now = world.emulator.clock()
    [introduction] = _bot_messages(world, channel)
    calls = len(world.emulator.calls)

    value = teams.factory.execute_value(
        {"verb": "home_show"}, {"action": "home_show", "value": "home"}
    )
    clicked = teams.deliver(
        teams.factory.invoke(person, channel, now, "adaptiveCard/action", value, introduction.id)
    )
    assert clicked.status == 200 and clicked.body is not None
    assert clicked.body["type"] == "application/vnd.microsoft.activity.message"
    assert "Palier ne répond qu'en privé" in clicked.body["value"]

    for name, data in (
        ("task/fetch", {"action": "home_log_evidence", "value": "new"}),
        ("task/submit", {"form": "evidence", "evidence.text": "Signé"}),
    ):
        opened = teams.deliver(
            teams.factory.invoke(person, channel, now, name, teams.factory.task_value(name, data))
        )
        assert opened.status == 200 and opened.body is not None
        assert opened.body["task"]["type"] == "message"
        assert "Palier ne répond qu'en privé" in opened.body["task"]["value"]

    assert world.emulator.calls[calls:] == []  # nothing sent, nothing read
    assert _bot_messages(world, channel) == [introduction]
