"""The composition root of Palier on Teams: :func:`build_teams`.

Wires the SDK's app (on its own loop, :class:`~handlers.teams.server.TeamsServer`) with
Palier's bot tokens, Microsoft's endpoints as the settings name them, the listeners on
the core's flows, each tenant's directory (Microsoft Graph) and the tick's messenger.
Serving (``palier run``) listens on ``TEAMS_HOST``:port for ``/api/messages``; the tick
from the command line only sends (``listen=False``). Nothing is a module global.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.bootstrap import Flows
from bot.settings import Settings
from handlers.teams.context import TeamsDeps
from handlers.teams.directory import GraphDirectory, graph_directories
from handlers.teams.edge import MESSAGING_PATH
from handlers.teams.errors import MissingTeamsSettingError
from handlers.teams.listeners import DIALOG_ACTIONS, register
from handlers.teams.messenger import TeamsMessenger
from handlers.teams.render import Renderer
from handlers.teams.server import Credentials, Endpoints, TeamsServer

log = logging.getLogger(__name__)

# Bot Framework's own OpenID metadata: the SDK's default cloud already names it.
MICROSOFT_OPENID = str(Settings.model_fields["teams_openid_metadata_url"].default)


def endpoints(settings: Settings) -> Endpoints:
    """Microsoft's services as the settings name them (the emulator's in tests, the demo)."""
    openid = settings.teams_openid_metadata_url
    return Endpoints(
        login_url=settings.teams_login_url,
        openid_metadata_url=None if openid == MICROSOFT_OPENID else openid,
        service_url=settings.teams_service_url,
    )


def credentials(settings: Settings) -> Credentials:
    if settings.teams_app_id is None:
        raise MissingTeamsSettingError("TEAMS_APP_ID")
    if settings.teams_app_secret is None:
        raise MissingTeamsSettingError("TEAMS_APP_SECRET")
    return Credentials(settings.teams_app_id, settings.teams_app_secret.get_secret_value())


@dataclass
class PalierTeams:
    """A wired Teams front end: the SDK's app on its loop, and the tick's messenger."""

    server: TeamsServer
    renderer: Renderer
    messenger: TeamsMessenger
    directories: Callable[[str], GraphDirectory]

    def start(self) -> PalierTeams:
        self.server.start()
        if self.server.listen:
            log.info("Palier on Teams: port %s (%s)", self.server.port, MESSAGING_PATH)
        return self

    def stop(self) -> None:
        self.server.stop()


def build_teams(
    settings: Settings,
    clock: Callable[[], datetime],
    flows: Flows | None = None,
    *,
    port: int | None = None,
) -> PalierTeams:
    """Teams as the settings describe it: serving ``flows`` on ``TEAMS_HOST``:``port``, or,
    without flows, only sending (the tick, an import's directory).

    Raises :class:`MissingTeamsSettingError` without ``TEAMS_APP_ID`` / ``TEAMS_APP_SECRET``.
    """
    listen = flows is not None
    server = TeamsServer(
        credentials(settings),
        clock,
        endpoints(settings),
        host=settings.teams_host,
        port=(port if port is not None else settings.teams_port or settings.port),
        listen=listen,
        tenant=settings.teams_tenant_id,
    )
    renderer = Renderer(DIALOG_ACTIONS)
    directories = graph_directories(server, settings.teams_graph_url)
    if flows is not None:
        deps = TeamsDeps(
            flows,
            renderer,
            settings.default_locale,
            directory=directories,
            tick_seconds=settings.tick_seconds,
            # Microsoft's services are https; a plain-http one is the emulator (the demo).
            plain_http_downloads=settings.teams_service_url.startswith("http://"),
        )
        register(server.app, deps)
    return PalierTeams(server, renderer, TeamsMessenger(server, renderer), directories)
