"""Reading back the files Palier writes for Excel, as Excel would: a CSV with its BOM and
its region's separator, a workbook with openpyxl."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from bot.domain.csv_safe import BOM
from bot.i18n import Translator


def csv_rows(content: str | bytes | None, separator: str | None = None) -> list[list[str]]:
    """The rows of a CSV Palier wrote; ``separator`` guessed from its header unless given."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content or ""
    text = text.removeprefix(BOM)
    if separator is None:
        first = text.split("\r\n", 1)[0]
        separator = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


def xlsx_rows(content: str | bytes | None) -> list[list[Any]]:
    """The first sheet's rows, each cell's value as openpyxl reads it (None when empty)."""
    assert isinstance(content, bytes) and content.startswith(b"PK"), "not an .xlsx"
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def xlsx_cells(content: bytes) -> list[Any]:
    """Every cell of every sheet, as openpyxl loads it (value, data_type …)."""
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def export_records(rows: list[list[Any]], locale: str, zone: str) -> list[dict[str, Any]]:
    """An export's rows keyed by column id (``person``, ``kind`` …): its header must be the
    catalog's of ``locale``, its times in ``zone``."""
    from bot.domain.exports import COLUMNS, header

    t = Translator("fr" if locale == "fr" else "en")
    assert tuple(rows[0]) == header(t, zone), rows[0]
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
