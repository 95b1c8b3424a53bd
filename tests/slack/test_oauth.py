"""Several workspaces: Slack's OAuth install flow, each workspace's own token, rotation.

Palier runs in HTTP mode behind ``runner.wsgi_app`` (served by the standard library's
WSGI server, which stops cleanly; test_runner.py covers waitress) with
``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` and no bot token. An install is what a
browser does: GET ``/slack/install`` (Bolt's page, and the state cookie), follow the
link to Slack's authorize page (the emulator's :meth:`~SlackEmulator.approve` is the
person clicking *Allow*), then GET ``/slack/oauth_redirect`` with the code and state.
The emulator knows which workspace each token belongs to, and records the token of
every call.
"""

from __future__ import annotations

import html
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, Row, Table, select

from bot.settings import Settings, SettingsError, load_settings
from emulators.slack import ManualClock, SlackDriver, SlackEmulator
from handlers.slack.app import MissingSettingError, build_app
from handlers.slack.oauth import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH, WorkspaceClients
from handlers.slack.runner import EVENTS_PATH, wsgi_app
from storage.models import Platform, slack_bots, slack_installations, slack_oauth_states
from tests.slack.conftest import ALICE, BOB, SIGNING_SECRET, World

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yaml"
BETA = "T0BETA"
BETH = "U0BETH"  # in workspace BETA, Paris
GAMMA = "T0GAMMA"  # a workspace where Palier is never installed
GUS = "U0GUS"
# Thursday 26 November 2026, 15:00 UTC: 16:00 in Paris, the default check-in time.
CHECKIN = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


class OAuthWorld(World):
    """The conftest's world, with Palier in OAuth mode: client id and secret, no bot token."""

    def settings(self, **overrides: str) -> Settings:
        values = {
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.emulator.api_url,
            "SLACK_CLIENT_ID": self.emulator.client_id,
            "SLACK_CLIENT_SECRET": self.emulator.client_secret,
            **overrides,
        }
        return load_settings(env_file=None, **values)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def serving(application: Callable[..., Any]) -> Iterator[str]:
    """``application`` on an ephemeral port: its base URL."""
    server = make_server(
        "127.0.0.1", 0, application, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: str


@dataclass
class Site:
    """Palier's HTTP side as a browser and Slack see it."""

    url: str
    world: OAuthWorld

    def get(self, path: str, cookie: str | None = None) -> Answer:
        request = urllib.request.Request(
            self.url + path, headers={"Cookie": cookie} if cookie else {}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                headers = {k.lower(): v for k, v in answer.headers.items()}
                return Answer(answer.status, headers, answer.read().decode())
        except urllib.error.HTTPError as failure:
            headers = {k.lower(): v for k, v in failure.headers.items()}
            return Answer(failure.code, headers, failure.read().decode())

    def start_install(self) -> tuple[str, str]:
        """GET /slack/install: the link to Slack's authorize page, and the state cookie."""
        page = self.get(INSTALL_PATH)
        assert page.status == 200, page.body
        found = re.search(r'<a href="([^"]+)"', page.body)
        assert found is not None, page.body
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        return html.unescape(found.group(1)), cookie

    def install(self, user_id: str) -> Answer:
        """The whole flow, as ``user_id``'s browser goes through it."""
        link, cookie = self.start_install()
        query = self.world.emulator.approve(link, user_id)
        return self.get(f"{REDIRECT_PATH}?{query}", cookie)

    def driver(self) -> SlackDriver:
        return SlackDriver(self.url + EVENTS_PATH, SIGNING_SECRET, self.world.emulator)


@pytest.fixture
def oauth_world(
    migrated_engine: Engine, emulator: SlackEmulator, clock: ManualClock
) -> Iterator[OAuthWorld]:
    emulator.add_workspace(BETA, "Beta Sales")
    emulator.add_user(BETH, "beth", "Beth Arnaud", "beth@beta.example", team_id=BETA)
    emulator.add_workspace(GAMMA, "Gamma")
    emulator.add_user(GUS, "gus", "Gus Lenoir", "gus@gamma.example", team_id=GAMMA)
    world = OAuthWorld(migrated_engine, emulator, clock)
    yield world
    world.close()


@pytest.fixture
def site(oauth_world: OAuthWorld) -> Iterator[Site]:
    with serving(wsgi_app(oauth_world.palier)) as url:
        yield Site(url, oauth_world)


def rows(engine: Engine, table: Table) -> list[Row[tuple[object, ...]]]:
    with engine.connect() as connection:
        return list(connection.execute(select(table)))


def token_of(engine: Engine, team_id: str) -> str:
    """The bot token Palier keeps for ``team_id`` (its latest installation)."""
    found = [r for r in rows(engine, slack_installations) if r.team_id == team_id]
    assert found, f"no installation for {team_id}"
    return str(max(found, key=lambda r: r.installed_at).bot_token)


# -- what is installed, where -----------------------------------------------------------


def test_an_install_asks_for_the_manifest_s_bot_scopes() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]


def test_migrations_create_the_sdk_s_own_tables(migrated_engine: Engine) -> None:
    """The tables of migration 0005 are those slack_sdk's stores build (columns, types,
    nullability, indexes): the stores write them with their own Table objects."""
    sdk = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(sdk, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(sdk, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(sdk, "slack_oauth_states")
    names = set(sdk.tables)

    def only_slack(name: str | None, kind: str, _parent: object) -> bool:
        return kind != "table" or name in names

    with migrated_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": only_slack}
        )
        assert compare_metadata(context, sdk) == []


def test_install_into_two_workspaces_stores_each_installation(
    oauth_world: OAuthWorld, site: Site
) -> None:
    emulator = oauth_world.emulator
    link, cookie = site.start_install()
    query = parse_qs(urlsplit(link).query)
    assert link.startswith(emulator.base_url + "oauth/v2/authorize?")
    assert query["client_id"] == [emulator.client_id]
    assert query["scope"] == [",".join(BOT_SCOPES)]
    assert cookie == f"slack-app-oauth-state={query['state'][0]}"

    first = site.get(f"{REDIRECT_PATH}?{emulator.approve(link, ALICE)}", cookie)
    second = site.install(BETH)

    assert first.status == second.status == 200
    engine = oauth_world.engine
    installations = {r.team_id: r for r in rows(engine, slack_installations)}
    assert set(installations) == {emulator.workspace.team_id, BETA}
    alpha, beta = installations[emulator.workspace.team_id], installations[BETA]
    assert alpha.bot_token == emulator.bot_token
    assert beta.bot_token == emulator.workspace_of(BETA).bot_token != alpha.bot_token
    assert (alpha.user_id, beta.user_id) == (ALICE, BETH)
    assert beta.client_id == emulator.client_id and beta.team_name == "Beta Sales"
    assert beta.bot_scopes == ",".join(BOT_SCOPES)
    assert beta.bot_id == emulator.workspace_of(BETA).bot_id  # from auth.test, on the emulator
    assert beta.bot_refresh_token is None and beta.bot_token_expires_at is None
    assert {r.team_id for r in rows(engine, slack_bots)} == {emulator.workspace.team_id, BETA}
    assert rows(engine, slack_oauth_states) == []  # both states used up
    exchanges = emulator.calls_to("oauth.v2.access")
    assert [(c.ok, c.team_id) for c in exchanges] == [
        (True, emulator.workspace.team_id),
        (True, BETA),
    ]
    assert "client_secret" not in exchanges[0].params  # sent as HTTP Basic, as Slack prefers


def test_one_tick_sends_each_workspace_s_prompts_with_its_own_token(
    oauth_world: OAuthWorld, site: Site
) -> None:
    emulator = oauth_world.emulator
    site.install(ALICE)
    site.install(BETH)
    oauth_world.enrol(ALICE)
    oauth_world.enrol(BETH)
    oauth_world.at(CHECKIN)
    emulator.clear_calls()

    report = oauth_world.tick()

    assert report.sent == 2 and report.failed == 0
    assert len(oauth_world.dms(ALICE)) == 1 and len(oauth_world.dms(BETH)) == 1
    posts = emulator.calls_to("chat.postMessage")
    by_team = {c.team_id: c for c in posts}
    assert set(by_team) == {emulator.workspace.team_id, BETA}
    assert by_team[BETA].token == token_of(oauth_world.engine, BETA)
    assert by_team[emulator.workspace.team_id].token == emulator.bot_token
    # Every call of the tick went out with the token of the workspace it was about.
    assert all(c.token == token_of(oauth_world.engine, str(c.team_id)) for c in emulator.calls)


def test_a_workspace_without_installation_waits_and_the_others_carry_on(
    oauth_world: OAuthWorld, site: Site
) -> None:
    site.install(BETH)
    oauth_world.enrol(BETH)
    oauth_world.enrol(GUS)  # enrolled, but Palier was never installed in GAMMA
    oauth_world.at(CHECKIN)

    report = oauth_world.tick()

    assert report.sent == 1 and len(oauth_world.dms(BETH)) == 1
    assert oauth_world.dms(GUS) == []
    assert "workspace T0GAMMA: sending paused (not_installed)" in report.errors
    assert all(c.team_id != GAMMA for c in oauth_world.emulator.calls)


def test_a_slash_command_from_workspace_b_is_answered_with_b_s_token(
    oauth_world: OAuthWorld, site: Site
) -> None:
    emulator = oauth_world.emulator
    site.install(ALICE)
    site.install(BETH)
    oauth_world.enrol(BETH)
    emulator.clear_calls()

    answer = site.driver().slash_command(BETH, "/palier", "log")

    assert answer.ok
    modal = emulator.wait_for(lambda: emulator.open_views(BETH))
    assert modal[0].team_id == BETA
    beta_token = token_of(oauth_world.engine, BETA)
    opened = emulator.calls_to("views.open")
    assert [(c.ok, c.token) for c in opened] == [(True, beta_token)]
    assert [c.token for c in emulator.calls_to("auth.test")] == [beta_token]  # Bolt's authorize


def test_a_request_from_a_workspace_without_installation_is_not_served(
    oauth_world: OAuthWorld, site: Site
) -> None:
    site.install(ALICE)
    oauth_world.emulator.clear_calls()

    emulator = oauth_world.emulator
    answer = site.driver().slash_command(GUS, "/palier", "log")

    assert answer.ok
    # Bolt's own answer, through the command's response_url (no token needed there).
    posts = emulator.wait_for(lambda: emulator.response_url_posts)
    assert "reinstall this app" in str(posts[-1].payload)
    assert emulator.calls == []  # no Web API call: no token of another workspace was tried
    assert emulator.open_views(GUS) == []


# -- the state: one browser, once ---------------------------------------------------------


def test_state_must_come_from_this_browser_be_known_and_be_used_once(
    oauth_world: OAuthWorld, site: Site
) -> None:
    emulator = oauth_world.emulator
    link, cookie = site.start_install()
    query = emulator.approve(link, ALICE)

    # Without the cookie /slack/install set: another browser (or a forged link).
    assert site.get(f"{REDIRECT_PATH}?{query}").status == 400
    # A state Palier never issued, even with a matching cookie.
    forged = re.sub(r"state=[^&]+", "state=forged", query)
    assert site.get(f"{REDIRECT_PATH}?{forged}", "slack-app-oauth-state=forged").status == 401
    assert emulator.calls_to("oauth.v2.access") == []  # the code was not even exchanged
    assert rows(oauth_world.engine, slack_installations) == []

    assert site.get(f"{REDIRECT_PATH}?{query}", cookie).status == 200
    # The same redirect again (a reload, a replay): the state is used up.
    replay = site.get(f"{REDIRECT_PATH}?{query}", cookie)
    assert replay.status == 401 and "invalid_state" in replay.body
    assert len(emulator.calls_to("oauth.v2.access")) == 1
    assert len(rows(oauth_world.engine, slack_installations)) == 1


def test_the_emulator_gives_a_code_once(oauth_world: OAuthWorld) -> None:
    emulator = oauth_world.emulator
    client = WebClient(base_url=emulator.api_url)
    code = emulator.authorize(BOB, BOT_SCOPES, client_id=emulator.client_id)
    first = client.oauth_v2_access(
        client_id=emulator.client_id, client_secret=emulator.client_secret, code=code
    )
    assert first["access_token"] == emulator.bot_token and first["authed_user"] == {"id": BOB}
    with pytest.raises(SlackApiError) as again:
        client.oauth_v2_access(
            client_id=emulator.client_id, client_secret=emulator.client_secret, code=code
        )
    assert again.value.response["error"] == "code_already_used"
    with pytest.raises(SlackApiError) as bad:
        client.oauth_v2_access(client_id=emulator.client_id, client_secret="nope", code=code)
    assert bad.value.response["error"] == "bad_client_secret"


# -- token rotation ----------------------------------------------------------------------


@pytest.fixture
def rotating(oauth_world: OAuthWorld, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Slack app opted in to token rotation (12-hour tokens).

    slack_sdk dates a token's expiry, and decides it is about to expire, with the wall
    clock (``time()`` in its Installation, Bot and TokenRotator modules); the emulator
    expires tokens on its own clock. Both read the emulator's clock here, as they would
    read the same real time in production.
    """
    oauth_world.emulator.token_rotation = True
    for module in (
        "slack_sdk.oauth.installation_store.models.installation",
        "slack_sdk.oauth.installation_store.models.bot",
        "slack_sdk.oauth.token_rotation.rotator",
    ):
        monkeypatch.setattr(f"{module}.time", clock)


def refreshes(emulator: SlackEmulator) -> list[str]:
    return [
        str(c.response.get("access_token"))
        for c in emulator.calls_to("oauth.v2.access")
        if c.params.get("grant_type") == "refresh_token" and c.ok
    ]


@pytest.mark.usefixtures("rotating")
def test_a_rotating_token_is_refreshed_before_use_and_the_tick_still_delivers(
    oauth_world: OAuthWorld, site: Site
) -> None:
    emulator, engine = oauth_world.emulator, oauth_world.engine
    # Installed at 03:30 UTC: the token dies at 15:30, half an hour after the check-in.
    oauth_world.at(CHECKIN - timedelta(hours=11, minutes=30))
    site.install(ALICE)
    installed = rows(engine, slack_installations)[0]
    assert installed.bot_token.startswith("xoxe.xoxb-") and installed.bot_refresh_token
    assert installed.bot_token_expires_at == datetime(2026, 11, 26, 15, 30)  # naive UTC
    oauth_world.enrol(ALICE)

    oauth_world.at(CHECKIN)
    report = oauth_world.tick()

    assert report.sent == 1 and len(oauth_world.dms(ALICE)) == 1
    [fresh] = refreshes(emulator)
    assert fresh != installed.bot_token
    assert [c.token for c in emulator.calls_to("chat.postMessage")] == [fresh]
    # Saved in both of the store's tables, with the new refresh token (the old is revoked).
    [saved] = rows(engine, slack_installations)
    [bot] = rows(engine, slack_bots)
    assert saved.bot_token == bot.bot_token == fresh
    assert saved.bot_refresh_token == bot.bot_refresh_token != installed.bot_refresh_token
    assert saved.bot_token_expires_at == datetime(2026, 11, 27, 3, 0)
    # The old token does die on time, as Slack's do.
    oauth_world.at(CHECKIN + timedelta(minutes=31))
    with pytest.raises(SlackApiError) as expired:
        WebClient(token=installed.bot_token, base_url=emulator.api_url).auth_test()
    assert expired.value.response["error"] == "token_expired"


@pytest.mark.usefixtures("rotating")
def test_ticks_and_requests_take_turns_refreshing_the_same_installation(
    oauth_world: OAuthWorld, site: Site
) -> None:
    """The tick and Bolt (for a request) refresh in turn, each with the refresh token the
    other saved: Slack revokes a refresh token once used."""
    emulator = oauth_world.emulator
    oauth_world.at(CHECKIN - timedelta(hours=11, minutes=30))
    site.install(ALICE)  # the token dies at 15:30
    oauth_world.enrol(ALICE)

    oauth_world.at(CHECKIN)
    assert oauth_world.tick().sent == 1
    [by_tick] = refreshes(emulator)  # dies at 03:00 next day

    # 01:30 next day: Bolt refreshes before answering, with what the tick saved.
    oauth_world.at(CHECKIN + timedelta(hours=10, minutes=30))
    assert site.driver().slash_command(ALICE, "/palier", "log").ok
    emulator.wait_for(lambda: emulator.open_views(ALICE))
    by_bolt = refreshes(emulator)[-1]  # dies at 13:30
    assert by_bolt != by_tick
    assert emulator.calls_to("views.open")[-1].token == by_bolt

    # 15:00 next day, the reminder: that token is dead; the tick refreshes with Bolt's.
    oauth_world.at(CHECKIN + timedelta(hours=24))
    report = oauth_world.tick()
    assert report.reminded == 1 and report.failed == 0
    assert len(refreshes(emulator)) == 3
    latest = refreshes(emulator)[-1]
    assert emulator.calls_to("chat.postMessage")[-1].token == latest
    assert token_of(oauth_world.engine, emulator.workspace.team_id) == latest
    assert all(c.ok for c in emulator.calls_to("oauth.v2.access"))


@pytest.mark.usefixtures("rotating")
def test_a_refresh_lost_to_another_process_uses_what_that_process_saved(
    oauth_world: OAuthWorld, site: Site
) -> None:
    emulator = oauth_world.emulator
    team = emulator.workspace.team_id
    oauth_world.at(CHECKIN - timedelta(hours=11, minutes=30))
    site.install(ALICE)
    oauth_world.at(CHECKIN)
    clients = oauth_world.palier.ticker.messengers[Platform.SLACK].client_for  # type: ignore[attr-defined]
    assert isinstance(clients, WorkspaceClients)
    stale = clients.store.find_installation(enterprise_id=None, team_id=team)

    class ReadBeforeTheOtherSaved(WorkspaceClients):
        def __init__(self) -> None:
            super().__init__(clients.store, clients.rotator, clients.api_url)
            self.reads = 0

        def _find(self, workspace_id: str):  # type: ignore[no-untyped-def]
            self.reads += 1
            return stale if self.reads == 1 else super()._find(workspace_id)

    winner = clients.installation(team)  # another process refreshes first
    loser = ReadBeforeTheOtherSaved().installation(team)  # its refresh token is revoked

    assert loser.bot_token == winner.bot_token != stale.bot_token  # type: ignore[union-attr]
    assert [c.error for c in emulator.calls_to("oauth.v2.access")][-1] == "invalid_refresh_token"


# -- without client id and secret: one workspace, as before --------------------------------


def test_single_workspace_mode_is_unchanged(world: World) -> None:
    assert world.palier.bolt.oauth_flow is None
    with serving(wsgi_app(world.palier)) as url:
        for path in (INSTALL_PATH, REDIRECT_PATH + "?code=x&state=y"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url + path)
            assert refused.value.code == 404
    world.enrol(ALICE)
    world.at(CHECKIN)
    assert world.tick().sent == 1
    assert {c.token for c in world.emulator.calls} == {world.emulator.bot_token}


def test_oauth_mode_needs_no_bot_token_but_single_workspace_mode_does(
    migrated_engine: Engine, emulator: SlackEmulator
) -> None:
    base = {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": emulator.api_url}
    with pytest.raises(MissingSettingError) as missing:
        build_app(load_settings(env_file=None, **base), engine=migrated_engine)
    assert missing.value.variable == "SLACK_BOT_TOKEN"
    oauth = load_settings(
        env_file=None,
        SLACK_CLIENT_ID=emulator.client_id,
        SLACK_CLIENT_SECRET=emulator.client_secret,
        **base,
    )
    palier = build_app(oauth, engine=migrated_engine)
    try:
        assert palier.bolt.oauth_flow is not None
        assert palier.bolt.oauth_flow.install_path == INSTALL_PATH
        assert palier.bolt.oauth_flow.redirect_uri_path == REDIRECT_PATH
    finally:
        palier.close()


@pytest.mark.parametrize(
    ("given", "line"),
    [
        (
            {"SLACK_CLIENT_ID": "123.456"},
            "SLACK_CLIENT_SECRET: missing: the Slack app's client ID and client secret are "
            "set together (Basic Information → App Credentials), or neither",
        ),
        (
            {"SLACK_CLIENT_SECRET": "s3cret"},
            "SLACK_CLIENT_ID: missing: the Slack app's client ID and client secret are "
            "set together (Basic Information → App Credentials), or neither",
        ),
    ],
)
def test_client_id_and_secret_go_together(
    monkeypatch: pytest.MonkeyPatch, given: dict[str, str], line: str
) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", "en")
    for variable, value in given.items():
        monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert caught.value.lines == [line]
    assert "s3cret" not in str(caught.value)
