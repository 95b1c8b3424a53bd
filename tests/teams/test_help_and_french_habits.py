"""The help typed to Palier in Teams by role (a manager's commands to managers only, the
admin's to admins only), "did you mean …" after a typo, and an admin's French habits —
times such as ``9h30``, a mistyped référentiel, an address nobody has — through the real
Teams SDK and the emulator, in French and English, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from emulators.teams import TeamsEmulator, User
from storage.db import session_scope
from storage.models import Person, Role, Tenant
from tests.teams.conftest import TeamsWorld, enrol

ADMIN_ID = "7c1e5a2b-4d3f-4a9b-8e6d-b2c3d4e5f6a7"


@pytest.fixture(autouse=True)
def paul(emulator: TeamsEmulator, monkeypatch: pytest.MonkeyPatch) -> User:
    """Paul administers Palier (PALIER_ADMIN_USER_IDS, set before the world reads it)."""
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", ADMIN_ID)
    return emulator.add_user("Paul Durand", "paul.durand@example.fr", aad_object_id=ADMIN_ID)


def say(world: TeamsWorld, user: User, text: str) -> str:
    """``user`` writes ``text`` to Palier; what Palier answers, as they see it."""
    before = len(world.teams.messages(user))
    assert world.teams.send_message(user, text).ok
    answer = world.teams.latest_message(user)
    assert answer is not None and len(world.teams.messages(user)) == before + 2
    return world.teams.render(answer)


def _reports_to(world: TeamsWorld, report: User, manager: User) -> None:
    with session_scope(world.core.sessions) as session:
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[report.aad_object_id].manager_id = people[manager.aad_object_id].id
        people[manager.aad_object_id].role = Role.MANAGER


def test_a_member_sees_the_members_commands_only(world: TeamsWorld) -> None:
    world.teams.install(world.alice)
    shown = say(world, world.alice, "aide")
    assert "moi" in shown and "preuve" in shown and "accueil" in shown
    assert "vae : votre livret de preuves VAE" in shown
    assert "en PDF et en Word, à accepter dans votre OneDrive" in shown
    assert "vae partager : l'envoyer à votre manager" in shown
    for others in ("équipe", "revue", "admin enrol", "(managers)", "vae @personne"):
        assert others not in shown


def test_a_manager_sees_the_managers_commands_in_english(
    world: TeamsWorld, emulator: TeamsEmulator
) -> None:
    manon = emulator.add_user("Manon Leroy", "manon@example.com", locale="en-GB")
    enrol(world.core, manon)
    _reports_to(world, world.alice, manon)
    world.teams.install(manon)
    shown = say(world, manon, "help")
    assert "team (managers)" in shown and "review (managers)" in shown and "me:" in shown
    assert "admin enrol" not in shown
    # The livret: asked of a report (sent only with their consent), or sent to one's manager.
    assert (
        "vae @person (managers): ask someone in your team for their livret, "
        "sent to you only with their consent"
    ) in shown
    assert "vae share: send it to your manager" in shown


def test_an_admin_sees_the_admins_commands(world: TeamsWorld, paul: User) -> None:
    world.teams.install(paul)
    shown = say(world, paul, "aide")
    assert "Administration (administrateurs de Palier, à écrire ici)" in shown
    assert "admin enrol <e-mail> <référentiel> [manager <e-mail>]" in shown
    assert "jeudi 9h30" in shown and "équipe (managers)" in shown
    assert (
        "vae @personne (managers) : demander son livret à une personne de votre équipe, "
        "qui ne vous est envoyé que si elle y consent"
    ) in shown
    assert "vae partager : l'envoyer à votre manager" in shown


def test_a_typo_gets_the_nearest_command_without_a_slash(
    world: TeamsWorld, emulator: TeamsEmulator
) -> None:
    world.teams.install(world.alice)
    assert say(world, world.alice, "acceuil").startswith(
        "Commande inconnue « acceuil ». Vouliez-vous dire « accueil » ?"
    )
    assert say(world, world.alice, "revu").startswith("Je ne connais pas « revu ».")
    emma = emulator.add_user("Emma Walker", "emma@example.com", locale="en-US")
    enrol(world.core, emma)
    world.teams.install(emma)
    assert say(world, emma, "hlep").startswith(
        "Unknown command “hlep”. Did you mean “help”? Here is what I can do:"
    )


def test_an_admin_s_french_habits(world: TeamsWorld, paul: User) -> None:
    world.teams.install(paul)
    assert say(world, paul, "admin horaire jeudi 9h30").startswith(
        "Check-in de votre organisation : le jeudi à 09:30"
    )
    assert say(world, paul, "admin horaire vendredi 9 h").startswith(
        "Check-in de votre organisation : le vendredi à 09:00"
    )
    assert say(world, paul, "admin horaire lundi 24h00") == (
        "« 24h00 » n'est pas une heure : écrivez-la par exemple 9h30, 9h ou 16:00 "
        "(de 0h à 23h59). Rien n'a changé."
    )
    with session_scope(world.core.sessions) as session:
        tenant = session.scalars(select(Tenant)).one()
        assert (tenant.checkin_weekday, tenant.checkin_time) == (4, time(9, 0))
    assert say(world, paul, "admin inscrire alice.martin@example.fr acount-executive").startswith(
        "Le référentiel « acount-executive » n'existe pas. Vouliez-vous dire "
        "« account-executive » ?"
    )
    assert say(world, paul, "admin inscrire alice.martin@example.fr account-executive") == (
        "Alice Martin suivait déjà « Account Executive » dans Palier : rien n'a changé."
    )
    assert say(
        world, paul, "admin enrol alice.martin@example.fr account-executive manager x@example.fr"
    ) == (
        "Je ne trouve personne avec l'adresse « x@example.fr » dans votre organisation "
        "Microsoft 365 : vérifiez l'adresse."
    )
