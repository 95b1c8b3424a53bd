"""Which shape an export has: a skills matrix, or a certification's tables.

A matrix names its levels ("Niveaux de la matrice"); a certification référentiel
has the activities / compétences / évaluation headings and competency codes. The
person importing can force the shape when a file says too little to tell.
"""

from __future__ import annotations

import re

from referentiels.importers.cells import Row, cell_text
from referentiels.importers.matrix import looks_like_matrix

SHAPES = ("matrix", "certification")
_CERTIFICATION_HINTS = re.compile(
    r"r[ée]f[ée]rentiel d.(?:activit|comp[ée]tence|[ée]valuation)|crit[èe]res? d.[ée]valuation"
    r"|\bC\d+(?:\.\d+)*\b",
    re.IGNORECASE,
)


def detect(rows: list[Row]) -> str | None:
    """``matrix``, ``certification``, or None when the file looks like neither."""
    if looks_like_matrix(rows):
        return "matrix"
    if any(_CERTIFICATION_HINTS.search(cell_text(cell)) for row in rows for cell in row.cells):
        return "certification"
    return None
