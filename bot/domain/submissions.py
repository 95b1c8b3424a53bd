"""Recording a check-in: validation against the référentiel, then one idempotent write.

The front end parses what the person submitted into a :class:`CheckinSubmission`
and calls :func:`validate_checkin`; only when it returns no problem does it call
:func:`record_checkin`, which stores the ratings, the evidence and the 1:1 topic
in the caller's transaction. The submission's idempotency key (for Slack, the
view id) is unique per tenant, so a second delivery of the same submission stores
nothing and returns ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.links import LinkText, is_link
from bot.domain.rating_rows import RatingSource, insert_ratings
from bot.domain.text import CleanText
from referentiels.models import Referentiel
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOneTopic,
    Person,
    PromptStatus,
    Rater,
    Submission,
    SubmissionKind,
)

MAX_TEXT = 3000  # Slack's own limit for a plain_text_input


class CheckinAnswer(BaseModel):
    """One competency of the check-in as the person filled it in."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    competency_id: str
    level_id: str | None = None
    evidence_text: CleanText | None = None
    evidence_link: LinkText | None = None


class CheckinSubmission(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answers: list[CheckinAnswer] = Field(min_length=1)
    topic: CleanText | None = None


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one field: ``competency_id`` None means the submission as a whole."""

    competency_id: str | None
    field: str  # level, evidence_text, evidence_link, topic
    key: str  # catalog key under checkin.problem


def validate_checkin(
    submission: CheckinSubmission, referentiel: Referentiel, expected: list[str]
) -> list[FieldProblem]:
    """Everything wrong with a submission; empty when it can be stored.

    ``expected`` are the competencies this check-in asked about: a forged or
    unknown competency, a level not on the scale, a missing level, text over
    3,000 characters and a malformed link are all refused.
    """
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for answer in submission.answers:
        competency = referentiel.competency(answer.competency_id)
        if (
            competency is None
            or answer.competency_id not in expected
            or answer.competency_id in seen
        ):
            problems.append(FieldProblem(answer.competency_id, "level", "unknown_competency"))
            continue
        seen.add(answer.competency_id)
        if answer.level_id is None:
            problems.append(FieldProblem(answer.competency_id, "level", "level_required"))
        elif referentiel.scale.level(answer.level_id) is None:
            problems.append(FieldProblem(answer.competency_id, "level", "unknown_level"))
        if answer.evidence_text and len(answer.evidence_text) > MAX_TEXT:
            problems.append(FieldProblem(answer.competency_id, "evidence_text", "too_long"))
        if answer.evidence_link:
            if not is_link(answer.evidence_link):
                problems.append(FieldProblem(answer.competency_id, "evidence_link", "bad_link"))
            elif not answer.evidence_text:
                # A link alone says nothing a manager can read; ask for a line with it.
                problems.append(
                    FieldProblem(answer.competency_id, "evidence_text", "link_needs_text")
                )
    missing = [c for c in expected if c not in seen]
    for competency_id in missing:
        problems.append(FieldProblem(competency_id, "level", "level_required"))
    if submission.topic and len(submission.topic) > MAX_TEXT:
        problems.append(FieldProblem(None, "topic", "too_long"))
    return problems


def claim_submission(
    session: Session,
    person: Person,
    kind: SubmissionKind,
    idempotency_key: str,
    now: datetime,
    prompt: CheckinPrompt | None = None,
) -> Submission | None:
    """The submission's record, or None when this key was stored already.

    A savepoint: a duplicate (the unique tenant + key) rolls back only this attempt
    and leaves the caller's transaction usable. Every kind of submission (check-in,
    evidence, review) goes through here, so none is ever stored twice.
    """
    try:
        with session.begin_nested():
            record = Submission(
                tenant_id=person.tenant_id,
                person_id=person.id,
                kind=kind,
                idempotency_key=idempotency_key,
                prompt_id=prompt.id if prompt else None,
                created_at=now,
            )
            session.add(record)
            session.flush()
    except IntegrityError:
        return None
    return record


def record_checkin(
    session: Session,
    person: Person,
    prompt: CheckinPrompt | None,
    submission: CheckinSubmission,
    idempotency_key: str,
    now: datetime,
    today: date | None = None,
) -> Submission | None:
    """Store a validated check-in; ``None`` when this submission was stored already.
    Its evidence happened on ``today``, the person's day (their zone; UTC when not given).

    Runs in a savepoint so that a duplicate (the unique idempotency key) rolls back
    only this attempt and leaves the caller's transaction usable.
    """
    if person.referentiel_id is None:
        raise ValueError("person is not enrolled on a référentiel")
    record = claim_submission(session, person, SubmissionKind.CHECKIN, idempotency_key, now, prompt)
    if record is None:
        return None
    cycle_key = prompt.cycle_key if prompt else None
    missing = next((a.competency_id for a in submission.answers if a.level_id is None), None)
    if missing is not None:  # validate_checkin refuses this; never store half
        raise ValueError(f"no level for {missing}")
    # One statement for the ratings, one for the evidence, however many competencies.
    source = RatingSource(person, Rater.SELF, person, now, record.id, cycle_key)
    levels = [(a.competency_id, a.level_id) for a in submission.answers if a.level_id is not None]
    insert_ratings(session, source, levels)  # keeps the tracks: a bulk insert is no flush
    add_notes(session, person, record, submission, now, today=today)
    if prompt is not None and prompt.status is not PromptStatus.MISSED:
        prompt.status = PromptStatus.DONE
        prompt.completed_at = now
    session.flush()
    return record


def _mine(person: Person, record: Submission) -> dict[str, Any]:
    """The columns every row of one check-in shares."""
    mine: dict[str, Any] = {"tenant_id": person.tenant_id, "person_id": person.id}
    return mine | {"referentiel_id": person.referentiel_id, "submission_id": record.id}


def add_notes(
    session: Session,
    person: Person,
    record: Submission,
    submission: CheckinSubmission,
    now: datetime,
    *,
    topic: bool = True,
    today: date | None = None,
) -> None:
    """The evidence of a check-in (one statement), happened on ``today`` (the person's
    day; UTC's when not given), and its 1:1 topic (when ``topic``)."""
    mine = _mine(person, record)
    evidence = [
        mine
        | {
            "competency_id": answer.competency_id,
            "text": answer.evidence_text,
            "link": answer.evidence_link or None,
            "happened_on": today or now.astimezone(UTC).date(),
            "created_at": now,
            "updated_at": now,
        }
        for answer in submission.answers
        if answer.evidence_text
    ]
    if evidence:
        session.execute(insert(Evidence), evidence)
    if topic and submission.topic:
        session.add(
            OneOnOneTopic(
                tenant_id=person.tenant_id,
                person_id=person.id,
                raised_by_id=person.id,
                text=submission.topic,
                submission_id=record.id,
                created_at=now,
            )
        )
