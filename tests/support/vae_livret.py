"""A candidate's material on a certification référentiel, and the livret's files read back.

Shared by the VAE livret's tests (flow, command line, Slack): one self-rating confirmed
by the manager with its evidence on C1 (not tied to a criterion), one piece of evidence
logged on its own and tied to C2's criterion, one self-rating of C3 awaiting review and
no evidence for it — so C1 and C2 are covered and C3's criterion is a gap.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

from docx import Document
from pypdf import PdfReader
from sqlalchemy.orm import Session

from storage.models import Evidence, Person, Rater, Rating, Submission, SubmissionKind

REFERENTIEL = "manager-grands-comptes"
BLOC_1 = "Bloc 1 — Définir une stratégie de développement avec les clients grands comptes"
C1 = (
    "C1 Evaluer les résultats d'un client, d'un concurrent ou d'un marché , en mettant en "
    "place un système de veille marketing et organisationnelle interne et externe et une "
    "procédure d'analyse des données afin d'évaluer leur potentiel."
)
MODALITY_C1 = (
    "Le candidat doit analyser une entreprise et son secteur, mener un diagnostic stratégique "
    "complet et analyser les options stratégiques les plus pertinentes."
)
C3_CRITERION = "La stratégie de développement contient :"
C1_CRITERION = "Le diagnostic stratégique contient :"
RENAULT = "Diagnostic du compte Renault présenté au comité"
AIRBUS = "Revue de compte Airbus avec l'acheteur"
LINK = "https://crm.example.com/renault"


def seed(session: Session, person: Person) -> None:
    """The candidate's ratings and evidence on :data:`REFERENTIEL`."""
    person.referentiel_id = REFERENTIEL
    t1, t2, t3 = (datetime(2026, 10, day, 9, tzinfo=UTC) for day in (6, 8, 20))
    checkin, logged, later = (
        Submission(
            tenant_id=person.tenant_id,
            person_id=person.id,
            kind=kind,
            idempotency_key=f"vae-{person.id}-{n}",
            created_at=t1,
        )
        for n, kind in enumerate(
            (SubmissionKind.CHECKIN, SubmissionKind.EVIDENCE, SubmissionKind.CHECKIN)
        )
    )
    session.add_all([checkin, logged, later])
    session.flush()

    def rating(competency: str, level: str, rater: Rater, at: datetime, sub: int | None) -> Rating:
        return Rating(
            tenant_id=person.tenant_id,
            person_id=person.id,
            referentiel_id=REFERENTIEL,
            competency_id=competency,
            level_id=level,
            rater=rater,
            rated_at=at,
            submission_id=sub,
        )

    def evidence(competency: str, criterion: str | None, text: str, sub: int) -> Evidence:
        return Evidence(
            tenant_id=person.tenant_id,
            person_id=person.id,
            referentiel_id=REFERENTIEL,
            competency_id=competency,
            criterion_key=criterion,
            text=text,
            link=LINK if competency == "C1" else None,
            submission_id=sub,
            happened_on=date(2026, 10, 5) if competency == "C1" else date(2026, 10, 7),
            created_at=t1,
            updated_at=t1,
        )

    session.add_all(
        [
            rating("C1", "en_cours", Rater.SELF, t1, checkin.id),
            rating("C1", "en_cours", Rater.MANAGER, t2, None),
            rating("C3", "acquis", Rater.SELF, t3, later.id),
            evidence("C1", None, RENAULT, checkin.id),
            evidence("C2", "C2#1", AIRBUS, logged.id),
        ]
    )
    session.flush()


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(content: bytes) -> str:
    """The PDF's text as a reader extracts it, its line breaks as spaces."""
    reader = PdfReader(io.BytesIO(content))
    return flat(" ".join(page.extract_text() for page in reader.pages))


@dataclass(frozen=True)
class Line:
    style: str
    text: str


def docx_lines(content: bytes) -> list[Line]:
    """Each paragraph of the Word file with its style (tables aside)."""
    return [
        Line(p.style.name if p.style else "", p.text)
        for p in Document(io.BytesIO(content)).paragraphs
    ]


def after(lines: list[Line], heading: str) -> list[Line]:
    """The lines after the ``Heading 1`` ``heading``."""
    start = next(i for i, line in enumerate(lines) if line.text == heading)
    return lines[start + 1 :]


def gap_list(lines: list[Line], heading: str) -> dict[str, list[str]]:
    """The livret's gaps as the Word file lists them: each competency (a bold line)
    with its criteria without evidence (the bullets under it)."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in after(lines, heading)[1:]:  # after the count
        if line.style == "List Bullet":
            assert current is not None
            current.append(line.text)
        else:
            current = found.setdefault(line.text, [])
    return found
