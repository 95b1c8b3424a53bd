"""The files people open in Excel, through Slack: evidence logged any day is in the export,
and one's own data reads in one's language.

Alice (French) logs evidence with ``/palier log`` and with the message shortcut — no
check-in, no rating — and Chloé, her manager (French), exports: the workbook has a row
for each, in French. Bob (English), an admin, exports the workspace in English, and asks
for his own data: a summary and the JSON, named in English, in one message.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from emulators.slack import render_view
from handlers.slack import ids
from storage.models import Person
from tests.slack.conftest import ALICE, BOB, CHLOE, World
from tests.spreadsheets import export_records, xlsx_cells, xlsx_rows

LOGGED = "=1+1 : démo chez Acme, le DAF convaincu"  # looks like a formula
MESSAGE = "Acme a signé : 40 licences, merci Alice pour la démo !"


def _alice_logs_evidence_on_its_own(world: World) -> None:
    for user in (ALICE, BOB, CHLOE):
        world.enrol(user)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[CHLOE].id
    assert world.driver.slash_command(ALICE, "/palier", "log").ok
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    answer = world.driver.submit_view(
        ALICE,
        modal,
        {
            ids.EV_COMPETENCY_BLOCK: "Prospection",
            ids.EV_TEXT_BLOCK: LOGGED,
            ids.EV_LINK_BLOCK: "https://crm.example.com/deals/7",
        },
    )
    assert answer.outcome == "close"
    world.emulator.wait_for(lambda: world.driver.latest_dm(ALICE))
    world.emulator.add_channel("C0DEALS", "deals", members=[ALICE, BOB])
    message = world.emulator.post_user_message(BOB, MESSAGE, channel="C0DEALS")
    assert world.driver.message_shortcut(ALICE, message, ids.LOG_EVIDENCE_SHORTCUT).ok
    modal = world.emulator.wait_for(
        lambda: (m := world.driver.modal(ALICE)) and "archives/C0DEALS" in render_view(m.data) and m
    )
    answer = world.driver.submit_view(ALICE, modal, {ids.EV_COMPETENCY_BLOCK: "Closing"})
    assert answer.outcome == "close"
    world.emulator.wait_for(lambda: len(world.dms(ALICE)) >= 2 or None)


def test_evidence_logged_any_day_is_in_the_managers_export_in_french(world: World) -> None:
    _alice_logs_evidence_on_its_own(world)
    world.driver.slash_command(CHLOE, "/palier", "export")
    [file] = world.emulator.wait_for(lambda: world.emulator.files or None)
    assert file.name.startswith("palier-export-") and file.name.endswith(".xlsx")
    assert file.content is not None
    records = export_records(xlsx_rows(file.content), "fr", "Asia/Kolkata")
    assert [
        (r["kind"], r["person"], r["competency"], r["evidence"], r["evidence_links"])
        for r in records
    ] == [
        ("Preuve", "Alice Martin", "Prospection", LOGGED, "https://crm.example.com/deals/7"),
        ("Preuve", "Alice Martin", "Closing", MESSAGE, None),
    ]
    assert all(r["level"] is None and r["rater"] is None for r in records)
    [cell] = [c for c in xlsx_cells(file.content) if c.value == LOGGED]
    assert cell.data_type == "s"  # text, as typed: never a formula


def test_an_admins_export_and_own_data_in_english(world: World) -> None:
    _alice_logs_evidence_on_its_own(world)
    world.emulator.update_user(BOB, is_admin=True)
    world.driver.slash_command(BOB, "/palier", "export")
    [file] = world.emulator.wait_for(lambda: world.emulator.files or None)
    assert file.title == "Palier export"
    records = export_records(xlsx_rows(file.content), "en", "America/New_York")
    assert [(r["kind"], r["evidence"]) for r in records] == [
        ("Evidence", LOGGED),
        ("Evidence", MESSAGE),
    ]

    world.driver.slash_command(BOB, "/palier", "privacy export")
    files = world.emulator.wait_for(lambda: (f := world.emulator.files) and len(f) == 3 and f)
    summary, data = files[1:]
    assert (summary.name, data.name) == (
        "palier-my-data-2026-11-26.txt",
        "palier-my-data-2026-11-26.json",
    )
    assert (summary.title, data.title) == (
        "My Palier data — summary to read",
        "My Palier data — complete file (JSON)",
    )
    [message] = [m for m in world.dms(BOB) if m.files and len(m.files) == 2]
    assert (message.text or "").startswith("Here is everything Palier keeps about you")
    text = (summary.content or b"").decode()
    assert text.startswith("\ufeffYour data in Palier") and "Name: Bob Stone" in text
    assert "Time zone: America/New_York" in text and "Ratings (0)" in text
    assert "Alice" not in text and MESSAGE not in text  # his data only
    assert json.loads(data.content or b"{}")["profile"]["display_name"] == "Bob Stone"
