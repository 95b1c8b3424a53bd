"""The home card kept up to date when what it shows changes elsewhere, end to end
(handlers/teams/home_card.py, handlers/teams/edge.py): every home card carries a
Universal Actions ``refresh`` for its owner; when it comes into view Teams fetches it
anew (``adaptiveCard/action``, ``trigger: "automatic"``, which the SDK alone would refuse)
and shows the page as it is — after a check-in from the prompt, evidence logged from a
message — at the evidence page it showed, never by editing the message — through the real
Teams SDK and the emulator, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.evidence import SaveEvidence
from bot.domain.evidence import EvidenceInput
from emulators.teams import InboundRecord, ManualClock, Message, User
from handlers.teams.evidence import LOG_EVIDENCE_COMMAND
from handlers.teams.home_card import HOME_REFRESH
from storage.db import session_scope
from storage.models import Evidence, Platform
from tests.teams.conftest import TeamsWorld

NO_EVIDENCE = "Aucune preuve pour l'instant."
A_MINUTE = 61.0  # a card fetched less than a minute ago is not refreshed on its own


def _home(world: TeamsWorld, user: User) -> Message:
    world.teams.send_message(user, "accueil")
    home = world.teams.latest_message(user)
    assert home is not None
    return home


def _stored(world: TeamsWorld, message: Message) -> Message:
    """The message as stored (what a client that has not refreshed it shows)."""
    current = world.emulator.message(message.conversation_id, message.id)
    assert current is not None
    return current


def _refreshes(world: TeamsWorld) -> list[InboundRecord]:
    return [
        record
        for record in world.emulator.inbound
        if record.kind == "adaptiveCard/action"
        and record.activity["value"].get("trigger") == "automatic"
    ]


def _later(world: TeamsWorld) -> None:
    clock = world.emulator.clock
    assert isinstance(clock, ManualClock)
    clock.advance(A_MINUTE)


def _log(world: TeamsWorld, user: User, text: str) -> None:
    """Evidence logged the way any front end logs it (the flow)."""
    referentiel = world.core.referentiels.get("account-executive")
    assert referentiel is not None
    competency = next(c for _, c in referentiel.iter_competencies())
    ref = ActorRef(Platform.TEAMS, user.tenant_id, user.aad_object_id)
    data = EvidenceInput(competency_id=competency.id, text=text)
    assert world.flows.evidence.save(ref, SaveEvidence(data, f"seed:{text}")).ok


def test_the_home_card_is_fetched_anew_by_its_owners_client_when_seen(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    home = _home(world, alice)
    assert home.card is not None
    refresh = home.card["refresh"]
    assert refresh["userIds"] == [alice.id]  # hers only: her Teams id
    assert refresh["action"]["type"] == "Action.Execute"
    assert refresh["action"]["verb"] == HOME_REFRESH
    assert refresh["action"]["data"] == {"action": HOME_REFRESH, "state": '{"page": 0}'}

    seen = teams.view(alice, home)
    [fetched] = _refreshes(world)
    assert fetched.status == 200  # the SDK alone answers 500 to trigger "automatic"
    assert fetched.activity["replyToId"] == home.id
    assert fetched.body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Palier — Account Executive" in teams.render(seen)
    assert seen.card is not None and seen.card["refresh"] == refresh  # refreshed again later

    teams.view(alice, seen)  # fetched less than a minute ago: Teams does not ask again
    assert len(_refreshes(world)) == 1


def test_evidence_logged_from_a_message_shows_on_an_older_home_card(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    home = teams.view(alice, _home(world, alice))
    assert NO_EVIDENCE in teams.render(home)

    bob = world.emulator.add_user("Bob Stone", "bob@example.com")
    chat = world.emulator.add_group_chat([alice, bob])
    said = world.emulator.post_user_message(bob, "Signé avec Initech !", conversation_id=chat.id)
    teams.message_action(alice, said, LOG_EVIDENCE_COMMAND)
    saved = teams.submit_dialog(alice, {"evidence.competency": "closing"}, "Enregistrer")
    assert saved.outcome == "close"
    assert NO_EVIDENCE in teams.render(_stored(world, home))  # nothing edited it
    updates = len(world.emulator.calls_to("update"))

    assert NO_EVIDENCE in teams.render(teams.view(alice, home))  # within the minute
    _later(world)
    screen = teams.render(teams.view(alice, home))
    assert NO_EVIDENCE not in screen
    assert "Vos preuves (1–1 sur 1)" in screen and "Signé avec Initech !" in screen
    assert len(_refreshes(world)) == 2
    assert len(world.emulator.calls_to("update")) == updates  # the answer only, no edit


def test_a_check_in_from_the_prompt_shows_on_an_older_home_card(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    home = teams.view(alice, _home(world, alice))
    world.tick()
    prompt = teams.latest_message(alice)
    assert prompt is not None
    teams.open_dialog(alice, prompt, "Faire mon check-in")
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.card is not None
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    assert teams.submit_dialog(alice, dict.fromkeys(levels, "junior")).outcome == "close"
    assert "Check-in de la semaine 48 fait" not in teams.render(_stored(world, home))

    _later(world)
    screen = teams.render(teams.view(alice, home))
    assert "✅ Check-in de la semaine 48 fait. Merci !" in screen
    assert "• Prospection : Junior · historique : J" in screen


def test_an_edited_home_card_is_fetched_again_at_once_at_the_page_it_shows(
    world: TeamsWorld,
) -> None:
    """The page a card shows survives its refresh; a bot edit (the page updated in place
    after a dialog opened from it) makes Teams fetch it again without waiting."""
    teams, alice = world.teams, world.alice
    teams.install(alice)
    for number in range(7):
        _log(world, alice, f"Preuve numéro {number}")
    home = _home(world, alice)
    teams.click(alice, home, "Plus anciennes →")  # answered by the card: fetched now
    older = _stored(world, home)
    assert "Vos preuves (6–7 sur 7)" in teams.render(older)
    teams.view(alice, older)
    assert _refreshes(world) == []

    teams.open_dialog(alice, older, "Mettre en pause")
    done = teams.submit_dialog(alice, {"home.pause_until": date(2026, 12, 10)})
    assert done.outcome == "close"
    edited = _stored(world, home)
    assert edited.edited is not None  # RefreshHome updated that very message (a PUT)
    screen = teams.render(teams.view(alice, edited))
    assert len(_refreshes(world)) == 1  # right away: the bot edited it
    assert "Vos preuves (6–7 sur 7)" in screen
    assert "Check-ins en pause jusqu'au jeudi 10 décembre 2026 inclus" in screen

    _later(world)
    _log(world, alice, "Preuve numéro 7")
    screen = teams.render(teams.view(alice, home))
    assert "Vos preuves (6–8 sur 8)" in screen  # still the page it showed
    with session_scope(world.core.sessions) as session:
        assert len(session.scalars(select(Evidence)).all()) == 8
