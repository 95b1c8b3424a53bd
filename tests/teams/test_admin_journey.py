"""Administering Palier from Teams, end to end: ``admin …`` typed to Palier by someone
named in PALIER_ADMIN_USER_IDS (their Entra object id), people named by e-mail address and
found through Microsoft Graph, the answers in the core's words for Teams; anyone else is
refused the same way and nobody is looked up for them — through the real Teams SDK, the
emulator's Teams and Graph, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from emulators.teams import TeamsEmulator, User
from storage.db import session_scope
from storage.models import Person, Role, Tenant
from tests.teams.conftest import TeamsWorld

ADMIN_ID = "5b0f6d1e-3c2a-4e8b-9f7d-a1b2c3d4e5f6"
REFUSED = "Cette commande est réservée aux administrateurs de Palier dans votre organisation."


@pytest.fixture(autouse=True)
def paul(emulator: TeamsEmulator, monkeypatch: pytest.MonkeyPatch) -> User:
    """Paul administers Palier: his Entra object id is in PALIER_ADMIN_USER_IDS (set before
    the world reads its settings)."""
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", f"U0SLACKADMIN,{ADMIN_ID.upper()}")
    return emulator.add_user("Paul Durand", "paul.durand@example.fr", aad_object_id=ADMIN_ID)


@pytest.fixture
def bob(emulator: TeamsEmulator) -> User:
    """In the tenant, not followed by Palier; his mailbox holds a Windows zone name."""
    return emulator.add_user(
        "Bob Stone",
        "bob.stone@example.com",
        locale="en-US",
        timezone="America/New_York",
        mailbox_timezone="Eastern Standard Time",
    )


def say(world: TeamsWorld, user: User, text: str) -> str:
    """``user`` writes ``text`` to Palier; what Palier answers, as they see it."""
    before = len(world.teams.messages(user))
    assert world.teams.send_message(user, text).ok
    answer = world.teams.latest_message(user)
    assert answer is not None and len(world.teams.messages(user)) == before + 2
    return world.teams.render(answer)


def stored(world: TeamsWorld, user: User) -> Person | None:
    with session_scope(world.core.sessions) as session:
        return session.scalars(
            select(Person).where(Person.platform_user_id == user.aad_object_id)
        ).one_or_none()


def test_someone_who_is_not_an_admin_is_refused_whatever_they_type(
    world: TeamsWorld, bob: User
) -> None:
    alice = world.alice
    world.teams.install(alice)
    for text in ("admin status", "admin enrol bob.stone@example.com account-executive", "admin"):
        assert say(world, alice, text) == REFUSED
    assert world.emulator.calls_to("graph_users") == []  # nobody looked up for her
    assert stored(world, bob) is None


def test_the_admin_enrols_someone_by_address_with_their_manager(
    world: TeamsWorld, paul: User, bob: User
) -> None:
    world.teams.install(paul)
    answer = say(
        world,
        paul,
        "admin enrol bob.stone@example.com account-executive manager Paul.Durand@example.fr",
    )
    assert answer == (
        "Bob Stone suit désormais « Account Executive » dans Palier. Manager : Paul Durand."
    )
    person = stored(world, bob)
    assert person is not None and person.referentiel_id == "account-executive"
    # What Graph says of him: his address, language, and his mailbox's zone as IANA's.
    assert (person.email, person.locale, person.timezone) == (
        "bob.stone@example.com",
        "en-US",
        "America/New_York",
    )
    manager = stored(world, paul)
    assert manager is not None and person.manager_id == manager.id
    assert manager.role is Role.MANAGER


def test_an_address_teams_sent_as_a_link_is_read(world: TeamsWorld, paul: User, bob: User) -> None:
    world.teams.install(paul)
    text = (
        'admin enrol <a href="mailto:bob.stone@example.com">bob.stone@example.com</a> '
        "account-executive"
    )
    assert say(world, paul, text).startswith("Bob Stone suit désormais")


def test_status_names_who_cannot_be_written_to_and_how_to_fix_it(
    world: TeamsWorld, paul: User, bob: User
) -> None:
    world.teams.install(paul)
    say(world, paul, "admin enrol bob.stone@example.com account-executive")
    status = say(world, paul, "admin status")
    assert status.startswith("Palier dans votre organisation : 2 personnes inscrites")
    assert "• Account Executive : 2" in status
    assert "2 personnes inscrites ne peuvent pas encore recevoir de message" in status
    assert "• Alice Martin" in status and "• Bob Stone" in status
    assert "centre d'administration Teams" in status and "teamsAppInstallation" in status

    world.teams.install(world.alice)
    world.teams.install(bob)
    status = say(world, paul, "admin status")
    assert "ne peu" not in status and "Bob Stone" not in status


def test_remove_and_schedule(world: TeamsWorld, paul: User, bob: User) -> None:
    world.teams.install(paul)
    say(world, paul, "admin enrol bob.stone@example.com account-executive")
    assert say(world, paul, "admin remove BOB.STONE@example.com") == (
        "Bob Stone ne recevra plus de check-in. Ses données sont conservées."
    )
    person = stored(world, bob)
    assert person is not None and not person.active
    assert say(world, paul, "admin remove nobody@example.com") == (
        "Cette personne n'est pas inscrite."
    )
    assert say(world, paul, "admin horaire vendredi 10:00").startswith(
        "Check-in de votre organisation : le vendredi à 10:00"
    )
    with session_scope(world.core.sessions) as session:
        tenant = session.scalars(select(Tenant)).one()
        assert tenant.checkin_weekday == 4


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("admin", "Administration (à écrire à Palier) :"),
        ("admin enrol @Bob account-executive", "Usage : admin enrol <e-mail> <référentiel>"),
        ("admin remove", "Usage : admin remove <e-mail>"),
        (
            "admin schedule demain",
            "Usage : admin schedule <jour> <heure>, par exemple admin schedule jeudi 16h ou jeudi 9h30",
        ),
    ],
)
def test_a_command_that_does_not_read_gets_its_usage(
    world: TeamsWorld, paul: User, text: str, answer: str
) -> None:
    world.teams.install(paul)
    assert say(world, paul, text).startswith(answer)


def test_people_graph_does_not_know_and_graph_failing(
    world: TeamsWorld, paul: User, bob: User
) -> None:
    world.teams.install(paul)
    assert say(world, paul, "admin enrol nobody@example.com account-executive") == (
        "Je ne trouve personne avec l'adresse « nobody@example.com » dans votre organisation "
        "Microsoft 365 : vérifiez l'adresse."
    )
    assert say(world, paul, "admin enrol bob.stone@example.com nope").startswith(
        "Ce référentiel n'existe pas. Référentiels disponibles : "
    )
    world.emulator.update_user(bob, account_enabled=False)
    assert say(world, paul, "admin enrol bob.stone@example.com account-executive") == (
        "Ce compte Microsoft 365 est désactivé."
    )
    world.emulator.inject("graph_users", status=503)
    assert say(world, paul, "admin enrol bob.stone@example.com account-executive").startswith(
        "Microsoft Graph n'a pas répondu : rien n'a été fait."
    )
    assert stored(world, bob) is None


def test_palier_s_own_admin_role_administers_too(world: TeamsWorld) -> None:
    alice = world.alice
    with session_scope(world.core.sessions) as session:
        person = session.scalars(
            select(Person).where(Person.platform_user_id == alice.aad_object_id)
        ).one()
        person.role = Role.ADMIN
    world.teams.install(alice)
    assert say(world, alice, "admin status").startswith("Palier dans votre organisation")
