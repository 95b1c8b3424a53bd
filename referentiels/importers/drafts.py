"""What the certification reader holds while it reads a table, before validation.

The rows of an export are read one by one and what they say is attached to the
bloc, activity, competency or criterion being read; the pydantic models are frozen,
so the reader fills these drafts and builds the models once the table is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from referentiels.importers.cells import Block
from referentiels.importers.report import ImportReport


@dataclass
class DraftCriterion:
    text: str
    code: str | None = None
    items: list[str] = field(default_factory=list)


@dataclass
class DraftCompetency:
    code: str | None  # the source's (C1.1), or None where it numbers none
    title: str
    row: int
    id: str = ""  # Palier's: the code, else "a2.c3" (third of activity 2)
    criteria: list[DraftCriterion] = field(default_factory=list)
    knowledge: list[str] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)  # the modalities read beside it (cell mode)

    def __post_init__(self) -> None:
        self.id = self.id or self.code or ""


@dataclass
class DraftActivity:
    code: str
    title: str
    activities: list[Block] = field(default_factory=list)  # what the source lists under it
    competencies: list[DraftCompetency] = field(default_factory=list)


@dataclass
class DraftBloc:
    code: str
    title: str
    kind: str = "bloc"
    description: str = ""
    activities: list[DraftActivity] = field(default_factory=list)
    modalities: list[Block] = field(default_factory=list)


@dataclass
class ReadState:
    report: ImportReport
    blocs: list[DraftBloc] = field(default_factory=list)
    competency: DraftCompetency | None = None
    by_code: dict[str, DraftCompetency] = field(default_factory=dict)
    validation: list[str] | None = None  # once "Conditions de validation" is read
    named: DraftCompetency | None = None  # the one a "Pour C4 :" names, until the next row's
    loose: DraftCompetency | None = None  # after a bare "Pour C4 :": items are criteria
    criterion: DraftCriterion | None = None  # the last one read, for a list that continues
    # Exports that start each modality in its own cell, in bold: the modalities read,
    # and those of the last modality cell (a merged cell covers the rows below it).
    runs: list[list[Block]] | None = None
    per_row: bool = False  # each modality cell assesses the competencies of its row
    current_runs: list[int] = field(default_factory=list)
