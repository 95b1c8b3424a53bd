"""Evidence any day in Teams, end to end: ``log`` typed to Palier answers a card whose
button opens the evidence form as a dialog; "Show its criteria" brings the form back
with the chosen competency's criteria, answers kept; problems beside their fields; a
submission stored once and confirmed in the person's chat; "Log as evidence" on a
message opens the form with its text as typed and keeps the message's link — through the
real Teams SDK and the emulator."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from emulators.teams import User
from emulators.teams.model import JsonDict, Message
from handlers.teams.evidence import LOG_EVIDENCE_COMMAND
from storage.db import session_scope
from storage.models import Evidence
from tests.teams.conftest import TeamsWorld, enrol

COMPETENCY, CRITERION = "evidence.competency", "evidence.criterion"
TEXT, LINK, DATE = "evidence.text", "evidence.link", "evidence.date"
# Typed as is: neither Markdown nor a mention, whatever it looks like.
HOSTILE = "Signé **Acme** : 3 rendez-vous, [x](https://evil.example) <at>Bob</at> & co"


def _evidence(world: TeamsWorld) -> list[Evidence]:
    with session_scope(world.core.sessions) as session:
        rows = session.scalars(select(Evidence).order_by(Evidence.id)).all()
        session.expunge_all()
        return list(rows)


def _inputs(card: JsonDict) -> dict[str, JsonDict]:
    return {e["id"]: e for e in card["body"] if str(e.get("type", "")).startswith("Input.")}


def _dialog_card(world: TeamsWorld, user: User) -> JsonDict:
    dialog = world.teams.dialog(user)
    assert dialog is not None and dialog.card is not None
    return dialog.card


def _log_card(world: TeamsWorld, user: User, word: str) -> Message:
    world.teams.send_message(user, word)
    card = world.teams.latest_message(user)
    assert card is not None
    return card


def test_log_opens_the_form_and_the_criteria_follow_the_competency(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    card = _log_card(world, alice, "preuve")
    assert "Notez une preuve" in teams.render(card)
    assert teams.buttons(card) == ["Noter une preuve"]

    assert teams.open_dialog(alice, card, "Noter une preuve").outcome == "continue"
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.title == "Ajouter une preuve"
    fields = _inputs(_dialog_card(world, alice))
    assert list(fields) == [COMPETENCY, TEXT, DATE, LINK]  # no criteria before a competency
    assert fields[COMPETENCY]["isRequired"] is True
    # Only the choice is checked by Teams: the text may still be empty to see the criteria.
    assert "isRequired" not in fields[TEXT]

    shown = teams.submit_dialog(
        alice, {COMPETENCY: "prospection", TEXT: HOSTILE}, button="Voir ses critères"
    )
    assert shown.outcome == "continue"
    fields = _inputs(_dialog_card(world, alice))
    assert list(fields) == [COMPETENCY, CRITERION, TEXT, DATE, LINK]
    assert fields[COMPETENCY]["value"] == "prospection"
    assert fields[TEXT]["value"] == HOSTILE  # kept, as typed
    criteria = [c["title"] for c in fields[CRITERION]["choices"]]
    assert "Identification des comptes" in criteria  # the référentiel's own words
    assert _evidence(world) == []  # showing the criteria stores nothing

    # Another competency: its own criteria, the one picked before not offered any more.
    teams.submit_dialog(
        alice,
        {COMPETENCY: "qualification", CRITERION: "aspect:Identification des comptes"},
        button="Voir ses critères",
    )
    fields = _inputs(_dialog_card(world, alice))
    assert "Maîtrise de l'ICP" in [c["title"] for c in fields[CRITERION]["choices"]]
    assert "value" not in fields[CRITERION]

    # A link that is not one: the form again, the problem beside the link, nothing stored.
    again = teams.submit_dialog(
        alice, {CRITERION: "aspect:Maîtrise de l'ICP", LINK: "pas un lien"}, button="Enregistrer"
    )
    assert again.outcome == "continue"
    assert "n'est pas une adresse web valide" in teams.screen(alice)
    fields = _inputs(_dialog_card(world, alice))
    assert (fields[TEXT]["value"], fields[LINK]["value"]) == (HOSTILE, "pas un lien")
    assert fields[CRITERION]["value"] == "aspect:Maîtrise de l'ICP"
    assert _evidence(world) == []

    saved = teams.submit_dialog(alice, {LINK: "https://crm.example/deal/42"}, button="Enregistrer")
    assert saved.outcome == "close" and teams.dialog(alice) is None
    [stored] = _evidence(world)
    assert (stored.competency_id, stored.criterion_key) == (
        "qualification",
        "aspect:Maîtrise de l'ICP",
    )
    assert (stored.text, stored.link) == (HOSTILE, "https://crm.example/deal/42")
    assert stored.source_permalink is None
    confirmation = teams.latest_message(alice)
    assert confirmation is not None and confirmation.id != card.id
    shown_text = teams.render(confirmation)
    assert "Preuve enregistrée pour Qualification" in shown_text
    assert "https://crm.example/deal/42" in shown_text

    # Teams delivers the same submission again: stored once, confirmed once.
    assert saved.activity is not None
    assert teams.deliver(copy.deepcopy(saved.activity)).status == 200
    assert len(_evidence(world)) == 1
    assert teams.latest_message(alice) == confirmation


def test_in_english_the_form_speaks_english(world: TeamsWorld) -> None:
    teams = world.teams
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    teams.install(bob)
    card = _log_card(world, bob, "log")
    assert "Log evidence, any day" in teams.render(card)
    teams.open_dialog(bob, card, "Log evidence")
    dialog = teams.dialog(bob)
    assert dialog is not None and dialog.title == "Log evidence"
    teams.submit_dialog(bob, {COMPETENCY: "closing"}, button="Show its criteria")
    assert CRITERION in _inputs(_dialog_card(world, bob))

    # No description: the problem beside the text, in English.
    assert teams.submit_dialog(bob, button="Save").outcome == "continue"
    assert "Describe the evidence in one sentence at least." in teams.screen(bob)
    assert _evidence(world) == []
    assert teams.submit_dialog(bob, {TEXT: "Closed Globex"}, button="Save").outcome == "close"
    confirmation = teams.latest_message(bob)
    assert confirmation is not None
    assert "Evidence saved for Closing" in teams.render(confirmation)


def test_someone_palier_does_not_follow_is_told_so(world: TeamsWorld) -> None:
    teams = world.teams
    chloe = world.emulator.add_user("Chloé Petit", "chloe@example.fr")
    teams.install(chloe)
    card = _log_card(world, chloe, "evidence")
    assert "pas encore inscrit·e dans Palier" in teams.render(card)
    assert teams.buttons(card) == []


def _bob_in_a_chat_with(world: TeamsWorld, text: str) -> tuple[User, Message]:
    bob = world.emulator.add_user("Bob Stone", "bob@example.com")
    chat = world.emulator.add_group_chat([world.alice, bob])
    return bob, world.emulator.post_user_message(bob, text, conversation_id=chat.id)


def test_a_message_logged_as_evidence_keeps_its_text_and_its_link(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    bob, message = _bob_in_a_chat_with(world, HOSTILE)

    opened = teams.message_action(alice, message, LOG_EVIDENCE_COMMAND)
    assert (opened.status, opened.outcome) == (200, "continue")
    assert opened.activity is not None
    link = opened.activity["value"]["messagePayload"]["linkToMessage"]
    fields = _inputs(_dialog_card(world, alice))
    assert fields[TEXT]["value"] == HOSTILE  # the words as Bob typed them, no markup read
    screen = teams.screen(alice)
    assert f"Depuis ce message : {link}" in screen

    teams.submit_dialog(alice, {COMPETENCY: "prospection"}, button="Voir ses critères")
    assert f"Depuis ce message : {link}" in teams.screen(alice)  # still from the message
    assert _inputs(_dialog_card(world, alice))[TEXT]["value"] == HOSTILE

    saved = teams.submit_dialog(alice, button="Enregistrer")
    assert saved.outcome == "close"
    assert saved.activity is not None
    assert saved.activity["name"] == "composeExtension/submitAction"
    [stored] = _evidence(world)
    assert (stored.competency_id, stored.text, stored.source_permalink) == (
        "prospection",
        HOSTILE,
        link,
    )
    # The confirmation goes to Alice's own chat with Palier; Bob and the group see nothing.
    confirmation = teams.latest_message(alice)
    assert confirmation is not None
    assert "Preuve enregistrée pour Prospection" in teams.render(confirmation)
    assert [m for m in world.emulator.messages_in(message.conversation_id) if m.from_bot] == []
    assert teams.messages(bob) == []

    assert teams.deliver(copy.deepcopy(saved.activity)).status == 200
    assert len(_evidence(world)) == 1


def test_a_message_logged_with_a_problem_comes_back_with_its_link(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    _, message = _bob_in_a_chat_with(world, "RDV **Initech** demain")
    teams.message_action(alice, message, LOG_EVIDENCE_COMMAND)
    again = teams.submit_dialog(alice, {COMPETENCY: "closing", TEXT: ""}, button="Enregistrer")
    assert again.outcome == "continue"
    screen = teams.screen(alice)
    assert "Décrivez la preuve en une phrase au moins." in screen
    assert "Depuis ce message : https://teams.microsoft.com/l/message/" in screen
    assert _evidence(world) == []
    teams.submit_dialog(alice, {TEXT: "RDV **Initech** obtenu"}, button="Enregistrer")
    [stored] = _evidence(world)
    assert stored.text == "RDV **Initech** obtenu"
    assert stored.source_permalink is not None
    assert stored.source_permalink.startswith("https://teams.microsoft.com/l/message/")


def test_the_link_kept_is_teams_own_never_the_forms(world: TeamsWorld) -> None:
    """A form's state comes back from the client: a link slipped into it is not stored
    (a manager may open it from the 1:1 brief)."""
    teams, alice = world.teams, world.alice
    teams.install(alice)
    card = _log_card(world, alice, "log")
    teams.open_dialog(alice, card, "Noter une preuve")
    card_data = _dialog_card(world, alice)["actions"][0]["data"]
    forged: dict[str, Any] = {
        **card_data,
        "state": '{"permalink": "https://evil.example/phish", "evidence_id": null}',
        COMPETENCY: "closing",
        TEXT: "Signé",
        LINK: "",
    }
    value = teams.factory.task_value("task/submit", forged)
    conversation = world.emulator.conversation(card.conversation_id)
    assert conversation is not None
    activity = teams.factory.invoke(
        world.emulator.user(alice), conversation, world.emulator.clock(), "task/submit", value
    )
    assert teams.deliver(activity).status == 200
    [stored] = _evidence(world)
    assert stored.source_permalink is None


def test_someone_palier_does_not_follow_cannot_log_a_message(world: TeamsWorld) -> None:
    teams = world.teams
    chloe = world.emulator.add_user("Chloé Petit", "chloe@example.fr", locale="en-GB")
    teams.install(chloe)
    chat = world.emulator.add_group_chat([chloe, world.alice])
    message = world.emulator.post_user_message(world.alice, "Deal!", conversation_id=chat.id)
    answer = teams.message_action(chloe, message, LOG_EVIDENCE_COMMAND)
    assert answer.outcome == "message"
    assert answer.notice is not None and "not enrolled in Palier yet" in answer.notice
    assert teams.dialog(chloe) is None
    assert _evidence(world) == []
