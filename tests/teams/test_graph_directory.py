"""Palier's directory of a Teams tenant, Microsoft Graph with an app-only token, against
the emulator: people found by address or id, their language and zone (a mailbox's Windows
zone name as its IANA zone), disabled accounts, and Graph's refusals as DirectoryError."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.domain.people import DirectoryError, Profile
from emulators.teams import ManualClock, TeamsEmulator
from handlers.teams.directory import GraphDirectory, graph_directories, iana_zone
from handlers.teams.server import Credentials, Endpoints, TeamsServer


@pytest.fixture
def emulator() -> Iterator[TeamsEmulator]:
    with TeamsEmulator(clock=ManualClock(start=float(int(time.time())))) as emu:
        yield emu


@pytest.fixture
def server(emulator: TeamsEmulator) -> Iterator[TeamsServer]:
    """Palier's token provider on its loop, listening to nothing (as the CLI runs it)."""
    sender = TeamsServer(
        Credentials(emulator.app_id, emulator.client_secret),
        lambda: datetime.fromtimestamp(emulator.clock(), UTC),
        Endpoints(login_url=emulator.login_endpoint, service_url=emulator.service_url),
        listen=False,
    ).start()
    yield sender
    sender.stop()


@pytest.fixture
def directory(emulator: TeamsEmulator, server: TeamsServer) -> GraphDirectory:
    return graph_directories(server, emulator.graph_url)(emulator.tenant_id)


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("Romance Standard Time", "Europe/Paris"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Eastern Standard Time", "America/New_York"),
        ("Europe/Paris", "Europe/Paris"),  # Exchange may hold the IANA name itself
        ("UTC", "UTC"),
        ("Customized Time Zone", None),
        ("", None),
        (None, None),
    ],
)
def test_mailbox_zones_as_iana_zones(name: str | None, zone: str | None) -> None:
    assert iana_zone(name) == zone


def test_someone_found_by_address_with_their_language_and_zone(
    emulator: TeamsEmulator, directory: GraphDirectory
) -> None:
    alice = emulator.add_user(
        "Alice Martin", "alice.martin@example.fr", mailbox_timezone="Romance Standard Time"
    )
    profile = directory.lookup_by_email("Alice.Martin@example.fr")
    assert profile == Profile(
        user_id=alice.aad_object_id,
        display_name="Alice Martin",
        email="alice.martin@example.fr",
        timezone="Europe/Paris",
        locale="fr-FR",
    )
    assert directory.profile(alice.aad_object_id) == profile
    # One filtered list, one read of the mailbox: what Graph was asked.
    (listed,) = emulator.calls_to("graph_users")
    assert listed.status == 200
    assert [c.status for c in emulator.calls_to("graph_mailbox")] == [200, 200]


def test_an_address_that_is_a_user_principal_name_only(
    emulator: TeamsEmulator, directory: GraphDirectory
) -> None:
    bob = emulator.add_user(
        "Bob Stone",
        "bob.stone@example.com",
        user_principal_name="bstone@example.onmicrosoft.com",
        locale="en-US",
        preferred_language=None,
        mailbox_timezone="America/New_York",
    )
    profile = directory.lookup_by_email("bstone@example.onmicrosoft.com")
    assert profile is not None and profile.user_id == bob.aad_object_id
    assert profile.email == "bob.stone@example.com"  # the mailbox's address, not the UPN
    assert (profile.timezone, profile.locale) == ("America/New_York", None)


def test_an_address_with_a_quote(emulator: TeamsEmulator, directory: GraphDirectory) -> None:
    pat = emulator.add_user("Pat O'Brien", "pat.o'brien@example.fr")
    profile = directory.lookup_by_email("pat.o'brien@example.fr")
    assert profile is not None and profile.user_id == pat.aad_object_id


def test_nobody_by_that_address_or_id(emulator: TeamsEmulator, directory: GraphDirectory) -> None:
    assert directory.lookup_by_email("nobody@example.fr") is None
    assert directory.profile("00000000-0000-4000-8000-000000000000") is None


def test_someone_of_another_tenant_is_nobody_here(
    emulator: TeamsEmulator, directory: GraphDirectory, server: TeamsServer
) -> None:
    other = "b5a1f7a2-0000-4000-8000-000000000002"
    emulator.add_tenant(other, "Other Org")
    carol = emulator.add_user("Carol Diaz", "carol@other.example", tenant_id=other)
    assert directory.lookup_by_email("carol@other.example") is None
    theirs = graph_directories(server, emulator.graph_url)(other)
    found = theirs.lookup_by_email("carol@other.example")
    assert found is not None and found.user_id == carol.aad_object_id


def test_a_disabled_account_is_deactivated(
    emulator: TeamsEmulator, directory: GraphDirectory
) -> None:
    emulator.add_user("Dan Ray", "dan@example.fr", account_enabled=False)
    profile = directory.lookup_by_email("dan@example.fr")
    assert profile is not None and profile.deleted


def test_no_mailbox_or_no_mailbox_permission_means_no_zone(
    emulator: TeamsEmulator, directory: GraphDirectory
) -> None:
    emulator.add_user("Eve Blanc", "eve@example.fr", mailbox_timezone=None)
    profile = directory.lookup_by_email("eve@example.fr")
    assert profile is not None and profile.timezone is None
    emulator.add_user("Fay Noir", "fay@example.fr", mailbox_timezone="Romance Standard Time")
    emulator.consent(emulator.tenant_id, frozenset({"User.Read.All"}))
    emulator.identity.revoke_tokens()
    fresh = GraphDirectory(emulator.tenant_id, _fresh_token(emulator), emulator.graph_url)
    profile = fresh.lookup_by_email("fay@example.fr")
    assert profile is not None and profile.timezone is None


def _fresh_token(emulator: TeamsEmulator) -> Callable[[], str]:
    def token() -> str:
        answer = httpx.post(
            emulator.token_url(emulator.tenant_id),
            data={
                "grant_type": "client_credentials",
                "client_id": emulator.app_id,
                "client_secret": emulator.client_secret,
                "scope": "https://graph.microsoft.com/.default",
            },
        )
        return str(answer.json()["access_token"])

    return token


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        ("no consent", "token: invalid_client (401)"),
        ("no permission", "GET /users: Authorization_RequestDenied (HTTP 403)"),
        ("outage", "GET /users: ServiceError (HTTP 503)"),
    ],
)
def test_what_graph_cannot_answer_is_a_directory_error(
    emulator: TeamsEmulator, directory: GraphDirectory, setup: str, problem: str
) -> None:
    emulator.add_user("Alice Martin", "alice.martin@example.fr")
    if setup == "no consent":
        emulator.consent(emulator.tenant_id, None)
    elif setup == "no permission":
        emulator.consent(emulator.tenant_id, frozenset())
    else:
        emulator.inject("graph_users", status=503)
    with pytest.raises(DirectoryError) as caught:
        directory.lookup_by_email("alice.martin@example.fr")
    assert str(caught.value) == problem
