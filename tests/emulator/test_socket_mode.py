"""Socket Mode: the protocol itself, then a real Bolt app run by slack_bolt's adapter.

The first half talks to the emulator's WebSocket server with a raw client written
here: ``apps.connections.open``, the RFC 6455 handshake, ``hello``, envelopes and
acks, ping/pong, close. Its frames use the server's own encoder and reader, which
are checked against RFC 6455's examples; slack_sdk's client, in the second half,
has a framing of its own. The second half runs a Bolt ``App`` through
``SocketModeHandler`` (slack_sdk's builtin client) and drives it with
``SocketModeDriver``, the same payloads as over HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import socket
import struct
import threading
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import pytest
from slack_bolt import Ack, App, Respond, Say
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emulators.slack import DriverError, Message, SlackEmulator
from emulators.slack.driver import SocketModeDriver, close_socket_mode_handler
from emulators.slack.listeners import ListenerExecutor
from emulators.slack.socket_mode import (
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    Frame,
    SocketModeError,
    accept_key,
    encode_frame,
    read_frame,
)
from tests.emulator import (
    ALICE,
    SIGNING_SECRET,
    actions,
    button,
    client,
    input_block,
    modal,
    section,
)

APP_ID = "A0PALIERAPP"
RFC_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def open_url(emulator: SlackEmulator) -> str:
    """What an app does first: apps.connections.open with its app-level token."""
    answer = WebClient(base_url=emulator.api_url).apps_connections_open(
        app_token=emulator.app_token
    )
    return str(answer["url"])


class RawClient:
    """A bare WebSocket client: handshake, masked frames, nothing automatic."""

    def __init__(self, url: str, *, key: str | None = None, version: str = "13") -> None:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        self.reader: BinaryIO = self.sock.makefile("rb")
        self.key = key if key is not None else base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path}?{parts.query} HTTP/1.1\r\n"
            f"Host: {parts.hostname}:{parts.port}\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {self.key}\r\n"
            f"Sec-WebSocket-Version: {version}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        status_line = self.reader.readline().decode()
        self.status = int(status_line.split(" ")[1])
        self.headers: dict[str, str] = {}
        while (line := self.reader.readline().decode().rstrip("\r\n")) != "":
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()

    def send(
        self, opcode: int, payload: bytes = b"", *, fin: bool = True, masked: bool = True
    ) -> None:
        mask = os.urandom(4) if masked else None
        self.sock.sendall(encode_frame(opcode, payload, fin=fin, mask=mask))

    def send_json(self, message: Any) -> None:
        self.send(OP_TEXT, json.dumps(message).encode())

    def recv(self) -> Frame:
        frame = read_frame(self.reader.read)
        assert frame is not None, "the server closed the stream"
        assert not frame.masked, "server frames are never masked"
        return frame

    def recv_json(self) -> Any:
        frame = self.recv()
        assert frame.opcode == OP_TEXT
        return json.loads(frame.payload)

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


@pytest.fixture
def raw(emulator: SlackEmulator) -> Iterator[RawClient]:
    connection = RawClient(open_url(emulator))
    yield connection
    connection.close()


def handshake_status(url: str, **options: str) -> tuple[int, dict[str, str]]:
    """Try a handshake; the HTTP status and headers of the answer."""
    attempt = RawClient(url, **options)
    attempt.close()
    return attempt.status, attempt.headers


def deliver_in_background(
    pool: ThreadPoolExecutor, emulator: SlackEmulator, payload: dict[str, Any], timeout: float = 5.0
) -> Any:
    return pool.submit(
        emulator.socket_mode.deliver,
        APP_ID,
        "interactive",
        payload,
        accepts_response_payload=True,
        timeout=timeout,
    )


# -- apps.connections.open --------------------------------------------------------------------


def test_apps_connections_open_gives_a_one_time_socket_url_for_the_app_token(
    emulator: SlackEmulator,
) -> None:
    assert emulator.app_token.startswith(f"xapp-1-{APP_ID}-")
    first, second = open_url(emulator), open_url(emulator)
    port = emulator.socket_mode.base_url.rsplit(":", 1)[1].rstrip("/")
    assert first.startswith(f"ws://127.0.0.1:{port}/link/?ticket=")
    assert first.endswith(f"&app_id={APP_ID}") and first != second
    calls = emulator.calls_to("apps.connections.open")
    assert [c.ok for c in calls] == [True, True]
    assert calls[0].team_id is None  # an app-level token belongs to the app


def test_an_app_level_token_is_the_only_one_apps_connections_open_takes(
    emulator: SlackEmulator,
) -> None:
    web = WebClient(base_url=emulator.api_url)
    for token, error in [
        (emulator.bot_token, "not_allowed_token_type"),
        ("xapp-1-A0PALIERAPP-0-forged", "invalid_auth"),
    ]:
        with pytest.raises(SlackApiError) as refused:
            web.apps_connections_open(app_token=token)
        assert refused.value.response["error"] == error
    # Slack wants the token in the Authorization header, not as a parameter.
    request = urllib.request.Request(
        emulator.api_url + "apps.connections.open",
        data=f"token={emulator.app_token}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request) as answer:
        assert json.loads(answer.read()) == {"ok": False, "error": "not_authed"}
    # …and the app-level token opens nothing else.
    with pytest.raises(SlackApiError) as wrong_type:
        WebClient(token=emulator.app_token, base_url=emulator.api_url).chat_postMessage(
            channel=ALICE, text="Bonjour"
        )
    assert wrong_type.value.response["error"] == "not_allowed_token_type"
    assert [c.error for c in emulator.calls_to("apps.connections.open")] == [
        "not_allowed_token_type",
        "invalid_auth",
        "not_authed",
    ]


def test_workspaces_of_the_same_app_share_its_app_level_token(emulator: SlackEmulator) -> None:
    other = emulator.add_workspace("T0OTHER", "Other")
    assert other.app_token == emulator.app_token
    assert other.bot_token != emulator.bot_token


# -- handshake and hello ---------------------------------------------------------------------------


def test_accept_key_matches_rfc_6455s_example() -> None:
    # RFC 6455, section 1.3.
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_frames_match_rfc_6455s_examples() -> None:
    # RFC 6455, section 5.7: "Hello" unmasked and masked, 256 and 65536 bytes unmasked.
    hello = bytes.fromhex("810548656c6c6f")
    masked = bytes.fromhex("818537fa213d7f9f4d5158")
    assert encode_frame(OP_TEXT, b"Hello") == hello
    assert encode_frame(OP_TEXT, b"Hello", mask=bytes.fromhex("37fa213d")) == masked
    assert encode_frame(0x2, bytes(256))[:4] == bytes.fromhex("827e0100")
    assert encode_frame(0x2, bytes(65536))[:10] == bytes.fromhex("827f0000000000010000")
    for data in (hello, masked):
        stream = io.BytesIO(data)
        frame = read_frame(stream.read)
        assert frame is not None and (frame.opcode, frame.payload) == (OP_TEXT, b"Hello")
        assert frame.masked == (data == masked) and read_frame(stream.read) is None
    big = io.BytesIO(encode_frame(OP_TEXT, b"x" * 70_000, mask=b"abcd"))
    frame = read_frame(big.read)
    assert frame is not None and frame.payload == b"x" * 70_000


def test_handshake_then_hello(emulator: SlackEmulator, raw: RawClient) -> None:
    expected = base64.b64encode(hashlib.sha1(raw.key.encode() + RFC_GUID).digest()).decode()
    assert raw.status == 101
    assert raw.headers["upgrade"].lower() == "websocket"
    assert raw.headers["connection"].lower() == "upgrade"
    assert raw.headers["sec-websocket-accept"] == expected
    hello = raw.recv_json()
    assert hello["type"] == "hello" and hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": APP_ID}
    assert hello["debug_info"]["approximate_connection_time"] > 0
    # A second connection is counted in its own hello.
    second = RawClient(open_url(emulator))
    try:
        assert second.recv_json()["num_connections"] == 2
        assert len(emulator.socket_mode.connections(APP_ID)) == 2
    finally:
        second.close()


def test_bad_handshakes_are_refused(emulator: SlackEmulator, raw: RawClient) -> None:
    used_url = emulator.socket_mode.connections()[0].url
    assert handshake_status(used_url)[0] == 401  # a ticket serves once
    assert handshake_status(used_url.split("?")[0] + "?ticket=not-issued")[0] == 401
    status, headers = handshake_status(open_url(emulator), version="8")
    assert status == 426 and headers["sec-websocket-version"] == "13"
    assert handshake_status(open_url(emulator), key="short")[0] == 400
    assert len(emulator.socket_mode.connections()) == 1


# -- envelopes and acks ----------------------------------------------------------------------------


def test_acks_are_matched_to_their_envelope_by_id(emulator: SlackEmulator, raw: RawClient) -> None:
    raw.recv_json()  # hello
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = deliver_in_background(pool, emulator, {"n": 1})
        envelope_one = raw.recv_json()
        second = deliver_in_background(pool, emulator, {"n": 2})
        envelope_two = raw.recv_json()
        assert envelope_one["type"] == "interactive" and envelope_one["payload"] == {"n": 1}
        assert envelope_one["accepts_response_payload"] is True
        assert envelope_one["envelope_id"] != envelope_two["envelope_id"]
        # Answered in the other order, one of them with a payload.
        raw.send_json({"envelope_id": envelope_two["envelope_id"], "payload": {"answer": 2}})
        raw.send_json({"envelope_id": envelope_one["envelope_id"]})
        one, two = first.result(), second.result()
    assert one.acked and one.payload is None and one.within_deadline
    assert two.payload == {"answer": 2} and two.envelope == envelope_two
    # An ack for nothing (or a second one) is kept aside, not taken for an answer.
    raw.send_json({"envelope_id": envelope_one["envelope_id"], "payload": {"late": True}})
    raw.send_json({"envelope_id": "never-sent"})
    emulator.wait_for(lambda: len(emulator.socket_mode.stray_messages()) == 2)
    strays = [s["message"]["envelope_id"] for s in emulator.socket_mode.stray_messages()]
    assert strays == [envelope_one["envelope_id"], "never-sent"]
    assert emulator.socket_mode.deliveries()[0].payload is None


def test_an_app_that_never_acks_is_reported_not_waited_for_forever(
    emulator: SlackEmulator, raw: RawClient
) -> None:
    raw.recv_json()
    delivery = emulator.socket_mode.deliver(
        APP_ID, "slash_commands", {"command": "/palier"}, accepts_response_payload=True, timeout=0.2
    )
    assert not delivery.acked and delivery.elapsed is None and not delivery.within_deadline
    # The driver says so too, without raising.
    response = SocketModeDriver(emulator, timeout=0.2).slash_command(ALICE, text="aide")
    assert response.status == 0 and not response.ok and not response.within_deadline
    assert response.envelope_id is not None and response.json() is None
    # A late ack is still recorded against its envelope.
    assert raw.recv_json()["envelope_id"] == delivery.envelope_id
    raw.send_json({"envelope_id": delivery.envelope_id})
    late = emulator.wait_for(lambda: emulator.socket_mode.deliveries()[0].ack)
    assert late == {"envelope_id": delivery.envelope_id}


def test_a_closed_connection_wakes_the_sender(emulator: SlackEmulator, raw: RawClient) -> None:
    raw.recv_json()
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = deliver_in_background(pool, emulator, {"n": 1}, timeout=30)
        raw.recv_json()
        raw.close()
        delivery = waiting.result(timeout=5)
    assert delivery.connection_closed and not delivery.acked


def test_without_a_connection_nothing_can_be_delivered(emulator: SlackEmulator) -> None:
    with pytest.raises(SocketModeError):
        emulator.socket_mode.deliver(
            APP_ID, "events_api", {"type": "event_callback"}, accepts_response_payload=False
        )
    with pytest.raises(DriverError, match="no open Socket Mode connection"):
        SocketModeDriver(emulator).slash_command(ALICE)


def test_fragmented_messages_are_reassembled(emulator: SlackEmulator, raw: RawClient) -> None:
    raw.recv_json()
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = deliver_in_background(pool, emulator, {"n": 1})
        envelope_id = raw.recv_json()["envelope_id"]
        # Raw UTF-8, so fragments may end inside a character: only the message is text.
        message = {"envelope_id": envelope_id, "payload": {"text": "é" * 50}}
        text = json.dumps(message, ensure_ascii=False).encode()
        raw.send(OP_TEXT, text[:7], fin=False)
        raw.send(OP_PING, b"between fragments")  # control frames may come in between
        assert raw.recv().payload == b"between fragments"
        raw.send(OP_CONTINUATION, text[7:50], fin=False)
        raw.send(OP_CONTINUATION, text[50:])
        assert waiting.result().payload == {"text": "é" * 50}


# -- control frames --------------------------------------------------------------------------------


def test_ping_pong_both_ways(emulator: SlackEmulator, raw: RawClient) -> None:
    raw.recv_json()
    raw.send(OP_PING, b"client-1")
    pong = raw.recv()
    assert (pong.opcode, pong.payload) == (OP_PONG, b"client-1")
    connection_id = emulator.socket_mode.connections()[0].id
    with ThreadPoolExecutor(max_workers=1) as pool:
        rtt = pool.submit(emulator.socket_mode.ping, connection_id, b"server-1")
        ping = raw.recv()
        assert (ping.opcode, ping.payload) == (OP_PING, b"server-1")
        raw.send(OP_PONG, ping.payload)
        assert rtt.result() is not None
        # A pong with another payload does not answer the ping.
        unanswered = pool.submit(emulator.socket_mode.ping, connection_id, b"server-2", 0.2)
        raw.recv()
        raw.send(OP_PONG, b"something else")
        assert unanswered.result() is None
    info = emulator.socket_mode.connection(connection_id)
    assert info.pings_received == 1 and info.pongs_received == 2


def test_a_close_from_the_client_is_echoed(emulator: SlackEmulator, raw: RawClient) -> None:
    raw.recv_json()
    raw.send(OP_CLOSE, struct.pack("!H", 1000) + b"bye")
    echo = raw.recv()
    assert echo.opcode == OP_CLOSE and struct.unpack("!H", echo.payload[:2])[0] == 1000
    info = emulator.socket_mode.wait_closed(emulator.socket_mode.connections(open_only=False)[0].id)
    assert not info.open and (info.close_code, info.close_reason) == (1000, "bye")


def test_unmasked_client_frames_fail_the_connection(
    emulator: SlackEmulator, raw: RawClient
) -> None:
    raw.recv_json()
    raw.send(OP_TEXT, b"{}", masked=False)
    close = raw.recv()
    assert close.opcode == OP_CLOSE and struct.unpack("!H", close.payload[:2])[0] == 1002
    info = emulator.socket_mode.wait_closed(emulator.socket_mode.connections(open_only=False)[0].id)
    assert info.refused == ["client frames must be masked"]


def test_stopping_the_emulator_says_going_away() -> None:
    with SlackEmulator() as emu:
        connection = RawClient(open_url(emu))
        connection.recv_json()
    close = connection.recv()
    connection.close()
    assert close.opcode == OP_CLOSE and struct.unpack("!H", close.payload[:2])[0] == 1001


# -- a real Bolt app in Socket Mode ----------------------------------------------------------------

CHECKIN = modal(
    "Check-in",
    [
        section("*Prospection*"),
        input_block(
            "Preuve",
            {"type": "plain_text_input", "action_id": "evidence", "multiline": True},
            "ev",
        ),
    ],
)


@pytest.fixture
def app(emulator: SlackEmulator, listeners: ListenerExecutor) -> App:
    # Bolt's default: acks go out before the listener finishes (hence wait_for below,
    # which waits for the listeners first).
    return App(signing_secret=SIGNING_SECRET, client=client(emulator), listener_executor=listeners)


@pytest.fixture
def handler(app: App, emulator: SlackEmulator) -> Iterator[SocketModeHandler]:
    # The socket client's own WebClient needs no token: apps.connections.open is
    # called with the app-level token, which slack_sdk puts in the Authorization header.
    socket_handler = SocketModeHandler(
        app, emulator.app_token, web_client=WebClient(base_url=emulator.api_url)
    )
    socket_handler.connect()  # type: ignore[no-untyped-call]  # start() would block
    yield socket_handler
    close_socket_mode_handler(socket_handler, emulator)


@pytest.fixture
def driver(handler: SocketModeHandler, emulator: SlackEmulator) -> SocketModeDriver:
    return SocketModeDriver(emulator)


def test_bolts_adapter_connects_with_the_app_level_token(
    handler: SocketModeHandler, emulator: SlackEmulator
) -> None:
    [call] = emulator.calls_to("apps.connections.open")
    assert call.ok and call.response["url"] == handler.client.wss_uri
    [connection] = emulator.socket_mode.connections()
    assert connection.hello["connection_info"] == {"app_id": APP_ID}
    # slack_sdk pings as soon as it is connected and notes the pong's arrival.
    session = handler.client.current_session
    assert session is not None
    emulator.wait_for(lambda: session.last_ping_pong_time)
    assert emulator.socket_mode.connection(connection.id).pings_received >= 1


def test_a_slash_command_is_answered_by_ack_respond_and_say(
    app: App, driver: SocketModeDriver, emulator: SlackEmulator
) -> None:
    @app.command("/palier")
    def command(ack: Ack, respond: Respond, say: Say) -> None:
        ack("Un instant…")
        respond("Voici l'aide")
        say("Bonjour Alice")

    def two_ephemerals() -> list[Message] | None:
        found = emulator.ephemerals_for(ALICE)
        return found if len(found) == 2 else None

    answer = driver.slash_command(ALICE, text="aide")

    assert answer.ok and answer.within_deadline
    assert answer.json() == {"text": "Un instant…"}
    assert answer.payload["command"] == "/palier" and answer.payload["text"] == "aide"
    [delivery] = emulator.socket_mode.deliveries()
    assert delivery.envelope["type"] == "slash_commands"
    assert delivery.envelope["payload"] == answer.payload  # the form's fields, as JSON
    # The ack's text and respond() race, as they do on Slack: compare without order.
    shown = {m.text: m.source for m in emulator.wait_for(two_ephemerals)}
    assert shown == {"Un instant…": "command_ack", "Voici l'aide": "response_url"}
    said = emulator.wait_for(lambda: emulator.dm_messages(ALICE))
    assert [m.text for m in said] == ["Bonjour Alice"]


def test_a_button_click_is_acked_and_handled(
    app: App, driver: SocketModeDriver, emulator: SlackEmulator
) -> None:
    posted = client(emulator).chat_postMessage(
        channel=ALICE, text="Valider ?", blocks=[actions(button("Valider", "approve", "42"))]
    )
    seen: list[str] = []

    @app.action("approve")
    def approve(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        seen.append(body["actions"][0]["value"])
        respond(replace_original=True, text="Validé")

    message = emulator.message(posted["channel"], posted["ts"])
    assert message is not None
    answer = driver.click(ALICE, message, "approve")

    assert answer.ok and answer.within_deadline and answer.body == ""
    assert answer.ack == {"envelope_id": answer.envelope_id}  # an ack without payload

    def replaced() -> Message | None:
        current = emulator.message(message.channel, message.ts)
        return current if current is not None and current.text == "Validé" else None

    assert emulator.wait_for(replaced).blocks is None and seen == ["42"]


def test_a_view_submission_answered_with_errors_keeps_the_modal_open(
    app: App, driver: SocketModeDriver, emulator: SlackEmulator
) -> None:
    @app.command("/palier")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view={**CHECKIN, "callback_id": "ci"})

    @app.view("ci")
    def submitted(ack: Ack, view: dict[str, Any]) -> None:
        evidence = view["state"]["values"]["ev"]["evidence"]["value"]
        if len(evidence) < 10:
            ack(response_action="errors", errors={"ev": "Dix caractères au moins"})
        else:
            ack()

    driver.slash_command(ALICE)
    opened = emulator.wait_for(lambda: driver.modal(ALICE))

    refused = driver.submit_view(ALICE, opened, {"ev": "Court"})
    assert refused.ok and refused.within_deadline
    assert refused.outcome == "errors" and refused.errors == {"ev": "Dix caractères au moins"}
    [still_open] = emulator.open_views(ALICE)
    assert still_open.errors == {"ev": "Dix caractères au moins"}

    accepted = driver.submit_view(ALICE, still_open, {"ev": "Signé Acme après une démo"})
    assert accepted.outcome == "close" and emulator.open_views(ALICE) == []


def test_events_come_as_events_api_envelopes(
    app: App, driver: SocketModeDriver, emulator: SlackEmulator
) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        client.views_publish(
            user_id=event["user"], view={"type": "home", "blocks": [section("Accueil")]}
        )

    answer = driver.app_home_opened(ALICE)

    assert answer.ok and answer.within_deadline
    [delivery] = emulator.socket_mode.deliveries()
    assert delivery.envelope["type"] == "events_api"
    assert delivery.envelope["accepts_response_payload"] is False
    assert (delivery.envelope["retry_attempt"], delivery.envelope["retry_reason"]) == (0, "")
    assert delivery.envelope["payload"]["event"]["type"] == "app_home_opened"
    assert emulator.wait_for(lambda: driver.home(ALICE)) is not None


def test_a_slow_ack_is_late_and_still_recorded(
    app: App, handler: SocketModeHandler, emulator: SlackEmulator
) -> None:
    release = threading.Event()

    @app.command("/palier")
    def command(ack: Ack) -> None:
        release.wait(10)  # the listener is stuck until the test lets it go
        ack()

    answer = SocketModeDriver(emulator, timeout=0.3).slash_command(ALICE)
    assert answer.status == 0 and not answer.within_deadline
    release.set()
    late = emulator.wait_for(lambda: emulator.socket_mode.deliveries()[0].ack)
    assert late["envelope_id"] == answer.envelope_id


def test_refresh_requested_moves_the_app_to_a_new_connection(
    app: App, driver: SocketModeDriver, emulator: SlackEmulator
) -> None:
    @app.command("/palier")
    def command(ack: Ack) -> None:
        ack("toujours là")

    [old] = emulator.socket_mode.connections()
    emulator.socket_mode.disconnect("refresh_requested")

    # slack_sdk asks for a new URL, connects there, then drops the old connection
    # (about 3 s later: it first waits for its pending read on the old one to time out).
    assert not emulator.socket_mode.wait_closed(old.id).open
    [new] = emulator.socket_mode.connections()
    assert new.id != old.id and new.hello["type"] == "hello"
    assert len(emulator.calls_to("apps.connections.open")) == 2
    assert driver.slash_command(ALICE).json() == {"text": "toujours là"}
    assert emulator.socket_mode.deliveries()[-1].connection_id == new.id


def test_the_socket_driver_has_no_request_url(emulator: SlackEmulator) -> None:
    driver = SocketModeDriver(emulator)
    with pytest.raises(DriverError):
        driver.post(b"payload=%7B%7D", "application/x-www-form-urlencoded")
    with pytest.raises(DriverError):
        driver.url_verification()


def test_closing_the_handler_closes_the_connection(
    handler: SocketModeHandler, emulator: SlackEmulator
) -> None:
    [connection] = emulator.socket_mode.connections()
    handler.close()  # type: ignore[no-untyped-call]  # the plain way, in about a second
    assert not emulator.socket_mode.wait_closed(connection.id).open
    assert emulator.socket_mode.connections() == []
