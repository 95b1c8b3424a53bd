"""Turn a référentiel's table export into a validated :class:`Referentiel`.

Companies and schools hold their référentiels as exports (a skills matrix from an
HR tool, the activités / compétences / évaluation tables of a certification). The
import reads one, keeps its text word for word, and says every layout decision it
took so a person can check them: a pure function, no file written and no language
chosen here (the command line does both).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

import yaml
from pydantic import ValidationError

from referentiels.importers.cells import Row, read_rows
from referentiels.importers.certification import read_certification
from referentiels.importers.matrix import header_row, read_matrix
from referentiels.importers.report import ImportReport, Note, UnreadableSource
from referentiels.importers.shapes import SHAPES, detect
from referentiels.importers.sheets import (
    MAX_SOURCE_BYTES,
    Sheet,
    fill_merged,
    looks_like_workbook,
    read_csv,
    read_workbook,
    too_large,
)
from referentiels.models import Referentiel

# The endings of the file names read as a workbook (an old .xls gets the clear problem
# of a workbook to save again as .xlsx), and as a CSV; any other is the text export.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
CSV_SUFFIXES = (".csv",)
# What an upload or a help text can announce as accepted.
FORMATS = (".xlsx", ".csv", ".tsv", ".txt")

__all__ = [
    "FORMATS",
    "MAX_SOURCE_BYTES",
    "SHAPES",
    "ImportReport",
    "Imported",
    "Note",
    "UnreadableSource",
    "clash",
    "import_file",
    "import_text",
]


@dataclass(frozen=True)
class Imported:
    referentiel: Referentiel
    report: ImportReport

    def to_yaml(self) -> str:
        """The référentiel as a data file the loader reads, pointing editors at the schema."""
        document = self.referentiel.model_dump(mode="json", exclude_defaults=True)
        # The id, kind and language always written, even where they are the defaults.
        head = {key: getattr(self.referentiel, key) for key in ("id", "title", "kind", "language")}
        document = {**head, **document}
        body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100_000)
        return "# yaml-language-server: $schema=referentiel.schema.json\n" + body


def import_text(
    text: str, referentiel_id: str, shape: str | None = None, title: str | None = None
) -> Imported:
    """The référentiel an export holds, with its review report.

    ``title`` is the name Palier lists it under; by default the source's own (a
    matrix names itself) or the id. Raises :class:`UnreadableSource` with one problem
    per row it could not read."""
    return import_rows(read_rows(text), referentiel_id, shape, title)


def import_rows(
    rows: list[Row],
    referentiel_id: str,
    shape: str | None = None,
    title: str | None = None,
    report: ImportReport | None = None,
) -> Imported:
    """The référentiel in rows read from any format; ``report`` may already hold what
    reading the file decided (an encoding, merged cells filled)."""
    shape = shape or detect(rows)
    if shape is None:
        raise UnreadableSource([Note("problem.unknown_shape", 1)])
    report = report or ImportReport()
    report.shape = shape
    try:
        if shape == "matrix":
            referentiel = read_matrix(rows, referentiel_id, report)
        else:
            referentiel = read_certification(rows, referentiel_id, report)
    except ValidationError as error:
        raise UnreadableSource([Note("problem.invalid", 1, {"problem": _first(error)})]) from error
    if title and title.strip():
        referentiel = referentiel.model_copy(update={"title": title.strip()})
    return Imported(referentiel, report)


def import_file(
    data: bytes,
    filename: str,
    referentiel_id: str,
    shape: str | None = None,
    title: str | None = None,
) -> Imported:
    """The référentiel a received file holds, whatever its format.

    The one entry point for every way a file arrives (the command line, an upload to
    Palier's DM): the file's name says its format (its ending, whatever its case), its
    bytes are read here. ``.xlsx``: an Excel workbook, its first sheet that looks like
    a référentiel (else its first sheet); a workbook under another name is read as one
    too (no text export starts as a zip or an OLE file does). ``.csv``: comma, semicolon or tab separated,
    UTF-8 or Excel's Windows-1252. Anything else: the tab-separated export, UTF-8 with
    or without a byte-order mark. A file past :data:`MAX_SOURCE_BYTES` is not read.
    Raises :class:`UnreadableSource` when the bytes cannot be read."""
    if (refused := too_large(len(data))) is not None:
        raise refused
    suffix = PurePath(filename).suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or looks_like_workbook(data):
        return _import_workbook(read_workbook(data), referentiel_id, shape, title)
    if suffix in CSV_SUFFIXES:
        report = ImportReport()
        rows = read_csv(data, report)
        return import_rows(rows, referentiel_id, shape, title, report)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableSource([Note("problem.not_utf8", 1)]) from error
    return import_text(text, referentiel_id, shape, title)


def _import_workbook(
    sheets: list[Sheet], referentiel_id: str, shape: str | None, title: str | None
) -> Imported:
    """The first sheet whose rows look like a référentiel (of ``shape`` when given),
    else the first sheet, with its merged cells filled where the shape reads them."""
    report = ImportReport()
    sheet = next((s for s in sheets if detect(s.rows) in ((shape,) if shape else SHAPES)), None)
    if sheet is None:
        sheet = sheets[0]
    elif sheet is not sheets[0]:
        report.decide("decision.sheet_chosen", 1, sheet=sheet.title, first=sheets[0].title)
    rows = sheet.rows
    if (shape or detect(rows)) == "matrix" and (header := header_row(rows)) is not None:
        rows = fill_merged(rows, sheet.merges, header, report)
    return import_rows(rows, referentiel_id, shape, title, report)


def clash(referentiel_id: str, known_ids: Iterable[str]) -> bool:
    """Whether ``referentiel_id`` is already the id of a référentiel Palier knows.

    ``known_ids`` are those of the référentiels Palier would load beside the new one:
    the built-in ones and the operator's (``ReferentielCatalog.ids()``, less the file
    an import replaces). The catalog refuses to start with one id twice, so an import
    (the command line, an upload) refuses such an id before writing anything."""
    return referentiel_id in set(known_ids)


def _first(error: ValidationError) -> str:
    first = error.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
