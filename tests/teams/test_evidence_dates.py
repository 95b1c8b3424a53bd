"""The day evidence happened and its link, in Teams through the emulator: an
``Input.Date`` that starts on the person's own day, an ``Input.Text`` of style ``Url``
where an address pasted without its scheme is kept as https, problems beside their field
in the form sent again, the edit dialog titled as an edit — in French and in English."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from emulators.teams import User
from emulators.teams.model import JsonDict, Message
from storage.db import session_scope
from storage.models import Evidence
from tests.teams.conftest import TeamsWorld, enrol

COMPETENCY, TEXT = "evidence.competency", "evidence.text"
DATE, LINK = "evidence.date", "evidence.link"


def _evidence(world: TeamsWorld) -> list[Evidence]:
    with session_scope(world.core.sessions) as session:
        rows = session.scalars(select(Evidence).order_by(Evidence.id)).all()
        session.expunge_all()
        return list(rows)


def _inputs(world: TeamsWorld, user: User) -> dict[str, JsonDict]:
    dialog = world.teams.dialog(user)
    assert dialog is not None and dialog.card is not None
    return {e["id"]: e for e in dialog.card["body"] if str(e.get("type", "")).startswith("Input.")}


def _open_form(world: TeamsWorld, user: User, word: str, button: str) -> None:
    world.teams.send_message(user, word)
    card = world.teams.latest_message(user)
    assert card is not None
    assert world.teams.open_dialog(user, card, button).outcome == "continue"


def _latest(world: TeamsWorld, user: User) -> Message:
    message = world.teams.latest_message(user)
    assert message is not None
    return message


def test_the_day_and_a_link_pasted_without_https_in_french(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    _open_form(world, alice, "preuve", "Noter une preuve")
    fields = _inputs(world, alice)
    # Thursday 26 November, 16:00 in Paris: the date starts on that day.
    assert fields[DATE]["type"] == "Input.Date" and fields[DATE]["value"] == "2026-11-26"
    assert fields[LINK]["type"] == "Input.Text" and fields[LINK]["style"] == "Url"

    future = teams.submit_dialog(
        alice,
        {COMPETENCY: "closing", TEXT: "Rendez-vous prévu", DATE: "2026-11-27"},
        button="Enregistrer",
    )
    assert future.outcome == "continue"
    assert "Ce jour n'est pas encore passé" in teams.screen(alice)
    assert _inputs(world, alice)[DATE]["value"] == "2026-11-27"  # kept as chosen
    assert _evidence(world) == []

    saved = teams.submit_dialog(
        alice,
        {TEXT: "Signature Acme", DATE: "2026-11-20", LINK: "crm.acme.fr/deals/42"},
        button="Enregistrer",
    )
    assert saved.outcome == "close"
    [stored] = _evidence(world)
    assert (stored.happened_on, stored.link) == (date(2026, 11, 20), "https://crm.acme.fr/deals/42")
    shown = teams.render(_latest(world, alice))
    assert "Date : vendredi 20 novembre 2026" in shown
    assert "https://crm.acme.fr/deals/42" in shown


def test_in_english_bad_links_and_old_days_are_refused_and_an_edit_says_so(
    world: TeamsWorld,
) -> None:
    teams = world.teams
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    teams.install(bob)
    _open_form(world, bob, "log", "Log evidence")
    refused = teams.submit_dialog(
        bob,
        {
            COMPETENCY: "closing",
            TEXT: "Closed Globex",
            DATE: "2021-11-25",
            LINK: "javascript:alert(document.cookie)",
        },
        button="Save",
    )
    assert refused.outcome == "continue"
    screen = teams.screen(bob)
    assert "Evidence can go back five years at most: check the year." in screen
    assert "This link is not a valid web address" in screen
    assert _evidence(world) == []
    saved = teams.submit_dialog(bob, {DATE: "2026-11-02", LINK: "www.globex.com/q4"}, button="Save")
    assert saved.outcome == "close"
    [stored] = _evidence(world)
    assert (stored.happened_on, stored.link) == (date(2026, 11, 2), "https://www.globex.com/q4")
    assert "Date: Monday, November 2, 2026" in teams.render(_latest(world, bob))

    teams.send_message(bob, "home")
    home = _latest(world, bob)
    assert "Closing · 11/2/2026" in teams.render(home)
    assert teams.open_dialog(bob, home, "Edit").outcome == "continue"
    dialog = teams.dialog(bob)
    assert dialog is not None and dialog.title == "Edit evidence"
    assert _inputs(world, bob)[DATE]["value"] == "2026-11-02"
    assert teams.submit_dialog(bob, {DATE: "2026-10-30"}, button="Save changes").outcome == "close"
    assert [e.happened_on for e in _evidence(world)] == [date(2026, 10, 30)]
