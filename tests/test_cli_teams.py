"""The command line running Palier for Microsoft Teams, as an operator would: the tick
sending on every configured platform, ``palier run`` serving Teams, ``palier people import
--platform teams``, the app's manifest and package, and each setting problem in one line.

Teams is the project's emulator (Connector, Entra ID, Bot Framework's keys, Microsoft
Graph), reached through the settings alone (TEAMS_LOGIN_URL, …). Palier's date is fixed
by the clock given to ``main``/``serve``; the emulator's stands still at the real time
(the SDK checks the activities' tokens against the wall clock).
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.settings import load_settings
from emulators.clock import ManualClock
from emulators.slack import SlackEmulator
from emulators.teams import TeamsDriver, TeamsEmulator, User
from handlers.cli import main
from handlers.platforms import serve
from handlers.teams.refs import ConversationRef
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Person, Platform

THURSDAY = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 16:00 in Paris, week 48
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # nothing due

Palier = Callable[..., tuple[int, str, str]]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(THURSDAY)


@pytest.fixture
def palier(clock: Clock) -> Palier:
    """``palier ARGS…`` on the test's clock: (status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        status = main(list(args), out=out, err=err, clock=clock)
        return status, out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'palier.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    for variable in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT"):
        monkeypatch.delenv(variable, raising=False)
    return url


@pytest.fixture
def teams(monkeypatch: pytest.MonkeyPatch, database: str) -> Iterator[TeamsEmulator]:
    """Microsoft Teams, as the settings name it."""
    with TeamsEmulator(clock=ManualClock(start=float(int(time.time())))) as emulator:
        for variable, value in {
            "TEAMS_APP_ID": emulator.app_id,
            "TEAMS_APP_SECRET": emulator.client_secret,
            "TEAMS_LOGIN_URL": emulator.login_endpoint,
            "TEAMS_OPENID_METADATA_URL": emulator.openid_metadata_url,
            "TEAMS_SERVICE_URL": emulator.service_url,
            "TEAMS_GRAPH_URL": emulator.graph_url,
            "TEAMS_HOST": "127.0.0.1",
        }.items():
            monkeypatch.setenv(variable, value)
        yield emulator


def follow(url: str, platform: Platform, workspace: str, profile: Profile, **fields: str) -> None:
    """Someone Palier follows on account-executive (``fields``: the person's columns)."""
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        tenant = ensure_tenant(session, platform, workspace)
        person, _ = upsert_person(session, tenant, profile)
        person.referentiel_id = "account-executive"
        for name, value in fields.items():
            setattr(person, name, value)
    engine.dispose()


def installed(teams: TeamsEmulator, database: str, user: User) -> None:
    """The app installed for ``user``, and Palier knowing their conversation (as the
    install event would have told it)."""
    conversation = teams.install(user)
    ref = ConversationRef(teams.service_url, conversation.id).dump()
    profile = Profile(user.aad_object_id, user.name, user.email, user.timezone, user.locale)
    follow(database, Platform.TEAMS, user.tenant_id, profile, conversation_ref=ref)


def people(database: str) -> dict[str, Person]:
    engine = make_engine(database)
    with session_scope(make_session_factory(engine)) as session:
        found = {p.email or p.platform_user_id: p for p in session.scalars(select(Person))}
        session.expunge_all()
    engine.dispose()
    return found


# -- palier tick ------------------------------------------------------------------------


def test_tick_sends_the_teams_prompt_at_the_person_s_local_time(
    teams: TeamsEmulator, database: str, palier: Palier
) -> None:
    alice = teams.add_user("Alice Martin", "alice.martin@example.fr")
    installed(teams, database, alice)
    status, out, err = palier("tick", "--now", "2026-11-26T15:59+01:00")
    assert (status, out, err) == (
        0,
        "1 check-in planifié, 0 envoyé, 0 rappel, 0 manqué, 0 échec\n",
        "",
    )
    assert teams.messages_of(alice) == []
    status, out, _ = palier("tick")  # at the clock's time: 16:00 in Paris
    assert status == 0 and out.startswith("0 check-in planifié, 1 envoyé")
    (prompt,) = teams.messages_of(alice)
    assert "Faire mon check-in" in TeamsDriver.buttons(prompt)
    # Sent with Palier's own bot token, from Entra ID as the settings name it.
    assert [call.status for call in teams.calls_to("token")] == [200]


def test_one_tick_sends_on_slack_and_on_teams(
    teams: TeamsEmulator, database: str, palier: Palier, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = teams.add_user("Alice Martin", "alice.martin@example.fr")
    installed(teams, database, alice)
    with SlackEmulator(clock=ManualClock(THURSDAY.timestamp())) as slack:
        slack.add_user("U0ALICE", "alice", "Alice Martin", "alice@example.fr")
        follow(database, Platform.SLACK, "T0PALIER", Profile("U0ALICE", "Alice Martin"))
        monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
        monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)
        status, out, err = palier("tick", "--now", "2026-11-26T16:00+01:00")
        assert (status, err) == (0, "")
        assert out.startswith("2 check-ins planifiés, 2 envoyés")
        assert len(slack.dm_messages("U0ALICE")) == 1
    assert len(teams.messages_of(alice)) == 1


def test_someone_without_the_app_is_not_written_to(
    teams: TeamsEmulator, database: str, palier: Palier
) -> None:
    bob = teams.add_user("Bob Stone", "bob@example.com")
    follow(database, Platform.TEAMS, bob.tenant_id, Profile(bob.aad_object_id, "Bob Stone"))
    status, out, err = palier("tick")
    assert (status, out) == (
        0,
        "1 check-in planifié, 0 envoyé, 0 rappel, 0 manqué, 0 échec\n",
    )
    assert err.startswith("problème : prompt ") and err.endswith(": not_installed\n")
    assert teams.calls_to("send") == [] and teams.calls_to("create_conversation") == []


def test_wrong_credentials_are_the_tick_s_problem_not_a_crash(
    teams: TeamsEmulator, database: str, palier: Palier, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = teams.add_user("Alice Martin", "alice.martin@example.fr")
    installed(teams, database, alice)
    monkeypatch.setenv("TEAMS_APP_SECRET", "not-the-secret")
    status, out, err = palier("tick")
    assert status == 0 and "0 envoyé," in out
    # Entra ID refuses the secret: the tenant's sending pauses (admin status says so).
    assert err.startswith("problème : workspace ")
    assert err.endswith(": sending paused (token_invalid_client)\n")
    assert teams.messages_of(alice) == []
    assert [call.status for call in teams.calls_to("token")][-1] == 401


# -- palier run ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_serves_teams_where_the_settings_say(
    teams: TeamsEmulator, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _free_port()
    monkeypatch.setenv("TEAMS_PORT", str(port))
    alice = teams.add_user("Alice Martin", "alice.martin@example.fr")
    follow(database, Platform.TEAMS, alice.tenant_id, Profile(alice.aad_object_id, "Alice"))
    stop, ready, errors = threading.Event(), threading.Event(), []

    def run() -> None:
        try:
            serve(load_settings(env_file=None), clock=Clock(MONDAY), until=stop, ready=ready)
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
            ready.set()

    server = threading.Thread(target=run, daemon=True)
    server.start()
    try:
        assert ready.wait(30) and errors == []
        with TeamsDriver(f"http://127.0.0.1:{port}", teams) as driver:
            responses = driver.install(alice)
            assert all(r.ok for r in responses), (responses, errors)
            welcome = driver.latest_message(alice)
            assert welcome is not None and "Bienvenue dans Palier" in driver.render(welcome)
    finally:
        stop.set()
        server.join(30)
    assert not server.is_alive() and errors == []
    assert people(database)[alice.aad_object_id].conversation_ref is not None


def test_run_needs_a_port_of_its_own_for_teams_beside_slack_over_http(
    teams: TeamsEmulator, palier: Palier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    assert palier("run") == (
        2,
        "",
        "Slack écoute déjà sur PORT en mode HTTP : donnez à Teams son propre port avec "
        "TEAMS_PORT\n",
    )


def test_run_says_when_the_teams_port_is_taken(
    teams: TeamsEmulator, palier: Palier, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        monkeypatch.setenv("TEAMS_PORT", str(port))
        status, out, err = palier("run")
    assert (status, out) == (1, "")
    assert err.startswith(f"TEAMS_PORT : Teams ne peut pas écouter sur le port {port} (")
    assert err.count("\n") == 1


@pytest.mark.parametrize("command", [["tick"], ["run"]])
def test_nothing_configured_is_one_line(database: str, palier: Palier, command: list[str]) -> None:
    assert palier(*command) == (
        2,
        "",
        "aucune plateforme configurée : renseignez SLACK_BOT_TOKEN et SLACK_SIGNING_SECRET "
        "(Slack) ou TEAMS_APP_ID et TEAMS_APP_SECRET (Microsoft Teams), voir .env.example\n",
    )


# -- palier people import --platform teams ----------------------------------------------------


def test_people_import_for_a_teams_tenant(
    teams: TeamsEmulator, database: str, palier: Palier, tmp_path: Path
) -> None:
    teams.add_user(
        "Bob Stone",
        "bob.stone@example.com",
        locale="en-US",
        mailbox_timezone="Eastern Standard Time",
    )
    teams.add_user("Chloé Petit", "chloe.petit@example.fr")
    csv = tmp_path / "people.csv"
    csv.write_text(
        "email,referentiel,manager_email\n"
        "bob.stone@example.com,account-executive,chloe.petit@example.fr\n"
        "nobody@example.com,account-executive,\n",
        encoding="utf-8",
    )
    tenant = teams.tenant_id.upper()  # as an admin may copy it
    status, out, err = palier(
        "people", "import", str(csv), "--platform", "teams", "--workspace", tenant
    )
    assert (status, out) == (
        1,
        "Personnes : 2 créées, 0 mise à jour, 0 inchangée ; 1 ligne refusée\n"
        "Inscriptions : 1 personne inscrite, 0 déjà inscrite ; 1 ligne en erreur\n",
    )
    assert err == (
        f"{csv}:3: aucun compte Microsoft 365 pour « nobody@example.com » dans ce locataire "
        "(ni adresse de messagerie, ni nom d'utilisateur principal)\n"
    )
    known = people(database)
    bob = known["bob.stone@example.com"]
    assert (bob.timezone, bob.locale, bob.referentiel_id) == (
        "America/New_York",
        "en-US",
        "account-executive",
    )
    assert bob.conversation_ref is None  # until the app is installed for him
    assert known["chloe.petit@example.fr"].id == bob.manager_id


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (
            ["--platform", "teams"],
            "--workspace : l'ID du locataire Microsoft 365 (GUID) est nécessaire pour importer "
            "des personnes de Teams\n",
        ),
        (
            ["--platform", "teams", "--workspace", "contoso"],
            "--workspace : l'ID d'un locataire Microsoft 365 est un GUID (reçu : contoso)\n",
        ),
        (
            ["--workspace", "T0PALIER"],
            "--workspace sert à Teams : avec Slack, les personnes sont importées dans l'espace "
            "de travail du jeton du bot\n",
        ),
    ],
)
def test_people_import_arguments_are_checked_first(
    teams: TeamsEmulator, palier: Palier, tmp_path: Path, arguments: list[str], line: str
) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("email,referentiel\nbob@example.com,account-executive\n", encoding="utf-8")
    assert palier("people", "import", str(csv), *arguments) == (2, "", line)


def test_people_import_without_graph_consent_imports_nothing(
    teams: TeamsEmulator, database: str, palier: Palier, tmp_path: Path
) -> None:
    teams.add_user("Bob Stone", "bob.stone@example.com")
    teams.consent(teams.tenant_id, frozenset())  # the app registered, no permission granted
    csv = tmp_path / "people.csv"
    csv.write_text("email,referentiel\nbob.stone@example.com,account-executive\n", encoding="utf-8")
    status, out, err = palier(
        "people", "import", str(csv), "--platform", "teams", "--workspace", teams.tenant_id
    )
    assert (status, out) == (1, "")
    assert err.startswith(
        "Microsoft Graph ne répond pas comme prévu (GET /users: Authorization_RequestDenied "
        "(HTTP 403)) : rien n'a été importé."
    )
    assert people(database) == {}


def test_people_import_for_teams_needs_its_credentials(
    database: str, palier: Palier, tmp_path: Path
) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("email,referentiel\nbob@example.com,account-executive\n", encoding="utf-8")
    tenant = "4c0f5a2e-1b3d-4e6f-8a9b-0c1d2e3f4a5b"
    assert palier("people", "import", str(csv), "--platform", "teams", "--workspace", tenant) == (
        2,
        "",
        "TEAMS_APP_ID : ce réglage est nécessaire pour Microsoft Teams (voir .env.example)\n",
    )


# -- palier teams manifest / package ------------------------------------------------------------


def test_the_manifest_and_the_package(
    teams: TeamsEmulator, palier: Palier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert palier("teams", "manifest") == (
        2,
        "",
        "TEAMS_PUBLIC_URL : ce réglage est nécessaire pour Microsoft Teams (voir .env.example)\n",
    )
    monkeypatch.setenv("TEAMS_PUBLIC_URL", "https://palier.example.com")
    status, out, err = palier("teams", "manifest")
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert document["id"] == document["bots"][0]["botId"] == teams.app_id
    assert document["validDomains"] == ["palier.example.com"]

    target = tmp_path / "palier-teams.zip"
    status, out, err = palier("teams", "package", "--output", str(target))
    assert (status, err) == (0, "")
    assert out.startswith(f"{target} : paquet de l'application Teams écrit")
    with zipfile.ZipFile(target) as archive:
        assert json.loads(archive.read("manifest.json")) == document
        assert "en-us.json" in archive.namelist()
    status, _, err = palier("teams", "package", "--output", str(tmp_path / "no" / "x.zip"))
    assert status == 1 and err.startswith(f"{tmp_path / 'no' / 'x.zip'} : impossible d'écrire")


def test_run_serves_slack_in_socket_mode_and_teams_with_one_tick_for_both(
    teams: TeamsEmulator, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``palier run`` with both configured: Slack over its WebSocket, Teams on PORT (Slack
    takes none), and the scheduler's first tick sends each Alice her prompt."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from emulators.slack.driver import close_socket_mode_handler

    port = _free_port()
    monkeypatch.setenv("PORT", str(port))
    alice = teams.add_user("Alice Martin", "alice.martin@example.fr")
    installed(teams, database, alice)
    with SlackEmulator(clock=ManualClock(THURSDAY.timestamp())) as slack:
        slack.add_user("U0ALICE", "alice", "Alice Martin", "alice@example.fr")
        follow(database, Platform.SLACK, "T0PALIER", Profile("U0ALICE", "Alice Martin"))
        for variable, value in {
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": slack.api_url,
            "SLACK_APP_TOKEN": slack.app_token,
        }.items():
            monkeypatch.setenv(variable, value)
        connected, done, ready = threading.Event(), threading.Event(), threading.Event()
        errors: list[BaseException] = []

        def start_until_done(self: SocketModeHandler) -> None:
            # The real start() connects, then blocks forever; this one until the test ends.
            self.connect()  # type: ignore[no-untyped-call]
            connected.set()
            done.wait(30)
            close_socket_mode_handler(self, slack)

        monkeypatch.setattr(SocketModeHandler, "start", start_until_done)

        def run() -> None:
            try:
                serve(load_settings(env_file=None), clock=Clock(THURSDAY), ready=ready)
            except BaseException as error:  # reported by the test, not lost in the thread
                errors.append(error)
                ready.set()

        server = threading.Thread(target=run, daemon=True)
        server.start()
        try:
            assert ready.wait(30) and connected.wait(30), errors
            assert slack.wait_for(lambda: slack.dm_messages("U0ALICE") or None)
            (prompt,) = teams.wait_for(lambda: teams.messages_of(alice) or None)
            assert "Faire mon check-in" in TeamsDriver.buttons(prompt)
            with TeamsDriver(f"http://127.0.0.1:{port}", teams) as driver:
                assert driver.send_message(alice, "aide").ok  # Teams is served too
                answer = driver.latest_message(alice)
                assert answer is not None and "Commandes" in driver.render(answer)
        finally:
            done.set()
            server.join(30)
    assert not server.is_alive() and errors == []


def test_a_single_tenant_bot_asks_its_tokens_of_its_home_tenant(
    teams: TeamsEmulator, database: str, palier: Palier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAMS_TENANT_ID", teams.tenant_id)
    alice = teams.add_user("Alice Martin", "alice.martin@example.fr")
    installed(teams, database, alice)
    status, out, _ = palier("tick")
    assert status == 0 and "1 envoyé," in out
    (token,) = teams.calls_to("token")
    assert token.path == f"/{teams.tenant_id}/oauth2/v2.0/token"
