"""Evidence logged any day, outside the weekly check-in: log, list, edit, delete.

Evidence is what a person did that shows a competency (a deal, a call, a
document), optionally tied to one of its evaluation criteria (a certification)
or to one aspect of its levels (a matrix). Only its owner lists, edits or deletes
it; another person's evidence id answers exactly like an unknown one.

Evidence has the day it happened (the deal, the call), which the person chooses and which
is today in their own zone unless they say otherwise: never a day still to come, nor one
more than :data:`OLDEST_YEARS` years back (a mistyped year, not a deal anyone weighs now).
Evidence is listed by that day, newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.checkin import Refusal
from bot.domain.links import LinkText, is_link
from bot.domain.submissions import MAX_TEXT, FieldProblem, claim_submission
from bot.domain.text import CleanText
from referentiels.models import Competency, Referentiel
from storage.models import URL_LENGTH, Evidence, Person, SubmissionKind

ASPECT_PREFIX = "aspect:"  # criterion keys of a matrix: one of its level aspects, by name
KEY_LENGTH = 64
OLDEST_YEARS = 5  # evidence further back than this is refused (a mistyped year)


@dataclass(frozen=True)
class CriterionChoice:
    """Something evidence can be logged against, within one competency."""

    key: str
    text: str


def criterion_choices(competency: Competency) -> list[CriterionChoice]:
    """The competency's evaluation criteria (certification) or its levels' aspects (matrix)."""
    choices = [
        CriterionChoice(competency.criterion_key(index), criterion.text)
        for index, criterion in enumerate(competency.criteria)
    ]
    names: list[str] = []
    for descriptor in competency.levels.values():
        for aspect in descriptor.aspects:
            if aspect.name and aspect.name not in names:
                names.append(aspect.name)
    choices.extend(CriterionChoice((ASPECT_PREFIX + name)[:KEY_LENGTH], name) for name in names)
    return choices


class EvidenceInput(BaseModel):
    """Evidence as a person filled it in."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    competency_id: str | None = None
    criterion_key: str | None = None
    text: CleanText | None = None
    link: LinkText | None = None
    happened_on: date | None = None  # None: today (new evidence), unchanged (an edit)


def oldest_day(today: date) -> date:
    """The earliest day evidence may have happened on, ``today`` being the person's."""
    try:
        return today.replace(year=today.year - OLDEST_YEARS)
    except ValueError:  # 29 February, five years before a year that has none
        return today.replace(year=today.year - OLDEST_YEARS, day=28)


def validate_evidence(
    data: EvidenceInput, referentiel: Referentiel, today: date
) -> list[FieldProblem]:
    """Everything wrong with logged evidence; empty when it can be stored. ``today`` is
    the person's own day (in their zone): evidence cannot have happened after it."""
    problems: list[FieldProblem] = []
    competency = referentiel.competency(data.competency_id or "")
    if competency is None:
        problems.append(FieldProblem(None, "competency", "unknown_competency"))
    elif data.criterion_key and data.criterion_key not in {
        c.key for c in criterion_choices(competency)
    }:
        problems.append(FieldProblem(None, "criterion", "unknown_criterion"))
    if not data.text:
        problems.append(FieldProblem(None, "evidence_text", "text_required"))
    elif len(data.text) > MAX_TEXT:
        problems.append(FieldProblem(None, "evidence_text", "too_long"))
    if data.link and (len(data.link) > URL_LENGTH or not is_link(data.link)):
        problems.append(FieldProblem(None, "evidence_link", "bad_link"))
    if data.happened_on is not None and data.happened_on > today:
        problems.append(FieldProblem(None, "evidence_date", "evidence_date.problem.in_future"))
    elif data.happened_on is not None and data.happened_on < oldest_day(today):
        problems.append(FieldProblem(None, "evidence_date", "evidence_date.problem.too_old"))
    return problems


@dataclass(frozen=True)
class LogResult:
    problems: list[FieldProblem]
    evidence: Evidence | None = None
    duplicate: bool = False
    refusal: Refusal | None = None


class EvidenceService:
    """A person's own evidence, given that person (resolved by the caller, in its session).

    Only the person's own rows are read or changed: another person's evidence id is
    answered like an unknown one.
    """

    def log(
        self,
        session: Session,
        person: Person,
        referentiel: Referentiel,
        data: EvidenceInput,
        idempotency_key: str,
        now: datetime,
        today: date,
        source_permalink: str | None = None,
    ) -> LogResult:
        """Validate and store one piece of evidence; a second delivery stores nothing.
        ``today``: the person's day (their zone), the evidence's own unless they chose one."""
        problems = validate_evidence(data, referentiel, today)
        if problems:
            return LogResult(problems)
        record = claim_submission(session, person, SubmissionKind.EVIDENCE, idempotency_key, now)
        if record is None:
            return LogResult([], duplicate=True)
        evidence = Evidence(
            tenant_id=person.tenant_id,
            person_id=person.id,
            referentiel_id=referentiel.id,
            competency_id=data.competency_id or "",
            criterion_key=data.criterion_key or None,
            text=data.text or "",
            link=data.link or None,
            source_permalink=source_permalink,
            submission_id=record.id,
            happened_on=data.happened_on or today,
            created_at=now,
            updated_at=now,
        )
        session.add(evidence)
        session.flush()
        return LogResult([], evidence=evidence)

    def recent(
        self, session: Session, person: Person, limit: int = 5, offset: int = 0
    ) -> tuple[Sequence[Evidence], int]:
        """The person's evidence, the latest to happen first, and how many there are."""
        total = session.scalar(
            select(func.count()).select_from(Evidence).where(Evidence.person_id == person.id)
        )
        rows = session.scalars(
            select(Evidence)
            .where(Evidence.person_id == person.id)
            .order_by(Evidence.happened_on.desc(), Evidence.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return rows, int(total or 0)

    def get(self, session: Session, person: Person, evidence_id: int) -> Evidence | None:
        """The person's own evidence ``evidence_id``; None when unknown or someone else's."""
        evidence = session.get(Evidence, evidence_id)
        if evidence is None or evidence.person_id != person.id:
            return None
        return evidence

    def update(
        self,
        session: Session,
        person: Person,
        referentiel: Referentiel,
        evidence_id: int,
        data: EvidenceInput,
        now: datetime,
        today: date,
    ) -> LogResult:
        """Change the owner's evidence (competency, criterion, text, link, day)."""
        evidence = self.get(session, person, evidence_id)
        if evidence is None:
            return LogResult([], refusal=Refusal.UNKNOWN_EVIDENCE)
        problems = validate_evidence(data, referentiel, today)
        if problems:
            return LogResult(problems)
        evidence.competency_id = data.competency_id or evidence.competency_id
        evidence.criterion_key = data.criterion_key or None
        evidence.text = data.text or evidence.text
        evidence.link = data.link or None
        evidence.happened_on = data.happened_on or evidence.happened_on
        evidence.updated_at = now
        session.flush()
        return LogResult([], evidence=evidence)

    def delete(self, session: Session, person: Person, evidence_id: int) -> bool:
        """Delete the owner's evidence; False when it was already gone (or not theirs)."""
        evidence = self.get(session, person, evidence_id)
        if evidence is None:
            return False
        session.delete(evidence)
        session.flush()
        return True
