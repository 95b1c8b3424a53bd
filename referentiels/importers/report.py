"""What an import tells the person who reviews it: its layout decisions and its problems.

The importer is pure and speaks no language: a decision or a problem is a catalog key
under ``referentiel_import.`` with its parameters and the source row it concerns, and
the command line words it in the reader's language. A person checks the decisions
against the source before putting the référentiel to use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Note:
    """One decision or problem: the catalog key's last part, its row and its parameters."""

    key: str
    row: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    shape: str = ""
    decisions: list[Note] = field(default_factory=list)
    # (group label, number of competencies) in source order, for the counts per bloc
    counts: list[tuple[str, int]] = field(default_factory=list)

    def decide(self, key: str, row: int, **params: Any) -> None:
        self.decisions.append(Note(key, row, params))


class UnreadableSource(Exception):
    """The file could not be read as a référentiel; nothing is to be written."""

    def __init__(self, problems: list[Note]) -> None:
        super().__init__("; ".join(f"row {p.row}: {p.key}" for p in problems))
        self.problems = problems
