"""The day evidence happened and its link, on Slack through the emulator: a datepicker
that starts on the person's own day, a URL input where an address pasted without its
scheme is kept as https, problems beside their field, the edit modal titled as an edit,
and the Home showing each piece of evidence by its day — in French and in English."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from emulators.slack import render_blocks, render_view
from emulators.slack.server import View
from handlers.slack import ids
from storage.models import Evidence
from tests.slack.conftest import ALICE, BOB, World


def _evidence(world: World) -> list[Evidence]:
    with world.session() as session:
        return list(session.scalars(select(Evidence).order_by(Evidence.id)))


def _open_log(world: World, user: str) -> View:
    assert world.driver.slash_command(user, "/palier", "log").ok
    return world.emulator.wait_for(lambda: world.driver.modal(user))


def _element(modal: View, block_id: str) -> dict[str, Any]:
    return dict(next(b for b in modal.blocks if b.get("block_id") == block_id)["element"])


def _home(world: World, user: str, contains: str) -> str:
    assert world.driver.app_home_opened(user).ok
    home = world.emulator.wait_for(
        lambda: (h := world.driver.home(user)) is not None and contains in render_view(h.data) and h
    )
    return render_view(home.data)


def test_the_day_and_a_link_pasted_without_https_in_french(world: World) -> None:
    world.enrol(ALICE)
    modal = _open_log(world, ALICE)
    # Thursday 26 November, 15:00 in Paris: the picker starts on that day.
    assert _element(modal, ids.EV_DATE_BLOCK) == {
        "type": "datepicker",
        "action_id": ids.EV_DATE_ACTION,
        "initial_date": "2026-11-26",
    }
    link = _element(modal, ids.EV_LINK_BLOCK)
    assert link["type"] == "url_text_input" and "max_length" not in link
    assert "Le jour de l'affaire, de l'appel ou du document" in render_view(modal.data)
    answer = world.driver.submit_view(
        ALICE,
        modal,
        {
            ids.EV_COMPETENCY_BLOCK: "Closing",
            ids.EV_TEXT_BLOCK: "Signature Acme après la démo au COMEX",
            ids.EV_DATE_BLOCK: "2026-11-20",
            ids.EV_LINK_BLOCK: "crm.acme.fr/deals/42",
        },
    )
    assert answer.outcome == "close"
    [stored] = _evidence(world)
    assert (stored.happened_on, stored.link) == (date(2026, 11, 20), "https://crm.acme.fr/deals/42")
    confirmation = world.emulator.wait_for(lambda: world.driver.latest_dm(ALICE))
    shown = render_blocks(confirmation.blocks)
    assert "Date : vendredi 20 novembre 2026" in shown
    assert "https://crm.acme.fr/deals/42" in shown
    assert "Closing · 20/11/2026" in _home(world, ALICE, "Signature Acme")


def test_a_day_to_come_and_a_javascript_link_are_refused_beside_their_fields(
    world: World,
) -> None:
    world.enrol(ALICE)
    modal = _open_log(world, ALICE)
    answer = world.driver.submit_view(
        ALICE,
        modal,
        {
            ids.EV_COMPETENCY_BLOCK: "Closing",
            ids.EV_TEXT_BLOCK: "Rendez-vous prévu",
            ids.EV_DATE_BLOCK: "2026-11-27",
            ids.EV_LINK_BLOCK: "javascript:alert(document.cookie)",
        },
    )
    assert answer.errors == {
        ids.EV_DATE_BLOCK: "Ce jour n'est pas encore passé : choisissez aujourd'hui ou un jour passé.",
        ids.EV_LINK_BLOCK: "Ce lien n'est pas une adresse web valide (https://…).",
    }
    assert _evidence(world) == []


def test_the_picker_starts_on_each_persons_own_day(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    # 23:30 UTC: already Friday in Paris, still Thursday in New York.
    world.at(datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    alice = _open_log(world, ALICE)
    assert _element(alice, ids.EV_DATE_BLOCK)["initial_date"] == "2026-11-27"
    bob = _open_log(world, BOB)
    assert _element(bob, ids.EV_DATE_BLOCK)["initial_date"] == "2026-11-26"
    # Friday is Alice's today: accepted, though UTC's day is still Thursday.
    answer = world.driver.submit_view(
        ALICE,
        alice,
        {ids.EV_COMPETENCY_BLOCK: "Closing", ids.EV_TEXT_BLOCK: "Appel de nuit avec Tokyo"},
    )
    assert answer.outcome == "close"
    assert [e.happened_on for e in _evidence(world)] == [date(2026, 11, 27)]


def test_in_english_too_old_is_refused_and_the_edit_modal_says_it_edits(world: World) -> None:
    world.enrol(BOB)
    modal = _open_log(world, BOB)
    assert modal.title == "Log evidence"
    too_old = world.driver.submit_view(
        BOB,
        modal,
        {
            ids.EV_COMPETENCY_BLOCK: "Closing",
            ids.EV_TEXT_BLOCK: "Closed Globex",
            ids.EV_DATE_BLOCK: "2021-11-25",
        },
    )
    assert too_old.errors == {
        ids.EV_DATE_BLOCK: "Evidence can go back five years at most: check the year."
    }
    assert _evidence(world) == []
    saved = world.driver.submit_view(
        BOB,
        modal,
        {
            ids.EV_COMPETENCY_BLOCK: "Closing",
            ids.EV_TEXT_BLOCK: "Closed Globex",
            ids.EV_DATE_BLOCK: "2021-11-26",  # five years to the day: the oldest allowed
            ids.EV_LINK_BLOCK: "www.globex.com/q4",
        },
    )
    assert saved.outcome == "close"
    [stored] = _evidence(world)
    assert (stored.happened_on, stored.link) == (date(2021, 11, 26), "https://www.globex.com/q4")
    confirmation = world.emulator.wait_for(lambda: world.driver.latest_dm(BOB))
    assert "Date: Friday, November 26, 2021" in render_blocks(confirmation.blocks)

    screen = _home(world, BOB, "Closed Globex")
    assert "Closing · 11/26/2021" in screen
    home = world.driver.home(BOB)
    assert home is not None
    world.driver.click(BOB, home, action_id=f"{ids.HOME_EVIDENCE_EDIT}:{stored.id}")
    edit = world.emulator.wait_for(
        lambda: (m := world.driver.modal(BOB)) is not None and m.title == "Edit evidence" and m
    )
    assert edit.data["submit"]["text"] == "Save changes"
    assert _element(edit, ids.EV_DATE_BLOCK)["initial_date"] == "2021-11-26"
    assert _element(edit, ids.EV_LINK_BLOCK)["initial_value"] == "https://www.globex.com/q4"
    answer = world.driver.submit_view(BOB, edit, {ids.EV_DATE_BLOCK: "2026-11-02"})
    assert answer.outcome == "close"
    assert [e.happened_on for e in _evidence(world)] == [date(2026, 11, 2)]


def _checkin_modal(world: World, user: str, button: str) -> View:
    world.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))  # Thursday 16:00 in Paris
    world.tick()
    prompt = world.driver.latest_dm(user)
    assert prompt is not None
    assert world.driver.click(user, prompt, text=button).ok
    return world.emulator.wait_for(lambda: world.driver.modal(user))


def _levels(modal: View, label: str) -> dict[str, str]:
    return {
        str(b["block_id"]): label
        for b in modal.blocks
        if str(b.get("block_id", "")).startswith(f"{ids.LEVEL_BLOCK}:")
    }


def test_the_checkin_takes_a_link_without_https_and_dates_its_evidence(world: World) -> None:
    world.enrol(ALICE)
    modal = _checkin_modal(world, ALICE, "Faire mon check-in")
    link = _element(modal, f"{ids.LINK_BLOCK}:closing")
    assert link["type"] == "url_text_input" and "max_length" not in link
    values = _levels(modal, "Junior")
    values[f"{ids.EVIDENCE_BLOCK}:closing"] = "Signé Acme : 40 licences"
    values[f"{ids.LINK_BLOCK}:closing"] = "javascript:alert(1)"
    refused = world.driver.submit_view(ALICE, modal, values)
    assert refused.errors == {
        f"{ids.LINK_BLOCK}:closing": "Ce lien n'est pas une adresse web valide (https://…)."
    }
    values[f"{ids.LINK_BLOCK}:closing"] = "crm.acme.fr/deals/42"
    # Sent at 00:30 on Friday in Paris (still Thursday in UTC): Friday's evidence.
    world.at(datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    assert world.driver.submit_view(ALICE, modal, values).outcome == "close"
    stored = world.emulator.wait_for(lambda: _evidence(world))
    assert [(e.link, e.happened_on) for e in stored] == [
        ("https://crm.acme.fr/deals/42", date(2026, 11, 27))
    ]


def test_the_checkin_link_in_english(world: World) -> None:
    world.enrol(BOB)
    # Thursday 16:00 in New York.
    world.at(datetime(2026, 11, 26, 21, 0, tzinfo=UTC))
    world.tick()
    prompt = world.driver.latest_dm(BOB)
    assert prompt is not None
    assert world.driver.click(BOB, prompt, text="Start my check-in").ok
    modal = world.emulator.wait_for(lambda: world.driver.modal(BOB))
    values = _levels(modal, "Junior")
    values[f"{ids.EVIDENCE_BLOCK}:closing"] = "Closed Globex"
    values[f"{ids.LINK_BLOCK}:closing"] = "data:text/html;base64,PHNjcmlwdD4="
    refused = world.driver.submit_view(BOB, modal, values)
    assert refused.errors == {
        f"{ids.LINK_BLOCK}:closing": "This link is not a valid web address (https://…)."
    }
    values[f"{ids.LINK_BLOCK}:closing"] = "globex.com/deals/7"
    assert world.driver.submit_view(BOB, modal, values).outcome == "close"
    stored = world.emulator.wait_for(lambda: _evidence(world))
    assert [(e.link, e.happened_on) for e in stored] == [
        ("https://globex.com/deals/7", date(2026, 11, 26))
    ]
