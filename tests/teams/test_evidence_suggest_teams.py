"""Evidence that tags itself in Teams, through the same flow as Slack: "Log as evidence"
on a message opens the form with the competency (and aspect) the text most likely shows
chosen — through the real Teams SDK and the emulator, in French and English."""

from __future__ import annotations

from emulators.teams.model import JsonDict
from handlers.teams.evidence import LOG_EVIDENCE_COMMAND
from tests.teams.conftest import TeamsWorld, enrol

COMPETENCY, CRITERION = "evidence.competency", "evidence.criterion"


def _inputs(card: JsonDict) -> dict[str, JsonDict]:
    return {e["id"]: e for e in card["body"] if str(e.get("type", "")).startswith("Input.")}


def test_a_message_logged_as_evidence_comes_with_its_competency_chosen(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    teams.install(bob)
    chat = world.emulator.add_group_chat([alice, bob])
    french = world.emulator.post_user_message(
        bob, "Signé chez Leroy Merlin après une négo serrée sur le prix", conversation_id=chat.id
    )
    english = world.emulator.post_user_message(
        alice, "Built a target account list of 50 companies in logistics", conversation_id=chat.id
    )

    teams.message_action(alice, french, LOG_EVIDENCE_COMMAND)
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.card is not None
    fields = _inputs(dialog.card)
    assert fields[COMPETENCY]["value"] == "closing"
    assert str(fields[CRITERION]["value"]).startswith("aspect:")

    teams.message_action(bob, english, LOG_EVIDENCE_COMMAND)
    dialog = teams.dialog(bob)
    assert dialog is not None and dialog.card is not None and dialog.title == "Log evidence"
    assert _inputs(dialog.card)[COMPETENCY]["value"] == "prospection"
