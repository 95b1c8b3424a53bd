"""A référentiel kept in an Excel workbook or a CSV imports as its tab-separated export does.

Each of the five source exports is rewritten in the test as a workbook and as CSVs
(its cells in their columns, some typed as lines instead of HTML lists, some merged);
the référentiel imported from each must equal the one imported from the export, word
for word and in the same structure, and the review report must name the same rows.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from referentiels.importers import (
    MAX_SOURCE_BYTES,
    Imported,
    UnreadableSource,
    clash,
    import_file,
    import_text,
)
from referentiels.importers.cells import paragraphs, structure
from referentiels.importers.sheets import markup
from referentiels.loader import ReferentielCatalog
from tests.support.fidelity import SEEDS, SOURCE_FILES
from tests.support.seed_sheets import as_typed, csv_file, seed_rows, workbook

# Merged ranges as the exports' tables have them: the matrix's name over the level
# columns and its first level description over three columns (why the export shifts
# it); the certifications' modality and criteria cells over the competencies they
# cover (the rows below them are empty in the export).
MERGES = {
    "account-executive": ("D3:G3", "C5:E5"),
    "business-developer": ("C21:C23", "D21:D23"),
    "manager-equipe-vendeurs-b2b": ("C11:C12",),
    "manager-grands-comptes": (),
    "responsable-developpement-commercial": (),
}


def from_export(referentiel_id: str) -> Imported:
    text = (SEEDS / SOURCE_FILES[referentiel_id]).read_text(encoding="utf-8")
    return import_text(text, referentiel_id)


def same(ours: Imported, export: Imported) -> None:
    assert ours.referentiel == export.referentiel
    assert ours.report.shape == export.report.shape
    assert [(n.key, n.row, n.params) for n in ours.report.decisions] == [
        (n.key, n.row, n.params) for n in export.report.decisions
    ]
    assert ours.report.counts == export.report.counts


@pytest.mark.parametrize("referentiel_id", sorted(SOURCE_FILES))
def test_a_workbook_of_the_export_imports_the_same_referentiel(referentiel_id: str) -> None:
    rows, typed = as_typed(seed_rows(referentiel_id), referentiel_id == "account-executive")
    assert typed >= 5  # cells with line breaks where the export has HTML
    data = workbook(rows, MERGES[referentiel_id])
    same(import_file(data, "Référentiel.XLSX", referentiel_id), from_export(referentiel_id))


@pytest.mark.parametrize("referentiel_id", sorted(SOURCE_FILES))
@pytest.mark.parametrize(("delimiter", "bom"), [(";", True), (",", False), ("\t", True)])
def test_a_csv_of_the_export_imports_the_same_referentiel(
    referentiel_id: str, delimiter: str, bom: bool
) -> None:
    rows, _ = as_typed(seed_rows(referentiel_id), referentiel_id == "account-executive")
    data = csv_file(rows, delimiter, bom)
    assert data.startswith(b"\xef\xbb\xbf") == bom
    same(import_file(data, "matrice.csv", referentiel_id), from_export(referentiel_id))


def test_a_workbook_under_a_text_name_is_read_as_a_workbook() -> None:
    rid = "manager-grands-comptes"
    data = workbook(seed_rows(rid))
    same(import_file(data, "export.txt", rid), from_export(rid))


def test_a_workbook_stating_too_small_a_size_is_read_whole() -> None:
    # Some tools write <dimension ref="A1"/> whatever the sheet holds.
    rid = "account-executive"
    source = zipfile.ZipFile(io.BytesIO(workbook(seed_rows(rid))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(
                    rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1"/>', content
                )
                assert count == 1
            target.writestr(item, content)
    same(import_file(out.getvalue(), "ae.xlsx", rid), from_export(rid))


def test_a_csv_excel_saved_in_windows_1252_is_read_and_the_report_says_so() -> None:
    rid = "manager-equipe-vendeurs-b2b"
    data = csv_file(seed_rows(rid), ";", bom=False, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    imported = import_file(data, "cqp.csv", rid)
    export = from_export(rid)
    assert imported.referentiel == export.referentiel
    assert imported.report.decisions[0].key == "decision.decoded_cp1252"
    assert imported.report.decisions[1:] == export.report.decisions


def test_bytes_no_encoding_reads_are_the_clear_not_utf8_problem() -> None:
    with pytest.raises(UnreadableSource) as raised:
        import_file("Compétence;x\n".encode() + b"\x81\x8d\n", "x.csv", "x")
    assert [(p.key, p.row) for p in raised.value.problems] == [("problem.not_utf8", 1)]


def test_the_sheet_that_looks_like_a_referentiel_is_read_and_named_in_the_report() -> None:
    rid = "business-developer"
    data = workbook(seed_rows(rid), before=("Notes",))
    imported = import_file(data, "bd.xlsx", rid)
    assert imported.referentiel == from_export(rid).referentiel
    first = imported.report.decisions[0]
    assert (first.key, first.params) == (
        "decision.sheet_chosen",
        {"sheet": "Référentiel", "first": "Notes"},
    )


def test_a_domain_merged_down_its_competencies_is_given_to_each() -> None:
    # The matrix's domain column (A) merged over Prospection, Qualification and
    # Justification: the export would write the domain beside each competency.
    rows = seed_rows("account-executive")
    with_domain = [list(row) for row in rows]
    for number in (7, 8, 9):
        with_domain[number - 1][0] = "Vente"
    expected = import_text("\n".join("\t".join(r) for r in with_domain), "ae")
    rows[6][0] = "Vente"
    imported = import_file(workbook(rows, ("A7:A9",)), "ae.xlsx", "ae")
    assert imported.referentiel == expected.referentiel
    domain = imported.referentiel.groups[0]
    assert (domain.title, [c.id for c in domain.competencies]) == (
        "Vente",
        ["prospection", "qualification", "justification"],
    )
    first, *rest = imported.report.decisions
    assert (first.key, first.row, first.params) == ("decision.merged_filled", 7, {"cells": "A7:A9"})
    assert rest == expected.report.decisions


def test_typed_lines_give_the_blocks_the_html_gives() -> None:
    html = "<p>Connaissances associées :</p><ul><li>Vente</li><li>R&amp;D</li></ul><p>Fin</p>"
    typed = "Connaissances associées :\n- Vente\n• R&D\n\nFin"
    assert structure(markup(typed)) == structure(html)
    assert paragraphs(markup("Niveau 1\n- Suivi : fait\n⇒ Résultats attendus : 15%")) == [
        "Niveau 1",
        "- Suivi : fait",
        "⇒ Résultats attendus : 15%",
    ]
    assert markup("a < b") == "a &lt; b" and markup(html) == html


@pytest.mark.parametrize(
    ("data", "filename", "key"),
    [
        (b"PK\x03\x04 not really a zip", "x.xlsx", "problem.corrupt_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x.xlsx", "problem.corrupt_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.XLS", "problem.corrupt_xlsx"),
        (b"", "x.csv", "problem.empty_sheet"),
        (b"\xef\xbb\xbf;;\r\n;;\r\n", "x.csv", "problem.empty_sheet"),
        (b"x" * (MAX_SOURCE_BYTES + 1), "x.tsv", "problem.too_large"),
        (b'a;"' + b"x" * 200_000, "x.csv", "problem.corrupt_csv"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_problem(data: bytes, filename: str, key: str) -> None:
    with pytest.raises(UnreadableSource) as raised:
        import_file(data, filename, "x")
    assert [(p.key, p.row) for p in raised.value.problems] == [(key, 1)]


def test_the_clash_check_knows_the_built_in_ids() -> None:
    known = ReferentielCatalog.load().ids()
    assert clash("account-executive", known) and clash("manager-grands-comptes", iter(known))
    assert not clash("account-executive-fr", known) and not clash("x", [])
