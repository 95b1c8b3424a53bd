"""A table to hand to a spreadsheet, before it is written as CSV or as a workbook.

A file people open in Excel is a table: a header in the reader's language, then rows of
cells that keep their type — text stays text, a count a number, a date a date — until
the writer that knows the format decides how each is spelt (:mod:`bot.domain.csv_safe`
for CSV, :mod:`bot.domain.xlsx_safe` for ``.xlsx``). Columns also have stable ids, so
that code and tests name a column without depending on its words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

Cell = str | int | float | datetime | date | None


@dataclass(frozen=True)
class Table:
    """``columns``: stable ids; ``header``: the same columns worded for the reader."""

    columns: tuple[str, ...]
    header: tuple[str, ...]
    rows: Sequence[Sequence[Cell]] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if len(self.columns) != len(self.header):
            raise ValueError("a table needs one header per column")

    def records(self) -> list[dict[str, Cell]]:
        """Each row keyed by column id."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]
