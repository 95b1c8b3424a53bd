"""Exports and personal data through the emulator: files to the asker's DM only, erasure.

The export is an Excel workbook in the asker's words (Chloé: French, Kolkata; Bob:
English, New York); one's own data is a summary to read and the JSON, in one message,
named in the person's language."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from emulators.slack.server import UploadedFile
from storage.models import Erasure, Person, Rating
from tests.slack.conftest import ALICE, BOB, CHLOE, World
from tests.spreadsheets import export_records, xlsx_rows

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _check_in(world: World, user: str) -> None:
    prompt = world.driver.latest_dm(user)
    assert prompt is not None
    world.driver.click(user, prompt, action_id="checkin_start")
    modal = world.emulator.wait_for(lambda: world.driver.modal(user))
    levels = {b["block_id"]: 0 for b in modal.blocks if b.get("block_id", "").startswith("level:")}
    first = {
        k: next(iter(b["element"]["options"]))["value"]
        for k in levels
        for b in modal.blocks
        if b.get("block_id") == k
    }
    assert world.driver.submit_view(user, modal, first).outcome == "close"
    world.emulator.wait_for(lambda: len(world.dms(user)) >= 2 or None)


def _team(world: World) -> None:
    """Chloé manages Alice; Bob is on his own; all three have checked in once."""
    for user in (ALICE, BOB, CHLOE):
        world.enrol(user)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[CHLOE].id
    world.at(THURSDAY_1600_PARIS + timedelta(hours=6))
    world.tick()
    for user in (ALICE, BOB, CHLOE):
        _check_in(world, user)


def _ephemeral(world: World, user: str, seen: int) -> str:
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    return found[-1].text or ""


def _ratings(world: World, user: str) -> int:
    with world.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Rating)
                .join(Person, Person.id == Rating.person_id)
                .where(Person.platform_user_id == user)
            )
            or 0
        )


def _workbook(file: UploadedFile, locale: str, zone: str) -> list[dict[str, object]]:
    assert file.name.endswith(".xlsx")
    return export_records(xlsx_rows(file.content), locale, zone)


def test_privacy_export_sends_my_data_and_only_mine_to_my_dm(world: World) -> None:
    _team(world)
    world.driver.slash_command(ALICE, "/palier", "privacy export")
    assert "message privé" in _ephemeral(world, ALICE, 0)
    summary, file = world.emulator.wait_for(lambda: world.emulator.files or None)
    assert summary.channels == file.channels == [world.emulator.dm_channel_id(ALICE)]
    assert (summary.name, file.name) == (
        "palier-mes-donnees-2026-11-26.txt",
        "palier-mes-donnees-2026-11-26.json",
    )
    [message] = [m for m in world.dms(ALICE) if m.files]  # both in one message
    assert [f["name"] for f in message.files or []] == [summary.name, file.name]
    assert (message.text or "").startswith("Voici tout ce que Palier garde à votre sujet")
    text = (summary.content or b"").decode()
    assert text.startswith("\ufeffVos données dans Palier") and "Évaluations (5)" in text
    assert "Alice Martin" in text and "Bob" not in text
    data = json.loads(file.content or b"{}")
    assert data["profile"]["display_name"] == "Alice Martin"
    assert len(data["ratings"]) == 5 and all(r["rater"] == "self" for r in data["ratings"])
    assert "Bob" not in (file.content or b"").decode() and "Chlo" not in data["profile"]["email"]


def test_privacy_delete_asks_then_erases_and_leaves_a_record_without_content(world: World) -> None:
    _team(world)
    world.driver.slash_command(ALICE, "/palier", "privacy delete")
    question = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(ALICE) or None)[-1]
    assert _ratings(world, ALICE) == 5  # nothing erased before the confirmation
    world.driver.click(ALICE, question, text="Tout effacer")
    world.emulator.wait_for(lambda: _ratings(world, ALICE) == 0 or None)
    assert _ratings(world, BOB) == 5 and _ratings(world, CHLOE) == 5
    with world.session() as session:
        erasure = session.scalars(select(Erasure)).one()
        alice = session.scalars(select(Person).where(Person.platform_user_id == ALICE)).one()
    assert erasure.requested_by == "self" and erasure.counts["ratings"] == 5
    assert "Alice" not in json.dumps(erasure.counts)
    assert alice.display_name is None and alice.email is None and not alice.active
    world.at(THURSDAY_1600_PARIS.replace(day=3, month=12))
    world.tick()
    assert all("semaine 49" not in (m.text or "") for m in world.dms(ALICE))


def test_team_export_follows_the_reporting_line(world: World) -> None:
    _team(world)
    world.driver.slash_command(BOB, "/palier", "export")  # no reports: refused
    assert "réservé aux managers" in _ephemeral(world, BOB, 0) or "for managers" in _ephemeral(
        world, BOB, 0
    )
    assert world.emulator.files == []
    world.driver.slash_command(CHLOE, "/palier", "export")
    [file] = world.emulator.wait_for(lambda: world.emulator.files or None)
    assert file.channels == [world.emulator.dm_channel_id(CHLOE)]
    # Dated in Chloé's zone: 21:00 UTC is already the 27th in Kolkata.
    assert file.name == "palier-export-2026-11-27.xlsx" and file.title == "Export Palier"
    rows = _workbook(file, "fr", "Asia/Kolkata")
    assert {row["person"] for row in rows} == {"Alice Martin", "Chloé Rao"}
    assert len(rows) == 10 and {row["rater"] for row in rows} == {"la personne elle-même"}
    assert {row["competency"] for row in rows} >= {"Prospection", "Closing"}
    # A workspace admin exports everyone, in his words.
    world.emulator.update_user(BOB, is_admin=True)
    assert world.driver.user_change(BOB).ok  # as Slack tells the app (the refusal was kept)
    world.driver.slash_command(BOB, "/palier", "export")
    files = world.emulator.wait_for(lambda: (f := world.emulator.files) and len(f) == 2 and f)
    assert files[-1].title == "Palier export"
    rows = _workbook(files[-1], "en", "America/New_York")
    assert {row["person"] for row in rows} == {"Alice Martin", "Bob Stone", "Chloé Rao"}
    assert {row["kind"] for row in rows} == {"Rating"}


def test_an_admin_palier_does_not_follow_exports_the_workspace(world: World) -> None:
    """Being an admin comes from Slack, not from enrolment: Bob, whom Palier does not
    follow, exports the workspace once Slack says he is an admin, and not before."""
    for user in (ALICE, CHLOE):
        world.enrol(user)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[CHLOE].id
    world.at(THURSDAY_1600_PARIS + timedelta(hours=6))
    world.tick()
    for user in (ALICE, CHLOE):
        _check_in(world, user)
    with world.session() as session:
        assert session.scalar(select(Person).where(Person.platform_user_id == BOB)) is None

    world.driver.slash_command(BOB, "/palier", "export")  # not an admin, not enrolled
    assert "for managers" in _ephemeral(world, BOB, 0)
    assert world.emulator.files == []

    world.emulator.update_user(BOB, is_admin=True)
    assert world.driver.user_change(BOB).ok  # as Slack tells the app (the refusal was kept)
    world.driver.slash_command(BOB, "/palier", "export")
    [file] = world.emulator.wait_for(lambda: world.emulator.files or None)
    assert file.channels == [world.emulator.dm_channel_id(BOB)]
    rows = _workbook(file, "en", "America/New_York")
    assert {row["person"] for row in rows} == {"Alice Martin", "Chloé Rao"}
    assert len(rows) == 10
    assert _ephemeral(world, BOB, 1) == "It is in your private conversation with Palier."
    with world.session() as session:  # exporting enrolled nobody
        assert session.scalar(select(Person).where(Person.platform_user_id == BOB)) is None
