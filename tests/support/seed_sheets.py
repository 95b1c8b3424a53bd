"""The five source exports rewritten as a person keeps them in a spreadsheet, for tests.

Each seed's rows go cell for cell into an Excel workbook (openpyxl) or a CSV (the csv
module), every cell the export wrote kept in its column (an empty one too, as a table
with borders keeps it). Optionally a cell's HTML is replaced by what someone types in
a spreadsheet: a line per paragraph and a dashed line per list item.
"""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook

from referentiels.importers.cells import structure
from tests.support.fidelity import SEEDS, SOURCE_FILES

# Cells whose markup carries meaning beyond blocks: a bold start (where a modality
# begins) and a bloc heading's italic description; these keep their HTML.
_KEEPS_MARKUP = re.compile(r"<(?:b|strong)\b|^\s*(?:<p>)?\s*(?:bloc|activit)", re.IGNORECASE)
# An aspect of a matrix level cell ("- Suivi : …") or its expected result.
_MATRIX_LINE = re.compile(r" (?=- [^:⇒]{1,60}? : )| (?=⇒ Résultats)")


def seed_rows(referentiel_id: str) -> list[list[str]]:
    """The export's rows, its cells as written (a blank line has none)."""
    text = (SEEDS / SOURCE_FILES[referentiel_id]).read_text(encoding="utf-8")
    return [line.split("\t") if line else [] for line in text.splitlines()]


def typed(cell: str) -> str:
    """A cell as typed in a spreadsheet: its paragraphs and list items on lines of their
    own (an item after "- ", a blank line between two lists), no HTML."""
    lines: list[str] = []
    listed = False
    for block in structure(cell):
        if block.items and listed:
            lines.append("")  # two lists one after the other: a blank line between
        lines.extend([f"- {item}" for item in block.items] if block.items else [block.text])
        listed = bool(block.items)
    return "\n".join(lines)


def typed_level(cell: str) -> str:
    """A matrix level cell typed with its heading, each aspect and its expected result
    on a line of their own."""
    return "\n".join(_MATRIX_LINE.sub("\n", line) for line in typed(cell).splitlines())


def _flat_list(cell: str) -> bool:
    """A paragraph the export wrote as a list flattened on one line ("- a - b"): typed
    on lines it becomes a list, which the export's paragraph is not."""
    return any(b.text.startswith("- ") and " - " in b.text for b in structure(cell))


def as_typed(rows: list[list[str]], matrix: bool = False) -> tuple[list[list[str]], int]:
    """The rows with every cell that holds HTML typed instead; how many were. A matrix's
    level cell is typed an aspect a line (its reader joins the lines back)."""
    count = 0
    out: list[list[str]] = []
    for row in rows:
        cells = []
        for cell in row:
            flat = not matrix and _flat_list(cell)
            if "<" in cell and not _KEEPS_MARKUP.search(cell) and not flat:
                cell = typed_level(cell) if matrix else typed(cell)
                count += 1
            cells.append(cell)
        out.append(cells)
    return out, count


def workbook(
    rows: list[list[str]], merges: tuple[str, ...] = (), before: tuple[str, ...] = ()
) -> bytes:
    """An .xlsx whose sheet holds ``rows`` from A1, ``merges`` merged (``"C5:E5"``),
    after sheets named ``before`` holding a note each."""
    book = Workbook()
    first = book.active
    assert first is not None
    sheets = [first, *(book.create_sheet() for _ in before)]
    for sheet, title in zip(sheets, before, strict=False):
        sheet.title = title
        sheet["A1"] = "Notes de la direction commerciale"
    sheet = sheets[-1]
    sheet.title = "Référentiel"
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row, 1):
            sheet.cell(number, column, value)
    for ref in merges:
        sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(
    rows: list[list[str]], delimiter: str, bom: bool = True, encoding: str = "utf-8"
) -> bytes:
    """A CSV as a spreadsheet saves it (CRLF, quoted where needed)."""
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + out.getvalue().encode(encoding)
