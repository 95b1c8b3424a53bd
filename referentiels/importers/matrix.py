"""The skills-matrix shape: competencies in rows, one cell per level of the scale.

An HR tool's export names the matrix, lists its levels and describes each, then has
one row per competency (optional domain, name, "shared with other matrices") with a
cell per level: a heading ("Niveau 1"), aspects "- Name : text ⇒ outcome" and the
cell's "⇒ Résultats attendus : …". The level columns are found by the header that
names each level, not by position, because the export merges cells above them.
"""

from __future__ import annotations

import re

from referentiels.importers.cells import Row, cell_text, paragraphs
from referentiels.importers.ids import slug, unique
from referentiels.importers.report import ImportReport, Note, UnreadableSource
from referentiels.models import (
    Aspect,
    Competency,
    Group,
    Level,
    LevelDescriptor,
    Referentiel,
    Scale,
)

TITLE_LABEL = "nom de la matrice"
LEVELS_LABEL = "niveaux de la matrice"
DESCRIPTIONS_LABEL = "description des niveaux"
HEADER_LABEL = "nom de la compétence"
EXPECTED = re.compile(r"^R[ée]sultats? attendus?\s*:\s*", re.IGNORECASE)
HEADING = re.compile(r"^(?:Niveau|Level)\s+\S+$", re.IGNORECASE)
# An aspect starts with '- ' (the first one sometimes without) and a short name then ' : '.
ASPECT_START = re.compile(r"\s-\s+(?=[^:⇒]{1,60}?\s:\s)")
NAMED = re.compile(r"^-?\s*([^:⇒]{1,60}?)\s:\s(.+)$", re.DOTALL)
# In a list the export flattened into one line: a capital after a lower-case letter.
UNMARKED_ITEM = re.compile(r"(?<=[a-zà-ÿ]) (?=[A-ZÀ-Ý])")


def looks_like_matrix(rows: list[Row]) -> bool:
    return any(_label_index(row, LEVELS_LABEL) is not None for row in rows)


def header_row(rows: list[Row]) -> int | None:
    """The number of the row naming the competency column, below which each row is one
    competency."""
    return next((r.number for r in rows if _label_index(r, HEADER_LABEL) is not None), None)


def _label_index(row: Row, label: str) -> int | None:
    for index, cell in enumerate(row.cells):
        if cell_text(cell).lower().startswith(label):
            return index
    return None


def _after(row: Row, index: int) -> list[tuple[int, str]]:
    return [(i, cell_text(c)) for i, c in enumerate(row.cells) if i > index and cell_text(c)]


def read_matrix(rows: list[Row], referentiel_id: str, report: ImportReport) -> Referentiel:
    problems: list[Note] = []
    title, levels, header = None, None, None
    for row in rows:
        if title is None and (i := _label_index(row, TITLE_LABEL)) is not None:
            title = next((text for _, text in _after(row, i)), None)
        elif levels is None and (i := _label_index(row, LEVELS_LABEL)) is not None:
            levels = (row, _after(row, i))
        elif header is None and (i := _label_index(row, HEADER_LABEL)) is not None:
            header = (row, i)
    if levels is None or len(levels[1]) < 2:
        raise UnreadableSource([Note("problem.no_levels", levels[0].number if levels else 1)])
    if header is None:
        raise UnreadableSource([Note("problem.no_header", levels[0].number)])
    scale = _scale(rows, levels[1], report)
    columns = _level_columns(header[0], scale, problems)
    competencies, domains = _competencies(rows, header, scale, columns, report, problems)
    if problems:
        raise UnreadableSource(problems)
    if not competencies and not domains:
        raise UnreadableSource([Note("problem.no_competencies", header[0].number)])
    report.counts = [(g.title, len(g.competencies)) for g in domains]
    if competencies:
        report.counts.insert(0, ("", len(competencies)))
    return Referentiel(
        id=referentiel_id,
        title=title or referentiel_id,
        kind="matrix",
        scale=scale,
        groups=domains,
        competencies=competencies,
    )


def _scale(rows: list[Row], labels: list[tuple[int, str]], report: ImportReport) -> Scale:
    descriptions: list[tuple[int, str]] = []
    for row in rows:
        if (i := _label_index(row, DESCRIPTIONS_LABEL)) is not None:
            descriptions = _after(row, i)
            if [c for c, _ in descriptions] != [c for c, _ in labels]:
                report.decide("decision.descriptions_in_order", row.number, count=len(labels))
            break
    taken: set[str] = set()
    levels = [
        Level(
            id=unique(slug(label), taken),
            label=label,
            description=descriptions[n][1] if n < len(descriptions) else None,
        )
        for n, (_, label) in enumerate(labels)
    ]
    return Scale(origin="referentiel", levels=levels)


def _level_columns(header: Row, scale: Scale, problems: list[Note]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for level in scale.levels:
        pattern = re.compile(rf"\b{re.escape(level.label)}\b", re.IGNORECASE)
        found = [i for i, cell in enumerate(header.cells) if pattern.search(cell_text(cell))]
        if len(found) != 1:
            problems.append(Note("problem.level_column", header.number, {"level": level.label}))
        else:
            columns[level.id] = found[0]
    return columns


def _competencies(
    rows: list[Row],
    header: tuple[Row, int],
    scale: Scale,
    columns: dict[str, int],
    report: ImportReport,
    problems: list[Note],
) -> tuple[list[Competency], list[Group]]:
    header_row, name_col = header
    loose: list[Competency] = []
    domains: dict[str, list[Competency]] = {}
    taken: set[str] = set()
    for row in rows:
        if row.number <= header_row.number or row.blank or row.page_break:
            continue
        name = cell_text(row.cell(name_col))
        if not name:
            report.decide("decision.unplaced", row.number)
            continue
        cells: dict[str, LevelDescriptor] = {}
        for level in scale.levels:
            descriptor = _descriptor(row, columns.get(level.id), level, report)
            if descriptor is None:
                problems.append(Note("problem.empty_level", row.number, {"level": level.label}))
            else:
                cells[level.id] = descriptor
        shared = cell_text(row.cell(name_col + 1)).lower()
        competency = Competency(
            id=unique(slug(name), taken),
            title=name,
            shared={"oui": True, "yes": True, "non": False, "no": False}.get(shared),
            levels=cells,
        )
        domain = cell_text(row.cell(name_col - 1)) if name_col > 0 else ""
        (domains.setdefault(domain, []) if domain else loose).append(competency)
    groups = [Group(kind="domain", title=t, competencies=c) for t, c in domains.items()]
    return loose, groups


def _descriptor(
    row: Row, column: int | None, level: Level, report: ImportReport
) -> LevelDescriptor | None:
    if column is None:
        return None
    blocks = paragraphs(row.cell(column))
    heading = blocks.pop(0) if blocks and HEADING.match(blocks[0]) else None
    body = " ".join(blocks)
    if not body:
        return None
    aspects, expected = _aspects(body)
    if not any(aspect.name for aspect in aspects) and len(aspects) > 1:
        report.decide(
            "decision.split_at_capitals", row.number, count=len(aspects), level=level.label
        )
    return LevelDescriptor(heading=heading, aspects=aspects, expected_result=expected)


def _aspects(body: str) -> tuple[list[Aspect], str | None]:
    chunks = [c.strip() for c in ASPECT_START.split(f" {body}") if c.strip()]
    expected = None
    aspects = []
    named = all(NAMED.match(chunk) for chunk in chunks)
    if not named and len(chunks) == 1:
        chunks = UNMARKED_ITEM.split(chunks[0].lstrip("- "))
    for chunk in chunks:
        match = NAMED.match(chunk) if named else None
        name, text = (match.group(1).strip(), match.group(2)) if match else (None, chunk)
        parts = [part.strip() for part in text.split("⇒")]
        outcome = None
        for part in parts[1:]:
            if EXPECTED.match(part):
                expected = EXPECTED.sub("", part)
            else:
                outcome = part if outcome is None else f"{outcome} ⇒ {part}"
        aspects.append(Aspect(name=name, text=parts[0], outcome=outcome))
    return aspects, expected
