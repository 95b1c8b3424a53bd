"""Files in the emulator over plain HTTP: the consent card and file card the Connector
accepts (personal chats only, their fields, a file card naming an uploaded file), and
OneDrive's upload session (Content-Range in order, 320 KiB fragments, no Authorization,
201 once whole, then gone; status, cancel, expiry, renaming, injected failures)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from emulators.teams import FILE_CONSENT, FILE_INFO, ManualClock, TeamsEmulator, User
from tests.emulator_teams import bot_token

UNIT = 320 * 1024


class Connector:
    """The bot's Connector client: send a message, the answer's status and error code."""

    def __init__(self, emulator: TeamsEmulator) -> None:
        self.base = f"{emulator.service_url}v3/conversations"
        self.http = httpx.Client(headers={"Authorization": f"Bearer {bot_token(emulator)}"})

    def send(self, conversation_id: str, *attachments: dict[str, Any]) -> httpx.Response:
        activity = {"type": "message", "attachments": list(attachments)}
        return self.http.post(f"{self.base}/{conversation_id}/activities", json=activity)


@pytest.fixture
def connector(emulator: TeamsEmulator) -> Connector:
    return Connector(emulator)


def consent(name: str = "report.csv", **content: Any) -> dict[str, Any]:
    card = {
        "description": "Your report",
        "sizeInBytes": 12,
        "acceptContext": {"file": "report"},
        "declineContext": {"file": "report"},
    }
    return {"contentType": FILE_CONSENT, "name": name, "content": {**card, **content}}


def put(url: str, data: bytes, first: int = 0, total: int | None = None, **headers: str) -> Any:
    total = len(data) if total is None else total
    sent = {
        "Content-Length": str(len(data)),
        "Content-Range": f"bytes {first}-{first + len(data) - 1}/{total}",
        **headers,
    }
    return httpx.put(url, content=data, headers=sent)


def code(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["code"]


def test_a_consent_card_goes_in_a_personal_chat_with_its_fields(
    emulator: TeamsEmulator, connector: Connector, alice: User, bob: User
) -> None:
    chat = emulator.install(alice).id
    assert connector.send(chat, consent()).status_code == 201
    [sent] = [m for m in emulator.messages_in(chat) if m.from_bot]
    assert sent.attachments[0]["content"]["acceptContext"] == {"file": "report"}

    group = emulator.add_group_chat([alice, bob], bot_member=True).id
    refused = connector.send(group, consent())
    assert code(refused) == (400, "BadArgument")
    assert "personal chat only" in refused.json()["error"]["message"]
    for bad, why in [
        (consent(sizeInBytes=None), "sizeInBytes"),
        (consent(sizeInBytes=-1), "sizeInBytes"),
        (consent(name="a/b.csv"), "cannot hold /"),
        (consent(name=" x.csv"), "space"),
        ({"contentType": FILE_CONSENT, "name": "x.csv"}, "needs its content"),
        (
            {"contentType": FILE_CONSENT, "name": "x.csv", "content": {"sizeInBytes": 1}},
            "acceptContext",
        ),
    ]:
        answer = connector.send(chat, bad)
        assert code(answer) == (400, "BadArgument") and why in answer.json()["error"]["message"]
    assert len(emulator.messages_in(chat)) == 1  # nothing refused was stored


def test_an_upload_in_one_request_leaves_the_file_then_the_session_is_gone(
    emulator: TeamsEmulator, alice: User
) -> None:
    emulator.install(alice)
    info = emulator.open_upload(alice, "report.csv", 12)
    assert info["name"] == "report.csv" and info["fileType"] == "csv"
    assert info["contentUrl"].endswith("/Documents/Applications/report.csv")
    status = httpx.get(info["uploadUrl"])
    assert status.status_code == 200 and status.json()["nextExpectedRanges"] == ["0-"]

    done = put(info["uploadUrl"], b"a;b\r\n1;2\r\n")
    assert done.status_code == 201
    assert done.json()["id"] == info["uniqueId"] and done.json()["size"] == 10
    [stored] = emulator.drive_files(alice)
    assert (stored.name, stored.content, stored.file_type) == (
        "report.csv",
        b"a;b\r\n1;2\r\n",
        "csv",
    )
    assert emulator.drive_file(info["contentUrl"]) == stored
    assert code(put(info["uploadUrl"], b"again")) == (404, "itemNotFound")
    upload = emulator.calls_to("upload")[0]
    assert upload.body == {
        "bytes": 10,
        "contentLength": "10",
        "contentRange": "bytes 0-9/10",
        "authorization": False,
    }


def test_fragments_come_in_order_in_multiples_of_320_kib(
    emulator: TeamsEmulator, alice: User
) -> None:
    emulator.install(alice)
    data = bytes(range(256)) * (UNIT * 2 // 256) + b"tail"
    url = emulator.open_upload(alice, "map.png", len(data))["uploadUrl"]
    assert code(put(url, data[: UNIT - 1], total=len(data))) == (400, "invalidRequest")
    first = put(url, data[:UNIT], total=len(data))
    assert first.status_code == 202
    assert first.json()["nextExpectedRanges"] == [f"{UNIT}-"]
    skipped = put(url, data[2 * UNIT :], first=2 * UNIT, total=len(data))
    assert code(skipped) == (416, "invalidRange")
    assert code(put(url, data[UNIT : 2 * UNIT], first=UNIT, total=len(data) + 1)) == (
        400,
        "invalidRequest",
    )
    assert put(url, data[UNIT : 2 * UNIT], first=UNIT, total=len(data)).status_code == 202
    assert put(url, data[2 * UNIT :], first=2 * UNIT, total=len(data)).status_code == 201
    assert emulator.drive_files(alice)[0].content == data


def test_what_the_upload_url_refuses(
    emulator: TeamsEmulator, alice: User, clock: ManualClock
) -> None:
    emulator.install(alice)
    url = emulator.open_upload(alice, "x.json", 2)["uploadUrl"]
    signed = put(url, b"{}", Authorization=f"Bearer {bot_token(emulator)}")
    assert code(signed) == (401, "unauthenticated")
    lying = httpx.put(url, content=b"{}", headers={"Content-Range": "bytes 0-2/3"})
    assert code(lying) == (400, "invalidRequest")
    no_range = httpx.put(url, content=b"{}")
    assert code(no_range) == (400, "invalidRequest")
    assert code(put(url, b"{}", total=1)) == (416, "invalidRange")
    assert emulator.drive_files(alice) == []

    cancelled = httpx.delete(url)
    assert (cancelled.status_code, cancelled.content) == (204, b"")
    assert code(put(url, b"{}")) == (404, "itemNotFound")

    idle = emulator.open_upload(alice, "y.json", 2)["uploadUrl"]
    clock.advance(16 * 60)  # not written to for longer than a session lives
    assert code(put(idle, b"{}")) == (404, "itemNotFound")


def test_a_name_already_taken_is_renamed_and_failures_can_be_injected(
    emulator: TeamsEmulator, alice: User, bob: User
) -> None:
    emulator.install(alice)
    first = emulator.open_upload(alice, "palier.csv", 1)
    second = emulator.open_upload(alice, "palier.csv", 1)
    assert second["name"] == "palier 1.csv" and second["fileType"] == "csv"
    assert emulator.open_upload(bob, "palier.csv", 1)["name"] == "palier.csv"  # his own drive

    emulator.inject("upload", status=503)
    failed = put(first["uploadUrl"], b"x")
    assert failed.status_code == 503
    assert emulator.drive_files(alice) == []
    assert put(first["uploadUrl"], b"x").status_code == 201
    emulator.inject("upload", reset=True)
    with pytest.raises(httpx.TransportError):
        put(second["uploadUrl"], b"y")
    assert [f.name for f in emulator.drive_files(alice)] == ["palier.csv"]


def test_a_file_card_names_a_file_uploaded_to_that_persons_drive(
    emulator: TeamsEmulator, connector: Connector, alice: User, bob: User
) -> None:
    chat = emulator.install(alice).id
    emulator.install(bob)
    info = emulator.open_upload(alice, "report.csv", 3)

    def card(**changes: Any) -> dict[str, Any]:
        attachment = {
            "contentType": FILE_INFO,
            "contentUrl": info["contentUrl"],
            "name": info["name"],
            "content": {"uniqueId": info["uniqueId"], "fileType": "csv"},
        }
        return {**attachment, **changes}

    early = connector.send(chat, card())
    assert code(early) == (400, "BadArgument")  # not uploaded yet
    assert put(info["uploadUrl"], b"a;b").status_code == 201
    assert connector.send(chat, card(name="other.csv")).status_code == 400
    assert (
        connector.send(chat, card(content={"uniqueId": "X", "fileType": "csv"})).status_code == 400
    )
    assert connector.send(chat, card(content={"uniqueId": info["uniqueId"]})).status_code == 400
    bobs = emulator.personal_conversation_id(bob)
    assert bobs is not None
    assert code(connector.send(bobs, card())) == (400, "BadArgument")  # Alice's file
    assert connector.send(chat, card()).status_code == 201
