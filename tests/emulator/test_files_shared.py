"""A person uploads a file into their DM with the bot: the events Slack sends (signed,
through Bolt over HTTP), ``files.info``, and the private download URL that answers the
file only to the workspace's bot token with ``files:read`` (else Slack's sign-in page)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emulators.slack import BoltAppServer, ManualClock, SlackDriver, SlackEmulator
from tests.emulator import ALICE, SIGNING_SECRET, add_people, client

CONTENT = b"Nom de la matrice\tAccount Executive\n"


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator(clock=ManualClock()) as emu:
        add_people(emu)
        yield emu


@pytest.fixture
def app(emulator: SlackEmulator) -> App:
    return App(signing_secret=SIGNING_SECRET, client=client(emulator), process_before_response=True)


@pytest.fixture
def driver(app: App, emulator: SlackEmulator) -> Iterator[SlackDriver]:
    with BoltAppServer(app) as server:
        yield SlackDriver(server.url, SIGNING_SECRET, emulator)


def _get(url: str, token: str | None = None) -> tuple[int, str, bytes]:
    """GET as an HTTP client that follows redirects (urllib, like requests)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as failure:
        return failure.code, failure.headers.get("Content-Type", ""), failure.read()


def test_a_file_shared_in_the_dm_arrives_as_a_file_share_message_and_file_shared(
    app: App, driver: SlackDriver, emulator: SlackEmulator
) -> None:
    seen: list[dict[str, Any]] = []

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        seen.append(event)

    @app.event("file_shared")
    def on_file(event: dict[str, Any]) -> None:
        seen.append(event)

    response = driver.upload_file(
        ALICE, "matrice.tsv", CONTENT, text="id: ae-2027", file_shared=True
    )
    assert response.status == 200
    message, shared = seen
    assert (message["subtype"], message["channel_type"], message["text"]) == (
        "file_share",
        "im",
        "id: ae-2027",
    )
    [file] = message["files"]
    assert (file["name"], file["size"], file["user"]) == ("matrice.tsv", len(CONTENT), ALICE)
    assert file["url_private_download"].startswith(emulator.base_url)
    dm = emulator.dm_channel_id(ALICE)
    assert shared == {
        "type": "file_shared",
        "channel_id": dm,
        "file_id": file["id"],
        "user_id": ALICE,
        "file": {"id": file["id"]},
        "event_ts": shared["event_ts"],
    }
    assert emulator.files == []  # the bot's own uploads only


def test_files_info_and_the_download_need_the_bot_token_and_files_read(
    emulator: SlackEmulator,
) -> None:
    _, file = emulator.share_user_file(ALICE, "matrice.tsv", CONTENT)
    info = client(emulator).files_info(file=file["id"])
    assert info["file"]["size"] == len(CONTENT) and info["file"]["ims"] == [
        emulator.dm_channel_id(ALICE)
    ]
    url = info["file"]["url_private_download"]
    assert _get(url, emulator.bot_token) == (200, "text/plain", CONTENT)
    # Without the token, or with another one, Slack sends the browser to sign in.
    for token in (None, "xoxb-forged"):
        status, kind, body = _get(url, token)
        assert (status, kind) == (200, "text/html; charset=utf-8") and b"Sign in" in body
    redirect = [c for c in emulator.calls_to("files.download") if c.status == 302]
    assert len(redirect) == 2

    emulator.withhold_scope("files:read")
    with pytest.raises(SlackApiError) as refused:
        client(emulator).files_info(file=file["id"])
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "files:read"
    assert _get(url, emulator.bot_token)[1].startswith("text/html")


def test_a_file_in_a_channel_without_the_bot_is_not_found(emulator: SlackEmulator) -> None:
    channel = emulator.add_channel("C0GENERAL", "general", members=[ALICE], bot_member=False)
    _, file = emulator.share_user_file(ALICE, "x.tsv", CONTENT, channel=channel.id)
    web: WebClient = client(emulator)
    with pytest.raises(SlackApiError) as refused:
        web.files_info(file=file["id"])
    assert refused.value.response["error"] == "file_not_found"
    assert _get(file["url_private_download"], emulator.bot_token)[1].startswith("text/html")
