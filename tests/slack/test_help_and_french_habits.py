"""``/palier help`` by role and ``/palier`` typos (a manager's commands to managers only,
the admin's to admins only; "did you mean …"), and an admin's French habits — enrolling by
e-mail address, times such as ``9h30``, a mistyped référentiel, someone enrolled already —
through the Slack emulator, in French and English, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from emulators.slack import render_blocks
from storage.models import Person, Role, Tenant
from tests.slack.conftest import ALICE, BOB, CHLOE, World


def _help(world: World, user: str, text: str) -> str:
    """What Palier answers ``/palier <text>`` with, as the person sees it."""
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", text).ok
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    latest = found[-1]
    return render_blocks(latest.blocks) if latest.blocks else latest.text or ""


def _reports_to(world: World, report: str, manager: str) -> None:
    with world.session() as session:
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[report].manager_id = people[manager].id
        people[manager].role = Role.MANAGER
        session.commit()


def _person(world: World, user: str) -> Person | None:
    with world.session() as session:
        return session.scalars(select(Person).where(Person.platform_user_id == user)).one_or_none()


# -- the help, by role --------------------------------------------------------------------


def test_a_member_sees_the_members_commands_only(world: World) -> None:
    world.enrol(ALICE)
    shown = _help(world, ALICE, "aide")
    assert "/palier me" in shown and "/palier log" in shown and "/palier 1on1" in shown
    assert "/palier me chart" in shown and "/palier 1on1 sujet" in shown  # chart, topic any day
    assert "/palier vae" in shown  # the livret de preuves
    assert "`/palier vae partager` : l'envoyer à votre manager" in shown
    for others in ("/palier team", "/palier review", "/palier admin", "(managers)"):
        assert others not in shown
    assert "/palier vae @personne" not in shown  # asking a report is a manager's


def test_a_manager_sees_the_managers_commands_and_not_the_admins(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(CHLOE)
    _reports_to(world, ALICE, CHLOE)
    shown = _help(world, CHLOE, "help")
    assert "/palier team" in shown and "/palier review" in shown and "/palier me" in shown
    assert "/palier admin" not in shown
    # The livret: asked of a report (sent only with their consent), or sent to one's manager.
    assert (
        "`/palier vae @personne` (managers) : demander son livret à une personne de votre "
        "équipe, qui ne vous est envoyé que si elle y consent"
    ) in shown
    assert "`/palier vae partager` : l'envoyer à votre manager" in shown


def test_an_admin_sees_the_admins_commands_in_english(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)  # Slack in English, not enrolled
    shown = _help(world, BOB, "help")
    assert "Administration" in shown and "/palier admin enrol @person <framework>" in shown
    assert "alice@example.com" in shown  # enrolling by e-mail address is said
    assert "/palier team" in shown and "/palier me" in shown
    assert "/palier me chart" in shown and "/palier 1on1 topic" in shown
    assert (
        "`/palier vae @person` (managers): ask someone in your team for their livret, "
        "sent to you only with their consent"
    ) in shown
    assert "`/palier vae share`: send it to your manager" in shown


# -- a typo --------------------------------------------------------------------------------


def test_a_typo_gets_the_nearest_command_the_person_may_use(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(CHLOE)
    _reports_to(world, ALICE, CHLOE)
    shown = _help(world, CHLOE, "equipr")
    assert shown.startswith("Commande inconnue « equipr ». Vouliez-vous dire « /palier équipe » ?")
    assert "/palier team" in shown  # the help follows
    # A member is not offered a manager's command: only what is not understood.
    member = _help(world, ALICE, "equipr")
    assert member.startswith("Je ne connais pas « equipr ».") and "Vouliez-vous" not in member
    assert _help(world, ALICE, "moii").startswith(
        "Commande inconnue « moii ». Vouliez-vous dire « /palier moi » ?"
    )
    # Nothing close: the help as before.
    assert _help(world, ALICE, "danse la salsa").startswith("Je ne connais pas « danse la salsa »")


def test_a_typo_in_english(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    assert _help(world, BOB, "admn status").startswith(
        "Unknown command “admn status”. Did you mean “/palier admin”?"
    )


# -- an admin's French habits ---------------------------------------------------------------


def test_an_admin_enrols_by_e_mail_address_as_well_as_by_mention(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    answer = _help(world, BOB, "admin enrol alice@example.fr account-executive")
    assert answer == f"<@{ALICE}> is enrolled on “Account Executive”."
    # As Slack links an address in a command's text, and the manager by address too.
    linked = "<mailto:chloe@example.fr|chloe@example.fr>"
    answer = _help(world, BOB, f"admin enrol {linked} business-developer manager alice@example.fr")
    assert answer == f"<@{CHLOE}> is enrolled on “Business Developer”. Manager: <@{ALICE}>."
    chloe, alice = _person(world, CHLOE), _person(world, ALICE)
    assert chloe is not None and alice is not None and chloe.manager_id == alice.id
    assert [c.params["email"] for c in world.emulator.calls_to("users.lookupByEmail")] == [
        "alice@example.fr",
        "chloe@example.fr",
        "alice@example.fr",
    ]


def test_an_unknown_address_is_named_and_nothing_changes(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    assert _help(world, BOB, "admin enrol nobody@example.fr account-executive") == (
        "I cannot find anyone with the address “nobody@example.fr” in this workspace: "
        "check the address, or mention the person with @."
    )
    assert _help(world, BOB, "admin enrol alice@example.fr account-executive manager x@y.fr") == (
        "I cannot find anyone with the address “x@y.fr” in this workspace: "
        "check the address, or mention the person with @."
    )
    assert _person(world, ALICE) is None


def test_an_unknown_address_in_french(world: World) -> None:
    world.emulator.update_user(CHLOE, is_admin=True)  # Slack in French
    assert _help(world, CHLOE, "admin inscrire personne@example.fr account-executive") == (
        "Je ne trouve personne avec l'adresse « personne@example.fr » dans cet espace de "
        "travail : vérifiez l'adresse, ou mentionnez la personne avec @."
    )


def test_a_mistyped_referentiel_gets_the_nearest(world: World) -> None:
    world.emulator.update_user(CHLOE, is_admin=True)
    answer = _help(world, CHLOE, f"admin enrol <@{ALICE}|alice> acount-executive")
    assert answer.startswith(
        "Le référentiel « acount-executive » n'existe pas. "
        "Vouliez-vous dire « account-executive » ? Référentiels disponibles : account-executive, "
    )
    world.emulator.update_user(BOB, is_admin=True)
    answer = _help(world, BOB, "admin enrol alice@example.fr busines-developer")
    assert answer.startswith(
        "There is no framework “busines-developer”. Did you mean “business-developer”?"
    )
    # Nothing like any: the list alone, as before.
    assert _help(world, BOB, "admin enrol alice@example.fr chef-de-gare").startswith(
        "There is no such framework. Available: "
    )
    assert _person(world, ALICE) is None


def test_enrolling_someone_enrolled_already_says_so(world: World) -> None:
    world.emulator.update_user(CHLOE, is_admin=True)
    world.enrol(ALICE)
    assert _help(world, CHLOE, "admin inscrire alice@example.fr account-executive") == (
        f"<@{ALICE}> suivait déjà « Account Executive » dans Palier : rien n'a changé."
    )


def test_the_schedule_reads_french_times(world: World) -> None:
    world.emulator.update_user(CHLOE, is_admin=True)
    for typed, expected in (("jeudi 9h30", time(9, 30)), ("vendredi 9 h 05", time(9, 5))):
        assert _help(world, CHLOE, f"admin horaire {typed}").startswith(
            "Check-in de l'espace de travail : le"
        )
        with world.session() as session:
            assert session.scalars(select(Tenant)).one().checkin_time == expected
    assert _help(world, CHLOE, "admin horaire jeudi 25h") == (
        "« 25h » n'est pas une heure : écrivez-la par exemple 9h30, 9h ou 16:00 "
        "(de 0h à 23h59). Rien n'a changé."
    )
    world.emulator.update_user(BOB, is_admin=True)
    assert _help(world, BOB, "admin schedule thursday 9:75") == (
        "“9:75” is not a time of day: write it as, for example, 9:30 or 16:00 (0:00 to 23:59). "
        "Nothing was changed."
    )
    with world.session() as session:
        assert session.scalars(select(Tenant)).one().checkin_time == time(9, 5)
