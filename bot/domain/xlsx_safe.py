"""Tables as an Excel workbook (``.xlsx``), where what a user typed is never a formula.

What a manager opens from chat is a workbook rather than a CSV: Excel opens it the same
in every region (no separator or encoding to guess), keeps dates as dates and numbers as
numbers, and Teams shows it in Excel from OneDrive. It is written with XlsxWriter, a
kept library, with every option that turns a string into something else off
(``strings_to_formulas``, ``strings_to_numbers``, ``strings_to_urls``): a name such as
``=HYPERLINK(…)`` is stored as a text cell and shown as it was typed, never run — the
workbook's form of :mod:`bot.domain.csv_safe`'s rule, without the quote a CSV needs.

Each sheet: the header in bold, frozen, with filters; columns as wide as their words
(within bounds); dates in the reader's usual form (``dd/mm/yyyy hh:mm`` in French,
ISO in English — Excel shows them in its own region's form anyway once edited).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime

import xlsxwriter

from bot.domain.sheets import Cell, Table

MAX_TEXT = 32_767  # Excel's limit for one cell; longer text is cut there
MAX_WIDTH, MIN_WIDTH = 60, 8  # column widths, in characters
MAX_SHEET_NAME = 31  # Excel's limit
FORBIDDEN_IN_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})
DATE_FORMATS = {"fr": "dd/mm/yyyy hh:mm", "en": "yyyy-mm-dd hh:mm"}
DAY_FORMATS = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}
OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "remove_timezone": True,
}


def sheet_name(name: str) -> str:
    """``name`` as Excel accepts a sheet's name (31 characters, none of ``[]:*?/\\``)."""
    cleaned = name.translate(FORBIDDEN_IN_NAMES).strip().strip("'") or "Palier"
    return cleaned[:MAX_SHEET_NAME]


def workbook(
    sheets: Sequence[tuple[str, Table]], locale: str, created: datetime | None = None
) -> bytes:
    """The ``.xlsx`` bytes of ``sheets`` (name, table), in order, for a reader of ``locale``;
    ``created`` (the export's time, else now) is the workbook's: the same tables at the
    same time give the same bytes, so a file built again is the file offered."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, OPTIONS)
    if created is not None:
        at = created.astimezone(UTC) if created.tzinfo else created.replace(tzinfo=UTC)
        book.set_properties({"created": at})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    language = locale.replace("_", "-").split("-")[0].lower()  # fr-FR → fr
    moment = book.add_format({"num_format": DATE_FORMATS.get(language, DATE_FORMATS["en"])})
    day = book.add_format({"num_format": DAY_FORMATS.get(language, DAY_FORMATS["en"])})
    for name, table in sheets:
        sheet = book.add_worksheet(sheet_name(name))
        widths = [len(word) for word in table.header]
        for column, word in enumerate(table.header):
            sheet.write_string(0, column, word, bold)
        for number, row in enumerate(table.rows, start=1):
            for column, cell in enumerate(row):
                width = _write(sheet, number, column, cell, moment, day)
                widths[column] = max(widths[column], width)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
        sheet.freeze_panes(1, 0)
        if table.header:
            sheet.autofilter(0, 0, max(len(table.rows), 1), len(table.header) - 1)
    book.close()
    return out.getvalue()


def _write(
    sheet: xlsxwriter.worksheet.Worksheet,
    row: int,
    column: int,
    cell: Cell,
    moment: xlsxwriter.format.Format,
    day: xlsxwriter.format.Format,
) -> int:
    """Write one cell by its type; how many characters wide it shows (its longest line)."""
    if cell is None or cell == "":
        return 0
    if isinstance(cell, datetime):
        sheet.write_datetime(row, column, cell.replace(tzinfo=None), moment)
        return 16
    if isinstance(cell, date):
        sheet.write_datetime(row, column, datetime(cell.year, cell.month, cell.day), day)
        return 10
    if isinstance(cell, int | float):
        sheet.write_number(row, column, cell)
        return len(str(cell))
    text = cell[:MAX_TEXT]
    sheet.write_string(row, column, text)  # a string is a string: never a formula
    return max((len(line) for line in text.splitlines()), default=0)
