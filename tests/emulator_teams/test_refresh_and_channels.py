"""The emulator's Universal Actions refresh and its teams, channels and group chats.

A card's ``refresh`` is checked as Teams checks it and run as a Teams client runs it when
a person looks at the message (:meth:`TeamsDriver.view`): for the people its ``userIds``
names, at once the first time, again once the bot has edited the message, otherwise not
within a minute of the last fetch. A team has a General channel whose threads are
``…;messageid=<root>``; a message there reaches the bot only when it @mentions it; a bot
added to a team may open a 1:1 chat with its members. The bot here is a bare HTTP server
that records what it gets (the Teams SDK refuses ``trigger: "automatic"``: the last test
pins that down, as the reason Palier has handlers/teams/edge.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from emulators.teams import ManualClock, TeamsDriver, TeamsEmulator, User, validate_card
from tests.emulator_teams import bot_token, card, card_message, text_block
from tests.emulator_teams.sdk_bot import SdkBot

ADAPTIVE = "application/vnd.microsoft.card.adaptive"


def _refresh(user_ids: list[str] | None, verb: str = "again") -> dict[str, Any]:
    refresh: dict[str, Any] = {
        "action": {"type": "Action.Execute", "verb": verb, "data": {"action": verb, "n": 1}}
    }
    if user_ids is not None:
        refresh["userIds"] = user_ids
    return refresh


def _refreshing(user_ids: list[str] | None, text: str = "v1") -> dict[str, Any]:
    content = card(text_block(text))
    content["refresh"] = _refresh(user_ids)
    return content


class RawBot:
    """A bot that records each activity and answers an ``adaptiveCard/action`` with a card
    saying how many it got."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                activity = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                bot.received.append(activity)
                body: dict[str, Any] | None = None
                if activity.get("name") == "adaptiveCard/action":
                    answer = _refreshing(None, f"fetched {len(bot.received)}")
                    body = {"statusCode": 200, "type": ADAPTIVE, "value": answer}
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def raw_bot() -> Iterator[RawBot]:
    bot = RawBot()
    yield bot
    bot.stop()


@pytest.fixture
def teams(emulator: TeamsEmulator, raw_bot: RawBot) -> Iterator[TeamsDriver]:
    with TeamsDriver(raw_bot.url, emulator) as driver:
        yield driver


class Bot:
    """The bot's own calls to the Connector."""

    def __init__(self, emulator: TeamsEmulator) -> None:
        self.base = f"{emulator.service_url}v3/conversations"
        self.http = httpx.Client(headers={"Authorization": f"Bearer {bot_token(emulator)}"})

    def post(self, conversation_id: str, content: dict[str, Any]) -> str:
        answer = self.http.post(
            f"{self.base}/{conversation_id}/activities", json=card_message(content)
        )
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    def edit(self, conversation_id: str, message_id: str, content: dict[str, Any]) -> None:
        url = f"{self.base}/{conversation_id}/activities/{message_id}"
        assert self.http.put(url, json=card_message(content)).status_code == 200


@pytest.fixture
def connector(emulator: TeamsEmulator) -> Bot:
    return Bot(emulator)


def test_a_refresh_is_checked_as_teams_checks_it() -> None:
    assert validate_card(_refreshing(["29:a"])) == []
    assert validate_card(_refreshing(None)) == []
    too_many = _refreshing([f"29:{n}" for n in range(61)])
    assert [str(v) for v in validate_card(too_many)] == [
        "$.refresh.userIds: at most 60 users, not 61"
    ]
    submit = card(text_block("x"))
    submit["refresh"] = {"action": {"type": "Action.Submit"}, "userIds": []}
    assert [v.path for v in validate_card(submit)] == ["$.refresh.action"]
    old = _refreshing(["29:a"])
    old["version"] = "1.3"
    assert [v.path for v in validate_card(old)] == ["$.refresh"]


def test_a_refresh_is_due_for_whom_it_names_first_after_an_edit_or_a_minute(
    emulator: TeamsEmulator, clock: ManualClock, connector: Bot, alice: User, bob: User
) -> None:
    chat = emulator.install(alice).id
    named = connector.post(chat, _refreshing([alice.id]))
    assert emulator.refresh_due(chat, named, alice) == _refresh([alice.id])["action"]
    assert emulator.refresh_due(chat, named, bob) is None  # not named
    emulator.card_fetched(chat, named, alice)
    assert emulator.refresh_due(chat, named, alice) is None
    clock.advance(59)
    assert emulator.refresh_due(chat, named, alice) is None
    clock.advance(2)
    assert emulator.refresh_due(chat, named, alice) is not None  # older than a minute
    emulator.card_fetched(chat, named, alice)
    connector.edit(chat, named, _refreshing([alice.id], "v2"))
    assert emulator.refresh_due(chat, named, alice) is not None  # the bot edited it

    manual = connector.post(chat, _refreshing([]))
    assert emulator.refresh_due(chat, manual, alice) is None  # userIds []: manual only
    everyone = connector.post(chat, _refreshing(None))
    assert emulator.refresh_due(chat, everyone, alice) is not None  # 1 person: at most 60
    plain = connector.post(chat, card(text_block("no refresh")))
    assert emulator.refresh_due(chat, plain, alice) is None


def test_viewing_a_card_runs_its_refresh_as_the_client_does(
    emulator: TeamsEmulator, teams: TeamsDriver, raw_bot: RawBot, connector: Bot, alice: User
) -> None:
    chat = emulator.install(alice).id
    posted = connector.post(chat, _refreshing([alice.id]))
    message = emulator.message(chat, posted)
    assert message is not None

    seen = teams.view(alice, message)
    [invoke] = raw_bot.received
    assert (invoke["type"], invoke["name"], invoke["replyToId"]) == (
        "invoke",
        "adaptiveCard/action",
        posted,
    )
    assert invoke["value"] == {
        "action": {"type": "Action.Execute", "verb": "again", "data": {"action": "again", "n": 1}},
        "trigger": "automatic",
    }
    assert teams.card_texts(seen) == ["fetched 1"]
    assert teams.card_texts(teams.view(alice, seen)) == ["fetched 1"]  # within the minute
    assert len(raw_bot.received) == 1


def test_a_team_has_a_general_channel_and_a_thread_per_message(
    emulator: TeamsEmulator,
    teams: TeamsDriver,
    raw_bot: RawBot,
    connector: Bot,
    alice: User,
    bob: User,
) -> None:
    channel = emulator.add_team("Sales", [alice, bob])
    assert channel.conversation_type == "channel" and channel.id.endswith("@thread.tacv2")
    assert teams.post(alice, channel, f"{teams.bot_mention()} hello") is None  # no app yet
    added = teams.add_app_to(alice, channel)
    install, update = (r.activity for r in added)
    assert install is not None and update is not None
    assert install["type"] == "installationUpdate" and install["action"] == "add"
    assert install["conversation"] == {
        "conversationType": "channel",
        "tenantId": emulator.tenant_id,
        "id": channel.id,
        "isGroup": True,
    }
    team = install["channelData"]["team"]
    assert team["name"] == "Sales" and team["id"] == channel.id and team["aadGroupId"]
    assert install["channelData"]["channel"] == {"id": channel.id, "name": "General"}
    assert update["channelData"]["eventType"] == "teamMemberAdded"
    assert update["membersAdded"] == [{"id": f"28:{emulator.app_id}"}]

    assert teams.post(bob, channel, "no mention of the bot") is None
    asked = teams.post(
        bob, channel, f"{teams.bot_mention()} hello {teams.mention(alice)}", mentions=[alice]
    )
    assert asked is not None and asked.activity is not None
    thread = asked.activity["conversation"]["id"]
    root = thread.split(";messageid=")[1]
    assert thread == f"{channel.id};messageid={root}"
    mentioned = [e["mentioned"]["id"] for e in asked.activity["entities"] if e["type"] == "mention"]
    assert mentioned == [f"28:{emulator.app_id}", alice.id]

    reply = connector.post(thread, card(text_block("answer")))
    stored = emulator.message(channel.id, reply)
    assert stored is not None and stored.reply_to_id == root
    texts = [m.text for m in emulator.messages_in(channel.id) if not m.from_bot]
    assert texts == [
        f"{teams.bot_mention()} hello",
        "no mention of the bot",
        asked.activity["text"],
    ]


def test_a_bot_added_to_a_team_may_open_a_chat_with_its_members(
    emulator: TeamsEmulator, teams: TeamsDriver, connector: Bot, alice: User, bob: User
) -> None:
    def open_chat(user: User) -> httpx.Response:
        body = {"members": [{"id": user.id}], "channelData": {"tenant": {"id": emulator.tenant_id}}}
        return connector.http.post(connector.base, json=body)

    channel = emulator.add_team("Sales", [alice])
    assert open_chat(alice).status_code == 403  # neither installed for her nor in her team
    teams.add_app_to(alice, channel)
    opened = open_chat(alice)
    assert opened.status_code == 201
    chat = opened.json()["id"]
    assert (
        connector.http.post(
            f"{connector.base}/{chat}/activities", json={"type": "message", "text": "hi"}
        ).status_code
        == 201
    )
    assert open_chat(bob).status_code == 403  # not in the team


def test_the_teams_sdk_alone_refuses_an_automatic_refresh(
    emulator: TeamsEmulator, bot: SdkBot, alice: User
) -> None:
    """Why Palier has handlers/teams/edge.py: the Teams SDK for Python types ``trigger`` as
    ``"manual"`` only, and answers Teams' ``"automatic"`` with a 500 before any handler.
    When this fails, the SDK has caught up and the edge can go."""
    with TeamsDriver(bot.url, emulator) as driver:
        driver.install(alice)
        conversation = emulator.conversation(emulator.personal_conversation_id(alice) or "")
        assert conversation is not None
        person = emulator.user(alice)
        action = {"verb": "approve"}
        data = {"action": "approve", "week": 7, "comment": "ok"}
        for trigger, status in (("manual", 200), ("automatic", 500)):
            value = driver.factory.execute_value(action, data, trigger=trigger)
            activity = driver.factory.invoke(
                person, conversation, emulator.clock(), "adaptiveCard/action", value
            )
            assert driver.deliver(activity).status == status
