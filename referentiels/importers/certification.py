"""The certification shape: activités / compétences / évaluation tables (not yet read)."""

from __future__ import annotations

from referentiels.importers.cells import Row
from referentiels.importers.report import ImportReport, Note, UnreadableSource
from referentiels.models import Referentiel


def read_certification(rows: list[Row], referentiel_id: str, report: ImportReport) -> Referentiel:
    raise UnreadableSource([Note("problem.unsupported_shape", 1, {"shape": "certification"})])
