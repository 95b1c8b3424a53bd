"""Turn a référentiel's table export into a validated :class:`Referentiel`.

Companies and schools hold their référentiels as exports (a skills matrix from an
HR tool, the activités / compétences / évaluation tables of a certification). The
import reads one, keeps its text word for word, and says every layout decision it
took so a person can check them: a pure function, no file written and no language
chosen here (the command line does both).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from pydantic import ValidationError

from referentiels.importers.cells import read_rows
from referentiels.importers.certification import read_certification
from referentiels.importers.matrix import read_matrix
from referentiels.importers.report import ImportReport, Note, UnreadableSource
from referentiels.importers.shapes import SHAPES, detect
from referentiels.models import Referentiel

__all__ = [
    "SHAPES",
    "ImportReport",
    "Imported",
    "Note",
    "UnreadableSource",
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
    rows = read_rows(text)
    shape = shape or detect(rows)
    if shape is None:
        raise UnreadableSource([Note("problem.unknown_shape", 1)])
    report = ImportReport(shape=shape)
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
    Palier's DM): the file's name says its format, its bytes are read here. A tab-
    separated export is read as text (UTF-8, with or without a byte-order mark).
    Raises :class:`UnreadableSource` when the bytes cannot be read."""
    del filename  # every format read so far is the tab-separated text export
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableSource([Note("problem.not_utf8", 1)]) from error
    return import_text(text, referentiel_id, shape, title)


def _first(error: ValidationError) -> str:
    first = error.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
