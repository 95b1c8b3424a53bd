"""Slack's Socket Mode for the emulator: a WebSocket server (RFC 6455) on the standard library.

A Socket Mode app calls ``apps.connections.open`` with its app-level token and gets
a one-time URL (:meth:`SocketModeServer.issue_url`); it opens a WebSocket there;
Slack says ``hello``, then sends *envelopes* (``{"envelope_id", "type",
"accepts_response_payload", "payload"}``) that the app acknowledges with
``{"envelope_id", "payload"?}`` within 3 seconds. :meth:`SocketModeServer.deliver`
sends one envelope and waits for its ack. Control frames are handled as RFC 6455
says: pings are answered with pongs, a close is answered with a close.

It is deliberately small: one thread per connection, text frames (fragmented or
not), no extensions (no permessage-deflate, which Slack's SDK clients do not ask
for), no TLS. The URL is ``ws://``: slack_sdk's builtin client only uses TLS on
port 443, and the other clients follow the scheme.

Everything here is test infrastructure: no text in it is shown to Palier's users.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import hashlib
import itertools
import json
import secrets
import selectors
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

JsonDict = dict[str, Any]

ACK_DEADLINE = 3.0  # seconds Slack gives the app to acknowledge an envelope
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
LINK_PATH = "/link/"  # the path of Slack's Socket Mode URLs (wss://…/link/?ticket=…)
MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # far above anything Slack or an app sends
HANDSHAKE_TIMEOUT = 5.0
ENVELOPE_TYPES = frozenset({"events_api", "interactive", "slash_commands"})

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA
_CONTROL = frozenset({OP_CLOSE, OP_PING, OP_PONG})
_KNOWN = frozenset({OP_CONTINUATION, OP_TEXT, OP_BINARY}) | _CONTROL

# Close codes (RFC 6455, section 7.4.1).
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_UNSUPPORTED = 1003
CLOSE_NO_STATUS = 1005
CLOSE_ABNORMAL = 1006  # never sent: the connection dropped without a close frame
CLOSE_INVALID_DATA = 1007
CLOSE_TOO_BIG = 1009


class ProtocolError(Exception):
    """The peer broke RFC 6455; ``code`` is the close code to answer with."""

    def __init__(self, message: str, code: int = CLOSE_PROTOCOL_ERROR) -> None:
        super().__init__(message)
        self.code = code


class SocketModeError(Exception):
    """Nothing can carry an envelope: the app has no open Socket Mode connection."""


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a client's ``Sec-WebSocket-Key`` (RFC 6455, 4.2.2)."""
    digest = hashlib.sha1((key + WEBSOCKET_GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def encode_frame(
    opcode: int, payload: bytes = b"", *, fin: bool = True, mask: bytes | None = None
) -> bytes:
    """One frame. Servers send frames unmasked; clients pass a 4-byte ``mask``."""
    head = bytearray([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if mask is not None else 0
    length = len(payload)
    if length < 126:
        head.append(mask_bit | length)
    elif length < 1 << 16:
        head.append(mask_bit | 126)
        head += struct.pack("!H", length)
    else:
        head.append(mask_bit | 127)
        head += struct.pack("!Q", length)
    if mask is None:
        return bytes(head) + payload
    if len(mask) != 4:
        raise ValueError("a frame mask has 4 bytes")
    return bytes(head) + mask + _apply_mask(payload, mask)


def close_payload(code: int, reason: str = "") -> bytes:
    """The body of a close frame: the status code, then a UTF-8 reason."""
    return struct.pack("!H", code) + reason.encode("utf-8")


def _apply_mask(data: bytes, mask: bytes) -> bytes:
    # XOR with the 4-byte key repeated, done on one big integer instead of byte by byte.
    if not data:
        return b""
    repeated = (mask * (len(data) // 4 + 1))[: len(data)]
    value = int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")
    return value.to_bytes(len(data), "big")


@dataclass(frozen=True)
class Frame:
    """A frame as read off the wire (payload already unmasked)."""

    fin: bool
    opcode: int
    payload: bytes
    masked: bool


def read_frame(read: Callable[[int], bytes], *, max_size: int = MAX_MESSAGE_BYTES) -> Frame | None:
    """Read one frame with ``read(n)`` (which returns fewer bytes only at end of stream).

    Returns None at a clean end of stream (before a frame starts). Raises
    :class:`ProtocolError` for reserved bits (no extension was negotiated), unknown
    opcodes, malformed control frames and oversized frames; ``EOFError`` for a
    frame cut short.
    """
    head = read(2)
    if not head:
        return None
    if len(head) < 2:
        raise EOFError("frame header cut short")
    first, second = head[0], head[1]
    fin, opcode, masked = bool(first & 0x80), first & 0x0F, bool(second & 0x80)
    if first & 0x70:
        raise ProtocolError("reserved bits set without a negotiated extension")
    if opcode not in _KNOWN:
        raise ProtocolError(f"unknown opcode {opcode:#x}")
    length = second & 0x7F
    if length == 126:
        length = struct.unpack("!H", _exactly(read, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", _exactly(read, 8))[0]
    if opcode in _CONTROL and (length > 125 or not fin):
        raise ProtocolError("control frames are short and never fragmented")
    if length > max_size:
        raise ProtocolError(f"frame of {length} bytes", CLOSE_TOO_BIG)
    mask = _exactly(read, 4) if masked else b""
    payload = _exactly(read, length)
    if masked:
        payload = _apply_mask(payload, mask)
    return Frame(fin=fin, opcode=opcode, payload=payload, masked=masked)


def _exactly(read: Callable[[int], bytes], count: int) -> bytes:
    data = read(count) if count else b""
    if len(data) < count:
        raise EOFError("frame cut short")
    return data


# ----------------------------------------------------------------------------------
# What tests read back
# ----------------------------------------------------------------------------------


@dataclass
class Delivery:
    """One envelope sent to the app, and its acknowledgement if one came.

    ``sent_at`` / ``acked_at`` come from ``time.monotonic()``. An ack that arrives
    after :meth:`SocketModeServer.deliver` stopped waiting is still recorded here
    (see :meth:`SocketModeServer.deliveries`).
    """

    envelope: JsonDict
    connection_id: int
    sent_at: float
    ack: JsonDict | None = None
    acked_at: float | None = None
    ack_connection_id: int | None = None
    connection_closed: bool = False  # the connection closed before any ack came

    @property
    def envelope_id(self) -> str:
        """The envelope's id, which the ack must repeat."""
        return str(self.envelope["envelope_id"])

    @property
    def acked(self) -> bool:
        """An ack with this envelope_id came back (in time or not)."""
        return self.ack is not None

    @property
    def elapsed(self) -> float | None:
        """Seconds from sending to the ack (None without an ack)."""
        return None if self.acked_at is None else self.acked_at - self.sent_at

    @property
    def within_deadline(self) -> bool:
        """Acknowledged within Slack's 3 s."""
        return self.elapsed is not None and self.elapsed <= ACK_DEADLINE

    @property
    def payload(self) -> Any:
        """The ack's ``payload`` (what an HTTP response body would be), None if none."""
        return None if self.ack is None else self.ack.get("payload")


@dataclass
class SocketMessage:
    """A message on a connection: JSON text both ways, and the control frames."""

    connection_id: int
    direction: Literal["sent", "received"]
    kind: Literal["text", "binary", "ping", "pong", "close"]
    data: Any  # the parsed JSON for text (the raw str if not JSON), bytes otherwise
    at: float  # time.monotonic()


@dataclass
class ConnectionInfo:
    """A Socket Mode connection as a test sees it (a snapshot)."""

    id: int
    app_id: str
    url: str
    hello: JsonDict
    opened_at: float
    open: bool
    close_code: int | None = None  # the code of the close frame received or sent
    close_reason: str = ""
    pings_received: int = 0
    pongs_received: int = 0
    refused: list[str] = field(default_factory=list)  # protocol errors seen


@dataclass
class _Ticket:
    app_id: str
    issued_at: float
    used: bool = False


class _Pending:
    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery
        self.done = threading.Event()


class _Connection:
    """One WebSocket: its socket, its write lock and its state."""

    def __init__(
        self, id: int, app_id: str, url: str, sock: socket.socket, hello: JsonDict
    ) -> None:
        self.id = id
        self.app_id = app_id
        self.url = url
        self.sock = sock
        self.hello = hello
        self.opened_at = time.monotonic()
        self.write_lock = threading.Lock()
        self.closed = threading.Event()
        self.close_sent = False
        self.close_code: int | None = None
        self.close_reason = ""
        self.pings_received = 0
        self.pongs_received = 0
        self.pong_waiters: dict[bytes, threading.Event] = {}
        self.refused: list[str] = []

    def info(self) -> ConnectionInfo:
        return ConnectionInfo(
            id=self.id,
            app_id=self.app_id,
            url=self.url,
            hello=copy.deepcopy(self.hello),
            opened_at=self.opened_at,
            open=not self.closed.is_set(),
            close_code=self.close_code,
            close_reason=self.close_reason,
            pings_received=self.pings_received,
            pongs_received=self.pongs_received,
            refused=list(self.refused),
        )

    def send_frame(self, opcode: int, payload: bytes = b"", prefix: bytes = b"") -> None:
        """Write one unmasked frame (after ``prefix``); OSError if the socket is gone."""
        if self.closed.is_set() or (self.close_sent and opcode != OP_CLOSE):
            raise OSError("the connection is closing")
        with self.write_lock:
            if opcode == OP_CLOSE:
                if self.close_sent:
                    return
                self.close_sent = True
            self.sock.sendall(prefix + encode_frame(opcode, payload))

    def drop(self) -> None:
        """End the TCP connection (both directions); the reader thread then stops."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class SocketModeServer:
    """Slack's Socket Mode endpoint: WebSockets on ``ws://127.0.0.1:<port>/link/``.

    :class:`~emulators.slack.server.SlackEmulator` owns one and starts it
    with itself; ``apps.connections.open`` hands out URLs from :meth:`issue_url`.
    Each URL's ticket is good for one connection. Thread-safe.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] | None = None,
        approximate_connection_time: int = 18_060,
        build_number: int = 1,
    ) -> None:
        self.clock: Callable[[], float] = clock or time.time
        self.approximate_connection_time = approximate_connection_time
        self.build_number = build_number
        self._host = host
        self._port = port
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._ids = itertools.count(1)
        self._tickets: dict[str, _Ticket] = {}
        self._connections: dict[int, _Connection] = {}
        self._pending: dict[str, _Pending] = {}
        self._deliveries: list[Delivery] = []
        self._log: list[SocketMessage] = []
        self._stray: list[JsonDict] = []
        self._listener: socket.socket | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._thread: threading.Thread | None = None
        self._sessions: dict[socket.socket, threading.Thread] = {}  # accepted, not yet ended
        self._started = ""

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> SocketModeServer:
        """Listen and accept in a daemon thread; return self."""
        if self._listener is not None:
            return self
        listener = socket.create_server((self._host, self._port))
        self._listener = listener
        # A socket pair wakes the accept loop at once on stop(), where polling would
        # add its interval to every test's teardown.
        self._wake = socket.socketpair()
        self._started = _slack_time(self.clock())
        self._thread = threading.Thread(
            target=self._accept_loop,
            args=(listener, self._wake[1]),
            name="slack-socket-mode",
            daemon=True,
        )
        self._thread.start()
        return self

    def _accept_loop(self, listener: socket.socket, wake: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while True:
                for key, _events in selector.select():
                    if key.fileobj is wake:
                        return
                    try:
                        sock, _address = listener.accept()
                    except OSError:
                        continue  # the client gave up between select and accept
                    thread = threading.Thread(
                        target=self._serve_session, args=(sock,), name="slack-socket", daemon=True
                    )
                    with self._lock:
                        self._sessions[sock] = thread
                    thread.start()

    def _serve_session(self, sock: socket.socket) -> None:
        try:
            _WebSocketSession(self, sock).run()
        finally:
            with self._lock:
                self._sessions.pop(sock, None)
            sock.close()

    def stop(self) -> None:
        """Close every connection (1001 "going away"), stop listening, release the port."""
        if self._listener is None or self._wake is None:
            return
        self._wake[0].send(b"x")
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            connections = list(self._connections.values())
            sessions = dict(self._sessions)
        for connection in connections:
            if not connection.closed.is_set():
                with contextlib.suppress(OSError):
                    connection.send_frame(OP_CLOSE, close_payload(CLOSE_GOING_AWAY, "stopping"))
        for sock, thread in sessions.items():
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # also ends handshakes still being read
            if thread is not threading.current_thread():
                thread.join(timeout=2)
        self._listener.close()
        for end in self._wake:
            end.close()
        self._listener = self._wake = self._thread = None

    def __enter__(self) -> SocketModeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``ws://127.0.0.1:<port>/`` (the server must be started)."""
        if self._listener is None:
            raise RuntimeError("SocketModeServer is not started")
        host, port = self._listener.getsockname()[:2]
        return f"ws://{host!s}:{port}/"

    # -- what apps.connections.open hands out --------------------------------------

    def issue_url(self, app_id: str) -> str:
        """A fresh one-time URL for ``app_id``, shaped like Slack's."""
        ticket = str(uuid.uuid4())
        with self._lock:
            self._tickets[ticket] = _Ticket(app_id, self.clock())
        return f"{self.base_url.rstrip('/')}{LINK_PATH}?ticket={ticket}&app_id={app_id}"

    def _claim(self, ticket: str) -> str | None:
        with self._lock:
            found = self._tickets.get(ticket)
            if found is None or found.used:
                return None
            found.used = True
            return found.app_id

    # -- connections -------------------------------------------------------------------

    def connections(
        self, app_id: str | None = None, *, open_only: bool = True
    ) -> list[ConnectionInfo]:
        """The connections (of ``app_id``), oldest first; only open ones by default."""
        with self._lock:
            return [
                c.info()
                for c in self._connections.values()
                if (app_id is None or c.app_id == app_id)
                and (not open_only or not c.closed.is_set())
            ]

    def connection(self, connection_id: int) -> ConnectionInfo:
        """One connection, open or closed."""
        with self._lock:
            return self._connections[connection_id].info()

    def wait_for_connections(
        self, count: int = 1, app_id: str | None = None, timeout: float = 5.0
    ) -> list[ConnectionInfo]:
        """Wait until at least ``count`` connections are open; return them. TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.connections(app_id)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(found)} of {count} Socket Mode connection(s) open")
                self._changed.wait(remaining)

    def wait_closed(self, connection_id: int, timeout: float = 5.0) -> ConnectionInfo:
        """Wait until a connection is closed; return it. TimeoutError."""
        with self._lock:
            connection = self._connections[connection_id]
        if not connection.closed.wait(timeout):
            raise TimeoutError(f"connection {connection_id} still open after {timeout:.1f} s")
        return connection.info()

    def _open(self, connection: _Connection) -> None:
        with self._changed:
            self._connections[connection.id] = connection
            self._changed.notify_all()

    def _hello(self, app_id: str, connection_id: int) -> JsonDict:
        with self._lock:
            others = sum(
                1
                for c in self._connections.values()
                if c.app_id == app_id and not c.closed.is_set()
            )
        return {
            "type": "hello",
            "num_connections": others + 1,
            "debug_info": {
                "host": f"applink-emulator-{connection_id}",
                "started": self._started,
                "build_number": self.build_number,
                "approximate_connection_time": self.approximate_connection_time,
            },
            "connection_info": {"app_id": app_id},
        }

    def _closed(self, connection: _Connection) -> None:
        with self._changed:
            connection.closed.set()
            # Nothing can acknowledge these any more: wake their senders now.
            for pending in self._pending.values():
                if pending.delivery.connection_id == connection.id and not pending.delivery.acked:
                    pending.delivery.connection_closed = True
                    pending.done.set()
            for waiter in connection.pong_waiters.values():
                waiter.set()
            self._changed.notify_all()

    # -- envelopes -------------------------------------------------------------------------

    def deliver(
        self,
        app_id: str,
        type: str,
        payload: JsonDict,
        *,
        accepts_response_payload: bool,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = ACK_DEADLINE,
        connection_id: int | None = None,
    ) -> Delivery:
        """Send one envelope to the app and wait up to ``timeout`` s for its ack.

        It goes on ``connection_id``, else on the app's newest open connection
        (Slack may pick any; the newest is the one that survives a refresh).
        ``retry_attempt``/``retry_reason`` are part of ``events_api`` envelopes.
        Returns a copy of the :class:`Delivery` (``ack`` None if none came in time,
        ``connection_closed`` if the connection went away first). Raises
        :class:`SocketModeError` when the app has no open connection.
        """
        if type not in ENVELOPE_TYPES:
            raise ValueError(f"unknown envelope type {type!r}")
        envelope: JsonDict = {
            "envelope_id": str(uuid.uuid4()),
            "type": type,
            "accepts_response_payload": accepts_response_payload,
            "payload": payload,
        }
        if type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        text = json.dumps(envelope)
        tried: set[int] = set()
        while True:
            connection = self._pick(app_id, connection_id, tried)
            if connection is None:
                raise SocketModeError(f"app {app_id} has no open Socket Mode connection")
            tried.add(connection.id)
            pending = _Pending(Delivery(copy.deepcopy(envelope), connection.id, time.monotonic()))
            with self._lock:
                self._pending[pending.delivery.envelope_id] = pending
                self._deliveries.append(pending.delivery)
            try:
                connection.send_frame(OP_TEXT, text.encode("utf-8"))
            except OSError:
                # Gone under our feet (the app replaced it): try another, as Slack would.
                with self._lock:
                    self._pending.pop(pending.delivery.envelope_id, None)
                    self._deliveries.remove(pending.delivery)
                connection.drop()
                if connection_id is not None:
                    raise SocketModeError(f"connection {connection_id} is closed") from None
                continue
            self._record(connection.id, "sent", "text", envelope)
            break
        pending.done.wait(timeout)
        with self._lock:
            return copy.deepcopy(pending.delivery)

    def _pick(self, app_id: str, wanted: int | None, tried: set[int]) -> _Connection | None:
        with self._lock:
            if wanted is not None:
                found = self._connections.get(wanted)
                if found is None or found.closed.is_set() or found.close_sent or wanted in tried:
                    return None
                return found
            candidates = [
                c
                for c in self._connections.values()
                if c.app_id == app_id
                and not c.closed.is_set()
                and not c.close_sent
                and c.id not in tried
            ]
            return candidates[-1] if candidates else None

    def _acknowledge(self, connection: _Connection, message: Any) -> None:
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        with self._lock:
            pending = self._pending.get(str(envelope_id)) if envelope_id is not None else None
            if pending is None or pending.delivery.acked:
                # Not an answer to anything we sent (or a second answer): keep it for tests.
                self._stray.append(
                    {"connection_id": connection.id, "message": copy.deepcopy(message)}
                )
                return
            delivery = pending.delivery
            delivery.ack = copy.deepcopy(message)
            delivery.acked_at = time.monotonic()
            delivery.ack_connection_id = connection.id
            pending.done.set()

    def deliveries(self) -> list[Delivery]:
        """Every envelope sent so far with what came back, oldest first."""
        with self._lock:
            return copy.deepcopy(self._deliveries)

    def stray_messages(self) -> list[JsonDict]:
        """Messages from apps that acknowledged nothing pending (unknown or repeated ids)."""
        with self._lock:
            return copy.deepcopy(self._stray)

    def messages(self, connection_id: int | None = None) -> list[SocketMessage]:
        """The message log (of one connection), oldest first."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in self._log
                if connection_id is None or m.connection_id == connection_id
            ]

    def _record(
        self,
        connection_id: int,
        direction: Literal["sent", "received"],
        kind: Literal["text", "binary", "ping", "pong", "close"],
        data: Any,
    ) -> None:
        with self._lock:
            self._log.append(
                SocketMessage(connection_id, direction, kind, copy.deepcopy(data), time.monotonic())
            )

    # -- Slack's other messages and control frames -------------------------------------------

    def send_message(self, connection_id: int, message: JsonDict) -> None:
        """Send any JSON message on a connection (OSError if it is closed)."""
        with self._lock:
            connection = self._connections[connection_id]
        connection.send_frame(OP_TEXT, json.dumps(message).encode("utf-8"))
        self._record(connection_id, "sent", "text", message)

    def disconnect(
        self,
        reason: str = "refresh_requested",
        *,
        app_id: str | None = None,
        connection_id: int | None = None,
    ) -> list[int]:
        """Send Slack's ``{"type": "disconnect", "reason": …}`` (``warning``,
        ``refresh_requested``, ``link_disabled``) to one connection or to all open
        ones (of ``app_id``). The app is expected to open a new connection and drop
        this one; the socket stays open until it does. Returns the connection ids.
        """
        targets = (
            [connection_id]
            if connection_id is not None
            else [c.id for c in self.connections(app_id)]
        )
        for target in targets:
            message = {
                "type": "disconnect",
                "reason": reason,
                "debug_info": {"host": f"applink-emulator-{target}"},
            }
            self.send_message(target, message)
        return targets

    def ping(
        self, connection_id: int, payload: bytes | None = None, timeout: float = 3.0
    ) -> float | None:
        """Ping a connection; the round-trip time in seconds, None without a matching pong."""
        with self._lock:
            connection = self._connections[connection_id]
        data = payload if payload is not None else secrets.token_hex(8).encode("ascii")
        waiter = threading.Event()
        connection.pong_waiters[data] = waiter
        started = time.monotonic()
        try:
            connection.send_frame(OP_PING, data)
        except OSError:
            connection.pong_waiters.pop(data, None)
            return None
        self._record(connection_id, "sent", "ping", data)
        answered = waiter.wait(timeout) and not connection.closed.is_set()
        connection.pong_waiters.pop(data, None)
        return time.monotonic() - started if answered else None

    def close(
        self, connection_id: int, code: int = CLOSE_NORMAL, reason: str = "", timeout: float = 2.0
    ) -> ConnectionInfo:
        """Close a connection as RFC 6455 says: a close frame, then wait for the peer."""
        with self._lock:
            connection = self._connections[connection_id]
        try:
            connection.send_frame(OP_CLOSE, close_payload(code, reason))
            connection.close_code, connection.close_reason = code, reason
            self._record(connection_id, "sent", "close", {"code": code, "reason": reason})
        except OSError:
            pass
        if not connection.closed.wait(timeout):
            connection.drop()  # the peer did not answer: end the TCP connection ourselves
            connection.closed.wait(timeout)
        return connection.info()


def _slack_time(at: float) -> str:
    """``2020-10-11 12:12:12.120``, the format of hello's ``debug_info.started``."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


class _WebSocketSession:
    """One accepted TCP connection: the handshake, then frames until a close or EOF."""

    def __init__(self, owner: SocketModeServer, sock: socket.socket) -> None:
        self.owner = owner
        self.connection = sock
        # Buffered: frames are read a few bytes at a time.
        self.rfile = sock.makefile("rb")

    def run(self) -> None:
        try:
            self._run()
        finally:
            self.rfile.close()

    def _run(self) -> None:
        owner = self.owner
        self.connection.settimeout(HANDSHAKE_TIMEOUT)  # a silent client does not hold a thread
        accepted = self._handshake(owner)
        if accepted is None:
            return
        connection, key = accepted
        # Registered before the 101 goes out, so an app whose connect() returned is
        # already reachable by deliver().
        owner._open(connection)
        response = (
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept_key(key)}\r\n"
            "\r\n"
        ).encode("ascii")
        self.connection.settimeout(None)
        try:
            # One write for the 101 and hello: slack_sdk's client reads the handshake
            # answer byte by byte and then expects the frames right behind it.
            hello = json.dumps(connection.hello).encode("utf-8")
            connection.send_frame(OP_TEXT, hello, prefix=response)
            owner._record(connection.id, "sent", "text", connection.hello)
            self._frames(owner, connection)
        except (OSError, EOFError):
            pass  # the peer went away without a close frame (1006)
        finally:
            connection.drop()
            owner._closed(connection)

    # -- handshake -------------------------------------------------------------------

    def _handshake(self, owner: SocketModeServer) -> tuple[_Connection, str] | None:
        try:
            request_line = self.rfile.readline(8192).decode("latin-1").rstrip("\r\n")
            headers: dict[str, str] = {}
            for _ in range(100):
                line = self.rfile.readline(8192).decode("latin-1").rstrip("\r\n")
                if not line:
                    break
                name, _sep, value = line.partition(":")
                key = name.strip().lower()
                headers[key] = (
                    f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
                )
            else:
                self._refuse(431, "Request Header Fields Too Large", "too many headers")
                return None
        except (OSError, UnicodeDecodeError):  # includes the handshake timeout
            return None
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            self._refuse(400, "Bad Request", "malformed request line")
            return None
        method, target, version = parts
        if method != "GET":
            self._refuse(405, "Method Not Allowed", "a WebSocket handshake is a GET")
            return None
        if version != "HTTP/1.1" or "host" not in headers:
            self._refuse(400, "Bad Request", "HTTP/1.1 with a Host header is required")
            return None
        url = urlsplit(target)
        if url.path != LINK_PATH:
            self._refuse(404, "Not Found", "not a Socket Mode URL")
            return None
        if headers.get("upgrade", "").lower() != "websocket" or "upgrade" not in [
            token.strip().lower() for token in headers.get("connection", "").split(",")
        ]:
            self._refuse(400, "Bad Request", "Upgrade: websocket and Connection: Upgrade expected")
            return None
        if headers.get("sec-websocket-version") != "13":
            self._refuse(426, "Upgrade Required", "WebSocket version 13 only", version_header=True)
            return None
        key = headers.get("sec-websocket-key", "")
        try:
            valid_key = len(base64.b64decode(key, validate=True)) == 16
        except (binascii.Error, ValueError):
            valid_key = False
        if not valid_key:
            self._refuse(400, "Bad Request", "Sec-WebSocket-Key must be 16 bytes in base64")
            return None
        ticket = (parse_qs(url.query).get("ticket") or [""])[-1]
        app_id = owner._claim(ticket)
        if app_id is None:
            # Unknown, or already used: a URL from apps.connections.open serves once.
            self._refuse(401, "Unauthorized", "invalid or used ticket")
            return None
        connection_id = next(owner._ids)
        hello = owner._hello(app_id, connection_id)
        base = owner.base_url.rstrip("/")
        return _Connection(connection_id, app_id, base + target, self.connection, hello), key

    def _refuse(self, status: int, reason: str, body: str, *, version_header: bool = False) -> None:
        data = body.encode("utf-8")
        extra = "Sec-WebSocket-Version: 13\r\n" if version_header else ""
        head = (
            f"HTTP/1.1 {status} {reason}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(data)}\r\n"
            f"{extra}"
            "Connection: close\r\n\r\n"
        )
        with contextlib.suppress(OSError):
            self.connection.sendall(head.encode("ascii") + data)

    # -- frames ----------------------------------------------------------------------------

    def _frames(self, owner: SocketModeServer, connection: _Connection) -> None:
        message_opcode: int | None = None  # of the fragmented message being assembled
        parts: list[bytes] = []
        size = 0
        while True:
            try:
                frame = read_frame(self.rfile.read)
                if frame is None:
                    return  # end of stream without a close frame
                if not frame.masked:
                    raise ProtocolError("client frames must be masked")
                if frame.opcode == OP_CLOSE:
                    self._on_close(owner, connection, frame.payload)
                    return
                if frame.opcode == OP_PING:
                    connection.pings_received += 1
                    owner._record(connection.id, "received", "ping", frame.payload)
                    connection.send_frame(OP_PONG, frame.payload)
                    continue
                if frame.opcode == OP_PONG:
                    connection.pongs_received += 1
                    owner._record(connection.id, "received", "pong", frame.payload)
                    waiter = connection.pong_waiters.get(frame.payload)
                    if waiter is not None:
                        waiter.set()
                    continue
                if frame.opcode == OP_CONTINUATION:
                    if message_opcode is None:
                        raise ProtocolError("continuation without a message to continue")
                elif message_opcode is not None:
                    raise ProtocolError("a new message inside a fragmented one")
                else:
                    message_opcode = frame.opcode
                parts.append(frame.payload)
                size += len(frame.payload)
                if size > MAX_MESSAGE_BYTES:
                    raise ProtocolError(f"message of more than {size} bytes", CLOSE_TOO_BIG)
                if not frame.fin:
                    continue
                data, opcode = b"".join(parts), message_opcode
                message_opcode, parts, size = None, [], 0
                self._on_message(owner, connection, opcode, data)
            except ProtocolError as error:
                connection.refused.append(str(error))
                try:
                    connection.send_frame(OP_CLOSE, close_payload(error.code, str(error)[:120]))
                    connection.close_code, connection.close_reason = error.code, str(error)[:120]
                except OSError:
                    pass
                return

    def _on_message(
        self, owner: SocketModeServer, connection: _Connection, opcode: int, data: bytes
    ) -> None:
        if opcode == OP_BINARY:
            # Slack speaks JSON text only; keep what came, answer nothing.
            owner._record(connection.id, "received", "binary", data)
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("text frames must be UTF-8", CLOSE_INVALID_DATA) from None
        try:
            message: Any = json.loads(text)
        except json.JSONDecodeError:
            message = text
        owner._record(connection.id, "received", "text", message)
        owner._acknowledge(connection, message)

    def _on_close(self, owner: SocketModeServer, connection: _Connection, payload: bytes) -> None:
        if len(payload) == 1:
            raise ProtocolError("a close payload has a 2-byte code")
        code = struct.unpack("!H", payload[:2])[0] if payload else CLOSE_NO_STATUS
        reason = payload[2:].decode("utf-8", "replace")
        owner._record(connection.id, "received", "close", {"code": code, "reason": reason})
        if not connection.close_sent:
            connection.close_code, connection.close_reason = code, reason
            # Echo the code (RFC 6455, 5.5.1); 1005 means "none given", so send none back.
            echo = b"" if code == CLOSE_NO_STATUS else payload[:2]
            with contextlib.suppress(OSError):
                connection.send_frame(OP_CLOSE, echo)
