"""The manager's review: confirm or adjust the reports' self-ratings.

A self-rating is *awaiting review* when it is its person's latest self-rating of
that competency and no manager rating of that competency is newer. Reviewing
stores manager ratings (``rater = manager``) beside the self-ratings, never over
them, in one transaction keyed by the submission (a second delivery stores
nothing). Only the report's direct manager may review (:mod:`bot.domain.access`
decides who that is).

The optional comment is kept on the manager ratings. The manager chooses whether
the report is told it; either way it is the report's personal data (their
privacy export includes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.access import Scope, Viewer, reports_of, scope_over
from bot.domain.submissions import MAX_TEXT, FieldProblem, claim_submission
from bot.domain.text import CleanText
from referentiels.loader import ReferentielCatalog
from referentiels.models import Competency, Level, Referentiel
from storage.models import (
    CheckinPrompt,
    Evidence,
    Person,
    PromptStatus,
    Rater,
    Rating,
    SubmissionKind,
)


@dataclass(frozen=True)
class PendingRating:
    """A self-rating awaiting the manager's review, with the evidence behind it."""

    competency: Competency
    self_level: Level
    rated_at: datetime
    manager_level: Level | None  # the manager's previous view, if any
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class ReportReview:
    """One report's self-ratings awaiting review."""

    person: Person
    referentiel: Referentiel
    pending: list[PendingRating]


class ReviewAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    competency_id: str
    level_id: str | None = None


class ReviewSubmission(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answers: list[ReviewAnswer] = Field(min_length=1)
    comment: CleanText | None = None
    share_comment: bool = False


@dataclass(frozen=True)
class ReviewResult:
    problems: list[FieldProblem]
    stored: list[Rating] = field(default_factory=list)
    duplicate: bool = False
    refused: bool = False


def _latest(
    session: Session, person: Person, referentiel_id: str, rater: Rater
) -> dict[str, Rating]:
    latest: dict[str, Rating] = {}
    for rating in session.scalars(
        select(Rating)
        .where(
            Rating.person_id == person.id,
            Rating.rater == rater,
            Rating.referentiel_id == referentiel_id,
        )
        .order_by(Rating.rated_at, Rating.id)
    ):
        latest[rating.competency_id] = rating
    return latest


class ReviewService:
    def __init__(self, catalog: ReferentielCatalog) -> None:
        self.catalog = catalog

    def pending_for(
        self, session: Session, person: Person, *, evidence: bool = True
    ) -> ReportReview | None:
        """A report's self-ratings awaiting review (None when not enrolled).

        ``evidence``: with the evidence behind each (the review modal shows it); a list
        that only counts what awaits review goes without (a query per competency less).
        """
        referentiel = self.catalog.get(person.referentiel_id or "")
        if referentiel is None:
            return None
        own = _latest(session, person, referentiel.id, Rater.SELF)
        managers = _latest(session, person, referentiel.id, Rater.MANAGER)
        pending = []
        for competency in referentiel.all_competencies():
            rating = own.get(competency.id)
            level = referentiel.scale.level(rating.level_id) if rating else None
            if rating is None or level is None:
                continue
            previous = managers.get(competency.id)
            if previous is not None and previous.rated_at >= rating.rated_at:
                continue  # reviewed already
            pending.append(
                PendingRating(
                    competency,
                    level,
                    rating.rated_at,
                    referentiel.scale.level(previous.level_id) if previous else None,
                    _new_evidence(session, person, competency, previous) if evidence else [],
                )
            )
        return ReportReview(person, referentiel, pending)

    def team_pending(self, session: Session, manager: Person) -> list[ReportReview]:
        """Each direct report with something awaiting review, in name order."""
        return self.pending_among(session, reports_of(session, manager, indirect=False))

    def pending_among(self, session: Session, reports: Sequence[Person]) -> list[ReportReview]:
        """Each of ``reports`` (active) with something awaiting review, in their order;
        what awaits is counted, without the evidence (see :meth:`pending_for`)."""
        reviews = []
        for report in reports:
            if not report.active:
                continue
            review = self.pending_for(session, report, evidence=False)
            if review is not None and review.pending:
                reviews.append(review)
        return reviews

    def may_review(self, session: Session, viewer: Viewer, report: Person) -> bool:
        """Only the report's manager reviews (an admin too, when they are the manager);
        nobody reviews themself. Reading is wider than acting: an admin may read a
        workspace's data, but a review is the manager's judgement."""
        me = viewer.person  # None: an admin Palier does not follow, nobody's manager
        if me is None or me.id == report.id or report.tenant_id != me.tenant_id:
            return False
        direct = Viewer(me, is_admin=False, indirect=False)
        return scope_over(session, direct, report) is Scope.MANAGER

    def record(
        self,
        session: Session,
        viewer: Viewer,
        report: Person,
        submission: ReviewSubmission,
        idempotency_key: str,
        now: datetime,
    ) -> ReviewResult:
        """Store the manager's levels as manager ratings, in the caller's transaction."""
        manager = viewer.person
        if manager is None or not self.may_review(session, viewer, report):
            return ReviewResult([], refused=True)
        referentiel = self.catalog.get(report.referentiel_id or "")
        if referentiel is None:
            return ReviewResult([], refused=True)
        problems = []
        for answer in submission.answers:
            if referentiel.competency(answer.competency_id) is None:
                problems.append(FieldProblem(answer.competency_id, "level", "unknown_competency"))
            elif answer.level_id is None:
                problems.append(FieldProblem(answer.competency_id, "level", "level_required"))
            elif referentiel.scale.level(answer.level_id) is None:
                problems.append(FieldProblem(answer.competency_id, "level", "unknown_level"))
        if submission.comment and len(submission.comment) > MAX_TEXT:
            problems.append(FieldProblem(None, "comment", "too_long"))
        if problems:
            return ReviewResult(problems)
        record = claim_submission(session, report, SubmissionKind.REVIEW, idempotency_key, now)
        if record is None:
            return ReviewResult([], duplicate=True)
        stored = []
        for answer in submission.answers:
            rating = Rating(
                tenant_id=report.tenant_id,
                person_id=report.id,
                referentiel_id=referentiel.id,
                competency_id=answer.competency_id,
                level_id=answer.level_id or "",
                rater=Rater.MANAGER,
                rater_person_id=manager.id,
                comment=submission.comment or None,
                submission_id=record.id,
                rated_at=now,
            )
            session.add(rating)
            stored.append(rating)
        session.flush()
        return ReviewResult([], stored=stored)

    def unreviewed_count(self, session: Session, manager: Person) -> int:
        return sum(len(r.pending) for r in self.team_pending(session, manager))


def _new_evidence(
    session: Session, person: Person, competency: Competency, previous: Rating | None
) -> list[Evidence]:
    """The latest three pieces of evidence behind a self-rating: only what is new since
    the manager last rated that competency, when they have."""
    query = select(Evidence).where(
        Evidence.person_id == person.id, Evidence.competency_id == competency.id
    )
    if previous is not None:
        query = query.where(Evidence.created_at > previous.rated_at)
    return list(session.scalars(query.order_by(Evidence.created_at.desc()).limit(3)).all())


def told_levels(
    session: Session, report: Person, referentiel: Referentiel, stored: Sequence[Rating]
) -> list[tuple[Competency, Level, Level | None]]:
    """What a report is told of a review just stored: each competency with the
    manager's level and the report's own latest self-rated level (None if gone)."""
    own = _latest(session, report, referentiel.id, Rater.SELF)
    told = []
    for rating in stored:
        competency = referentiel.competency(rating.competency_id)
        level = referentiel.scale.level(rating.level_id)
        mine = own.get(rating.competency_id)
        if competency and level:
            told.append(
                (competency, level, referentiel.scale.level(mine.level_id) if mine else None)
            )
    return told


def reviewed_levels(
    ratings: Sequence[Rating], referentiel: Referentiel
) -> list[tuple[Competency, Level]]:
    """The competencies and levels of a stored review, in référentiel order."""
    by_id = {r.competency_id: r for r in ratings}
    pairs = []
    for competency in referentiel.all_competencies():
        rating = by_id.get(competency.id)
        level = referentiel.scale.level(rating.level_id) if rating else None
        if level is not None:
            pairs.append((competency, level))
    return pairs


@dataclass(frozen=True)
class Change:
    """A self-rating of the week that moved (or the first one), with its evidence."""

    competency: Competency
    before: Level | None
    after: Level
    evidence: list[Evidence]


@dataclass(frozen=True)
class DigestRow:
    person: Person
    referentiel: Referentiel
    status: PromptStatus | None  # this cycle's check-in; None when none was planned
    changes: list[Change]
    pending: int  # self-ratings awaiting the manager's review


@dataclass(frozen=True)
class Digest:
    """The manager's weekly team review: who checked in, what moved, what awaits review."""

    manager: Person
    cycle_key: str
    rows: list[DigestRow]


def weekly_digest(
    session: Session, reviews: ReviewService, manager: Person, cycle_key: str
) -> Digest:
    """The digest of one cycle for a manager's active, enrolled direct reports."""
    rows = []
    for report in reports_of(session, manager, indirect=False):
        referentiel = reviews.catalog.get(report.referentiel_id or "")
        if not report.active or referentiel is None:
            continue
        prompt = session.scalars(
            select(CheckinPrompt).where(
                CheckinPrompt.person_id == report.id, CheckinPrompt.cycle_key == cycle_key
            )
        ).one_or_none()
        history: dict[str, list[Rating]] = {}
        for rating in session.scalars(
            select(Rating)
            .where(
                Rating.person_id == report.id,
                Rating.rater == Rater.SELF,
                Rating.referentiel_id == referentiel.id,
            )
            .order_by(Rating.rated_at, Rating.id)
        ):
            history.setdefault(rating.competency_id, []).append(rating)
        changes = []
        for competency in referentiel.all_competencies():
            ratings = history.get(competency.id, [])
            this_week = [r for r in ratings if r.cycle_key == cycle_key]
            if not this_week:
                continue
            latest = this_week[-1]
            earlier = [r for r in ratings if r.rated_at < this_week[0].rated_at]
            after = referentiel.scale.level(latest.level_id)
            before = referentiel.scale.level(earlier[-1].level_id) if earlier else None
            if after is None or (before is not None and before.id == after.id):
                continue
            evidence = session.scalars(
                select(Evidence).where(
                    Evidence.person_id == report.id,
                    Evidence.competency_id == competency.id,
                    Evidence.submission_id == latest.submission_id,
                )
            ).all()
            changes.append(Change(competency, before, after, list(evidence)))
        pending = reviews.pending_for(session, report, evidence=False)
        rows.append(
            DigestRow(
                report,
                referentiel,
                prompt.status if prompt else None,
                changes,
                len(pending.pending) if pending else 0,
            )
        )
    return Digest(manager, cycle_key, rows)
