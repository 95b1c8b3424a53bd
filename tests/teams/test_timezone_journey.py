"""A Teams user's time zone, which Teams tells only with what the person sends (the
``clientInfo`` of each activity; not with the app's installation): the last one seen is
kept, in the same transaction as what the person asked, and only when it changed; a
zone an admin set stays; while none is known, the welcome asks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.domain.people import Profile, ensure_tenant, upsert_person
from emulators.teams import User
from storage.db import session_scope
from storage.models import Platform
from tests.teams.conftest import TeamsWorld

QUESTION = "Votre fuseau horaire ?"


@contextmanager
def _writes_to_people(world: TeamsWorld) -> Iterator[list[str]]:
    """The SQL statements that write to ``people`` meanwhile."""
    engine = world.core.engine
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE PEOPLE"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _enrol_without_zone(world: TeamsWorld, user: User) -> None:
    """Someone an admin enrolled from a file that gave no time zone."""
    with session_scope(world.core.sessions) as session:
        tenant = ensure_tenant(session, Platform.TEAMS, user.tenant_id)
        person, _ = upsert_person(session, tenant, Profile(user.aad_object_id, user.name))
        person.referentiel_id = "account-executive"


def test_the_zone_teams_reports_becomes_the_persons(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    assert world.person(alice).timezone == "Europe/Paris"
    world.emulator.set_client(alice, timezone="America/New_York")  # she travels
    teams.send_message(alice, "accueil")
    assert world.person(alice).timezone == "America/New_York"
    home = teams.latest_message(alice)
    assert home is not None
    # The page that answered already reads her time there (10:00 in New York now).
    assert "chaque jeudi à 16:00 (America/New_York)" in teams.render(home)

    # A click carries it too (an invoke's clientInfo).
    world.emulator.set_client(alice, timezone="Asia/Tokyo")
    assert teams.open_dialog(alice, home, "Mettre en pause").outcome == "continue"
    assert world.person(alice).timezone == "Asia/Tokyo"


def test_the_same_zone_again_writes_nothing(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    with _writes_to_people(world) as writes:
        teams.send_message(alice, "moi")
    assert writes == []
    world.emulator.set_client(alice, timezone="Europe/Lisbon")
    with _writes_to_people(world) as writes:
        teams.send_message(alice, "moi")
    assert len(writes) == 1  # in the unit of work of the command itself
    assert world.person(alice).timezone == "Europe/Lisbon"


def test_a_zone_an_admin_chose_stays_and_an_unknown_one_is_ignored(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    world.emulator.set_client(alice, timezone="Mars/Olympus")
    teams.send_message(alice, "moi")
    assert world.person(alice).timezone == "Europe/Paris"

    with session_scope(world.core.sessions) as session:
        person = session.merge(world.person(alice))
        person.timezone, person.timezone_chosen = "Europe/Berlin", True
    world.emulator.set_client(alice, timezone="America/New_York")
    teams.send_message(alice, "moi")
    assert world.person(alice).timezone == "Europe/Berlin"


def test_someone_unknown_at_install_gets_their_zone_when_they_write(world: TeamsWorld) -> None:
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", timezone="America/Chicago")
    world.teams.install(bob)
    assert world.person(bob).timezone is None  # the installation says no zone
    world.teams.send_message(bob, "help")
    assert world.person(bob).timezone == "America/Chicago"


def test_the_welcome_asks_for_the_zone_while_none_is_known(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)  # her zone is known (her enrolment gave it)
    known = teams.latest_message(alice)
    assert known is not None and QUESTION not in teams.render(known)

    chloe = world.emulator.add_user("Chloé Petit", "chloe@example.fr", timezone="America/Montreal")
    _enrol_without_zone(world, chloe)
    teams.install(chloe)
    welcome = teams.latest_message(chloe)
    assert welcome is not None
    assert QUESTION in teams.render(welcome)
    assert teams.buttons(welcome) == ["Ma page Palier", "Changer le jour et l'heure"]
    assert world.person(chloe).timezone is None

    # Opening the day-and-time form from it: Teams says her zone on the way, the form
    # shows it; saving changes her slot and leaves the welcome as it was.
    assert teams.open_dialog(chloe, welcome, "Changer le jour et l'heure").outcome == "continue"
    assert world.person(chloe).timezone == "America/Montreal"
    assert "dans votre fuseau horaire (America/Montreal)" in teams.screen(chloe)
    assert teams.submit_dialog(chloe, {"home.weekday": "0"}).outcome == "close"
    assert world.person(chloe).checkin_weekday == 0
    current = world.emulator.message(welcome.conversation_id, welcome.id)
    assert current is not None and QUESTION in teams.render(current)


def test_my_page_from_the_welcome_tells_palier_the_zone(world: TeamsWorld) -> None:
    chloe = world.emulator.add_user("Chloé Petit", "chloe@example.fr", timezone="Asia/Tokyo")
    _enrol_without_zone(world, chloe)
    world.teams.install(chloe)
    welcome = world.teams.latest_message(chloe)
    assert welcome is not None
    world.teams.click(chloe, welcome, "Ma page Palier")
    assert world.person(chloe).timezone == "Asia/Tokyo"
    home = world.teams.latest_message(chloe)
    assert home is not None and "(Asia/Tokyo)" in world.teams.render(home)
