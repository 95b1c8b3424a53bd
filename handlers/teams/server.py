"""The Teams SDK's app on its own event loop, beside Palier's synchronous core.

The SDK is asyncio-only (FastAPI and uvicorn); the core, the tick and the CLI are not.
:class:`TeamsServer` runs the SDK's app and its HTTP listener on an event loop in a
thread of its own; listeners call the core in worker threads (``asyncio.to_thread``), and
synchronous callers (the tick's messenger) hand coroutines to that loop (:meth:`run`).

Where Microsoft's services are: :class:`Endpoints` — Microsoft's own by default; tests and
the demo point them at the project's Teams emulator (the SDK's public ``cloud`` option,
no patching: docs/teams-sdk.md). In front of the SDK's HTTP app, :mod:`handlers.teams.edge`
makes readable what Teams sends and the SDK does not know yet.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import uvicorn

from handlers.teams.edge import TeamsEdge
from handlers.teams.throttle import ConnectorRetries, Sleep
from handlers.teams.token import BOT_TENANT, LOGIN_URL, BotTokens

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the SDK announces an experimental feature at import
    from fastapi import FastAPI
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.apps import App, FastAPIAdapter
    from microsoft_teams.common.http import Client, ClientOptions

T = TypeVar("T")
TIMEOUT = 60.0  # a safety net for a hung loop, never a pace


@dataclass(frozen=True)
class Endpoints:
    """Microsoft's services Palier talks to (the emulator's in tests and the demo)."""

    login_url: str = LOGIN_URL  # Entra ID: the bot's tokens
    openid_metadata_url: str | None = None  # Bot Framework's keys (None: Microsoft's)
    service_url: str | None = None  # the Connector for proactive sends (None: the SDK's)


@dataclass(frozen=True)
class Credentials:
    app_id: str
    app_secret: str


class TeamsServer:
    """The SDK's app listening on ``host:port`` (0: any free port), on its own loop.

    With ``listen=False`` it only sends (the tick from the command line, a directory's
    tokens): the app is initialised on its loop and nothing listens.
    """

    def __init__(
        self,
        credentials: Credentials,
        clock: Callable[[], datetime],
        endpoints: Endpoints | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        listen: bool = True,
        tenant: str | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """``sleep``: how a send refused for now waits its ``Retry-After`` (tests: no
        real time; :class:`~handlers.teams.throttle.ConnectorRetries`)."""
        endpoints = endpoints or Endpoints()
        self.endpoints = endpoints
        self.clock = clock  # Palier's: the tokens' lifetimes, the Connector's Retry-After
        self.tokens = BotTokens(
            credentials.app_id,
            credentials.app_secret,
            clock,
            login_url=endpoints.login_url,
            tenant=tenant or BOT_TENANT,
        )
        self.listen = listen
        self._sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.port = 0
        if listen:
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._sock.bind((host, port))
            self._sock.listen(128)
            self.port = int(self._sock.getsockname()[1])
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        cloud = PUBLIC
        if endpoints.openid_metadata_url is not None:
            cloud = with_overrides(
                PUBLIC,
                openid_metadata_url=endpoints.openid_metadata_url,
                login_endpoint=endpoints.login_url,
                token_service_url=endpoints.login_url,
            )

        def server(fastapi: FastAPI) -> uvicorn.Server:
            # What Teams sends and the SDK cannot read yet, made readable (an ASGI middleware).
            fastapi.add_middleware(TeamsEdge)
            config = uvicorn.Config(fastapi, host=host, port=self.port, log_level="warning")
            return _BoundServer(config, self._sock)

        # Every request of the SDK goes through this client (the app's, and the clones it
        # makes per activity): a Connector's "not now" is waited for and sent again.
        client = Client(ClientOptions())
        client.use(ConnectorRetries(clock, sleep))
        options: dict[str, Any] = {"client": client}
        if endpoints.service_url is not None:
            options["service_url"] = endpoints.service_url
        if tenant:
            options["tenant_id"] = tenant  # a single-tenant bot: its tokens from its tenant
        self.app = App(
            client_id=credentials.app_id,
            token=self.tokens,
            cloud=cloud,
            http_server_adapter=FastAPIAdapter(server_factory=server),
            **options,
        )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="teams", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.app.initialize())
        except BaseException as error:  # told to start(), which raises it
            self._failed = error
            self._ready.set()
            return
        self._ready.set()
        if self.listen:
            self._loop.run_until_complete(self.app.start(self.port))
        else:
            self._loop.run_forever()

    def start(self) -> TeamsServer:
        """Serve in the background, once the app is initialised (requests wait on the
        listening socket meanwhile); without listening, be ready to send."""
        self._thread.start()
        self._ready.wait(TIMEOUT)
        if self._failed is not None:
            raise self._failed
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            if self.listen:
                asyncio.run_coroutine_threadsafe(self.app.stop(), self._loop).result(TIMEOUT)
            else:
                self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(TIMEOUT)
        if not self._loop.is_closed():
            self._loop.close()
        self._sock.close()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the app's loop from another thread; its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(TIMEOUT)


class _BoundServer(uvicorn.Server):
    """uvicorn serving a socket bound beforehand (its port known before it serves)."""

    def __init__(self, config: uvicorn.Config, sock: socket.socket) -> None:
        super().__init__(config)
        self._bound = sock

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        await super().serve(sockets=[self._bound])
