"""Running Palier on Slack: the long-running process, and one tick from the command line.

``palier run`` serves Slack's requests and ticks every minute in the same
process. Each request is answered by the thread that received it, and what follows the
answer runs on ``PALIER_SLACK_WORKERS`` threads (:mod:`handlers.slack.workers`).
Socket Mode when ``SLACK_APP_TOKEN`` is set (no public URL needed);
otherwise HTTP on ``PORT`` through waitress, a production WSGI server with
``PALIER_HTTP_THREADS`` threads, with
Slack's requests on ``/slack/events``, a health check on ``/healthz`` and, in OAuth
mode (several workspaces), Slack's install flow on ``/slack/install`` and
``/slack/oauth_redirect``.
Several processes may run side by side: the database decides who sends what.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.bootstrap import settle_start_up
from bot.delivery.tick import TickReport
from bot.settings import Settings
from handlers.slack.app import Clock, PalierSlack, build_app
from handlers.slack.edge import PalierRequestHandler, PalierSocketModeHandler

if TYPE_CHECKING:
    from waitress.server import BaseWSGIServer

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

StartResponse = Callable[..., Any]


def wsgi_app(palier: PalierSlack) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Bolt on ``/slack/events``, ``/healthz`` answering 200, 404 elsewhere.

    A request Bolt cannot read is answered by :class:`PalierRequestHandler`, not a 500.
    In OAuth mode Bolt also answers GET ``/slack/install`` and ``/slack/oauth_redirect``:
    its WSGI adapter routes its app's ``oauth_flow`` paths itself, whatever ``path`` says.
    """
    secret = palier.settings.slack_signing_secret
    assert secret is not None  # build_app requires it
    bolt = PalierRequestHandler(palier.bolt, secret.get_secret_value(), path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        return bolt(environ, start_response)

    return application


def waitress_options(settings: Settings) -> dict[str, Any]:
    """How waitress serves Slack's requests: ``PALIER_HTTP_THREADS`` threads, each
    answering one request at a time (the work that follows runs on the Slack workers)."""
    return {"threads": settings.http_threads}


def http_server(
    palier: PalierSlack, *, host: str = "0.0.0.0", port: int | None = None
) -> BaseWSGIServer:
    """waitress serving :func:`wsgi_app` on ``port`` (``PORT`` by default; 0: any free one)."""
    from waitress.server import BaseWSGIServer, create_server

    settings = palier.settings
    server = create_server(
        wsgi_app(palier),
        host=host,
        port=settings.port if port is None else port,
        **waitress_options(settings),
    )
    assert isinstance(server, BaseWSGIServer)  # one host and port: one socket
    return server


def run_tick(
    settings: Settings, now: datetime | None = None, *, clock: Clock | None = None
) -> TickReport:
    """One tick, for cron-style deployments, tests and the demo.

    At ``now`` if given, else at ``clock()`` (the system clock by default).
    """
    palier = build_app(settings, clock=clock)
    try:
        palier.core.require_current_schema()
        return palier.tick(now)
    finally:
        palier.close()


def serve(settings: Settings, *, clock: Clock | None = None) -> None:
    """Serve Slack and tick until interrupted; ``clock`` replaces the system clock (tests)."""
    palier = build_app(settings, clock=clock)
    try:
        palier.core.require_current_schema()
        palier.start_scheduler()
        listen(palier)
    finally:
        palier.close()


def listen(palier: PalierSlack) -> None:
    """Serve Slack's requests until interrupted: Socket Mode with ``SLACK_APP_TOKEN``, else
    HTTP on ``PORT``."""
    settings = palier.settings
    palier.start_workers()
    settle_start_up()  # everything is built: out of the garbage collector's sight
    if settings.slack_app_token is not None:
        log.info("Palier in Socket Mode")
        if palier.bolt.oauth_flow is not None:
            # Slack's install flow is a browser redirect: it needs HTTP mode.
            log.warning("Socket Mode serves no install page: run in HTTP mode to install")
        handler = PalierSocketModeHandler(palier.bolt, settings.slack_app_token.get_secret_value())
        handler.start()  # type: ignore[no-untyped-call]
    else:
        log.info("Palier on HTTP port %s (%s)", settings.port, EVENTS_PATH)
        if palier.bolt.oauth_flow is not None:
            log.info("installs on %s", palier.bolt.oauth_flow.install_path)
        http_server(palier).run()
