"""Evidence any day: ``/palier log``, the message shortcut, through the emulator."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from sqlalchemy import func, select

from emulators.slack import render_blocks, render_view
from handlers.slack import ids
from referentiels.loader import ReferentielCatalog
from storage.models import Evidence
from tests.slack.conftest import ALICE, BOB, CHLOE, World

CATALOG = ReferentielCatalog.load(None)


def _evidence(world: World) -> list[Evidence]:
    with world.session() as session:
        return list(session.scalars(select(Evidence).order_by(Evidence.id)))


def _open_log(world: World, user: str) -> None:
    assert world.driver.slash_command(user, "/palier", "log").ok
    world.emulator.wait_for(lambda: world.driver.modal(user))


def test_log_evidence_against_a_competency_and_one_of_its_aspects(world: World) -> None:
    world.enrol(ALICE)
    _open_log(world, ALICE)
    modal = world.driver.modal(ALICE)
    assert modal is not None and modal.title == "Ajouter une preuve"
    world.driver.click(ALICE, modal, action_id=ids.EV_COMPETENCY_ACTION, value="Closing")
    # The criteria follow the choice: the closing matrix cells' aspects.
    updated = world.emulator.wait_for(
        lambda: (
            (m := world.driver.modal(ALICE))
            and any(
                ids.split_block(b.get("block_id", ""))[0] == ids.EV_CRITERION_BLOCK
                for b in m.blocks
            )
            and m
        )
    )
    closing = CATALOG.get("account-executive").competency("closing")  # type: ignore[union-attr]
    aspect = closing.levels["junior"].aspects[0].name  # type: ignore[union-attr]
    offered = next(
        b["element"]["options"]
        for b in updated.blocks
        if ids.split_block(b.get("block_id", ""))[0] == ids.EV_CRITERION_BLOCK
    )
    assert aspect and aspect in [o["text"]["text"] for o in offered]
    answer = world.driver.submit_view(
        ALICE,
        updated,
        {
            ids.EV_CRITERION_ACTION: aspect,
            ids.EV_TEXT_BLOCK: "Négociation menée jusqu'à la signature avec le DAF",
            ids.EV_LINK_BLOCK: "https://crm.example.com/deals/7",
        },
    )
    assert answer.outcome == "close"
    confirmation = world.emulator.wait_for(lambda: world.driver.latest_dm(ALICE))
    assert "Preuve enregistrée pour Closing" in render_blocks(confirmation.blocks)
    [stored] = _evidence(world)
    assert stored.competency_id == "closing" and stored.criterion_key == f"aspect:{aspect}"
    assert stored.link == "https://crm.example.com/deals/7" and stored.source_permalink is None


def test_a_large_certification_groups_competencies_and_offers_its_criteria(world: World) -> None:
    world.enrol(CHLOE, "business-developer")
    referentiel = CATALOG.get("business-developer")
    assert referentiel is not None
    _open_log(world, CHLOE)
    modal = world.driver.modal(CHLOE)
    assert modal is not None
    select_element = next(
        b["element"] for b in modal.blocks if b.get("block_id") == ids.EV_COMPETENCY_BLOCK
    )
    groups = select_element["option_groups"]
    assert len(groups) == len(referentiel.groups)
    assert sum(len(g["options"]) for g in groups) == len(referentiel.all_competencies())
    target = next(c for c in referentiel.all_competencies() if c.criteria)
    label = next(o["text"]["text"] for g in groups for o in g["options"] if o["value"] == target.id)
    world.driver.click(CHLOE, modal, action_id=ids.EV_COMPETENCY_ACTION, value=target.id)
    updated = world.emulator.wait_for(
        lambda: (
            (m := world.driver.modal(CHLOE))
            and any(
                ids.split_block(b.get("block_id", ""))[0] == ids.EV_CRITERION_BLOCK
                for b in m.blocks
            )
            and m
        )
    )
    criterion = target.criteria[0]
    answer = world.driver.submit_view(
        CHLOE,
        updated,
        {
            ids.EV_CRITERION_ACTION: target.criterion_key(0),
            ids.EV_TEXT_BLOCK: "Diagnostic de trois comptes présenté au comité",
        },
    )
    assert answer.outcome == "close", label
    [stored] = _evidence(world)
    assert stored.criterion_key == target.criterion_key(0) and criterion.text


def test_a_bad_link_is_refused_inline_and_nothing_is_stored(world: World) -> None:
    world.enrol(ALICE)
    _open_log(world, ALICE)
    modal = world.driver.modal(ALICE)
    assert modal is not None
    answer = world.driver.submit_view(
        ALICE,
        modal,
        {
            ids.EV_COMPETENCY_BLOCK: "Prospection",
            ids.EV_TEXT_BLOCK: "Un salon",
            ids.EV_LINK_BLOCK: "salon du recrutement",
        },
    )
    assert answer.errors == {
        ids.EV_LINK_BLOCK: "Ce lien n'est pas une adresse web valide (https://…)."
    }
    assert _evidence(world) == []


def test_a_submission_delivered_twice_is_stored_once(world: World) -> None:
    world.enrol(ALICE)
    _open_log(world, ALICE)
    modal = world.driver.modal(ALICE)
    assert modal is not None
    first = world.driver.submit_view(
        ALICE,
        modal,
        {ids.EV_COMPETENCY_BLOCK: "Valeurs", ids.EV_TEXT_BLOCK: "Onboarding d'un junior"},
    )
    assert first.outcome == "close" and first.payload is not None
    body = urlencode({"payload": json.dumps(first.payload)}).encode()
    assert world.driver.post(body, "application/x-www-form-urlencoded").ok
    assert len(_evidence(world)) == 1


def test_log_a_channel_message_as_evidence(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    world.emulator.add_channel("C0DEALS", "deals", members=[ALICE, BOB])
    message = world.emulator.post_user_message(
        BOB, "Acme a signé : 40 licences, merci Alice pour la démo !", channel="C0DEALS"
    )
    assert world.driver.message_shortcut(ALICE, message, ids.LOG_EVIDENCE_SHORTCUT).ok
    modal = world.emulator.wait_for(
        lambda: (m := world.driver.modal(ALICE)) and "archives/C0DEALS" in render_view(m.data) and m
    )
    screen = render_view(modal.data)
    assert "Acme a signé : 40 licences" in screen
    answer = world.driver.submit_view(ALICE, modal, {ids.EV_COMPETENCY_BLOCK: "Closing"})
    assert answer.outcome == "close"
    [stored] = _evidence(world)
    assert stored.text == "Acme a signé : 40 licences, merci Alice pour la démo !"
    assert stored.source_permalink and "C0DEALS" in stored.source_permalink.replace("/", "")
    # Only Alice hears about it; nothing is posted in the channel or to Bob.
    world.emulator.wait_for(lambda: world.driver.latest_dm(ALICE))
    assert world.dms(BOB) == []
    assert [m.text for m in world.emulator.messages_in("C0DEALS")] == [message.text]


def test_not_enrolled_people_are_told_privately(world: World) -> None:
    world.driver.slash_command(BOB, "/palier", "log")
    notice = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(BOB) or None)
    assert "not enrolled" in (notice[-1].text or "")
    assert world.driver.modal(BOB) is None
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(Evidence)) == 0
