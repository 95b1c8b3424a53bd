"""A local Slack: the Web API over real HTTP, with Slack's response shapes and errors.

``SlackEmulator`` is an ``http.server.ThreadingHTTPServer`` in a daemon thread on
127.0.0.1 (an ephemeral port by default). ``slack_sdk.WebClient(token=...,
base_url=emulator.api_url)`` talks to it unchanged, and so does a Bolt app built on
such a client. It keeps workspaces, users, channels, messages, ephemerals, views,
files, trigger_ids and response_urls; it records every call; it checks Block Kit
limits on every outgoing payload (:mod:`.blockkit`); and it can fail on demand
(429 with ``Retry-After``, 5xx, slow answers, connection resets, calls held until
released), enforce Slack's rate-limit tiers, or answer every call after Slack's round
trip (``latency``, for benchmarks). A trigger_id opens a view only within
``trigger_ttl`` seconds (3) of the emulator's clock, once; :meth:`SlackEmulator.trigger`
tells when it was issued and used.

Besides ``/api/<method>`` it serves the two other URLs Slack hands out: the upload
URL of ``files.getUploadURLExternal`` (``/upload/v1/<key>``) and the
``response_url`` of slash commands and interactions (``/response/<id>``). Socket
Mode has its own port (:mod:`.socket_mode`): ``apps.connections.open``, called with
the app-level token, answers a ``ws://`` URL there.

Slack's OAuth install flow is there too: :meth:`SlackEmulator.approve` is a person
clicking *Allow* on Slack's authorize page (it answers the code and state Slack would
redirect the browser with), ``oauth.v2.access`` exchanges the code for the workspace's
bot token, and, with ``token_rotation`` on, issues tokens that expire (``token_expired``
after ``token_lifetime`` seconds of the emulator's clock) and refreshes them
(``grant_type=refresh_token``, each refresh token good once).

Everything here is test infrastructure: no text in it is shown to Palier's users.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import math
import secrets
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from emulators.slack import blockkit
from emulators.slack.listeners import DRAIN_TIMEOUT, ListenerExecutor
from emulators.slack.socket_mode import SocketModeServer

JsonDict = dict[str, Any]
T = TypeVar("T")

# Rate-limit tiers, requests per minute (Slack's published minimums).
TIER_LIMITS: dict[int, int] = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS: dict[str, int] = {
    "apps.connections.open": 1,
    "auth.test": 4,  # "special" in Slack's docs; generous
    "chat.delete": 3,
    "chat.getPermalink": 4,  # "special"
    "chat.postEphemeral": 4,
    "chat.update": 3,
    "conversations.history": 3,
    "conversations.open": 3,
    "files.completeUploadExternal": 4,
    "files.getUploadURLExternal": 4,
    "files.info": 4,
    "users.info": 4,
    "users.list": 2,
    "users.lookupByEmail": 3,
    "views.open": 4,
    "views.publish": 4,
    "views.push": 4,
    "views.update": 4,
}
# chat.postMessage: 1 message per second per channel (Slack's docs), "while also
# maintaining a workspace-wide limit" whose figure Slack does not publish. The emulator
# models it as this many messages per minute per workspace (a setting); operators
# report figures of this order for bulk DMs.
POST_MESSAGE_PER_MINUTE = 600

# Since 2025-05-29, commercially distributed apps that are not in the Marketplace get
# conversations.history at 1 request per minute and at most 15 messages per page.
NON_MARKETPLACE_HISTORY_LIMIT = 15
# Methods called with the app-level token (xapp-…) rather than a bot token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
# Methods called with the app's client id and secret rather than a token.
CLIENT_METHODS = frozenset({"oauth.v2.access"})
# Slack's OAuth codes are good for ten minutes, once; rotating tokens for twelve hours.
OAUTH_CODE_TTL = 10 * 60.0
TOKEN_LIFETIME = 12 * 3600.0
RESPONSE_URL_MAX_USES = 5
RESPONSE_URL_TTL = 30 * 60.0


# ----------------------------------------------------------------------------------
# State records. Accessors hand out deep copies, so tests never race the server.
# ----------------------------------------------------------------------------------


@dataclass
class Workspace:
    """A Slack workspace with Palier installed: its bot token and bot user.

    ``app_token`` is the app-level token (``xapp-…``) of the app installed here,
    for Socket Mode. It belongs to the app, not to the workspace: workspaces where
    the same app is installed show the same one.
    """

    team_id: str
    name: str
    domain: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    app_id: str
    home_tab_enabled: bool = True
    app_token: str = ""


@dataclass
class User:
    """A member of a workspace, as ``users.info`` describes them."""

    id: str
    team_id: str
    name: str
    real_name: str
    email: str | None
    tz: str = "Europe/Paris"
    locale: str = "fr-FR"
    deleted: bool = False
    is_admin: bool = False
    is_bot: bool = False
    updated: int = 0

    def to_api(self, at: float, *, include_locale: bool = False) -> JsonDict:
        """The ``user`` object of users.info at POSIX time ``at`` (tz_offset moves with DST)."""
        try:
            moment = datetime.fromtimestamp(at, ZoneInfo(self.tz))
            offset = moment.utcoffset()
            tz_offset = int(offset.total_seconds()) if offset is not None else 0
            tz_label = moment.tzname() or self.tz
        except ZoneInfoNotFoundError:
            tz_offset, tz_label = 0, self.tz
        profile: JsonDict = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "team": self.team_id,
            "image_48": f"https://avatars.emulator.invalid/{self.id}_48.png",
        }
        if self.email is not None:
            profile["email"] = self.email
        data: JsonDict = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": self.updated,
        }
        if include_locale:
            data["locale"] = self.locale
        return data


@dataclass
class Channel:
    """A conversation: a DM between the bot and one user, or a channel."""

    id: str
    team_id: str
    name: str
    is_im: bool = False
    user: str | None = None  # the other party of a DM
    members: set[str] = field(default_factory=set)
    created: int = 0


@dataclass
class Message:
    """A message as it stands now (after updates); ``versions`` keeps earlier states."""

    channel: str
    ts: str
    team_id: str
    text: str | None
    blocks: list[JsonDict] | None
    user: str | None
    bot_id: str | None = None
    app_id: str | None = None
    metadata: JsonDict | None = None
    thread_ts: str | None = None
    attachments: list[Any] | None = None
    files: list[JsonDict] | None = None
    ephemeral_for: str | None = None
    edited: bool = False
    deleted: bool = False
    source: str = "api"  # api | response_url | command_ack | user
    versions: list[JsonDict] = field(default_factory=list)

    @property
    def is_ephemeral(self) -> bool:
        """True for a message only ``ephemeral_for`` can see."""
        return self.ephemeral_for is not None

    def to_api(self, *, include_metadata: bool = True) -> JsonDict:
        """The message object of conversations.history / chat.postMessage."""
        data: JsonDict = {"type": "message", "ts": self.ts, "text": self.text or ""}
        if self.user is not None:
            data["user"] = self.user
        if self.bot_id is not None:
            data["bot_id"] = self.bot_id
            data["app_id"] = self.app_id
        data["team"] = self.team_id
        if self.blocks is not None:
            data["blocks"] = copy.deepcopy(self.blocks)
        if self.attachments:
            data["attachments"] = copy.deepcopy(self.attachments)
        if self.files:
            data["files"] = copy.deepcopy(self.files)
        if self.thread_ts is not None:
            data["thread_ts"] = self.thread_ts
        if self.edited:
            data["edited"] = {"user": self.user, "ts": self.ts}
        if include_metadata and self.metadata is not None:
            data["metadata"] = copy.deepcopy(self.metadata)
        return data


@dataclass
class View:
    """A modal (in a user's stack) or a Home tab, as the Views API returns it."""

    id: str
    team_id: str
    user_id: str
    data: JsonDict
    errors: dict[str, str] | None = None  # the last ``response_action: errors`` shown

    @property
    def type(self) -> str:
        """``modal`` or ``home``."""
        return str(self.data.get("type"))

    @property
    def callback_id(self) -> str:
        """The view's callback_id ("" if none)."""
        return str(self.data.get("callback_id") or "")

    @property
    def external_id(self) -> str:
        """The view's external_id ("" if none)."""
        return str(self.data.get("external_id") or "")

    @property
    def private_metadata(self) -> str:
        """The view's private_metadata ("" if none)."""
        return str(self.data.get("private_metadata") or "")

    @property
    def hash(self) -> str:
        """The current hash (changes on each update)."""
        return str(self.data.get("hash"))

    @property
    def blocks(self) -> list[JsonDict]:
        """The view's blocks, with the block_ids/action_ids Slack filled in."""
        blocks = self.data.get("blocks") or []
        return list(blocks)

    @property
    def title(self) -> str:
        """The modal's title text ("" for Home)."""
        title = self.data.get("title")
        return str(title.get("text", "")) if isinstance(title, Mapping) else ""

    def to_api(self) -> JsonDict:
        """A copy of the full view object."""
        return copy.deepcopy(self.data)


@dataclass
class Trigger:
    """A trigger_id handed to the bot with an interaction: 3 s, once."""

    id: str
    team_id: str
    user_id: str
    issued_at: float
    used: bool = False
    used_at: float | None = None  # the emulator's clock when views.open/push took it


@dataclass
class ResponseUrl:
    """A response_url: up to 5 posts within 30 minutes, tied to a user and a channel."""

    id: str
    url: str
    team_id: str
    user_id: str
    channel_id: str
    issued_at: float
    message_ts: str | None = None  # the message an interaction came from
    uses: int = 0


@dataclass
class OAuthGrant:
    """A person's *Allow* on Slack's authorize page: the code the app exchanges, once."""

    code: str
    team_id: str
    user_id: str
    scopes: list[str]
    redirect_uri: str | None
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrlPost:
    """One POST to a response_url (or a slash command's immediate answer)."""

    url: str
    payload: Any
    status: int
    answer: str
    time: float
    via: str = "response_url"  # or "command_ack"


@dataclass
class UploadedFile:
    """A file uploaded through files.getUploadURLExternal + files.completeUploadExternal,
    or by a person (``user``) into a conversation (:meth:`SlackEmulator.share_user_file`)."""

    id: str
    team_id: str
    name: str
    length: int
    upload_key: str
    created: int
    title: str | None = None
    content: bytes | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    completed: bool = False
    user: str | None = None  # who uploaded it; None: the bot
    mimetype: str = "text/plain"

    def to_api(self, bot_user_id: str, base_url: str, domain: str = "") -> JsonDict:
        """The file object of files.completeUploadExternal, files.info and a message's
        ``files``: ``url_private`` / ``url_private_download`` answer its bytes only to a
        request with a token of its workspace (``Authorization: Bearer``); ``permalink``,
        the file's page in the workspace ``domain`` (what "Copy link" gives a person)."""
        extension = self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "text"
        where = f"{base_url}files-pri/{self.team_id}-{self.id}"
        name = quote(self.name)
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": self.mimetype,
            "filetype": extension,
            "pretty_type": extension.upper(),
            "user": self.user or bot_user_id,
            "user_team": self.team_id,
            "mode": "hosted",
            "editable": False,
            "size": len(self.content or b""),
            "is_external": False,
            "is_public": False,
            "url_private": f"{where}/{name}",
            "url_private_download": f"{where}/download/{name}",
            "permalink": (
                f"https://{domain}.slack.com/files/{self.user or bot_user_id}/{self.id}/{name}"
            ),
            "channels": [c for c in self.channels if not c.startswith("D")],
            "ims": [c for c in self.channels if c.startswith("D")],
            "groups": [],
        }


@dataclass(frozen=True)
class EarlyCall:
    """A call that came before a ``Retry-After`` for its workspace and method elapsed."""

    method: str
    caller: str  # the workspace's team id (or the token / app when it has none)
    at: float  # the emulator's clock
    not_before: float


@dataclass
class CallRecord:
    """One Web API call: what was sent, what Slack answered, and when.

    ``started``/``finished`` come from ``time.monotonic()`` (real time, to measure
    waits such as a client honouring Retry-After); ``clock`` is the emulator's clock.
    """

    method: str
    params: JsonDict
    status: int
    ok: bool
    error: str | None
    response: Any
    started: float
    finished: float
    clock: float
    team_id: str | None
    content_type: str = ""
    token: str | None = None  # the token the call was made with (None for client credentials)


@dataclass
class Fault:
    """An injected failure for the next ``times`` calls of ``method`` ("*" for any)."""

    method: str
    status: int | None = None
    retry_after: int | None = None
    error: str | None = None
    delay: float | None = None
    reset: bool = False
    reset_after: bool = False  # carry the call out, then drop the connection unanswered
    times: int = 1
    hits: int = 0
    hold: threading.Event | None = None  # answer only once set (then as usual)
    held: threading.Event = field(default_factory=threading.Event)  # set when a call waits


class _ApiError(Exception):
    """Raised inside a method handler; becomes ``{"ok": false, "error": ...}``."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        extra: JsonDict | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra or {}
        self.headers = headers or {}


def _violations_error(
    violations: list[blockkit.Violation], *, surface: Literal["message", "view"]
) -> _ApiError:
    """Slack's refusal of a payload: invalid_blocks (messages) / invalid_arguments (views)."""
    messages = blockkit.error_messages(violations)
    if surface == "view":
        return _ApiError("invalid_arguments", extra={"response_metadata": {"messages": messages}})
    code = (
        "invalid_attachments"
        if any(v.code == "invalid_attachments" for v in violations)
        else "invalid_blocks"
    )
    return _ApiError(
        code,
        extra={"errors": [str(v) for v in violations], "response_metadata": {"messages": messages}},
    )


def _truthy(value: Any) -> bool:
    return (
        value is True or value == 1 or (isinstance(value, str) and value.lower() in ("1", "true"))
    )


_RESET = object()  # a handler result meaning "drop the connection"


class SlackEmulator:
    """An in-process Slack Web API on real HTTP.

    Use as a context manager (or call :meth:`start` / :meth:`stop`). A default
    workspace is created; add people with :meth:`add_user`, point a
    ``WebClient(token=emulator.bot_token, base_url=emulator.api_url)`` at it, and
    read back what the bot did with :meth:`dm_messages`, :meth:`open_views`,
    :attr:`calls`… Thread-safe: the HTTP handlers and the test share one lock.
    An app in Socket Mode connects with :attr:`app_token` (through
    ``apps.connections.open``) to :attr:`socket_mode`.

    ``deleted_user_post_error``: what chat.postMessage answers for a DM with a
    deactivated user. Slack documents no error there and, per Slack staff
    (python-slack-sdk#1156), real Slack *accepts* the post; the default
    ``"user_disabled"`` is stricter on purpose, ``None`` behaves like Slack.
    """

    def __init__(
        self,
        *,
        team_id: str = "T0PALIER",
        team_name: str = "Palier Demo",
        team_domain: str = "palier-demo",
        bot_token: str | None = None,
        app_token: str | None = None,
        clock: Callable[[], float] | None = None,
        trigger_ttl: float = 3.0,
        latency: float = 0.0,
        enforce_rate_limits: bool = False,
        post_message_per_second: int = 1,
        post_message_per_minute: int = POST_MESSAGE_PER_MINUTE,
        marketplace_app: bool = True,
        deleted_user_post_error: str | None = "user_disabled",
        home_tab_enabled: bool = True,
        token_rotation: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.clock: Callable[[], float] = clock or time.time
        # The app's credentials (Basic Information → App Credentials) for oauth.v2.access.
        self.client_id = f"{secrets.randbelow(10**12):012d}.{secrets.randbelow(10**13):013d}"
        self.client_secret = secrets.token_hex(16)
        self.token_rotation = token_rotation
        """The app opted in to token rotation: installs and refreshes issue expiring tokens."""
        self.token_lifetime = TOKEN_LIFETIME
        """Seconds (of the emulator's clock) an expiring token lives."""
        self.trigger_ttl = trigger_ttl
        self.latency = latency
        """Seconds every request to the emulator's HTTP endpoints (Web API, upload URL,
        response_url) waits before it is carried out and answered: Slack's round trip as
        a client sees it, so a trigger_id is checked with it counted (benchmarks; tests
        hold calls on an event instead). May be changed while serving."""
        self.sleep: Callable[[float], None] = time.sleep
        """What waits ``latency`` (a test of the option records it instead)."""
        self.enforce_rate_limits = enforce_rate_limits
        self.post_message_per_second = post_message_per_second
        self.post_message_per_minute = post_message_per_minute
        # When a 429 was answered: (team or app, method) → its Retry-After's end, and
        # every call that came before it ended (a client that did not honour it).
        self._not_before: dict[tuple[str, str], float] = {}
        self._early_calls: list[EarlyCall] = []
        self.marketplace_app = marketplace_app
        self.deleted_user_post_error = deleted_user_post_error
        self._host = host
        self._port = port
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._ts_seq = itertools.count(1)
        self._workspaces: dict[str, Workspace] = {}
        self._tokens: dict[str, str] = {}
        self._token_expiry: dict[str, float] = {}  # expiring (rotated) token -> expiry
        self._refresh_tokens: dict[str, str] = {}  # live refresh token -> team_id
        self._grants: dict[str, OAuthGrant] = {}
        self._granted: dict[str, list[str]] = {}  # team_id -> bot scopes of its install
        self._app_tokens: dict[str, str] = {}  # app-level token -> app_id
        self._users: dict[str, User] = {}
        self._channels: dict[str, Channel] = {}
        self._dm_ids: dict[str, str] = {}
        self._messages: list[Message] = []
        self._stacks: dict[str, list[View]] = {}
        self._homes: dict[str, View] = {}
        self._closed_views: list[View] = []
        self._triggers: dict[str, Trigger] = {}
        self._response_urls: dict[str, ResponseUrl] = {}
        self._response_posts: list[ResponseUrlPost] = []
        self._files: dict[str, UploadedFile] = {}
        self._uploads: dict[str, str] = {}  # upload key -> file id
        self._calls: list[CallRecord] = []
        self._faults: list[Fault] = []
        self._listeners: list[ListenerExecutor] = []
        self._rate_hits: dict[tuple[str, ...], deque[float]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.socket_mode = SocketModeServer(host=host, clock=self.clock)
        """Socket Mode's WebSocket server: connections, envelopes, acks."""
        self.workspace = self.add_workspace(
            team_id,
            team_name,
            domain=team_domain,
            bot_token=bot_token,
            app_token=app_token,
            home_tab_enabled=home_tab_enabled,
        )
        self._methods: dict[str, Callable[[Workspace, JsonDict], JsonDict]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
        }
        # Scopes a workspace's bot token lacks (withhold_scope): its calls needing one
        # answer missing_scope, and its file downloads the sign-in page.
        self._withheld: dict[str, set[str]] = {}

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> SlackEmulator:
        """Bind and serve (Web API and Socket Mode) in daemon threads; return self."""
        if self._server is not None:
            return self
        self.socket_mode.start()
        handler = type("_BoundHandler", (_Handler,), {"emulator": self})
        server = _QuietServer((self._host, self._port), handler)
        self._server = server
        # A short poll interval: shutdown() waits for the loop to notice, and tests
        # start and stop an emulator each.
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.01,), name="slack-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the ports (Socket Mode connections are closed)."""
        if self._server is None:
            return
        self.socket_mode.stop()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/`` (the server must be started)."""
        if self._server is None:
            raise RuntimeError("SlackEmulator is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    @property
    def api_url(self) -> str:
        """The ``base_url`` for slack_sdk's WebClient; ends with '/'."""
        return f"{self.base_url}api/"

    @property
    def bot_token(self) -> str:
        """The default workspace's bot token."""
        return self.workspace.bot_token

    @property
    def app_token(self) -> str:
        """The app-level token (``xapp-…``) of the default workspace's app, for Socket Mode."""
        return self.workspace.app_token

    # -- workspaces, people, channels ----------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}EMU{next(self._ids):06d}"

    def add_workspace(
        self,
        team_id: str,
        name: str,
        *,
        domain: str | None = None,
        bot_token: str | None = None,
        bot_user_id: str | None = None,
        home_tab_enabled: bool = True,
        app_token: str | None = None,
    ) -> Workspace:
        """Install Palier in another workspace (its own token, bot user and people).

        The app is the same everywhere (``A0PALIERAPP``), so is its app-level token
        unless ``app_token`` gives it another one (an app may have several).
        """
        app_id = "A0PALIERAPP"
        with self._lock:
            if team_id in self._workspaces:
                raise ValueError(f"workspace {team_id} already exists")
            if app_token is None:
                known = [token for token, app in self._app_tokens.items() if app == app_id]
                app_token = (
                    known[0]
                    if known
                    else f"xapp-1-{app_id}-{secrets.randbelow(10**13):013d}-{secrets.token_hex(32)}"
                )
            self._app_tokens[app_token] = app_id
            workspace = Workspace(
                team_id=team_id,
                name=name,
                domain=domain or team_id.lower(),
                bot_token=bot_token or f"xoxb-{team_id}-emulator-{secrets.token_hex(8)}",
                bot_user_id=bot_user_id or f"U{team_id[1:]}BOT",
                bot_id=f"B{team_id[1:]}BOT",
                app_id=app_id,
                home_tab_enabled=home_tab_enabled,
                app_token=app_token,
            )
            self._workspaces[team_id] = workspace
            self._tokens[workspace.bot_token] = team_id
            self._users[workspace.bot_user_id] = User(
                id=workspace.bot_user_id,
                team_id=team_id,
                name="palier",
                real_name="Palier",
                email=None,
                is_bot=True,
            )
            return copy.deepcopy(workspace)

    def workspace_of(self, team_id: str) -> Workspace:
        """The workspace ``team_id``."""
        with self._lock:
            return copy.deepcopy(self._workspaces[team_id])

    def add_user(
        self,
        id: str,
        name: str,
        real_name: str,
        email: str | None,
        tz: str = "Europe/Paris",
        locale: str = "fr-FR",
        deleted: bool = False,
        is_admin: bool = False,
        *,
        team_id: str | None = None,
        is_bot: bool = False,
    ) -> User:
        """Add a person (to the default workspace unless ``team_id`` is given)."""
        with self._lock:
            team = team_id or self.workspace.team_id
            if team not in self._workspaces:
                raise ValueError(f"unknown workspace {team}")
            if id in self._users:
                raise ValueError(f"user {id} already exists")
            user = User(
                id=id,
                team_id=team,
                name=name,
                real_name=real_name,
                email=email,
                tz=tz,
                locale=locale,
                deleted=deleted,
                is_admin=is_admin,
                is_bot=is_bot,
                updated=int(self.clock()),
            )
            self._users[id] = user
            return copy.deepcopy(user)

    def update_user(self, user_id: str, **changes: Any) -> User:
        """Change a person later (tz, locale, deleted, email, …)."""
        with self._lock:
            user = self._users[user_id]
            for key, value in changes.items():
                if not hasattr(user, key) or key in ("id", "team_id"):
                    raise AttributeError(f"User has no editable field {key!r}")
                setattr(user, key, value)
            user.updated = int(self.clock())
            return copy.deepcopy(user)

    def user(self, user_id: str) -> User:
        """A person's current record."""
        with self._lock:
            return copy.deepcopy(self._users[user_id])

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        members: list[str] | tuple[str, ...] = (),
        team_id: str | None = None,
        bot_member: bool = True,
    ) -> Channel:
        """Add a public/private channel; the bot is a member unless ``bot_member=False``."""
        with self._lock:
            team = team_id or self.workspace.team_id
            workspace = self._workspaces[team]
            member_ids = set(members)
            if bot_member:
                member_ids.add(workspace.bot_user_id)
            channel = Channel(
                id=channel_id,
                team_id=team,
                name=name,
                members=member_ids,
                created=int(self.clock()),
            )
            self._channels[channel_id] = channel
            return copy.deepcopy(channel)

    def channel(self, channel_id: str) -> Channel | None:
        """A channel or DM by id."""
        with self._lock:
            found = self._channels.get(channel_id)
            return copy.deepcopy(found) if found else None

    def dm_channel_id(self, user_id: str) -> str:
        """The stable DM channel id between the bot and ``user_id`` (created if needed)."""
        with self._lock:
            return self._dm_channel(self._users[user_id]).id

    def _dm_channel(self, user: User) -> Channel:
        channel_id = self._dm_ids.get(user.id)
        if channel_id is None:
            channel_id = "D" + (user.id[1:] if user.id[:1] in ("U", "W") else user.id)
            while channel_id in self._channels:
                channel_id += "X"
            self._dm_ids[user.id] = channel_id
            bot = self._workspaces[user.team_id].bot_user_id
            self._channels[channel_id] = Channel(
                id=channel_id,
                team_id=user.team_id,
                name=user.id,
                is_im=True,
                user=user.id,
                members={user.id, bot},
                created=int(self.clock()),
            )
        return self._channels[channel_id]

    # -- what Slack hands out with interactions ---------------------------------

    def issue_trigger(self, user_id: str, team_id: str | None = None) -> str:
        """A fresh trigger_id for an interaction by ``user_id`` (valid ``trigger_ttl`` s, once)."""
        with self._lock:
            team = team_id or self._users[user_id].team_id
            trigger_id = f"{next(self._ids)}.{int(self.clock())}.{secrets.token_hex(16)}"
            self._triggers[trigger_id] = Trigger(trigger_id, team, user_id, self.clock())
            return trigger_id

    def trigger(self, trigger_id: str) -> Trigger | None:
        """A copy of an issued trigger: when it was issued, and when it was used."""
        with self._lock:
            trigger = self._triggers.get(trigger_id)
            return copy.copy(trigger) if trigger is not None else None

    def issue_response_url(
        self,
        user_id: str,
        channel_id: str,
        *,
        message_ts: str | None = None,
        team_id: str | None = None,
    ) -> str:
        """A response_url for an interaction by ``user_id`` in ``channel_id``."""
        with self._lock:
            team = team_id or self._users[user_id].team_id
            url_id = secrets.token_hex(12)
            url = f"{self.base_url}response/{team}/{url_id}"
            self._response_urls[url_id] = ResponseUrl(
                id=url_id,
                url=url,
                team_id=team,
                user_id=user_id,
                channel_id=channel_id,
                issued_at=self.clock(),
                message_ts=message_ts,
            )
            return url

    def post_user_message(self, user_id: str, text: str, *, channel: str | None = None) -> Message:
        """Store a message written by a person (in their DM with the bot by default)."""
        with self._lock:
            user = self._users[user_id]
            channel_id = channel or self._dm_channel(user).id
            message = Message(
                channel=channel_id,
                ts=self._next_ts(),
                team_id=user.team_id,
                text=text,
                blocks=None,
                user=user_id,
                source="user",
            )
            self._messages.append(message)
            return copy.deepcopy(message)

    # -- Slack's OAuth install flow -----------------------------------------------------

    def authorize(
        self,
        user_id: str,
        scopes: str | list[str] | tuple[str, ...],
        *,
        client_id: str | None = None,
        redirect_uri: str | None = None,
    ) -> str:
        """``user_id`` clicks *Allow* on Slack's authorize page: the code for the app.

        Installs into the person's own workspace. Refused (ValueError, as the page would
        show an error instead of the button) for an unknown app, no scope, or someone
        who cannot install apps (deactivated, a bot).
        """
        wanted = [s for s in (scopes.split(",") if isinstance(scopes, str) else scopes) if s]
        with self._lock:
            if client_id is not None and client_id != self.client_id:
                raise ValueError("invalid_client_id")
            if not wanted:
                raise ValueError("invalid_scope")
            user = self._users[user_id]
            if user.deleted or user.is_bot:
                raise ValueError("user_cannot_install")
            code = f"{next(self._ids)}.{int(self.clock())}.{secrets.token_hex(32)}"
            self._grants[code] = OAuthGrant(
                code=code,
                team_id=user.team_id,
                user_id=user_id,
                scopes=wanted,
                redirect_uri=redirect_uri,
                issued_at=self.clock(),
            )
            return code

    def approve(self, authorize_url: str, user_id: str) -> str:
        """What Slack's authorize page does with an app's link when ``user_id`` allows it:
        the query (``code=…&state=…``) it sends the browser back to the redirect URL with.

        The link must be this emulator's ``oauth/v2/authorize`` page.
        """
        parts = urlsplit(authorize_url)
        if f"{parts.scheme}://{parts.netloc}{parts.path}" != f"{self.base_url}oauth/v2/authorize":
            raise ValueError(f"not the emulator's authorize page: {authorize_url}")
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        code = self.authorize(
            user_id,
            query.get("scope", ""),
            client_id=query.get("client_id", ""),
            redirect_uri=query.get("redirect_uri"),
        )
        return urlencode({"code": code, "state": query.get("state", "")})

    def _oauth_v2_access(self, client: tuple[str, str] | None, params: JsonDict) -> JsonDict:
        """Exchange a code (or, with token rotation, a refresh token) for a bot token."""
        client_id, client_secret = client or (
            str(params.pop("client_id", "")),
            str(params.pop("client_secret", "")),
        )
        if client_id != self.client_id:
            raise _ApiError("invalid_client_id")
        if client_secret != self.client_secret:
            raise _ApiError("bad_client_secret")
        grant_type = params.get("grant_type") or "authorization_code"
        if grant_type == "refresh_token":
            # A refresh token is good once: using it revokes it (Slack's rotation).
            team_id = self._refresh_tokens.pop(str(params.get("refresh_token")), None)
            if team_id is None:
                raise _ApiError("invalid_refresh_token")
            return self._bot_grant(self._workspaces[team_id], None, scopes=None)
        if grant_type != "authorization_code":
            raise _ApiError("invalid_grant_type")
        grant = self._grants.get(str(params.get("code")))
        if grant is None or self.clock() > grant.issued_at + OAUTH_CODE_TTL:
            raise _ApiError("invalid_code")
        if grant.used:
            raise _ApiError("code_already_used")
        if grant.redirect_uri is not None and params.get("redirect_uri") != grant.redirect_uri:
            raise _ApiError("bad_redirect_uri")
        grant.used = True
        return self._bot_grant(self._workspaces[grant.team_id], grant.user_id, grant.scopes)

    def _bot_grant(
        self, workspace: Workspace, user_id: str | None, scopes: list[str] | None
    ) -> JsonDict:
        """oauth.v2.access's answer: the workspace's bot token, or a new expiring one."""
        answer: JsonDict = {
            "app_id": workspace.app_id,
            "token_type": "bot",
            "bot_user_id": workspace.bot_user_id,
            "team": {"id": workspace.team_id, "name": workspace.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if scopes is not None:  # an install: what was granted stays granted
            self._granted[workspace.team_id] = list(scopes)
        answer["scope"] = ",".join(self._granted.get(workspace.team_id, []))
        if user_id is not None:
            answer["authed_user"] = {"id": user_id}
        if not self.token_rotation:
            # Without rotation the bot token of an installation never changes.
            answer["access_token"] = workspace.bot_token
            return answer
        token = f"xoxe.xoxb-1-{workspace.team_id}-{secrets.token_hex(16)}"
        refresh_token = f"xoxe-1-{secrets.token_hex(24)}"
        self._tokens[token] = workspace.team_id
        self._token_expiry[token] = self.clock() + self.token_lifetime
        self._refresh_tokens[refresh_token] = workspace.team_id
        answer.update(
            access_token=token, refresh_token=refresh_token, expires_in=int(self.token_lifetime)
        )
        return answer

    # -- reading back what the bot did ---------------------------------------------

    @property
    def calls(self) -> list[CallRecord]:
        """Every Web API call so far, in order."""
        with self._lock:
            return copy.deepcopy(self._calls)

    def calls_since(self, start: int) -> list[CallRecord]:
        """The calls after the first ``start`` (copies of those only: a benchmark polls)."""
        with self._lock:
            return [copy.deepcopy(c) for c in self._calls[start:]]

    def calls_to(self, method: str) -> list[CallRecord]:
        """The calls of one Web API method, in order."""
        with self._lock:
            return [copy.deepcopy(c) for c in self._calls if c.method == method]

    def clear_calls(self) -> None:
        """Forget the recorded calls (state is kept)."""
        with self._lock:
            self._calls.clear()

    @property
    def early_calls(self) -> list[EarlyCall]:
        """Calls made before the ``Retry-After`` of a 429 answered to the same workspace
        (or app) and method had elapsed: a client that does not honour it."""
        with self._lock:
            return list(self._early_calls)

    def messages_in(self, channel: str) -> list[Message]:
        """Visible (non-ephemeral, not deleted) messages of a channel, oldest first."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in self._messages
                if m.channel == channel and not m.deleted and m.ephemeral_for is None
            ]

    def dm_messages(self, user_id: str) -> list[Message]:
        """The messages of the DM between the bot and ``user_id``, oldest first."""
        with self._lock:
            channel_id = self._dm_ids.get(user_id)
        return self.messages_in(channel_id) if channel_id else []

    def ephemerals_for(self, user_id: str, channel: str | None = None) -> list[Message]:
        """Ephemeral messages only ``user_id`` sees (optionally in one channel)."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in self._messages
                if m.ephemeral_for == user_id
                and not m.deleted
                and (channel is None or m.channel == channel)
            ]

    def message(self, channel: str, ts: str) -> Message | None:
        """One message (ephemeral or not) by channel and ts."""
        with self._lock:
            found = self._find_message(channel, ts)
            return copy.deepcopy(found) if found else None

    def open_views(self, user_id: str) -> list[View]:
        """The modal stack shown to ``user_id``, bottom first ([] if none)."""
        with self._lock:
            return copy.deepcopy(self._stacks.get(user_id, []))

    def closed_views(self) -> list[View]:
        """Modals closed so far (by submission, clear or the user), oldest first."""
        with self._lock:
            return copy.deepcopy(self._closed_views)

    def home_view(self, user_id: str) -> View | None:
        """The Home tab published for ``user_id``, if any."""
        with self._lock:
            home = self._homes.get(user_id)
            return copy.deepcopy(home) if home else None

    def view(self, view_id: str) -> View | None:
        """Any live view (modal or Home) by id."""
        with self._lock:
            found = self._find_view(view_id)
            return copy.deepcopy(found) if found else None

    @property
    def files(self) -> list[UploadedFile]:
        """Completed uploads of the bot, oldest first."""
        with self._lock:
            return [
                copy.deepcopy(f) for f in self._files.values() if f.completed and f.user is None
            ]

    @property
    def response_url_posts(self) -> list[ResponseUrlPost]:
        """Every POST to a response_url and every slash-command immediate answer."""
        with self._lock:
            return copy.deepcopy(self._response_posts)

    def watch(self, listeners: ListenerExecutor) -> None:
        """Have :meth:`settle` (and so :meth:`wait_for`) drain an app's listener executor."""
        with self._lock:
            self._listeners.append(listeners)

    def settle(self, timeout: float = DRAIN_TIMEOUT) -> None:
        """Wait until every listener the requests so far started has finished, in
        every watched app; re-raise what escaped one (see :class:`ListenerExecutor`)."""
        with self._lock:
            watched = list(self._listeners)
        for listeners in watched:
            listeners.drain(timeout)

    def wait_for(self, condition: Callable[[], T | None], timeout: float = DRAIN_TIMEOUT) -> T:
        """Settle, then check ``condition``; return what it returns once truthy.

        Bolt acknowledges a request before its listener finishes (unless
        ``process_before_response=True``), so what the listener does after ``ack()``
        lands after the driver's request returns: with the app's
        :class:`ListenerExecutor` watched (:meth:`watch`), the listeners are waited
        for, not raced. Work no watched executor runs (a Socket Mode client's own
        threads, a scheduler) is polled for; ``timeout`` is only a safety net.
        Raises TimeoutError.
        """
        deadline = time.monotonic() + timeout
        while True:
            self.settle(max(deadline - time.monotonic(), 0.0))
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout:.1f} s")
            time.sleep(0.005)

    # -- fault injection -------------------------------------------------------------

    def inject(
        self,
        method: str,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        error: str | None = None,
        delay: float | None = None,
        reset: bool = False,
        reset_after: bool = False,
        times: int = 1,
        hold: threading.Event | None = None,
    ) -> Fault:
        """Make the next ``times`` calls of ``method`` ("*" = any) fail.

        ``status=429`` answers ``Retry-After: retry_after`` (default 1) and
        ``{"ok": false, "error": "ratelimited"}``; ``status=500/503`` a server error;
        ``error="..."`` an HTTP 200 ``{"ok": false, "error": ...}``; ``delay`` sleeps
        first (then answers normally unless something else is set); ``reset`` drops
        the TCP connection with an RST, the call not carried out; ``reset_after`` carries
        the call out, then drops the connection before answering (the client sees a
        connection error for a call that went through). ``hold``: the call waits until the event is
        set, then is carried out as usual (the returned fault's ``held`` is set once a
        call waits): a client that timed out meanwhile never learns it went through.
        """
        fault = Fault(
            method=method,
            status=status,
            retry_after=retry_after,
            error=error,
            delay=delay,
            reset=reset,
            reset_after=reset_after,
            times=times,
            hold=hold,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every pending injected fault."""
        with self._lock:
            self._faults.clear()

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method in (method, "*") and fault.hits < fault.times:
                    fault.hits += 1
                    if fault.hits >= fault.times:
                        self._faults.remove(fault)
                    return copy.copy(fault)
        return None

    # -- HTTP entry points (called by the request handler) -------------------------

    def handle_api(
        self,
        method: str,
        params: JsonDict,
        token: str | None,
        content_type: str,
        *,
        token_in_header: bool = True,
        client: tuple[str, str] | None = None,
    ) -> tuple[int, dict[str, str], JsonDict] | object:
        """Answer one Web API call; returns (status, headers, body) or the reset marker.

        ``token_in_header``: the token came as ``Authorization: Bearer`` (not as a
        ``token`` parameter), which apps.connections.open requires. ``client``: the
        client id and secret of ``Authorization: Basic`` (oauth.v2.access).
        """
        started = time.monotonic()
        fault = self._take_fault(method)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)  # outside the lock: a slow answer must not block others
        if fault is not None and fault.hold is not None:
            fault.held.set()
            fault.hold.wait(timeout=60)  # outside the lock, like a delay
        # One step under the lock: the call is recorded with its effects, so nothing a
        # call did (a message, a Home view) is visible before the call is.
        with self._lock:
            if fault is not None and fault.reset:
                self._record(
                    method,
                    params,
                    0,
                    {"ok": False, "error": "connection_reset"},
                    started,
                    None,
                    content_type,
                )
                return _RESET
            status, headers, body, team_id = self._answer(
                method, params, token, fault, token_in_header=token_in_header, client=client
            )
            self._record(
                method,
                params,
                status,
                body,
                started,
                team_id,
                content_type,
                token=None if method in CLIENT_METHODS else token,
            )
            if fault is not None and fault.reset_after:
                return _RESET
            return status, headers, body

    def _answer(
        self,
        method: str,
        params: JsonDict,
        token: str | None,
        fault: Fault | None,
        *,
        token_in_header: bool,
        client: tuple[str, str] | None,
    ) -> tuple[int, dict[str, str], JsonDict, str | None]:
        """Apply one call (the caller holds the lock); (status, headers, body, team_id)."""
        status, headers, body, team_id = 200, {}, {}, None
        caller = (self._tokens.get(token or "") or token or "", method)
        self._note_early(caller)
        try:
            if fault is not None and (fault.status or fault.error):
                raise self._fault_error(fault)
            if method in APP_TOKEN_METHODS:
                # An app-level token belongs to the app: no workspace (team_id None).
                app_id = self._authenticate_app(token if token_in_header else None)
                self._take_rate_slot(("app", app_id, method), TIER_LIMITS[METHOD_TIERS[method]])
                body = {"ok": True, **self._apps_connections_open(app_id, params)}
            elif method in CLIENT_METHODS:
                body = {"ok": True, **self._oauth_v2_access(client, params)}
                team = body.get("team")
                team_id = team.get("id") if isinstance(team, dict) else None
            else:
                if method not in self._methods:
                    raise _ApiError("unknown_method", extra={"req_method": method})
                workspace = self._authenticate(token)
                team_id = workspace.team_id
                self._check_rate_limit(workspace, method, params)
                body = {"ok": True, **self._methods[method](workspace, params)}
        except _ApiError as failure:
            status, headers = failure.status, failure.headers
            body = {"ok": False, "error": failure.error, **failure.extra}
        except Exception as exc:  # a bug in the emulator: say so instead of hanging up
            status, body = 500, {"ok": False, "error": "internal_error", "emulator": repr(exc)}
        if status == 429:
            retry_after = float(headers.get("Retry-After", "1"))
            self._not_before[caller] = max(
                self._not_before.get(caller, 0.0), self.clock() + retry_after
            )
        return status, headers, body, team_id

    def _note_early(self, caller: tuple[str, str]) -> None:
        not_before = self._not_before.get(caller)
        if not_before is not None and self.clock() < not_before:
            self._early_calls.append(EarlyCall(caller[1], caller[0], self.clock(), not_before))

    def _fault_error(self, fault: Fault) -> _ApiError:
        if fault.status == 429:
            retry_after = fault.retry_after if fault.retry_after is not None else 1
            return _ApiError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})
        if fault.status is not None and fault.status >= 500:
            error = fault.error or ("service_unavailable" if fault.status == 503 else "fatal_error")
            return _ApiError(error, status=fault.status)
        return _ApiError(fault.error or "fatal_error", status=fault.status or 200)

    def _record(
        self,
        method: str,
        params: JsonDict,
        status: int,
        body: JsonDict,
        started: float,
        team_id: str | None,
        content_type: str,
        *,
        token: str | None = None,
    ) -> None:
        with self._lock:
            self._calls.append(
                CallRecord(
                    method=method,
                    params=copy.deepcopy(params),
                    status=status,
                    ok=bool(body.get("ok")),
                    error=body.get("error"),
                    response=copy.deepcopy(body),
                    started=started,
                    finished=time.monotonic(),
                    clock=self.clock(),
                    team_id=team_id,
                    content_type=content_type,
                    token=token,
                )
            )

    def _authenticate(self, token: str | None) -> Workspace:
        if not token:
            raise _ApiError("not_authed")
        with self._lock:
            if token in self._app_tokens:
                # An app-level token only opens Socket Mode connections (and a few
                # apps.* methods); Slack refuses it for everything else.
                raise _ApiError("not_allowed_token_type")
            team_id = self._tokens.get(token)
            if team_id is None:
                raise _ApiError("invalid_auth")
            if self.clock() >= self._token_expiry.get(token, math.inf):
                raise _ApiError("token_expired")
            return self._workspaces[team_id]

    def _authenticate_app(self, token: str | None) -> str:
        """The app_id of an app-level token; a bot token is the wrong type of token.

        Slack wants this token in the Authorization header: as a ``token``
        parameter it is an error (its docs do not name it; ``not_authed`` here).
        """
        if not token:
            raise _ApiError("not_authed")
        with self._lock:
            app_id = self._app_tokens.get(token)
            if app_id is not None:
                return app_id
            if token in self._tokens:
                raise _ApiError("not_allowed_token_type")
        raise _ApiError("invalid_auth")

    def _check_rate_limit(self, workspace: Workspace, method: str, params: JsonDict) -> None:
        if not self.enforce_rate_limits:
            return
        if method == "chat.postMessage":
            try:  # a user id and its DM id are the same channel
                channel = self._resolve_channel(workspace, params.get("channel")).id
            except _ApiError:
                channel = str(params.get("channel"))
            self._take_rate_slot(
                (workspace.team_id, method), self.post_message_per_minute, window=60.0
            )
            key: tuple[str, ...] = (workspace.team_id, method, channel)
            limit, window = self.post_message_per_second, 1.0
        else:
            tier = METHOD_TIERS.get(method, 4)
            if method == "conversations.history" and not self.marketplace_app:
                tier = 1
            key = (workspace.team_id, method)
            limit, window = TIER_LIMITS[tier], 60.0
        self._take_rate_slot(key, limit, window)

    def _take_rate_slot(self, key: tuple[str, ...], limit: int, window: float = 60.0) -> None:
        """Count one call against ``limit`` per ``window`` s (if enforced); 429 past it."""
        if not self.enforce_rate_limits:
            return
        now = self.clock()
        hits = self._rate_hits.setdefault(key, deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= limit:
            retry_after = max(1, math.ceil(hits[0] + window - now))
            raise _ApiError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})
        hits.append(now)

    # -- helpers for method handlers ---------------------------------------------------

    def _next_ts(self) -> str:
        return f"{int(self.clock())}.{next(self._ts_seq):06d}"

    def _new_hash(self) -> str:
        return f"{int(self.clock())}.{secrets.token_hex(4)}"

    def _team_user(self, workspace: Workspace, user_id: Any) -> User:
        user = self._users.get(str(user_id)) if user_id else None
        if user is None or user.team_id != workspace.team_id:
            raise _ApiError("user_not_found")
        return user

    def _resolve_channel(self, workspace: Workspace, channel: Any) -> Channel:
        if not channel or not isinstance(channel, str):
            raise _ApiError("channel_not_found")
        if channel[:1] in ("U", "W") and channel in self._users:
            user = self._users[channel]
            if user.team_id != workspace.team_id or user.is_bot:
                raise _ApiError("channel_not_found")
            return self._dm_channel(user)
        found = self._channels.get(channel)
        if found is None:
            name = channel.lstrip("#")
            found = next(
                (c for c in self._channels.values() if c.name == name and not c.is_im), None
            )
        if found is None or found.team_id != workspace.team_id:
            raise _ApiError("channel_not_found")
        return found

    def _find_message(self, channel: str, ts: str) -> Message | None:
        return next(
            (m for m in self._messages if m.channel == channel and m.ts == ts and not m.deleted),
            None,
        )

    def _find_view(self, view_id: str) -> View | None:
        for stack in self._stacks.values():
            for view in stack:
                if view.id == view_id:
                    return view
        return next((v for v in self._homes.values() if v.id == view_id), None)

    @staticmethod
    def _json_param(params: JsonDict, name: str, error: str) -> Any:
        """A parameter slack_sdk sends as JSON text in forms and as JSON in bodies."""
        value = params.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise _ApiError(error) from exc
        return value

    def _assign_ids(self, blocks: Any) -> None:
        """Fill in block_id / action_id the way Slack does when the app leaves them out."""
        if not isinstance(blocks, list):
            return
        taken = {b.get("block_id") for b in blocks if isinstance(b, dict)}
        for index, block in enumerate(blocks):
            if not isinstance(block, dict):
                continue
            if not block.get("block_id"):
                candidate = f"emu-b{index}"
                while candidate in taken:
                    candidate += "x"
                block["block_id"] = candidate
                taken.add(candidate)
            for element in self._interactive_elements(block):
                if not element.get("action_id"):
                    element["action_id"] = f"emu-a{next(self._ids)}"

    @staticmethod
    def _interactive_elements(block: JsonDict) -> Iterator[JsonDict]:
        kind = block.get("type")
        if kind in ("actions", "context_actions"):
            for element in block.get("elements") or []:
                if isinstance(element, dict):
                    yield element
        elif kind == "section" and isinstance(block.get("accessory"), dict):
            if block["accessory"].get("type") != "image":
                yield block["accessory"]
        elif kind == "input" and isinstance(block.get("element"), dict):
            yield block["element"]

    def _message_content(
        self, params: JsonDict, *, require_content: bool = True, tables_allowed: bool = False
    ) -> tuple[str | None, list[JsonDict] | None, list[Any] | None]:
        """Validate text/blocks/attachments of an outgoing message.

        ``tables_allowed``: chat.postMessage only, in attachments (blockkit's docstring).
        """
        text = params.get("text")
        blocks = self._json_param(params, "blocks", "invalid_blocks_format")
        attachments = self._json_param(params, "attachments", "invalid_attachments")
        if blocks is not None and not isinstance(blocks, list):
            raise _ApiError("invalid_blocks_format")
        if require_content and not text and not blocks and not attachments:
            raise _ApiError("no_text")
        text_error = blockkit.check_message_text(text)
        if text_error:
            raise _ApiError(text_error)
        violations = blockkit.validate_message(blocks, attachments, tables_allowed=tables_allowed)
        if violations:
            raise _violations_error(violations, surface="message")
        if blocks is not None:
            blocks = copy.deepcopy(blocks)
            self._assign_ids(blocks)
        return (str(text) if text is not None else None), blocks, attachments

    def _metadata(self, params: JsonDict) -> JsonDict | None:
        metadata = self._json_param(params, "metadata", "invalid_metadata_format")
        if metadata is None:
            return None
        if (
            not isinstance(metadata, dict)
            or not isinstance(metadata.get("event_type"), str)
            or not isinstance(metadata.get("event_payload", {}), dict)
        ):
            raise _ApiError("invalid_metadata_format")
        return copy.deepcopy(metadata)

    def _bot_message(
        self,
        workspace: Workspace,
        channel: Channel,
        text: str | None,
        blocks: list[JsonDict] | None,
        **extra: Any,
    ) -> Message:
        message = Message(
            channel=channel.id,
            ts=self._next_ts(),
            team_id=workspace.team_id,
            text=text,
            blocks=blocks,
            user=workspace.bot_user_id,
            bot_id=workspace.bot_id,
            app_id=workspace.app_id,
            **extra,
        )
        self._messages.append(message)
        return message

    # -- Web API methods -------------------------------------------------------------

    def _apps_connections_open(self, app_id: str, params: JsonDict) -> JsonDict:
        """A one-time Socket Mode URL for the app (``ws://``: the emulator has no TLS)."""
        return {"url": self.socket_mode.issue_url(app_id)}

    def _auth_test(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        return {
            "url": f"https://{workspace.domain}.slack.com/",
            "team": workspace.name,
            "user": "palier",
            "team_id": workspace.team_id,
            "user_id": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "app_id": workspace.app_id,
            "is_enterprise_install": False,
        }

    def _users_info(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        user = self._team_user(workspace, params.get("user"))
        return {
            "user": user.to_api(self.clock(), include_locale=_truthy(params.get("include_locale")))
        }

    def _users_list(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        members = [u for u in self._users.values() if u.team_id == workspace.team_id]
        start, page = self._page(params, default_limit=200)
        chunk = members[start : start + page]
        next_cursor = self._cursor(start + page) if start + page < len(members) else ""
        return {
            "members": [
                u.to_api(self.clock(), include_locale=_truthy(params.get("include_locale")))
                for u in chunk
            ],
            "cache_ts": int(self.clock()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _users_lookup_by_email(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        email = str(params.get("email") or "").lower()
        for user in self._users.values():
            if user.team_id == workspace.team_id and (user.email or "").lower() == email:
                return {"user": user.to_api(self.clock())}
        raise _ApiError("users_not_found")

    def _conversations_open(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        if params.get("channel"):
            channel = self._resolve_channel(workspace, params["channel"])
            return {"no_op": True, "already_open": True, "channel": {"id": channel.id}}
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if not users:
            raise _ApiError("users_list_not_supplied")
        if len(users) > 1:
            # Group DMs are not something Palier does; say so rather than fake one.
            raise _ApiError("method_not_supported_for_channel_type")
        user = self._team_user(workspace, users[0])
        if user.is_bot:
            raise _ApiError("cannot_dm_bot")
        if user.deleted:
            raise _ApiError("user_disabled")
        already_open = user.id in self._dm_ids
        channel = self._dm_channel(user)
        if _truthy(params.get("return_im")):
            info: JsonDict = {
                "id": channel.id,
                "created": channel.created,
                "is_im": True,
                "is_org_shared": False,
                "user": user.id,
                "last_read": "0000000000.000000",
                "latest": None,
                "unread_count": 0,
                "unread_count_display": 0,
                "is_open": True,
                "priority": 0,
            }
        else:
            info = {"id": channel.id}
        return {"no_op": already_open, "already_open": already_open, "channel": info}

    def _page(self, params: JsonDict, *, default_limit: int) -> tuple[int, int]:
        limit = int(params.get("limit") or default_limit)
        cursor = params.get("cursor")
        start = 0
        if cursor:
            try:
                start = int(base64.b64decode(str(cursor)).decode().split(":", 1)[1])
            except (ValueError, IndexError) as exc:
                raise _ApiError("invalid_cursor") from exc
        return start, max(1, limit)

    @staticmethod
    def _cursor(offset: int) -> str:
        return base64.b64encode(f"offset:{offset}".encode()).decode()

    def _conversations_history(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        channel = self._resolve_channel(workspace, params.get("channel"))
        if workspace.bot_user_id not in channel.members:
            raise _ApiError("not_in_channel")
        include_metadata = _truthy(params.get("include_all_metadata"))
        inclusive = _truthy(params.get("inclusive"))
        oldest = float(params.get("oldest") or 0)
        latest = float(params["latest"]) if params.get("latest") else math.inf

        def in_range(ts: float) -> bool:
            return oldest <= ts <= latest if inclusive else oldest < ts < latest

        messages = [
            m
            for m in reversed(self._messages)
            if m.channel == channel.id
            and not m.deleted
            and m.ephemeral_for is None
            and in_range(float(m.ts))
        ]
        start, limit = self._page(params, default_limit=100)
        limit = min(limit, 999)
        if not self.marketplace_app:
            limit = min(limit, NON_MARKETPLACE_HISTORY_LIMIT)
        chunk = messages[start : start + limit]
        has_more = start + limit < len(messages)
        return {
            "messages": [m.to_api(include_metadata=include_metadata) for m in chunk],
            "has_more": has_more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": self._cursor(start + limit) if has_more else ""},
        }

    def _chat_post_message(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        channel = self._resolve_channel(workspace, params.get("channel"))
        if workspace.bot_user_id not in channel.members:
            raise _ApiError("not_in_channel")
        text, blocks, attachments = self._message_content(params, tables_allowed=True)
        metadata = self._metadata(params)
        if channel.is_im and channel.user is not None:
            other = self._users[channel.user]
            if other.deleted and self.deleted_user_post_error:
                raise _ApiError(self.deleted_user_post_error)
        message = self._bot_message(
            workspace,
            channel,
            text,
            blocks,
            metadata=metadata,
            attachments=attachments,
            thread_ts=params.get("thread_ts") or None,
        )
        return {"channel": channel.id, "ts": message.ts, "message": message.to_api()}

    def _chat_update(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        channel = self._resolve_channel(workspace, params.get("channel"))
        message = self._find_message(channel.id, str(params.get("ts") or ""))
        if message is None or message.ephemeral_for is not None:
            raise _ApiError("message_not_found")
        if message.bot_id != workspace.bot_id:
            raise _ApiError("cant_update_message")
        text, blocks, attachments = self._message_content(params, require_content=False)
        metadata = self._metadata(params)
        message.versions.append(message.to_api())
        if blocks is not None:
            message.blocks = blocks
        elif text is not None:
            # Documented: with text and no blocks, the previous blocks are removed.
            message.blocks = None
            message.edited = True
        if text is not None:
            message.text = text
        if attachments is not None:
            message.attachments = attachments
        if metadata is not None:
            message.metadata = metadata
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text or "",
            "message": message.to_api(),
        }

    def _chat_delete(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        channel = self._resolve_channel(workspace, params.get("channel"))
        message = self._find_message(channel.id, str(params.get("ts") or ""))
        if message is None or message.ephemeral_for is not None:
            raise _ApiError("message_not_found")
        if message.bot_id != workspace.bot_id:
            raise _ApiError("cant_delete_message")
        message.deleted = True
        return {"channel": channel.id, "ts": message.ts}

    def _chat_post_ephemeral(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        channel = self._resolve_channel(workspace, params.get("channel"))
        user = self._team_user(workspace, params.get("user"))
        if user.id not in channel.members:
            raise _ApiError("user_not_in_channel")
        text, blocks, attachments = self._message_content(params)
        message = self._bot_message(
            workspace,
            channel,
            text,
            blocks,
            attachments=attachments,
            ephemeral_for=user.id,
            thread_ts=params.get("thread_ts") or None,
        )
        return {"message_ts": message.ts}

    def _chat_get_permalink(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        channel = self._resolve_channel(workspace, params.get("channel"))
        ts = str(params.get("message_ts") or "")
        if self._find_message(channel.id, ts) is None:
            raise _ApiError("message_not_found")
        return {
            "channel": channel.id,
            "permalink": f"https://{workspace.domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}",
        }

    # -- views ------------------------------------------------------------------------

    def _view_param(self, params: JsonDict, expected_type: str | None) -> JsonDict:
        view = self._json_param(params, "view", "invalid_arguments")
        if view is None:
            raise _ApiError(
                "invalid_arguments",
                extra={"response_metadata": {"messages": ["[ERROR] missing required field: view"]}},
            )
        if blockkit.view_size(view) > blockkit.VIEW_MAX_BYTES:
            raise _ApiError("view_too_large")
        violations = blockkit.validate_view(view)
        if not violations and expected_type and view.get("type") != expected_type:
            violations = [
                blockkit.Violation(f"must be `{expected_type}`", "/view/type", "invalid_arguments")
            ]
        if violations:
            raise _violations_error(violations, surface="view")
        if not isinstance(view, dict):  # validate_view refused non-objects already
            raise _ApiError("invalid_arguments")
        return copy.deepcopy(view)

    def _take_trigger(self, workspace: Workspace, trigger_id: Any) -> Trigger:
        trigger = self._triggers.get(str(trigger_id or ""))
        if trigger is None or trigger.team_id != workspace.team_id:
            raise _ApiError("invalid_trigger_id")
        if trigger.used:
            raise _ApiError("exchanged_trigger_id")
        if self.clock() - trigger.issued_at > self.trigger_ttl:
            raise _ApiError("expired_trigger_id")
        return trigger

    def _check_external_id(self, workspace: Workspace, spec: JsonDict, keep: str | None) -> None:
        external_id = spec.get("external_id")
        if not external_id:
            return
        views = [v for stack in self._stacks.values() for v in stack] + list(self._homes.values())
        for view in views:
            if (
                view.team_id == workspace.team_id
                and view.external_id == external_id
                and view.id != keep
            ):
                raise _ApiError("duplicate_external_id")

    def _make_view(
        self,
        workspace: Workspace,
        user_id: str,
        spec: JsonDict,
        *,
        view_id: str | None = None,
        root_view_id: str | None = None,
        previous_view_id: str | None = None,
        state: JsonDict | None = None,
    ) -> View:
        data = copy.deepcopy(spec)
        self._assign_ids(data.get("blocks"))
        view_id = view_id or self._new_id("V")
        defaults: JsonDict = {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
        }
        for key, value in defaults.items():
            data.setdefault(key, value)
        data.update(
            {
                "id": view_id,
                "team_id": workspace.team_id,
                "state": {"values": state or {}},
                "hash": self._new_hash(),
                "root_view_id": root_view_id or view_id,
                "previous_view_id": previous_view_id,
                "app_id": workspace.app_id,
                "app_installed_team_id": workspace.team_id,
                "bot_id": workspace.bot_id,
            }
        )
        return View(id=view_id, team_id=workspace.team_id, user_id=user_id, data=data)

    def _views_open(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        trigger = self._take_trigger(workspace, params.get("trigger_id"))
        spec = self._view_param(params, "modal")
        self._check_external_id(workspace, spec, None)
        trigger.used, trigger.used_at = True, self.clock()
        view = self._make_view(workspace, trigger.user_id, spec)
        # A new modal replaces whatever modal the person had open.
        self._closed_views.extend(self._stacks.get(trigger.user_id, []))
        self._stacks[trigger.user_id] = [view]
        return {"view": view.to_api()}

    def _views_push(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        trigger = self._take_trigger(workspace, params.get("trigger_id"))
        spec = self._view_param(params, "modal")
        stack = self._stacks.get(trigger.user_id)
        if not stack:
            raise _ApiError("not_found")
        if len(stack) >= 3:
            raise _ApiError("push_limit_reached")
        self._check_external_id(workspace, spec, None)
        trigger.used, trigger.used_at = True, self.clock()
        view = self._make_view(
            workspace,
            trigger.user_id,
            spec,
            root_view_id=stack[0].id,
            previous_view_id=stack[-1].id,
        )
        stack.append(view)
        return {"view": view.to_api()}

    def _views_update(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        view_id, external_id = params.get("view_id"), params.get("external_id")
        if not view_id and not external_id:
            raise _ApiError(
                "invalid_arguments",
                extra={
                    "response_metadata": {
                        "messages": ["[ERROR] either view_id or external_id is required"]
                    }
                },
            )
        current = None
        for stack in self._stacks.values():
            for candidate in stack:
                if candidate.team_id == workspace.team_id and (
                    candidate.id == view_id
                    or (external_id and candidate.external_id == external_id)
                ):
                    current = candidate
        if current is None:
            home = next(
                (
                    h
                    for h in self._homes.values()
                    if h.team_id == workspace.team_id
                    and (h.id == view_id or (external_id and h.external_id == external_id))
                ),
                None,
            )
            current = home
        if current is None:
            raise _ApiError("not_found")
        if params.get("hash") and params["hash"] != current.hash:
            raise _ApiError("hash_conflict")
        spec = self._view_param(params, current.type)
        self._check_external_id(workspace, spec, current.id)
        self._replace_view(workspace, current, spec)
        return {"view": current.to_api()}

    def _replace_view(self, workspace: Workspace, current: View, spec: JsonDict) -> None:
        """Give ``current`` new content, keeping id, stack links and kept inputs' state."""
        old_values: JsonDict = current.data.get("state", {}).get("values", {})
        replacement = self._make_view(
            workspace,
            current.user_id,
            spec,
            view_id=current.id,
            root_view_id=current.data.get("root_view_id"),
            previous_view_id=current.data.get("previous_view_id"),
        )
        # Slack keeps what was typed in inputs whose block_id and action_id survive.
        kept: JsonDict = {}
        for block in replacement.blocks:
            block_id = block.get("block_id")
            if block.get("type") == "input" and block_id in old_values:
                action_id = (block.get("element") or {}).get("action_id")
                if action_id in old_values[block_id]:
                    kept.setdefault(block_id, {})[action_id] = old_values[block_id][action_id]
        replacement.data["state"] = {"values": kept}
        current.data = replacement.data
        current.errors = None

    def _views_publish(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        user = self._team_user(workspace, params.get("user_id"))
        if not workspace.home_tab_enabled:
            raise _ApiError("not_enabled")
        spec = self._view_param(params, "home")
        current = self._homes.get(user.id)
        if params.get("hash") and (current is None or params["hash"] != current.hash):
            raise _ApiError("hash_conflict")
        self._check_external_id(workspace, spec, current.id if current else None)
        if current is None:
            current = self._make_view(workspace, user.id, spec)
            self._homes[user.id] = current
        else:
            self._replace_view(workspace, current, spec)
        return {"view": current.to_api()}

    # -- files ----------------------------------------------------------------------------

    def _files_get_upload_url(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        filename = params.get("filename")
        try:
            length = int(params.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        problems = []
        if not filename:
            problems.append("[ERROR] missing required field: filename")
        if length < 1:
            problems.append("[ERROR] must be greater than or equal to 1 [json-pointer:/length]")
        if problems:
            raise _ApiError(
                "invalid_arguments", extra={"response_metadata": {"messages": problems}}
            )
        file_id = self._new_id("F")
        key = secrets.token_hex(12)
        self._files[file_id] = UploadedFile(
            id=file_id,
            team_id=workspace.team_id,
            name=str(filename),
            length=length,
            upload_key=key,
            created=int(self.clock()),
            alt_txt=params.get("alt_txt"),
            snippet_type=params.get("snippet_type"),
        )
        self._uploads[key] = file_id
        return {"upload_url": f"{self.base_url}upload/v1/{key}", "file_id": file_id}

    def handle_upload(self, key: str, content: bytes) -> tuple[int, str]:
        """The upload URL: store the bytes; Slack answers ``OK - <size>``."""
        with self._lock:
            file_id = self._uploads.get(key)
            if file_id is None:
                return 404, "Not Found"
            self._files[file_id].content = content
            started = time.monotonic()
            self._record(
                "files.upload_url",
                {"file_id": file_id, "size": len(content)},
                200,
                {"ok": True},
                started,
                self._files[file_id].team_id,
                "application/octet-stream",
            )
            return 200, f"OK - {len(content)}"

    def _files_complete_upload(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        entries = self._json_param(params, "files", "invalid_arguments")
        if not isinstance(entries, list) or not entries:
            raise _ApiError("invalid_arguments")
        uploads = []
        for entry in entries:
            file_id = entry.get("id") if isinstance(entry, dict) else None
            upload = self._files.get(str(file_id))
            if upload is None or upload.team_id != workspace.team_id or upload.content is None:
                raise _ApiError("file_not_found")
            uploads.append((upload, entry))
        channel_ids = []
        if params.get("channel_id"):
            channel_ids.append(str(params["channel_id"]))
        if params.get("channels"):
            channel_ids.extend(c for c in str(params["channels"]).split(",") if c)
        channels = [self._resolve_channel(workspace, c) for c in channel_ids]
        for channel in channels:
            if workspace.bot_user_id not in channel.members:
                raise _ApiError("not_in_channel")
        for upload, entry in uploads:
            upload.title = entry.get("title") or upload.name
            upload.completed = True
            upload.initial_comment = params.get("initial_comment")
            upload.channels.extend(c.id for c in channels)
        objects = [
            u.to_api(workspace.bot_user_id, self.base_url, workspace.domain) for u, _ in uploads
        ]
        for channel in channels:
            self._bot_message(
                workspace,
                channel,
                params.get("initial_comment") or "",
                None,
                files=copy.deepcopy(objects),
                thread_ts=params.get("thread_ts") or None,
            )
        return {"files": objects}

    # -- files people share ----------------------------------------------------------

    def share_user_file(
        self,
        user_id: str,
        filename: str,
        content: bytes,
        *,
        text: str = "",
        channel: str | None = None,
        mimetype: str = "text/plain",
    ) -> tuple[Message, JsonDict]:
        """A person uploads a file with a message (in their DM with the bot by default):
        the message as stored, and the file object Slack puts in its ``files``."""
        with self._lock:
            user = self._users[user_id]
            workspace = self._workspaces[user.team_id]
            channel_id = channel or self._dm_channel(user).id
            file_id = self._new_id("F")
            upload = UploadedFile(
                id=file_id,
                team_id=user.team_id,
                name=filename,
                length=len(content),
                upload_key="",
                created=int(self.clock()),
                content=content,
                channels=[channel_id],
                initial_comment=text or None,
                completed=True,
                user=user_id,
                mimetype=mimetype,
            )
            self._files[file_id] = upload
            shown = upload.to_api(workspace.bot_user_id, self.base_url, workspace.domain)
            message = Message(
                channel=channel_id,
                ts=self._next_ts(),
                team_id=user.team_id,
                text=text,
                blocks=None,
                user=user_id,
                files=[copy.deepcopy(shown)],
                source="user",
            )
            self._messages.append(message)
            return copy.deepcopy(message), shown

    def withhold_scope(self, scope: str, team_id: str | None = None) -> None:
        """The workspace's bot token was installed without ``scope`` (``files:read``)."""
        with self._lock:
            self._withheld.setdefault(team_id or self.workspace.team_id, set()).add(scope)

    def _has_scope(self, workspace: Workspace, scope: str) -> bool:
        if scope in self._withheld.get(workspace.team_id, set()):
            return False
        granted = self._granted.get(workspace.team_id)
        return granted is None or scope in granted

    def _require_scope(self, workspace: Workspace, scope: str) -> None:
        if not self._has_scope(workspace, scope):
            granted = self._granted.get(workspace.team_id, [])
            raise _ApiError("missing_scope", extra={"needed": scope, "provided": ",".join(granted)})

    def _bot_sees(self, workspace: Workspace, upload: UploadedFile) -> bool:
        """A bot sees a file of its workspace shared where it is a member."""
        if upload.team_id != workspace.team_id:
            return False
        if upload.user is None:
            return True
        for channel_id in upload.channels:
            channel = self._channels.get(channel_id)
            if channel is not None and workspace.bot_user_id in channel.members:
                return True
        return False

    def _files_info(self, workspace: Workspace, params: JsonDict) -> JsonDict:
        self._require_scope(workspace, "files:read")
        upload = self._files.get(str(params.get("file") or ""))
        if upload is None or not upload.completed or not self._bot_sees(workspace, upload):
            raise _ApiError("file_not_found")
        return {
            "file": upload.to_api(workspace.bot_user_id, self.base_url, workspace.domain),
            "comments": [],
            "response_metadata": {"next_cursor": ""},
        }

    def handle_file_download(
        self, path: str, authorization: str
    ) -> tuple[int, dict[str, str], bytes]:
        """``url_private`` / ``url_private_download``: the file's bytes to a bearer of a
        bot token of its workspace with ``files:read``; anyone else is sent (302) to the
        sign-in page, as Slack does — a client that follows redirects gets HTML."""
        started = time.monotonic()
        parts = path.split("/")  # files-pri, T-F, [download,] name
        team_id, _, file_id = parts[1].partition("-") if len(parts) > 2 else ("", "", "")
        token = (
            authorization[len("Bearer ") :].strip() if authorization.startswith("Bearer ") else ""
        )
        with self._lock:
            upload = self._files.get(file_id)
            workspace = None
            if token in self._tokens and self.clock() < self._token_expiry.get(token, math.inf):
                workspace = self._workspaces[self._tokens[token]]
            allowed = (
                upload is not None
                and upload.team_id == team_id
                and unquote(parts[-1]) == upload.name
                and workspace is not None
                and self._has_scope(workspace, "files:read")
                and self._bot_sees(workspace, upload)
            )
            status = 200 if allowed else 302
            self._record(
                "files.download",
                {"file_id": file_id},
                status,
                {"ok": allowed},
                started,
                team_id or None,
                "",
                token=token or None,
            )
            if not allowed or upload is None:
                domain = self._workspaces[team_id].domain if team_id in self._workspaces else ""
                location = f"{self.base_url}signin?redir={quote('/' + path)}&team={domain}"
                return 302, {"Location": location}, b""
            return 200, {"Content-Type": upload.mimetype}, upload.content or b""

    # -- response_url and interaction answers -----------------------------------------

    def handle_response_url(self, url_id: str, payload: Any) -> tuple[int, str]:
        """A POST to a response_url: up to 5 within 30 minutes, then 404."""
        with self._lock:
            target = self._response_urls.get(url_id)
            if target is None:
                return self._log_response("", payload, 404, "no_such_url", "response_url")
            if self.clock() - target.issued_at > RESPONSE_URL_TTL:
                return self._log_response(target.url, payload, 404, "expired_url", "response_url")
            if target.uses >= RESPONSE_URL_MAX_USES:
                return self._log_response(target.url, payload, 404, "used_url", "response_url")
            target.uses += 1
            status, answer = self._apply_response(target, payload, source="response_url")
            return self._log_response(target.url, payload, status, answer, "response_url")

    def deliver_command_ack(self, response_url: str, payload: Any) -> tuple[int, str]:
        """What Slack does with a slash command's HTTP answer: show it like a response_url post.

        It does not count against the response_url's 5 uses.
        """
        url_id = response_url.rstrip("/").rsplit("/", 1)[-1]
        with self._lock:
            target = self._response_urls[url_id]
            status, answer = self._apply_response(target, payload, source="command_ack")
            return self._log_response(target.url, payload, status, answer, "command_ack")

    def _log_response(
        self, url: str, payload: Any, status: int, answer: str, via: str
    ) -> tuple[int, str]:
        self._response_posts.append(
            ResponseUrlPost(url, copy.deepcopy(payload), status, answer, self.clock(), via)
        )
        return status, answer

    def _apply_response(self, target: ResponseUrl, payload: Any, *, source: str) -> tuple[int, str]:
        if not isinstance(payload, dict):
            return 400, "invalid_payload"
        workspace = self._workspaces[target.team_id]
        channel = self._channels.get(target.channel_id)
        if channel is None:
            return 404, "channel_not_found"
        if _truthy(payload.get("delete_original")):
            original = self._find_message(channel.id, target.message_ts or "")
            if original is None:
                return 404, "message_not_found"
            original.deleted = True
            return 200, "ok"
        try:
            text, blocks, attachments = self._message_content(payload)
        except _ApiError as failure:
            return 400, failure.error
        if _truthy(payload.get("replace_original")):
            original = self._find_message(channel.id, target.message_ts or "")
            if original is None:
                return 404, "message_not_found"
            original.versions.append(original.to_api())
            original.text, original.blocks, original.attachments = text, blocks, attachments
            return 200, "ok"
        in_channel = payload.get("response_type") == "in_channel"
        self._bot_message(
            workspace,
            channel,
            text,
            blocks,
            attachments=attachments,
            ephemeral_for=None if in_channel else target.user_id,
            thread_ts=payload.get("thread_ts") or None,
            source=source,
        )
        return 200, "ok"

    def apply_view_submission_answer(self, user_id: str, view_id: str, answer: Any) -> str:
        """What Slack does with the HTTP answer to a view_submission.

        Empty → the submitted view closes (the one below shows again);
        ``errors`` → it stays, with the errors recorded on it; ``update`` → it is
        replaced; ``push`` → a view is pushed; ``clear`` → the whole stack closes.
        Returns the action taken (``"close"`` for an empty answer), or ``"invalid"``
        when Slack would show the person a generic error instead (a refused view, or
        errors not keyed by an input block's block_id; recorded as a failed
        ``view_submission.<action>`` call).
        """
        with self._lock:
            stack = self._stacks.get(user_id, [])
            current = next((v for v in stack if v.id == view_id), None)
            if current is None:
                return "none"
            workspace = self._workspaces[current.team_id]
            action = answer.get("response_action") if isinstance(answer, dict) else None
            if action == "errors":
                errors = dict(answer.get("errors") or {})
                inputs = {b.get("block_id") for b in current.blocks if b.get("type") == "input"}
                strays = sorted(set(errors) - inputs)
                if strays or not errors:
                    # Slack shows the person a generic failure and no field error:
                    # errors must be keyed by the block_id of an input block.
                    self._record(
                        "view_submission.errors",
                        {"errors": errors},
                        200,
                        {"ok": False, "error": "invalid_errors", "not_input_block_ids": strays},
                        time.monotonic(),
                        workspace.team_id,
                        "application/json",
                    )
                    return "invalid"
                current.errors = errors
                return "errors"
            if action in ("update", "push"):
                spec = answer.get("view")
                violations = blockkit.validate_view(spec)
                if violations:
                    # Slack shows the person an error; the app gets nothing back.
                    self._record(
                        f"view_submission.{action}",
                        {"view": spec},
                        200,
                        _violations_error(violations, surface="view").extra | {"ok": False},
                        time.monotonic(),
                        workspace.team_id,
                        "application/json",
                    )
                    return "invalid"
                assert isinstance(spec, dict)
                if action == "update":
                    self._replace_view(workspace, current, spec)
                    return "update"
                if len(stack) >= 3:
                    return "push_limit_reached"
                stack.append(
                    self._make_view(
                        workspace,
                        user_id,
                        spec,
                        root_view_id=stack[0].id,
                        previous_view_id=stack[-1].id,
                    )
                )
                return "push"
            if action == "clear":
                self._closed_views.extend(stack)
                self._stacks.pop(user_id, None)
                return "clear"
            stack.remove(current)
            self._closed_views.append(current)
            if not stack:
                self._stacks.pop(user_id, None)
            return "close"

    def close_view(self, user_id: str, view_id: str) -> View | None:
        """The person closes a modal (its whole stack, as the × button does)."""
        with self._lock:
            stack = self._stacks.get(user_id, [])
            current = next((v for v in stack if v.id == view_id), None)
            if current is None:
                return None
            self._closed_views.extend(stack)
            self._stacks.pop(user_id, None)
            return copy.deepcopy(current)

    def set_view_state(self, view_id: str, values: JsonDict) -> None:
        """Record what the person has typed/selected in a view's inputs (state.values)."""
        with self._lock:
            view = self._find_view(view_id)
            if view is None:
                raise KeyError(view_id)
            view.data["state"] = {"values": copy.deepcopy(values)}


class _QuietServer(ThreadingHTTPServer):
    """ThreadingHTTPServer without tracebacks on stderr for dropped connections."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # Slack takes many connections at once (the default: 5)

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


class _Handler(BaseHTTPRequestHandler):
    """Routes /api/<method>, /upload/v1/<key> and /response/<team>/<id>."""

    emulator: SlackEmulator
    server_version = "SlackEmulator/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        return  # tests and demos read the recorded calls instead

    def do_GET(self) -> None:
        self._dispatch(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    def _dispatch(self, body: bytes) -> None:
        if self.emulator.latency > 0:
            self.emulator.sleep(self.emulator.latency)  # Slack's round trip; outside every lock
        parts = urlsplit(self.path)
        path = parts.path
        if path.startswith("/api/"):
            self._api(path[len("/api/") :], parts.query, body)
        elif path.startswith("/upload/v1/"):
            status, text = self.emulator.handle_upload(path.rsplit("/", 1)[-1], body)
            self._send(status, text.encode(), "text/plain; charset=utf-8")
        elif path.startswith("/files-pri/"):
            authorization = self.headers.get("Authorization", "")
            status, headers, content = self.emulator.handle_file_download(path[1:], authorization)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        elif path == "/signin":
            page = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>"
            self._send(200, page, "text/html; charset=utf-8")
        elif path.startswith("/response/"):
            try:
                payload: Any = json.loads(body or b"{}")
            except json.JSONDecodeError:
                payload = None
            status, text = self.emulator.handle_response_url(path.rsplit("/", 1)[-1], payload)
            self._send(status, text.encode(), "text/plain; charset=utf-8")
        else:
            self._send(404, b"Not Found", "text/plain; charset=utf-8")

    def _api(self, method: str, query: str, body: bytes) -> None:
        content_type = self.headers.get("Content-Type", "")
        params: JsonDict = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        try:
            params.update(_parse_body(content_type, body))
        except ValueError:
            self._send_json(200, {}, {"ok": False, "error": "invalid_json"})
            return
        token = params.pop("token", None)
        authorization = self.headers.get("Authorization", "")
        in_header = authorization.startswith("Bearer ")
        if in_header:
            token = authorization[len("Bearer ") :].strip()
        result = self.emulator.handle_api(
            method,
            params,
            token,
            content_type,
            token_in_header=in_header,
            client=_basic_credentials(authorization),
        )
        if result is _RESET:
            self._reset()
            return
        assert isinstance(result, tuple)
        status, headers, payload = result
        self._send_json(status, headers, payload)

    def _reset(self) -> None:
        """Drop the connection with a TCP RST, as a broken network would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _send_json(self, status: int, headers: Mapping[str, str], payload: JsonDict) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _basic_credentials(authorization: str) -> tuple[str, str] | None:
    """(client id, client secret) of an ``Authorization: Basic`` header, if any."""
    if not authorization.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[len("Basic ") :].strip()).decode("utf-8")
    except ValueError:
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _parse_body(content_type: str, body: bytes) -> JsonDict:
    """Parameters from a JSON, form-encoded or multipart body (as slack_sdk sends them)."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=email_policy).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        params: JsonDict = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            raw = payload if isinstance(payload, bytes) else b""
            if isinstance(name, str):
                params[name] = raw if part.get_filename() else raw.decode()
        return params
    return {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
