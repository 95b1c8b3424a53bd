"""Reading a référentiel's table from an Excel workbook or a CSV file, as the export's rows.

People keep their référentiels in spreadsheets as often as they export them from an
HR tool: this module turns an ``.xlsx`` (openpyxl, read-only, formulas' cached
values) or a ``.csv`` (the csv module, its delimiter sniffed) into the same
:class:`Row` list the tab-separated export gives, numbered as the spreadsheet numbers
its rows, so the shape readers and the review report stay the same. A spreadsheet
cell holds plain text with line breaks where the export holds HTML: :func:`markup`
gives it the blocks the HTML would (a paragraph per line, a list per run of dashed
lines, a blank line between two lists). A file that cannot be read safely (corrupt, encrypted, too large, empty) is
refused whole, before its rows are read.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.cell.read_only import EmptyCell
from openpyxl.utils.cell import range_boundaries

from referentiels.importers.cells import Row
from referentiels.importers.report import ImportReport, Note, UnreadableSource

# A source export is a few tens of kilobytes; this bounds what is read at all.
MAX_SOURCE_BYTES = 5 * 1024 * 1024
# What a workbook may unpack to (a zip bomb is refused before openpyxl opens it).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 100
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted OOXML file, or an old .xls
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# A cell the export wrote as HTML: its blocks are its tags, not its line breaks.
_HTML = re.compile(r"</?(?:p|li|ul|ol|br|div|b|strong|i|em|span)\b[^>]*>", re.IGNORECASE)
_DASHED = re.compile(r"^\s*[-•·]\s")
_DELIMITERS = (",", ";", "\t")
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_SNIFF_CHARS = 64 * 1024


@dataclass(frozen=True)
class Merge:
    """A merged range of a sheet, 1-based and inclusive, and its reference (``D8:D10``)."""

    ref: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(frozen=True)
class Sheet:
    title: str
    rows: list[Row]
    merges: list[Merge]


def too_large(size: int) -> UnreadableSource | None:
    """The problem a file of ``size`` bytes is, before anything reads it."""
    if size <= MAX_SOURCE_BYTES:
        return None
    return UnreadableSource([Note("problem.too_large", 1, {"max": MAX_SOURCE_BYTES >> 20})])


def looks_like_workbook(data: bytes) -> bool:
    """Whether the bytes are a zip (an .xlsx) or an OLE file (encrypted, or an .xls)."""
    return data.startswith((b"PK\x03\x04", _OLE_MAGIC))


def markup(value: str) -> str:
    """A spreadsheet cell as the export's HTML: kept as is when it already is HTML,
    else a paragraph per line and a list per run of dashed lines, a blank line ending a
    list (the dash kept, as the source wrote it: the readers drop it from list items,
    and a matrix reads its aspects by it)."""
    if "\n" not in value and "\r" not in value and not _DASHED.match(value):
        return value if _HTML.search(value) else html.escape(value, quote=False)
    if _HTML.search(value):
        return value
    out: list[str] = []
    in_list = False
    for line in value.splitlines():
        if not line.strip():  # a blank line ends a list: the next dashed line starts one
            if in_list:
                out.append("</ul>")
            in_list = False
            continue
        dashed = bool(_DASHED.match(line))
        if dashed != in_list:
            out.append("<ul>" if dashed else "</ul>")
            in_list = dashed
        text = html.escape(line.strip(), quote=False)
        out.append(f"<li>{text}</li>" if dashed else f"<p>{text}</p>")
    if in_list:
        out.append("</ul>")
    return "".join(out)


def _row(number: int, values: list[str]) -> Row:
    return Row(number, tuple(markup(value) for value in values))


def _written(cells: tuple[Any, ...], spanned: int) -> list[str]:
    """A workbook row's cells up to the last one the file holds (a value, or a border
    drawn around an empty cell) or a merged range covers, as the export writes a row
    up to its last cell."""
    held = (i + 1 for i, cell in enumerate(cells) if not isinstance(cell, EmptyCell))
    width = max(spanned, *held, 0)
    values = [_text(cell.value) for cell in cells[:width]]
    return values + [""] * (width - len(values))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _problem(key: str, **params: Any) -> UnreadableSource:
    return UnreadableSource([Note(key, 1, params)])


def read_workbook(data: bytes) -> list[Sheet]:
    """Every sheet of a workbook that holds a cell, in order. Refuses a corrupt,
    encrypted, too large or empty workbook with one problem."""
    if (refused := too_large(len(data))) is not None:
        raise refused
    if data.startswith(_OLE_MAGIC):
        encrypted = _ENCRYPTED_STREAM in data
        raise _problem("problem.encrypted_xlsx" if encrypted else "problem.corrupt_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise _problem("problem.corrupt_xlsx") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise _problem("problem.too_large", max=MAX_SOURCE_BYTES >> 20)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises KeyError, ValueError … on a broken file
        raise _problem("problem.corrupt_xlsx") from error
    try:
        sheets = [sheet for ws in book.worksheets if (sheet := _sheet(ws, archive)) is not None]
    finally:
        book.close()
    if not sheets:
        raise _problem("problem.empty_sheet")
    return sheets


def _sheet(ws: Any, archive: zipfile.ZipFile) -> Sheet | None:
    """A worksheet's rows (None when it holds no cell), refused past the bounds."""
    if not hasattr(ws, "iter_rows"):  # a chart sheet
        return None
    rows_bound, columns_bound = ws.max_row or 0, ws.max_column or 0
    if rows_bound > MAX_ROWS or columns_bound > MAX_COLUMNS:
        raise _problem("problem.too_many_cells", rows=MAX_ROWS, columns=MAX_COLUMNS)
    # The size the file states may be too small (some tools write "A1"): read every row
    # it holds instead, each as wide as its own cells, counted against the bounds.
    ws.reset_dimensions()
    rows: list[Row] = []
    try:
        merges = _merges(archive, ws._worksheet_path)
        spans: dict[int, int] = {}  # row → the last column a merged range covers in it
        for merge in merges:
            for number in range(merge.first_row, merge.last_row + 1):
                spans[number] = max(spans.get(number, 0), merge.last_col)
        for number, cells in enumerate(ws.iter_rows(min_row=1), 1):
            if number > MAX_ROWS or len(cells) > MAX_COLUMNS:
                raise _problem("problem.too_many_cells", rows=MAX_ROWS, columns=MAX_COLUMNS)
            rows.append(_row(number, _written(cells, spans.get(number, 0))))
    except UnreadableSource:
        raise
    except Exception as error:  # a sheet's XML openpyxl cannot parse
        raise _problem("problem.corrupt_xlsx") from error
    if all(row.blank for row in rows):
        return None
    return Sheet(ws.title, rows, merges)


def _merges(archive: zipfile.ZipFile, path: str) -> list[Merge]:
    """The merged ranges a sheet's XML lists (openpyxl's read-only mode skips them)."""
    merges: list[Merge] = []
    covered = 0  # rows covered, added up over the ranges: what filling them costs
    with archive.open(path.lstrip("/")) as source:
        for _, element in ElementTree.iterparse(source):
            if element.tag == f"{_MAIN_NS}mergeCell" and (ref := element.get("ref")):
                first_col, first_row, last_col, last_row = range_boundaries(ref)
                covered += last_row - first_row + 1
                if last_row > MAX_ROWS or last_col > MAX_COLUMNS or covered > 10 * MAX_ROWS:
                    raise _problem("problem.too_many_cells", rows=MAX_ROWS, columns=MAX_COLUMNS)
                merges.append(Merge(ref, first_row, first_col, last_row, last_col))
            element.clear()
    return merges


def read_csv(data: bytes, report: ImportReport) -> list[Row]:
    """A CSV's records as rows, numbered as a spreadsheet shows them. UTF-8 with or
    without a byte-order mark; else Windows-1252, as Excel writes a CSV in France,
    said in the report so the accents are checked."""
    if (refused := too_large(len(data))) is not None:
        raise refused
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise _problem("problem.not_utf8") from error
        report.decide("decision.decoded_cp1252", 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[Row] = []
    try:
        for number, values in enumerate(reader, 1):
            if number > MAX_ROWS or len(values) > MAX_COLUMNS:
                raise _problem("problem.too_many_cells", rows=MAX_ROWS, columns=MAX_COLUMNS)
            rows.append(_row(number, values))
    except csv.Error as error:
        raise _problem("problem.corrupt_csv") from error
    if all(row.blank for row in rows):
        raise _problem("problem.empty_sheet")
    return rows


def _delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one found as often on most lines, quoted cells aside
    (a cell's HTML has commas and semicolons of its own, each line has the same
    number of delimiters)."""
    lines = [line for line in _QUOTED.sub('""', text[:_SNIFF_CHARS]).splitlines() if line]

    def steadiness(delimiter: str) -> tuple[int, int]:
        counts = [line.count(delimiter) for line in lines]
        usual = max(set(counts), key=counts.count, default=0)
        return (counts.count(usual) if usual else 0, usual)

    return max(_DELIMITERS, key=steadiness)


def fill_merged(
    rows: list[Row], merges: list[Merge], below: int, report: ImportReport
) -> list[Row]:
    """Rows where each merged range below row ``below`` has its text in every cell:
    a competency row stands for each of its cells (a domain merged down several
    competencies belongs to each, a level cell merged across levels describes each),
    where an export repeats it. Said in the report, once per range."""
    by_number = {row.number: list(row.cells) for row in rows}
    for merge in merges:
        if merge.first_row <= below or merge.first_row not in by_number:
            continue
        top = by_number[merge.first_row]
        value = top[merge.first_col - 1] if merge.first_col - 1 < len(top) else ""
        if not value.strip():
            continue
        for number in range(merge.first_row, merge.last_row + 1):
            cells = by_number.setdefault(number, [])
            cells.extend([""] * (merge.last_col - len(cells)))
            for column in range(merge.first_col - 1, merge.last_col):
                cells[column] = value
        report.decide("decision.merged_filled", merge.first_row, cells=merge.ref)
    return [Row(row.number, tuple(by_number[row.number])) for row in rows]
