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
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.domain.access import Scope, Viewer, reports_of, scope_over
from bot.domain.rating_rows import RatingSource
from bot.domain.submissions import MAX_TEXT, FieldProblem, claim_submission
from bot.domain.team_ratings import (
    LatestRatings,
    WeekRating,
    latest_ratings,
    week_ratings,
)
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

EVIDENCE_SHOWN = 3  # pieces of evidence shown behind a self-rating awaiting review


@dataclass(frozen=True)
class PendingRating:
    """A self-rating awaiting the manager's review, with the evidence behind it."""

    competency: Competency
    self_level: Level
    rated_at: datetime
    manager_level: Level | None  # the manager's previous view, if any
    evidence: list[Evidence] = field(default_factory=list)
    reviewed_at: datetime | None = None  # when the manager last rated it, if ever


@dataclass(frozen=True)
class ReportReview:
    """One report's self-ratings awaiting review."""

    person: Person
    referentiel: Referentiel
    pending: list[PendingRating]
    # The day the manager reads it, in their time zone: a piece of evidence of another
    # year shows its year (None: every one does).
    today: date | None = None


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

        ``evidence``: with the evidence behind each (the review modal shows it, read in
        one query); a list that only counts what awaits review goes without.
        """
        referentiel = self.catalog.get(person.referentiel_id or "")
        if referentiel is None:
            return None
        latest = latest_ratings(session, [(person, referentiel)])
        pending = _pending(person, referentiel, latest)
        if evidence and pending:
            behind = _new_evidence(session, person, pending)
            pending = [
                replace(item, evidence=behind.get(item.competency.id, [])) for item in pending
            ]
        return ReportReview(person, referentiel, pending)

    def team_pending(self, session: Session, manager: Person) -> list[ReportReview]:
        """Each direct report with something awaiting review, in name order."""
        return self.pending_among(session, reports_of(session, manager, indirect=False))

    def pending_among(self, session: Session, reports: Sequence[Person]) -> list[ReportReview]:
        """Each of ``reports`` (active, enrolled) with something awaiting review, in their
        order; what awaits is counted, without the evidence (see :meth:`pending_for`).
        One query whatever the number of reports."""
        followed = self.followed(reports)
        return self.pending_from(followed, latest_ratings(session, followed))

    def pending_from(
        self, followed: Sequence[tuple[Person, Referentiel]], latest: LatestRatings
    ) -> list[ReportReview]:
        """:meth:`pending_among` from each track's latest ratings read already
        (:func:`bot.domain.team_ratings.latest_ratings`, or the team view's kept state:
        :func:`bot.domain.team_tracks.rating_history_and_latest`); ``followed``: the
        reports, each with their référentiel (:meth:`followed`)."""
        competencies = _competencies(followed)
        reviews = []
        for report, referentiel in followed:
            pending = _pending(report, referentiel, latest, competencies[referentiel.id])
            if pending:
                reviews.append(ReportReview(report, referentiel, pending))
        return reviews

    def followed(self, reports: Sequence[Person]) -> list[tuple[Person, Referentiel]]:
        """The active reports on a référentiel Palier has, each with it, in their order."""
        followed = []
        for report in reports:
            referentiel = self.catalog.get(report.referentiel_id or "")
            if report.active and referentiel is not None:
                followed.append((report, referentiel))
        return followed

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
        source = RatingSource(
            report, Rater.MANAGER, manager, now, record.id, comment=submission.comment or None
        )
        stored = [
            source.add(session, answer.competency_id, answer.level_id or "")
            for answer in submission.answers
        ]
        session.flush()
        return ReviewResult([], stored=stored)

    def unreviewed_count(self, session: Session, manager: Person) -> int:
        return sum(len(r.pending) for r in self.team_pending(session, manager))


def _competencies(followed: Sequence[tuple[Person, Referentiel]]) -> dict[str, list[Competency]]:
    """Each référentiel's competencies in order, worked out once for a whole team."""
    return {referentiel.id: referentiel.all_competencies() for _, referentiel in followed}


def _pending(
    person: Person,
    referentiel: Referentiel,
    latest: LatestRatings,
    competencies: Sequence[Competency] | None = None,
) -> list[PendingRating]:
    """The person's self-ratings awaiting review, in référentiel order (no evidence yet):
    each competency whose latest self-rating, on the scale, no manager rating follows.
    ``competencies``: the référentiel's, when the caller has them already."""
    pending = []
    for competency in referentiel.all_competencies() if competencies is None else competencies:
        own = latest.get((person.id, Rater.SELF, competency.id))
        level = referentiel.scale.level(own.level_id) if own else None
        if own is None or level is None:
            continue
        previous = latest.get((person.id, Rater.MANAGER, competency.id))
        if previous is not None and previous.rated_at >= own.rated_at:
            continue  # reviewed already
        manager_level = referentiel.scale.level(previous.level_id) if previous else None
        pending.append(
            PendingRating(
                competency,
                level,
                own.rated_at,
                manager_level,
                reviewed_at=previous.rated_at if previous else None,
            )
        )
    return pending


def _new_evidence(
    session: Session, person: Person, pending: Sequence[PendingRating]
) -> dict[str, list[Evidence]]:
    """The latest three pieces of evidence behind each self-rating awaiting review, by
    competency: only what is new since the manager last rated that competency, when they
    have (one query: each competency's evidence ranked newest first)."""
    wanted = [
        Evidence.competency_id == item.competency.id
        if item.reviewed_at is None
        else and_(
            Evidence.competency_id == item.competency.id,
            Evidence.created_at > item.reviewed_at,
        )
        for item in pending
    ]
    newest_first = func.row_number().over(
        partition_by=Evidence.competency_id,
        order_by=(Evidence.happened_on.desc(), Evidence.id.desc()),
    )
    ranked = (
        select(Evidence, newest_first.label("rank"))
        .where(Evidence.person_id == person.id, or_(*wanted))
        .subquery()
    )
    shown = aliased(Evidence, ranked)
    found: dict[str, list[Evidence]] = {}
    for row in session.scalars(
        select(shown)
        .where(ranked.c.rank <= EVIDENCE_SHOWN)
        .order_by(ranked.c.competency_id, ranked.c.rank)
    ):
        found.setdefault(row.competency_id, []).append(row)
    return found


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


_Move = tuple[Competency, Level | None, Level, WeekRating]  # before, after, the latest rating


def weekly_digest(
    session: Session, reviews: ReviewService, manager: Person, cycle_key: str
) -> Digest:
    """The digest of one cycle for a manager's active, enrolled direct reports.

    Read in five queries whatever the team or its history: the reports, their check-ins
    of the week, the week's self-ratings (each with the one before it), everyone's
    latest ratings (what awaits review) and the evidence of the week's changes.
    """
    followed = reviews.followed(reports_of(session, manager, indirect=False))
    if not followed:
        return Digest(manager, cycle_key, [])
    ids = [report.id for report, _ in followed]
    statuses = dict(
        session.execute(
            select(CheckinPrompt.person_id, CheckinPrompt.status).where(
                CheckinPrompt.person_id.in_(ids), CheckinPrompt.cycle_key == cycle_key
            )
        ).all()
    )
    week: dict[tuple[int, str], list[WeekRating]] = {}
    for rating in week_ratings(session, followed, cycle_key):
        week.setdefault((rating.person_id, rating.competency_id), []).append(rating)
    competencies = _competencies(followed)
    moved = {
        report.id: _moves(report, referentiel, week, competencies[referentiel.id])
        for report, referentiel in followed
    }
    evidence = _week_evidence(
        session, [(report_id, move) for report_id, moves in moved.items() for move in moves]
    )
    latest = latest_ratings(session, followed)
    rows = [
        DigestRow(
            report,
            referentiel,
            statuses.get(report.id),
            [
                Change(competency, before, after, evidence.get((report.id, competency.id), []))
                for competency, before, after, _ in moved[report.id]
            ],
            len(_pending(report, referentiel, latest, competencies[referentiel.id])),
        )
        for report, referentiel in followed
    ]
    return Digest(manager, cycle_key, rows)


def _moves(
    report: Person,
    referentiel: Referentiel,
    week: dict[tuple[int, str], list[WeekRating]],
    competencies: Sequence[Competency],
) -> list[_Move]:
    """The report's self-ratings of the week that moved (or the first ones), in
    référentiel order: the level before the week's first, against the week's last."""
    moves = []
    for competency in competencies:
        this_week = week.get((report.id, competency.id))
        if not this_week:
            continue
        latest = this_week[-1]
        after = referentiel.scale.level(latest.level_id)
        first = this_week[0].before_level_id
        before = referentiel.scale.level(first) if first is not None else None
        if after is None or (before is not None and before.id == after.id):
            continue
        moves.append((competency, before, after, latest))
    return moves


def _week_evidence(
    session: Session, moves: Sequence[tuple[int, _Move]]
) -> dict[tuple[int, str], list[Evidence]]:
    """The evidence given with each change's check-in, by report and competency (one
    query): the same person, competency and submission as the change's latest rating."""
    wanted = {(report_id, move[0].id, move[3].submission_id) for report_id, move in moves}
    if not wanted:
        return {}
    submissions = {submission for _, _, submission in wanted if submission is not None}
    loose = {report_id for report_id, _, submission in wanted if submission is None}
    found: dict[tuple[int, str], list[Evidence]] = {}
    for row in session.scalars(
        select(Evidence)
        .where(
            or_(
                Evidence.submission_id.in_(submissions),
                and_(Evidence.submission_id.is_(None), Evidence.person_id.in_(loose)),
            )
        )
        .order_by(Evidence.id)
    ):
        if (row.person_id, row.competency_id, row.submission_id) in wanted:
            found.setdefault((row.person_id, row.competency_id), []).append(row)
    return found
