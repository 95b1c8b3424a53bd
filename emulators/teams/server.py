"""A local Microsoft Teams for a bot: the Connector, the token endpoint, Bot Framework's keys.

``TeamsEmulator`` is an ``http.server.ThreadingHTTPServer`` in a daemon thread on
127.0.0.1 (an ephemeral port by default). It plays the three Microsoft services a Teams
bot talks to, each under the path the real one uses, so that pointing a bot at the
emulator changes base URLs only:

- ``login.botframework.com``: ``GET /v1/.well-known/openidconfiguration`` and
  ``GET /v1/.well-known/keys`` (:mod:`.identity`);
- ``login.microsoftonline.com``: ``POST /{tenant}/oauth2/v2.0/token`` (client
  credentials) and ``GET /{tenant}/discovery/v2.0/keys``;
- ``graph.microsoft.com`` at :attr:`graph_url`: the users of a tenant and their mailbox
  settings, for an app-only Graph token of that tenant (:mod:`.graph`);
- the Bot Framework Connector REST API v3 at :attr:`service_url` (``…/teams/``, the
  ``serviceUrl`` of the activities the driver sends): ``POST /v3/conversations``, send,
  reply, update, delete an activity, ``GET`` the members (:mod:`.connector`). Every call
  needs ``Authorization: Bearer`` with a token from the token endpoint that has not
  expired on the emulator's clock, else ``401`` and the Connector's
  ``{"message": "Authorization has been denied for this request."}``.
- OneDrive for Business: the upload sessions Teams opens when a person accepts a file the
  bot offered (``PUT``/``GET``/``DELETE`` of the ``uploadUrl``, pre-authenticated), and the
  files they leave, which a test reads back (:mod:`.drive`, :mod:`.files`); a file a person
  sends the bot, fetched from its pre-authorized ``downloadUrl`` (:meth:`send_file`).

It keeps tenants, people, installations, chats and messages (:mod:`.store`), checks what
the bot sends (:mod:`.cards`), records every call with its effects under one lock, can
fail on demand (429 with ``Retry-After``, 5xx, slow answers, dropped connections) and can
enforce Teams' rate limits (:mod:`.ratelimit`). Conversation ids such as
``a:1…`` or ``19:…@thread.v2`` arrive unencoded in paths; routes are regular expressions.

Test and demo infrastructure: it follows Microsoft's published formats, not Palier, and
imports neither Palier nor the Teams SDK.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any, TypeVar

from emulators.teams import cards
from emulators.teams.connector import Connector, ConnectorError, bad_argument
from emulators.teams.drive import Drive, DriveError, DriveFile
from emulators.teams.graph import Graph, GraphError, unauthorized
from emulators.teams.identity import (
    BOT_FRAMEWORK_RESOURCE,
    GRAPH_PERMISSIONS,
    GRAPH_RESOURCE,
    AadError,
    BotCredentials,
    Identity,
)
from emulators.teams.model import (
    Bot,
    CallRecord,
    Conversation,
    Fault,
    InboundRecord,
    JsonDict,
    Message,
    User,
)
from emulators.teams.ratelimit import RateLimiter, RateLimits
from emulators.teams.store import Store
from emulators.teams.transport import (
    GRAPH_PATH,
    RESET,
    SERVICE_PATH,
    Malformed,
    Request,
    make_server,
    route,
)

T = TypeVar("T")
DENIED = {"message": "Authorization has been denied for this request."}
WAIT_TIMEOUT = 60.0
REFRESH_AFTER = 60.0
"""Seconds after which a client refreshes a card it fetched ("the refresh triggers only
if the card from the last invoke is older than a minute", User Specific Views)."""
"""Seconds :meth:`TeamsEmulator.wait_for` waits at most: a safety net, never a pace."""

Answer = tuple[int, dict[str, str], Any]


class TeamsEmulator:
    """Microsoft Teams as one bot sees it, over real HTTP on 127.0.0.1.

    Use as a context manager (or :meth:`start` / :meth:`stop`). The bot's credentials are
    :attr:`app_id` / :attr:`client_secret`; people are added with :meth:`add_user`, the
    app installed for them with :meth:`install` (the driver does both halves: state here,
    events to the bot). Thread-safe: the HTTP threads and the test share one lock.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] | None = None,
        app_id: str | None = None,
        client_secret: str | None = None,
        tenant_id: str | None = None,
        tenant_name: str = "Palier Demo",
        bot_name: str = "Palier",
        enforce_rate_limits: bool = False,
        rate_limits: RateLimits | None = None,
        max_message_bytes: int = cards.MAX_MESSAGE_BYTES,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.clock: Callable[[], float] = clock or time.time
        tenant = tenant_id or str(uuid.uuid4())
        self.bot = Bot(
            app_id=app_id or str(uuid.uuid4()),
            client_secret=client_secret or secrets.token_urlsafe(30),
            tenant_id=tenant,
            name=bot_name,
        )
        self.identity = Identity(self.clock)
        self.identity.register(BotCredentials(self.bot.app_id, self.bot.client_secret, tenant))
        self.enforce_rate_limits = enforce_rate_limits
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._store = Store(self.bot, self.clock)
        self._store.add_tenant(tenant, tenant_name)
        self.identity.consent(tenant, GRAPH_PERMISSIONS)
        self._drive = Drive(self.clock)
        self._connector = Connector(
            self._store, drive=self._drive, max_message_bytes=max_message_bytes
        )
        self._graph = Graph(self._store)
        self._limiter = RateLimiter(rate_limits or RateLimits())
        self._calls: list[CallRecord] = []
        self._inbound: list[InboundRecord] = []
        self._faults: list[Fault] = []
        # When each person's client last fetched a message's card from the bot
        # (when, and after how many bot edits of the message), by (chat, message, person).
        self._fetched: dict[tuple[str, str, str], tuple[float, int]] = {}
        self._host, self._port = host, port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> TeamsEmulator:
        """Bind and serve in a daemon thread; return self."""
        if self._server is None:
            self._server = make_server(self._host, self._port, self)
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(0.01,), name="teams-emulator", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> TeamsEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash; the server must be started)."""
        if self._server is None:
            raise RuntimeError("TeamsEmulator is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def service_url(self) -> str:
        """The Connector's base, as activities' ``serviceUrl`` gives it (ends with ``/``)."""
        return f"{self.base_url}{SERVICE_PATH}/"

    @property
    def openid_metadata_url(self) -> str:
        """Bot Framework's OpenID metadata document (``…/v1/.well-known/openidconfiguration``)."""
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    @property
    def graph_url(self) -> str:
        """Microsoft Graph's base (``https://graph.microsoft.com``'s place, no ``/v1.0``)."""
        return f"{self.base_url}{GRAPH_PATH}"

    @property
    def login_endpoint(self) -> str:
        """Entra ID's base (``login.microsoftonline.com``'s place)."""
        return self.base_url

    def token_url(self, tenant: str = "botframework.com") -> str:
        """The token endpoint of ``tenant``."""
        return f"{self.base_url}/{tenant}/oauth2/v2.0/token"

    @property
    def app_id(self) -> str:
        """The bot's Microsoft App ID."""
        return self.bot.app_id

    @property
    def client_secret(self) -> str:
        """The bot's client secret."""
        return self.bot.client_secret

    @property
    def tenant_id(self) -> str:
        """The default tenant (the bot's home tenant)."""
        return self.bot.tenant_id

    # -- tenants, people, installations, chats ------------------------------------------------

    def add_tenant(
        self, tenant_id: str, name: str, *, graph_permissions: frozenset[str] = GRAPH_PERMISSIONS
    ) -> None:
        """Another organisation, where people can install the app too; its admin consented
        to ``graph_permissions`` (see :meth:`consent`)."""
        with self._changed:
            self._store.add_tenant(tenant_id, name)
            self.identity.consent(tenant_id, graph_permissions)

    def consent(self, tenant_id: str, permissions: frozenset[str] | None) -> None:
        """The tenant's admin grants the app these Microsoft Graph application permissions
        (``frozenset()``: none; None: the app's service principal is removed there, so no
        Graph token is issued for it). Tokens issued before keep their permissions."""
        if permissions is None:
            self.identity.withdraw_consent(tenant_id)
        else:
            self.identity.consent(tenant_id, permissions)

    def add_user(self, name: str, email: str, **details: Any) -> User:
        """A person (in the default tenant unless ``tenant_id=``); see :meth:`.Store.add_user`."""
        with self._changed:
            details.setdefault("tenant_id", self.tenant_id)
            return copy.deepcopy(self._store.add_user(name, email, **details))

    def update_user(self, user: str | User, **changes: Any) -> User:
        """Change what Teams and Graph say of a person (``account_enabled=False``,
        ``mailbox_timezone=…``, ``preferred_language=…``, ``name=…``)."""
        with self._changed:
            person = self._store.user(_key(user))
            for name, value in changes.items():
                if not hasattr(person, name) or name in ("id", "aad_object_id", "tenant_id"):
                    raise AttributeError(f"cannot change {name!r} of a user")
                setattr(person, name, value)
            return copy.deepcopy(person)

    def set_client(
        self, user: str | User, *, timezone: str | None = None, locale: str | None = None
    ) -> User:
        """The person's Teams client now says another time zone or language (they travel,
        change a setting): what they send from now on carries it (``clientInfo``,
        ``localTimezone``, ``locale``)."""
        with self._changed:
            stored = self._store.user(_key(user))
            if timezone is not None:
                stored.timezone = timezone
            if locale is not None:
                stored.locale = locale
            return copy.deepcopy(stored)

    def user(self, key: str | User) -> User:
        """A person by Teams id, Entra object id, UPN or email."""
        with self._lock:
            return copy.deepcopy(self._store.user(key.id if isinstance(key, User) else key))

    def install(self, user: str | User) -> Conversation:
        """The app is installed in the person's personal scope; their chat with the bot."""
        with self._changed:
            conversation = self._store.install(self._store.user(_key(user)))
            self._changed.notify_all()
            return copy.deepcopy(conversation)

    def uninstall(self, user: str | User) -> None:
        """The app is removed from the person's personal scope."""
        with self._changed:
            self._store.uninstall(self._store.user(_key(user)))
            self._changed.notify_all()

    def block(self, user: str | User, blocked: bool = True) -> None:
        """The person blocks (``blocked=False``: unblocks) the bot."""
        with self._changed:
            self._store.block(self._store.user(_key(user)), blocked)

    def is_installed(self, user: str | User) -> bool:
        """Whether the app is in the person's personal scope."""
        with self._lock:
            return self._store.is_installed(self._store.user(_key(user)))

    def personal_conversation_id(self, user: str | User) -> str | None:
        """The id of the person's chat with the bot (None before the first install)."""
        with self._lock:
            return self._store.personal_conversation_id(self._store.user(_key(user)))

    def conversation(self, conversation_id: str) -> Conversation | None:
        """A chat by id."""
        with self._lock:
            found = self._store.conversations.get(conversation_id)
            return copy.deepcopy(found) if found else None

    def add_group_chat(
        self, members: list[str | User], *, bot_member: bool = False
    ) -> Conversation:
        """A group chat of ``members`` (the bot not in it unless ``bot_member``)."""
        with self._changed:
            people = [self._store.user(_key(m)) for m in members]
            return copy.deepcopy(self._store.add_group_chat(people, bot_member=bot_member))

    def add_team(
        self, name: str, members: list[str | User], *, bot_member: bool = False
    ) -> Conversation:
        """A team of ``members``; its General channel (the app not added to it unless
        ``bot_member``: :meth:`add_app_to`)."""
        with self._changed:
            people = [self._store.user(_key(m)) for m in members]
            team = self._store.add_team(name, people, bot_member=bot_member)
            return copy.deepcopy(self._store.conversations[team.id])

    def add_app_to(self, conversation_id: str) -> Conversation:
        """The app is added to a group chat, or to the team of a channel (its bot becomes a
        member: it may post there, and, in a team, open a 1:1 chat with its members)."""
        with self._changed:
            conversation = self._store.find_conversation(conversation_id)
            if conversation is None:
                raise KeyError(f"no conversation {conversation_id}")
            self._store.add_app_to(conversation)
            self._changed.notify_all()
            return copy.deepcopy(conversation)

    def post_user_message(
        self, user: str | User, text: str, *, conversation_id: str | None = None
    ) -> Message:
        """A message the person writes (in their chat with the bot unless told otherwise)."""
        with self._changed:
            person = self._store.user(_key(user))
            if conversation_id is None:
                conversation = self._store.personal_conversation(person)
            else:
                conversation = self._store.conversations[conversation_id]
            activity = {"type": "message", "text": text, "from": person.account()}
            message = self._store.add_message(conversation, person.id, activity, source="user")
            self._changed.notify_all()
            return copy.deepcopy(message)

    def refresh_card(
        self, conversation_id: str, message_id: str, card: JsonDict, user: str | User | None = None
    ) -> Message:
        """Teams replaces a message's card with the one an ``adaptiveCard/action`` answered
        (``user``: whose client fetched it, which then refreshes it on its own only a
        minute later, or once the bot edits the message: :meth:`refresh_due`)."""
        with self._changed:
            message = self._store.find_message(conversation_id, message_id)
            if message is None:
                raise KeyError(f"no message {message_id} in {conversation_id}")
            activity = copy.deepcopy(message.activity)
            activity["attachments"] = [{"contentType": cards.ADAPTIVE_CARD, "content": card}]
            message.replace(activity, self.clock(), "card_refresh")
            if user is not None:
                self.card_fetched(conversation_id, message_id, user)
            self._changed.notify_all()
            return copy.deepcopy(message)

    # -- files: OneDrive -------------------------------------------------------------------------

    def open_upload(self, user: str | User, name: str, size: int) -> JsonDict:
        """The person accepted a file ``name`` of ``size`` bytes: the upload session Teams
        opens in their OneDrive, as the invoke's ``uploadInfo`` gives it."""
        with self._changed:
            owner = self._store.user(_key(user))
            return self._drive.open(owner, name, size, self.base_url).upload_info()

    def send_file(self, user: str | User, name: str, data: bytes, text: str = "") -> Message:
        """The person sends a file (and ``text``) in their chat with the bot: kept in their
        OneDrive, the message carrying its ``file.download.info`` attachment."""
        with self._changed:
            person = self._store.user(_key(user))
            conversation = self._store.personal_conversation(person)
            attachment = self._drive.receive(person, name, data, self.base_url)
            activity = {
                "type": "message",
                "text": text,
                "from": person.account(),
                "attachments": [attachment],
            }
            message = self._store.add_message(conversation, person.id, activity, source="user")
            self._changed.notify_all()
            return copy.deepcopy(message)

    @property
    def redirect_downloads(self) -> bool:
        """Whether a sent file's ``downloadUrl`` answers with a redirect to its storage."""
        return self._drive.redirect_downloads

    @redirect_downloads.setter
    def redirect_downloads(self, value: bool) -> None:
        with self._lock:
            self._drive.redirect_downloads = value

    def drive_files(self, user: str | User) -> list[DriveFile]:
        """The files uploaded to the person's OneDrive, oldest first."""
        with self._lock:
            return copy.deepcopy(self._drive.files_of(self._store.user(_key(user)).id))

    def drive_file(self, content_url: str) -> DriveFile | None:
        """An uploaded file by its ``contentUrl`` (a file card's)."""
        with self._lock:
            return copy.deepcopy(self._drive.by_url(content_url))

    def card_fetched(self, conversation_id: str, message_id: str, user: str | User) -> None:
        """The person's client fetched the message's card from the bot (a refresh, or an
        ``Action.Execute`` answered with a card), now."""
        with self._changed:
            person = self._store.user(_key(user))
            message = self._store.find_message(conversation_id, message_id)
            edits = message.edits if message is not None else 0
            self._fetched[(conversation_id, message_id, person.id)] = (self.clock(), edits)

    def refresh_due(
        self, conversation_id: str, message_id: str, user: str | User
    ) -> JsonDict | None:
        """The ``refresh`` action the person's client runs on its own when the message
        comes into view, or None.

        Universal Actions' refresh model ("Work with Universal Actions for Adaptive
        Cards", Refresh model and User IDs in refresh; "User Specific Views", Refresh
        behavior): a card whose ``refresh`` holds an ``Action.Execute`` is refreshed
        automatically for the people of its ``userIds`` (at most 60; ``[]``: nobody, the
        refresh is manual; no ``userIds``: everyone, in a conversation of 60 people at
        most) — when the client has not fetched it yet, when the bot has edited the
        message since ("Up to date cards": a bot message edit triggers it), or when the
        card from the last invoke is older than a minute.
        """
        with self._lock:
            person = self._store.user(_key(user))
            message = self._store.find_message(conversation_id, message_id)
            conversation = self._store.conversations.get(conversation_id)
            if message is None or message.deleted or conversation is None or not message.from_bot:
                return None
            card = message.card
            refresh = card.get("refresh") if card is not None else None
            action = refresh.get("action") if isinstance(refresh, dict) else None
            if not isinstance(action, dict) or action.get("type") != "Action.Execute":
                return None
            assert isinstance(refresh, dict)
            user_ids = refresh.get("userIds")
            if user_ids is None:
                if len(conversation.members) > cards.MAX_REFRESH_USERS:
                    return None
            elif not isinstance(user_ids, list) or person.id not in user_ids:
                return None
            fetched = self._fetched.get((conversation_id, message_id, person.id))
            if fetched is None or message.edits > fetched[1]:  # never, or edited since
                return copy.deepcopy(action)
            if self.clock() - fetched[0] >= REFRESH_AFTER:
                return copy.deepcopy(action)
            return None

    # -- reading back ------------------------------------------------------------------------------

    def messages_in(self, conversation_id: str) -> list[Message]:
        """What people see in a chat, oldest first."""
        with self._lock:
            return copy.deepcopy(self._store.visible(conversation_id))

    def messages_of(self, user: str | User) -> list[Message]:
        """The messages of the person's chat with the bot, oldest first ([] if none)."""
        conversation_id = self.personal_conversation_id(user)
        return self.messages_in(conversation_id) if conversation_id else []

    def message(self, conversation_id: str, message_id: str) -> Message | None:
        """One message (deleted ones included) by chat and id."""
        with self._lock:
            found = self._store.find_message(conversation_id, message_id)
            return copy.deepcopy(found) if found else None

    @property
    def calls(self) -> list[CallRecord]:
        """Every request to the emulator so far, in order."""
        with self._lock:
            return copy.deepcopy(self._calls)

    def calls_to(self, operation: str) -> list[CallRecord]:
        """The calls of one operation (``send``, ``update``, ``token``…), in order."""
        with self._lock:
            return [copy.deepcopy(c) for c in self._calls if c.operation == operation]

    def clear_calls(self) -> None:
        """Forget the recorded calls (state is kept)."""
        with self._lock:
            self._calls.clear()

    @property
    def inbound(self) -> list[InboundRecord]:
        """Every activity the driver delivered to the bot, with its answer."""
        with self._lock:
            return copy.deepcopy(self._inbound)

    def record_inbound(self, record: InboundRecord) -> None:
        """Keep what the driver sent the bot and what came back (the driver calls this)."""
        with self._changed:
            self._inbound.append(copy.deepcopy(record))
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[], T | None], timeout: float = WAIT_TIMEOUT) -> T:
        """Return ``condition()`` once truthy, re-checking after each change (no polling).

        Every call, message and inbound activity wakes the waiter. Raises TimeoutError
        after ``timeout`` seconds (a safety net against a hung bot, not a pace).
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                result = condition()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout:.1f} s")
                self._changed.wait(remaining)

    # -- faults ------------------------------------------------------------------------------------

    def inject(self, operation: str, **fault: Any) -> Fault:
        """Make the next ``times`` calls of ``operation`` ("*" for any) fail.

        ``status=429`` answers ``Retry-After: retry_after`` (default 1) and code
        ``Throttled``; ``status=5xx`` a ``ServiceError``; ``delay`` waits that many real
        seconds first (then answers as usual unless a status is set); ``reset`` drops the
        connection, the call not carried out; ``lose_answer`` carries the call out, then
        drops the connection (the caller cannot know it went through); ``hold`` (an Event) makes the call wait
        until it is set (``held`` is set once it waits). See :class:`.Fault`.
        """
        record = Fault(operation=operation, **fault)
        with self._lock:
            self._faults.append(record)
        return record

    def clear_faults(self) -> None:
        """Remove every pending fault."""
        with self._lock:
            self._faults.clear()

    def _take_fault(self, operation: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.operation in (operation, "*") and fault.hits < fault.times:
                    fault.hits += 1
                    if fault.hits >= fault.times:
                        self._faults.remove(fault)
                    return fault
        return None

    # -- HTTP entry point --------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Any:
        """Answer one request: ``(status, headers, JSON body or None)`` or the reset marker."""
        started = time.monotonic()
        request = route(method, target, headers, body)
        fault = self._take_fault(request.operation) if request.operation != "unknown" else None
        if fault is not None and fault.delay:
            time.sleep(fault.delay)  # outside the lock: a slow answer does not block others
        if fault is not None and fault.hold is not None:
            fault.held.set()
            fault.hold.wait(timeout=WAIT_TIMEOUT)
        reset = fault is not None and fault.reset
        lost = fault is not None and fault.lose_answer
        # One step under the lock: the call is recorded with its effects, so nothing a
        # call did (a message, an update) is visible before the call is.
        with self._changed:
            if reset:
                answer: Answer = (0, {}, {"error": "connection reset"})
            else:
                answer = self._answer(request, fault)
            status, answer_headers, payload = answer
            graph = request.operation.startswith("graph_")
            audience = GRAPH_RESOURCE if graph else BOT_FRAMEWORK_RESOURCE
            token = self.identity.check_bearer(request.bearer, audience)
            self._calls.append(
                CallRecord(
                    operation=request.operation,
                    method=method,
                    path=request.path,
                    body=_recorded_body(request),
                    status=status,
                    response=copy.deepcopy(payload),
                    started=started,
                    finished=time.monotonic(),
                    clock=self.clock(),
                    conversation_id=request.params.get("cid"),
                    activity_id=request.params.get("aid"),
                    app_id=token.app_id if token is not None else None,
                    headers=dict(answer_headers),
                )
            )
            self._changed.notify_all()
        return RESET if reset or lost else answer

    def _answer(self, request: Request, fault: Fault | None) -> Answer:
        """Carry out one call (under the lock)."""
        operation, body = request.operation, request.body
        try:
            if fault is not None and fault.status is not None:
                return _fault_answer(fault)
            if operation == "openid":
                return 200, {}, self.identity.openid_configuration(self.base_url)
            if operation == "keys":
                return 200, {}, self.identity.bot_framework_keys()
            if operation == "entra_keys":
                return 200, {}, self.identity.entra_keys()
            if operation == "token":
                tenant = request.params["tenant"]
                return 200, {}, self.identity.issue_token(tenant, body, request.basic)
            if operation == "unknown":
                missing = {
                    "code": "NotFound",
                    "message": f"No route {request.method} {request.path}",
                }
                return 404, {}, {"error": missing}
            if operation.startswith("graph_"):
                return self._graph_call(request)
            if operation.startswith("upload"):
                return self._upload_call(request)
            if operation.startswith("download"):
                storage = operation == "download_storage"
                return self._drive.download(
                    request.query, request.headers, self.base_url, storage=storage
                )
            if self.identity.check_bearer(request.bearer) is None:
                return 401, {"WWW-Authenticate": "Bearer"}, DENIED
            if isinstance(body, Malformed):
                raise bad_argument("The request body is not valid JSON.")
            throttled = self._throttle(operation, request.params, body)
            if throttled is not None:
                return throttled
            status, payload = self._connector_call(operation, request.params, request.query, body)
            return status, {}, payload
        except AadError as refusal:
            return refusal.status, {}, refusal.body(self.clock())
        except ConnectorError as refusal:
            return refusal.status, {}, refusal.body()
        except GraphError as refusal:
            return refusal.status, {}, refusal.body(self.clock())
        except DriveError as refusal:
            return refusal.status, {}, refusal.body()
        except Exception as exc:  # a bug in the emulator: say so instead of hanging up
            error = {"code": "ServiceError", "message": f"emulator bug: {exc!r}"}
            return 500, {}, {"error": error}

    def _graph_call(self, request: Request) -> Answer:
        """A Microsoft Graph read, for the tenant of the Graph token presented."""
        bearer = request.bearer
        token = self.identity.check_bearer(bearer, GRAPH_RESOURCE)
        if token is None:
            issued = self.identity.find_token(bearer)
            if not bearer:
                message = "Access token is empty."
            elif issued is not None and issued.audience != GRAPH_RESOURCE:
                message = "Access token validation failure. Invalid audience."
            elif issued is not None:
                message = "Lifetime validation failed, the token is expired."
            else:
                message = "Access token validation failure."
            raise unauthorized(message)
        graph, operation, uid = self._graph, request.operation, request.params.get("uid", "")
        if operation == "graph_users":
            status, payload = graph.users(token, request.query)
        elif operation == "graph_user":
            status, payload = graph.user(token, uid, request.query)
        else:
            status, payload = graph.mailbox_settings(token, uid)
        return status, {}, payload

    def _upload_call(self, request: Request) -> Answer:
        """OneDrive's upload URL: a fragment, the session's status, or its cancellation."""
        drive, token, headers = self._drive, request.params["session"], request.headers
        payload: JsonDict | None
        if request.operation == "upload":
            status, payload = drive.put(token, headers, request.body or b"")
        elif request.operation == "upload_status":
            status, payload = drive.status(token, headers)
        else:
            status, payload = drive.cancel(token, headers)
        return status, {}, payload

    def _connector_call(
        self, operation: str, params: dict[str, str], query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        connector, cid = self._connector, params.get("cid", "")
        if operation == "create_conversation":
            return connector.create_conversation(body, self.service_url)
        if operation == "send":
            return connector.send(cid, body)
        if operation == "reply":
            return connector.send(cid, body, reply_to_id=params["aid"])
        if operation == "update":
            return connector.update(cid, params["aid"], body)
        if operation == "delete":
            return connector.delete(cid, params["aid"])
        if operation == "members":
            return connector.members(cid)
        if operation == "paged_members":
            return connector.paged_members(cid, query)
        if operation == "member":
            return connector.member(cid, params["mid"])
        return connector.activity_members(cid, params["aid"])

    def _throttle(self, operation: str, params: dict[str, str], body: Any) -> Answer | None:
        """429 when a published limit is reached (only with ``enforce_rate_limits``)."""
        if not self.enforce_rate_limits:
            return None
        thread = params.get("cid", "")
        conversation = self._store.conversations.get(thread)
        tenant = conversation.tenant_id if conversation is not None else self.tenant_id
        if operation == "create_conversation" and isinstance(body, dict):
            members = body.get("members") or [{}]
            member_id = str(members[0].get("id", "")) if isinstance(members[0], dict) else ""
            person = self._store.find_user(member_id)
            thread = person.id if person is not None else member_id
        wait = self._limiter.admit(operation, thread, tenant, self.app_id, self.clock())
        if wait is None:
            return None
        throttled = {"code": "Throttled", "message": "Too many requests."}
        return 429, {"Retry-After": str(wait)}, {"error": throttled}


def _recorded_body(request: Request) -> Any:
    """What a call record keeps of the body: JSON as sent; of a file's bytes, how many and
    the range they said they were."""
    if isinstance(request.body, Malformed):
        return None
    if isinstance(request.body, bytes):
        return {
            "bytes": len(request.body),
            "contentLength": request.headers.get("content-length"),
            "contentRange": request.headers.get("content-range"),
            "authorization": "authorization" in request.headers,
        }
    return copy.deepcopy(request.body)


def _key(user: str | User) -> str:
    return user.id if isinstance(user, User) else user


def _fault_answer(fault: Fault) -> Answer:
    status = fault.status or 500
    if status == 429:
        retry = fault.retry_after if fault.retry_after is not None else 1
        error = {
            "code": fault.code or "Throttled",
            "message": fault.message or "Too many requests.",
        }
        return 429, {"Retry-After": str(retry)}, {"error": error}
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    message = fault.message or ("Service is unavailable." if status >= 503 else "Internal error.")
    return status, headers, {"error": {"code": fault.code or "ServiceError", "message": message}}
