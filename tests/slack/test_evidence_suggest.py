"""Evidence that tags itself in Slack: a text known when the evidence modal opens (the
message shortcut's message, ``/palier log TEXT``) chooses the competency and criterion it
most likely shows; the person can change them. Through the emulator, French and English."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from emulators.slack import View, render_view
from handlers.slack import ids
from storage.models import Evidence
from tests.slack.conftest import ALICE, BOB, CHLOE, World


def _evidence(world: World) -> list[Evidence]:
    with world.session() as session:
        return list(session.scalars(select(Evidence).order_by(Evidence.id)))


def _chosen(modal: View, block_id: str) -> str | None:
    """The value a modal's menu shows chosen (its initial option), if any."""
    for block in modal.blocks:
        if ids.split_block(str(block.get("block_id", "")))[0] == block_id:
            option: dict[str, Any] = block["element"].get("initial_option") or {}
            return option.get("value")
    return None


def _shortcut_modal(world: World, user: str, author: str, text: str) -> View:
    world.emulator.add_channel("C0DEALS", "deals", members=[user, author])
    message = world.emulator.post_user_message(author, text, channel="C0DEALS")
    assert world.driver.message_shortcut(user, message, ids.LOG_EVIDENCE_SHORTCUT).ok
    modal: View = world.emulator.wait_for(
        lambda: (m := world.driver.modal(user)) and "archives/C0DEALS" in render_view(m.data) and m
    )
    return modal


def test_a_french_message_chooses_its_competency_and_aspect(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    modal = _shortcut_modal(
        world, ALICE, BOB, "Signé chez Leroy Merlin après une négo serrée sur le prix !"
    )
    assert modal.title == "Ajouter une preuve"
    assert _chosen(modal, ids.EV_COMPETENCY_BLOCK) == "closing"
    aspect = _chosen(modal, ids.EV_CRITERION_BLOCK)
    assert aspect is not None and aspect.startswith("aspect:")
    # Submitted as it opened: the evidence lands on the suggested competency and aspect.
    assert world.driver.submit_view(ALICE, modal).outcome == "close"
    [stored] = _evidence(world)
    assert (stored.competency_id, stored.criterion_key) == ("closing", aspect)


def test_an_english_message_chooses_its_competency_and_the_person_can_change_it(
    world: World,
) -> None:
    world.enrol(BOB)
    world.enrol(ALICE)
    text = "Built a target account list of 50 companies in logistics"
    modal = _shortcut_modal(world, BOB, ALICE, text)
    assert modal.title == "Log evidence"
    assert _chosen(modal, ids.EV_COMPETENCY_BLOCK) == "prospection"
    world.driver.click(BOB, modal, action_id=ids.EV_COMPETENCY_ACTION, value="qualification")
    changed: View = world.emulator.wait_for(
        lambda: (
            (m := world.driver.modal(BOB))
            and _chosen(m, ids.EV_COMPETENCY_BLOCK) == "qualification"
            and m
        )
    )
    assert world.driver.submit_view(BOB, changed).outcome == "close"
    [stored] = _evidence(world)
    assert stored.competency_id == "qualification"


def test_a_certification_text_after_palier_log_chooses_competency_and_criterion(
    world: World,
) -> None:
    world.enrol(CHLOE, "manager-grands-comptes")
    text = "Cartographie des décideurs clés chez Thales et de leur influence"
    assert world.driver.slash_command(CHLOE, "/palier", f"log {text}").ok
    modal: View = world.emulator.wait_for(lambda: world.driver.modal(CHLOE))
    assert text in render_view(modal.data)
    assert _chosen(modal, ids.EV_COMPETENCY_BLOCK) == "C4"
    assert _chosen(modal, ids.EV_CRITERION_BLOCK) == "C4#1"


def test_a_text_sharing_no_word_with_the_referentiel_chooses_nothing(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    modal = _shortcut_modal(world, ALICE, BOB, "👍 merci !")
    assert _chosen(modal, ids.EV_COMPETENCY_BLOCK) is None
    assert not any(
        ids.split_block(b.get("block_id", ""))[0] == ids.EV_CRITERION_BLOCK for b in modal.blocks
    )
    assert "👍 merci !" in render_view(modal.data)


def test_palier_log_without_text_still_opens_an_empty_form(world: World) -> None:
    world.enrol(BOB)
    assert world.driver.slash_command(BOB, "/palier", "log").ok
    modal: View = world.emulator.wait_for(lambda: world.driver.modal(BOB))
    assert _chosen(modal, ids.EV_COMPETENCY_BLOCK) is None


def test_a_suggestion_not_clear_enough_is_not_chosen(world: World) -> None:
    # "Booked 5 meetings…" ranks prospection first, but with a score under the form's
    # minimum (bot.domain.suggest.confident): the person chooses.
    world.enrol(BOB)
    world.enrol(ALICE)
    modal = _shortcut_modal(world, BOB, ALICE, "Booked 5 meetings from cold calls this week")
    assert _chosen(modal, ids.EV_COMPETENCY_BLOCK) is None
    assert "Booked 5 meetings from cold calls this week" in render_view(modal.data)


def _after_choosing(world: World, user: str, modal: View, competency: str) -> View:
    world.driver.click(user, modal, action_id=ids.EV_COMPETENCY_ACTION, value=competency)
    changed: View = world.emulator.wait_for(
        lambda: (
            (m := world.driver.modal(user))
            and m.hash != modal.hash
            and _chosen(m, ids.EV_COMPETENCY_BLOCK) == competency
            and m
        )
    )
    return changed


def test_what_the_person_typed_survives_choosing_another_competency(world: World) -> None:
    world.enrol(ALICE)
    assert world.driver.slash_command(ALICE, "/palier", "log").ok
    modal: View = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    typed = "Démo menée chez Decathlon, le DAF veut une proposition"
    modal = world.driver.type_in(ALICE, modal, {ids.EV_TEXT_BLOCK: typed})
    changed = _after_choosing(world, ALICE, modal, "closing")
    changed = _after_choosing(world, ALICE, changed, "qualification")
    # Submitted without typing again: the text is what the person typed.
    assert world.driver.submit_view(ALICE, changed).outcome == "close"
    [stored] = _evidence(world)
    assert (stored.competency_id, stored.text) == ("qualification", typed)


def test_a_criterion_chosen_for_another_competency_is_not_carried_over(world: World) -> None:
    world.enrol(CHLOE, "manager-grands-comptes")
    text = "Cartographie des décideurs clés chez Thales et de leur influence"
    assert world.driver.slash_command(CHLOE, "/palier", f"log {text}").ok
    modal: View = world.emulator.wait_for(lambda: world.driver.modal(CHLOE))
    assert _chosen(modal, ids.EV_CRITERION_BLOCK) == "C4#1"
    # The person picks another of C4's criteria, then another competency.
    modal = world.driver.type_in(CHLOE, modal, {ids.EV_CRITERION_ACTION: "C4#2"})
    changed = _after_choosing(world, CHLOE, modal, "C3")
    # C4's criterion is not C3's: the person chooses again, or leaves it empty.
    assert world.driver.submit_view(CHLOE, changed).outcome == "close"
    [stored] = _evidence(world)
    assert (stored.competency_id, stored.criterion_key, stored.text) == ("C3", None, text)
