"""Privacy typed to Palier in Teams: ``privacy delete`` asks, the button is confirmed on
the card, then the person's own data is erased and the card says so; a member asking for
an export is refused as in Slack. (Files — one's data, a team's export — are offered and
sent once accepted: tests/teams/test_files_journey.py.)"""

from __future__ import annotations

from sqlalchemy import func, select

from emulators.teams import User
from storage.db import session_scope
from storage.models import Evidence, Person
from tests.teams.conftest import TeamsWorld, enrol


def _add_evidence(world: TeamsWorld, user: User) -> None:
    person = world.person(user)
    with session_scope(world.core.sessions) as session:
        session.add(
            Evidence(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id="account-executive",
                competency_id="closing",
                text="Signé **Acme**",
                created_at=world.clock.now,
                updated_at=world.clock.now,
            )
        )


def _evidence_count(world: TeamsWorld) -> int:
    with session_scope(world.core.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(Evidence)) or 0)


def _said(world: TeamsWorld, user: User, text: str) -> str:
    world.teams.send_message(user, text)
    latest = world.teams.latest_message(user)
    assert latest is not None
    return world.teams.render(latest)


def test_erasure_is_asked_confirmed_then_done_and_the_card_says_so(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    _add_evidence(world, alice)
    teams.send_message(alice, "confidentialité effacer")
    question = teams.latest_message(alice)
    assert question is not None
    assert "Effacer toutes vos données Palier" in teams.render(question)
    assert teams.buttons(question) == ["Tout effacer"]  # shows the confirmation first
    assert _evidence_count(world) == 1  # asking erased nothing

    answer = teams.click(alice, question, "Effacer")  # the confirmation's own button
    assert (answer.status, answer.outcome) == (200, "card")
    card = teams.latest_message(alice)
    assert card is not None and card.id == question.id  # the question, answered in place
    assert "Vos données ont été effacées" in teams.render(card)
    assert teams.buttons(card) == []
    assert _evidence_count(world) == 0
    person = world.person(alice)
    assert (person.display_name, person.referentiel_id, person.active) == (None, None, False)


def test_in_english_and_with_nothing_to_erase(world: TeamsWorld) -> None:
    teams = world.teams
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    teams.install(bob)
    assert "Erase all your Palier data" in _said(world, bob, "privacy delete")
    question = teams.latest_message(bob)
    assert question is not None
    teams.click(bob, question, "Erase")
    card = teams.latest_message(bob)
    assert card is not None and "Your data has been erased" in teams.render(card)
    # Alice, who asked nothing, keeps everything.
    assert world.person(world.alice).referentiel_id == "account-executive"


def test_the_usage_is_shown_as_typed_in_teams(world: TeamsWorld) -> None:
    world.teams.install(world.alice)
    said = _said(world, world.alice, "privacy **[x](y)**")
    assert "privacy export" in said and "/palier" not in said


def test_an_export_is_refused_to_a_member(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    marion = world.emulator.add_user("Marion Roy", "marion@example.fr")
    enrol(world.core, marion)
    with session_scope(world.core.sessions) as session:
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[alice.aad_object_id].manager_id = people[marion.aad_object_id].id
    teams.install(alice)
    teams.install(marion)

    refused = _said(world, alice, "export")
    assert "L'export est réservé aux managers" in refused
    assert "privacy export" in refused and "/palier" not in refused
