"""Palier in several workspaces: Slack's OAuth install flow and each workspace's bot token.

With ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` set, :func:`build_oauth` gives the
Bolt app Slack's install flow: ``/slack/install`` sends the installer to Slack's
authorize page, Slack sends them back to ``/slack/oauth_redirect`` with a code, and the
code becomes an installation (``oauth.v2.access``). Installations are kept by slack_sdk's
SQLAlchemy installation store, and the OAuth ``state`` by its SQLAlchemy state store,
both in Palier's own database (tables of migration 0005), so any Palier process can
finish an install another one started and every process sees every workspace.

Token rotation needs no setting of Palier's: when the Slack app has it switched on,
installations come with a refresh token and a bot token that expires after 12 hours.
Bolt refreshes it for requests (``InstallationStoreAuthorize``) and
:class:`WorkspaceClients` for the tick, both ``TOKEN_ROTATION_MINUTES`` before it
expires, and both save the refreshed installation. Every Web API call of the flow (the
code exchange, ``auth.test``, refreshes) goes to ``SLACK_API_URL``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urljoin

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine

from handlers.slack.client import make_client, retry_handlers

log = logging.getLogger(__name__)

# The bot scopes of manifest.yaml (tests/slack/test_oauth.py compares the two): an
# install asks for exactly what the app's manifest declares.
BOT_SCOPES: tuple[str, ...] = (
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "im:history",
    "im:write",
    "users:read",
    "users:read.email",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# How long an install started on /slack/install may take (Bolt's default, and the
# lifetime of the state cookie).
STATE_EXPIRATION_SECONDS = 600
# Refresh a rotating token this long before it expires (Bolt's default; Slack's tokens
# last 12 hours), so a tick or a request never starts with a token about to die.
TOKEN_ROTATION_MINUTES = 120


class NotInstalledError(Exception):
    """Palier has no installation with a bot token for this workspace (never installed,
    or uninstalled since): nothing can be sent there until someone installs it again."""

    def __init__(self, workspace_id: str) -> None:
        super().__init__(f"Palier is not installed in workspace {workspace_id}")
        self.workspace_id = workspace_id


def authorization_url(api_url: str) -> str:
    """Slack's authorize page, beside its Web API: https://slack.com/oauth/v2/authorize
    for https://slack.com/api/ (the emulator's page for the emulator's API)."""
    return urljoin(api_url, "../oauth/v2/authorize")


def oauth_client(api_url: str) -> WebClient:
    """The app-wide client of OAuth mode: no token of its own (each request gets its
    workspace's), Palier's retries, on ``SLACK_API_URL``."""
    return WebClient(token=None, base_url=api_url, timeout=10, retry_handlers=retry_handlers())


class WorkspaceClients:
    """``client_for(workspace_id)`` of the tick's messenger in OAuth mode.

    Each call reads the workspace's latest installation, so a reinstall or a refresh
    made by another process is seen at once. A rotating token about to expire is
    refreshed first and the whole installation saved, as Bolt's authorize does:
    Slack revokes a refresh token once used, so the installation row Bolt reads must
    carry the new one too.
    """

    def __init__(
        self,
        store: InstallationStore,
        rotator: TokenRotator,
        api_url: str,
        *,
        minutes_before_expiration: int = TOKEN_ROTATION_MINUTES,
    ) -> None:
        self.store = store
        self.rotator = rotator
        self.api_url = api_url
        self.minutes_before_expiration = minutes_before_expiration

    def __call__(self, workspace_id: str) -> WebClient:
        token = self.installation(workspace_id).bot_token
        if token is None:  # pragma: no cover - installation() refuses those
            raise NotInstalledError(workspace_id)
        return make_client(token, self.api_url)

    def _find(self, workspace_id: str) -> Installation | None:
        # Palier's tenants are workspaces (no org-wide installs): no enterprise id.
        return self.store.find_installation(enterprise_id=None, team_id=workspace_id)

    def installation(self, workspace_id: str) -> Installation:
        """The workspace's installation, its bot token refreshed if it is about to expire."""
        installation = self._find(workspace_id)
        if installation is None or installation.bot_token is None:
            raise NotInstalledError(workspace_id)
        if installation.bot_refresh_token is None:
            return installation  # token rotation off: the token never expires
        try:
            refreshed = self.rotator.perform_token_rotation(
                installation=installation,
                minutes_before_expiration=self.minutes_before_expiration,
            )
        except SlackTokenRotationError:
            # Another process (or Bolt, for a request) may have refreshed it first, which
            # revoked the refresh token read here: its saved installation is the good one.
            latest = self._find(workspace_id)
            if latest is not None and latest.bot_token not in (None, installation.bot_token):
                return latest
            raise
        if refreshed is None:
            return installation
        self.store.save(refreshed)
        log.info("bot token of workspace %s refreshed", workspace_id)
        return refreshed


@dataclass(frozen=True)
class OAuthWiring:
    """What :func:`build_oauth` gives the composition root."""

    settings: OAuthSettings
    clients: WorkspaceClients


def build_oauth(
    *, client_id: str, client_secret: str, engine: Engine, client: WebClient
) -> OAuthWiring:
    """Bolt's OAuth settings and authorize, and the tick's clients, on Palier's database.

    ``client`` (see :func:`oauth_client`) makes every Web API call of the flow: Bolt's
    own default would be a client on slack.com.
    """
    store = SQLAlchemyInstallationStore(client_id=client_id, engine=engine)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)
    settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],  # a bot only: Palier never acts as a person
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(client.base_url),
        installation_store=store,
        state_store=states,
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
    )
    # The authorize OAuthSettings builds has a token rotator on slack.com, whatever the
    # app's client: this one refreshes through ``client``. Bolt's App takes it from here.
    settings.authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("slack_bolt.authorize"),
        installation_store=store,
        client_id=client_id,
        client_secret=client_secret,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
        client=client,
    )
    rotator = TokenRotator(client_id=client_id, client_secret=client_secret, client=client)
    return OAuthWiring(settings, WorkspaceClients(store, rotator, client.base_url))
