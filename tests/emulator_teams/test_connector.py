"""The Connector over plain HTTP: conversations, activities, members, Teams' refusals."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from emulators.teams import TeamsEmulator, User
from tests.emulator_teams import bot_token, card, card_message, text_block


class Connector:
    """A bare Connector client with the bot's token (what an SDK does underneath)."""

    def __init__(self, emulator: TeamsEmulator) -> None:
        self.emulator = emulator
        self.base = f"{emulator.service_url}v3/conversations"
        self.http = httpx.Client(headers={"Authorization": f"Bearer {bot_token(emulator)}"})

    def create(self, member_id: str, tenant_id: str | None = None, **extra: Any) -> httpx.Response:
        tenant = tenant_id or self.emulator.tenant_id
        body = {"members": [{"id": member_id}], "channelData": {"tenant": {"id": tenant}}, **extra}
        return self.http.post(self.base, json=body)

    def send(self, conversation_id: str, activity: Any) -> httpx.Response:
        return self.http.post(f"{self.base}/{conversation_id}/activities", json=activity)

    def text(self, conversation_id: str, text: str) -> str:
        answer = self.send(conversation_id, {"type": "message", "text": text})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])


@pytest.fixture
def connector(emulator: TeamsEmulator) -> Connector:
    return Connector(emulator)


def error(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["code"]


def test_a_conversation_needs_the_app_installed_for_the_person(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    refused = connector.create(alice.aad_object_id)
    assert error(refused) == (403, "ForbiddenOperationException")
    assert refused.json()["error"]["message"] == "Bot isn't installed in user's personal scope"
    emulator.install(alice)
    by_aad = connector.create(alice.aad_object_id)
    by_teams_id = connector.create(alice.id)
    assert by_aad.status_code == by_teams_id.status_code == 201
    assert (
        by_aad.json()["id"] == by_teams_id.json()["id"] == emulator.personal_conversation_id(alice)
    )
    assert by_aad.json()["serviceUrl"] == emulator.service_url


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"members": [{"id": "not-a-person"}]}, 400, "MemberNotFoundInConversation"),
        ({"members": []}, 400, "BadArgument"),
        ({"isGroup": True}, 400, "BadArgument"),
        ({"channelData": {}}, 400, "BadArgument"),
    ],
    ids=["unknown member", "no member", "group", "no tenant"],
)
def test_creating_a_conversation_checks_its_parameters(
    emulator: TeamsEmulator,
    connector: Connector,
    alice: User,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    emulator.install(alice)
    payload = {
        "members": [{"id": alice.aad_object_id}],
        "channelData": {"tenant": {"id": emulator.tenant_id}},
        **body,
    }
    assert error(connector.http.post(connector.base, json=payload)) == (status, code)


def test_a_person_of_another_tenant_is_not_found_in_this_one(
    emulator: TeamsEmulator, connector: Connector
) -> None:
    emulator.add_tenant("other-tenant", "Other")
    carol = emulator.add_user("Carol Petit", "carol@other.example", tenant_id="other-tenant")
    emulator.install(carol)
    assert error(connector.create(carol.aad_object_id)) == (400, "MemberNotFoundInConversation")
    assert connector.create(carol.aad_object_id, tenant_id="other-tenant").status_code == 201


def test_send_update_reply_and_delete(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    conversation = emulator.install(alice).id
    first = connector.text(conversation, "Hello")
    second = connector.text(conversation, "Second")
    assert int(second) > int(first)  # message ids are increasing epoch milliseconds

    updated = connector.http.put(
        f"{connector.base}/{conversation}/activities/{first}",
        json={"type": "message", "text": "Hello, edited"},
    )
    assert (updated.status_code, updated.json()) == (200, {"id": first})
    reply = connector.http.post(
        f"{connector.base}/{conversation}/activities/{first}",
        json={"type": "message", "text": "A reply"},
    )
    assert reply.status_code == 201
    deleted = connector.http.delete(f"{connector.base}/{conversation}/activities/{second}")
    assert (deleted.status_code, deleted.content) == (200, b"")

    messages = emulator.messages_in(conversation)
    assert [m.text for m in messages] == ["Hello, edited", "A reply"]
    assert messages[0].versions[0]["text"] == "Hello"
    assert messages[1].reply_to_id == first
    assert messages[0].activity["from"] == {"id": f"28:{emulator.app_id}", "name": "Palier"}
    assert [c.operation for c in emulator.calls[-4:]] == ["send", "update", "reply", "delete"]


def test_unknown_conversations_and_messages_are_404(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    conversation = emulator.install(alice).id
    assert error(connector.send("a:1unknown", {"type": "message", "text": "x"})) == (
        404,
        "ConversationNotFound",
    )
    gone = connector.text(conversation, "soon gone")
    connector.http.delete(f"{connector.base}/{conversation}/activities/{gone}")
    for target in (gone, "1234"):
        answer = connector.http.put(
            f"{connector.base}/{conversation}/activities/{target}",
            json={"type": "message", "text": "x"},
        )
        assert error(answer) == (404, "ActivityNotFoundInConversation")


def test_a_bot_cannot_edit_what_a_person_wrote(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    conversation = emulator.install(alice).id
    written = emulator.post_user_message(alice, "mine")
    answer = connector.http.put(
        f"{connector.base}/{conversation}/activities/{written.id}",
        json={"type": "message", "text": "changed"},
    )
    assert error(answer) == (403, "NotEnoughPermissions")


def test_after_uninstall_or_a_block_the_bot_cannot_post(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    conversation = emulator.install(alice).id
    emulator.uninstall(alice)
    assert error(connector.send(conversation, {"type": "message", "text": "x"})) == (
        403,
        "BotNotInConversationRoster",
    )
    assert error(connector.create(alice.aad_object_id)) == (403, "ForbiddenOperationException")
    emulator.install(alice)
    assert connector.send(conversation, {"type": "message", "text": "back"}).status_code == 201
    emulator.block(alice)
    assert error(connector.send(conversation, {"type": "message", "text": "x"})) == (
        403,
        "ConversationBlockedByUser",
    )


def test_ids_with_colons_at_and_semicolons_route_raw_or_encoded(
    emulator: TeamsEmulator, connector: Connector, alice: User, bob: User
) -> None:
    chat = emulator.add_group_chat([alice, bob], bot_member=True)
    assert chat.id.startswith("19:") and chat.id.endswith("@thread.v2")
    thread = f"{chat.id};messageid=1700000000000"  # a channel-style thread id
    assert error(connector.send(thread, {"type": "message", "text": "x"})) == (
        404,
        "ConversationNotFound",
    )
    raw = connector.http.get(f"{connector.base}/{chat.id}/members")
    encoded = connector.http.get(f"{connector.base}/{quote(chat.id, safe='')}/members")
    assert raw.status_code == encoded.status_code == 200
    assert (
        [m["name"] for m in raw.json()]
        == ["Alice Martin", "Bob Stone"]
        == [m["name"] for m in encoded.json()]
    )
    assert emulator.calls_to("members")[0].conversation_id == chat.id


def test_members_are_teams_channel_accounts(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    conversation = emulator.install(alice).id
    for key in (alice.id, alice.aad_object_id, alice.user_principal_name):
        answer = connector.http.get(f"{connector.base}/{conversation}/members/{key}")
        assert answer.status_code == 200
        assert answer.json() == {
            "id": alice.id,
            "name": "Alice Martin",
            "aadObjectId": alice.aad_object_id,
            "givenName": "Alice",
            "surname": "Martin",
            "email": "alice.martin@example.fr",
            "userPrincipalName": "alice.martin@example.fr",
            "tenantId": emulator.tenant_id,
            "userRole": "user",
        }
    missing = connector.http.get(f"{connector.base}/{conversation}/members/29:1nobody")
    assert error(missing) == (404, "MemberNotFoundInConversation")


def test_paged_members_hand_out_continuation_tokens(
    emulator: TeamsEmulator, connector: Connector, alice: User, bob: User
) -> None:
    carol = emulator.add_user("Carol Petit", "carol@example.fr")
    chat = emulator.add_group_chat([alice, bob, carol], bot_member=True)
    names: list[str] = []
    token = None
    pages = 0
    while True:
        params = {"pageSize": "2", **({"continuationToken": token} if token else {})}
        page = connector.http.get(f"{connector.base}/{chat.id}/pagedmembers", params=params).json()
        names.extend(m["name"] for m in page["members"])
        pages += 1
        token = page.get("continuationToken")
        if token is None:
            break
    assert (names, pages) == (["Alice Martin", "Bob Stone", "Carol Petit"], 2)


def test_a_group_chat_without_the_bot_is_closed_to_it(
    emulator: TeamsEmulator, connector: Connector, alice: User, bob: User
) -> None:
    chat = emulator.add_group_chat([alice, bob])
    assert error(connector.http.get(f"{connector.base}/{chat.id}/members")) == (
        403,
        "BotNotInConversationRoster",
    )


def test_typing_is_accepted_and_not_shown(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    conversation = emulator.install(alice).id
    answer = connector.send(conversation, {"type": "typing"})
    assert (answer.status_code, answer.json()) == (201, {})
    assert emulator.messages_in(conversation) == []


GOOD_CARD = card(
    text_block("Title", weight="Bolder"),
    {"type": "RichTextBlock", "inlines": ["plain ", {"type": "TextRun", "text": "run"}]},
    {"type": "ColumnSet", "columns": [{"type": "Column", "items": [text_block("left")]}]},
    {"type": "FactSet", "facts": [{"title": "Skill", "value": "Discovery"}]},
    {"type": "Image", "url": "https://example.com/a.png", "altText": "a"},
    {"type": "Container", "items": [{"type": "Input.Text", "id": "t"}]},
    {"type": "Input.ChoiceSet", "id": "c", "choices": [{"title": "A", "value": "a"}]},
    {"type": "Input.Date", "id": "d"},
    {"type": "Input.Time", "id": "h"},
    {"type": "Input.Toggle", "id": "o", "title": "On?"},
    {"type": "Input.Number", "id": "n", "min": 0, "max": 5},
    {
        "type": "Table",
        "rows": [
            {"type": "TableRow", "cells": [{"type": "TableCell", "items": [text_block("x")]}]}
        ],
    },
    {
        "type": "ActionSet",
        "actions": [{"type": "Action.OpenUrl", "title": "Open", "url": "https://e.x"}],
    },
    {"type": "Rating", "max": 5, "fallback": "drop"},  # newer than 1.5, with a fallback: fine
    actions=[
        {"type": "Action.Execute", "title": "Go", "verb": "go", "data": {"a": 1}},
        {"type": "Action.Submit", "title": "Send", "data": {"b": 2}},
        {"type": "Action.ToggleVisibility", "title": "More", "targetElements": ["t"]},
        {"type": "Action.ShowCard", "title": "Show", "card": card(text_block("inside"))},
    ],
)


def test_a_card_using_what_teams_supports_is_accepted(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    conversation = emulator.install(alice).id
    answer = connector.send(conversation, card_message(GOOD_CARD))
    assert answer.status_code == 201, answer.text
    assert emulator.messages_in(conversation)[0].card == GOOD_CARD


BAD_CARDS = {
    "version 1.6": (card(text_block("x"), version="1.6"), "up to 1.5"),
    "no version": ({"type": "AdaptiveCard", "body": [text_block("x")]}, "needs a version"),
    "unknown element": (card({"type": "Carousel", "pages": []}), "unknown element type 'Carousel'"),
    "media": (card({"type": "Media", "sources": []}), "unknown element type 'Media'"),
    "unknown action": (card(actions=[{"type": "Action.Popover", "title": "x"}]), "unknown action"),
    "duplicate input ids": (
        card({"type": "Input.Text", "id": "x"}, {"type": "Input.Number", "id": "x"}),
        "duplicate input id 'x'",
    ),
    "input without id": (card({"type": "Input.Text"}), "an input needs an id"),
    "text block without text": (card({"type": "TextBlock"}), "text: is required"),
    "choice without value": (
        card({"type": "Input.ChoiceSet", "id": "c", "choices": [{"title": "A"}]}),
        "value: is required",
    ),
    "bad card in a ShowCard": (
        card(actions=[{"type": "Action.ShowCard", "title": "s", "card": card({"type": "Nope"})}]),
        "card.body[0].type",
    ),
    "ShowCard as selectAction": (
        card({**text_block("x"), "selectAction": {"type": "Action.ShowCard", "card": card()}}),
        "cannot be Action.ShowCard",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CARDS))
def test_a_card_teams_would_refuse_is_a_400_bad_argument(
    emulator: TeamsEmulator, connector: Connector, alice: User, case: str
) -> None:
    conversation = emulator.install(alice).id
    content, reason = BAD_CARDS[case]
    answer = connector.send(conversation, card_message(content))
    assert error(answer) == (400, "BadArgument")
    assert reason in answer.json()["error"]["message"]
    assert emulator.messages_in(conversation) == []


@pytest.mark.parametrize(
    "activity",
    [
        {"type": "message"},
        {"type": "message", "text": "   "},
        {"type": "event", "name": "x"},
        {
            "type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.video"}],
        },
        {"type": "message", "text": "x", "textFormat": "html"},
    ],
    ids=["empty", "blank", "event", "video card", "text format"],
)
def test_activities_teams_would_refuse(
    emulator: TeamsEmulator, connector: Connector, alice: User, activity: dict[str, Any]
) -> None:
    conversation = emulator.install(alice).id
    assert error(connector.send(conversation, activity)) == (400, "BadArgument")


def test_a_body_that_is_not_json_is_a_bad_argument(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    conversation = emulator.install(alice).id
    answer = connector.http.post(
        f"{connector.base}/{conversation}/activities",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert error(answer) == (400, "BadArgument")


def test_messages_over_100_kb_of_utf16_are_413(
    emulator: TeamsEmulator, connector: Connector, alice: User
) -> None:
    conversation = emulator.install(alice).id
    # UTF-16 counts two bytes a character: 50,000 characters of text is about 100 KB.
    small = connector.send(conversation, {"type": "message", "text": "a" * 50_000})
    large = connector.send(conversation, {"type": "message", "text": "a" * 52_000})
    assert small.status_code == 201
    assert error(large) == (413, "MessageSizeTooBig")
    image = "data:image/png;base64," + "A" * 200_000  # Base64 images do not count
    with_image = connector.send(
        conversation,
        card_message(card({"type": "Image", "url": image}), text="a picture"),
    )
    assert with_image.status_code == 201


def test_the_size_limit_can_be_made_stricter() -> None:
    with TeamsEmulator(max_message_bytes=28 * 1024) as emulator:
        alice = emulator.add_user("Alice Martin", "alice@example.fr")
        conversation = emulator.install(alice).id
        connector = Connector(emulator)
        assert (
            connector.send(conversation, {"type": "message", "text": "a" * 14_000}).status_code
            == 201
        )
        assert error(connector.send(conversation, {"type": "message", "text": "a" * 15_000})) == (
            413,
            "MessageSizeTooBig",
        )


def test_unknown_routes_are_404_and_recorded(emulator: TeamsEmulator, connector: Connector) -> None:
    answer = connector.http.post(f"{emulator.base_url}/v3/conversations", json={})
    assert answer.status_code == 404  # the Connector lives under the service URL only
    assert emulator.calls[-1].operation == "unknown"
