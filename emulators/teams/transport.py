"""HTTP for the Teams emulator: the routes, reading requests, writing answers.

Paths are matched with regular expressions on the raw (still percent-encoded) path, one
segment per id: Teams' conversation ids (``a:1…``, ``19:…@thread.v2;messageid=…``)
contain ``:``, ``@`` and ``;`` but never ``/``, and clients send them unencoded. Each
captured id is then percent-decoded, so a client that does encode them is understood
too. Repeated slashes are collapsed (``…/teams//v3/…``), as ASP.NET hosts do.

The server speaks HTTP/1.1 with keep-alive (the Teams SDK's httpx client reuses
connections) and always sends ``Content-Length``. A "reset" answer drops the TCP
connection with an RST, as a broken network would.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import struct
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from emulators.teams.drive import DOWNLOAD_PATH, STORAGE_PATH, UPLOAD_PATH

SERVICE_PATH = "/teams"
"""Where the Connector lives on the emulator (the service URL is ``<base>/teams/``)."""
GRAPH_PATH = "/graph"
"""Where Microsoft Graph lives on the emulator (``https://graph.microsoft.com``'s place)."""

_CID = r"(?P<cid>[^/]+)"
_AID = r"(?P<aid>[^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (method, re.compile(pattern, re.IGNORECASE), operation)
    for method, pattern, operation in [
        ("GET", r"/v1/\.well-known/openidconfiguration", "openid"),
        ("GET", r"/v1/\.well-known/keys", "keys"),
        ("POST", r"/(?P<tenant>[^/]+)/oauth2/v2\.0/token", "token"),
        ("GET", r"/(?P<tenant>[^/]+)/discovery/v2\.0/keys", "entra_keys"),
        ("POST", rf"{SERVICE_PATH}/v3/conversations", "create_conversation"),
        ("POST", rf"{SERVICE_PATH}/v3/conversations/{_CID}/activities", "send"),
        ("POST", rf"{SERVICE_PATH}/v3/conversations/{_CID}/activities/{_AID}", "reply"),
        ("PUT", rf"{SERVICE_PATH}/v3/conversations/{_CID}/activities/{_AID}", "update"),
        ("DELETE", rf"{SERVICE_PATH}/v3/conversations/{_CID}/activities/{_AID}", "delete"),
        ("GET", rf"{SERVICE_PATH}/v3/conversations/{_CID}/members", "members"),
        ("GET", rf"{SERVICE_PATH}/v3/conversations/{_CID}/pagedmembers", "paged_members"),
        ("GET", rf"{SERVICE_PATH}/v3/conversations/{_CID}/members/(?P<mid>[^/]+)", "member"),
        (
            "GET",
            rf"{SERVICE_PATH}/v3/conversations/{_CID}/activities/{_AID}/members",
            "activity_members",
        ),
        ("GET", rf"{GRAPH_PATH}/v1\.0/users", "graph_users"),
        ("GET", rf"{GRAPH_PATH}/v1\.0/users/(?P<uid>[^/]+)", "graph_user"),
        ("GET", rf"{GRAPH_PATH}/v1\.0/users/(?P<uid>[^/]+)/mailboxSettings", "graph_mailbox"),
        ("PUT", rf"{UPLOAD_PATH}/(?P<session>[^/]+)", "upload"),
        ("GET", rf"{UPLOAD_PATH}/(?P<session>[^/]+)", "upload_status"),
        ("DELETE", rf"{UPLOAD_PATH}/(?P<session>[^/]+)", "upload_cancel"),
        ("GET", r"/sharepoint/personal/(?P<site>[^/]+)" + re.escape(DOWNLOAD_PATH), "download"),
        ("GET", re.escape(STORAGE_PATH), "download_storage"),
    ]
]

RESET = object()
"""An answer meaning "drop the connection without answering"."""


class Malformed:
    """A body that was meant to be JSON and is not."""


@dataclass
class Request:
    """One request, routed: which operation, its ids, query and parsed body."""

    method: str
    path: str
    operation: str = "unknown"
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    @property
    def bearer(self) -> str | None:
        """The token of ``Authorization: Bearer``, if any."""
        authorization = self.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            return authorization[7:].strip()
        return None

    @property
    def basic(self) -> tuple[str, str] | None:
        """(client id, secret) of ``Authorization: Basic``, if any."""
        authorization = self.headers.get("authorization", "")
        if not authorization.lower().startswith("basic "):
            return None
        try:
            decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8")
        except ValueError:
            return None
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)


def route(method: str, target: str, headers: dict[str, str], body: bytes) -> Request:
    """Match ``target`` to an operation and parse the body (form for tokens, else JSON)."""
    parts = urlsplit(target)
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    request = Request(
        method=method,
        path=unquote(path),
        query={k: v[-1] for k, v in parse_qs(parts.query).items()},
        headers=headers,
    )
    for route_method, pattern, operation in ROUTES:
        match = pattern.fullmatch(path)
        if match and route_method == method:
            request.operation = operation
            request.params = {k: unquote(v) for k, v in match.groupdict().items()}
            break
    if request.operation == "token":
        text = body.decode("utf-8", "replace")
        request.body = {k: v[-1] for k, v in parse_qs(text).items()}
    elif request.operation.startswith("upload"):
        request.body = body  # a file's bytes, as sent
    elif body:
        try:
            request.body = json.loads(body)
        except ValueError:
            request.body = Malformed()
    return request


class Handles(Protocol):
    """What the HTTP handler serves: the emulator."""

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Any:
        """``(status, headers, JSON body or None)``, or :data:`RESET`."""


def make_server(host: str, port: int, target: Handles) -> ThreadingHTTPServer:
    """A threading HTTP server on (host, port) handing every request to ``target``."""
    handler = type("_BoundHandler", (_Handler,), {"target": target})
    return _QuietServer((host, port), handler)


class _QuietServer(ThreadingHTTPServer):
    """ThreadingHTTPServer without tracebacks on stderr for dropped connections."""

    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


class _Handler(BaseHTTPRequestHandler):
    target: Handles
    server_version = "TeamsEmulator/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return  # tests read the recorded calls instead

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        result = self.target.handle(method, self.path, headers, body)
        if result is RESET:
            self.close_connection = True
            try:
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.connection.close()
            except OSError:
                pass
            return
        status, headers_out, payload = result
        raw = isinstance(payload, bytes)  # a file's bytes, as they are
        if isinstance(payload, bytes):
            data = payload
        else:
            data = b"" if payload is None else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        for key, value in headers_out.items():
            self.send_header(key, value)
        if payload is not None and not raw:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
