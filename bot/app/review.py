"""A manager's review of their reports' self-ratings: the list of reports awaiting it,
one report's review (to open), its submission, and the weekly digest's pages.

Who may review whom is :mod:`bot.domain.access`'s answer, through
:meth:`bot.domain.review.ReviewService.may_review`: only the report's own manager, never
oneself, never across workspaces — and a refusal says no more than "gone", so a
forged click never tells whether anyone is enrolled. A review is the manager's
judgement, not a read: the platform's admin flag is asked for (the policy takes it)
but never widens it.

The list and the digest are whole here; a front end shows them a page at a time
(a Slack message holds 50 blocks), recomputing them for whoever asks for a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.app.actor import ActorRef
from bot.app.outcome import Outcome, Problem, SendDirect
from bot.app.unit_of_work import UnitOfWork
from bot.domain.access import Viewer, reports_of
from bot.domain.people import Directory, person_locale
from bot.domain.review import (
    Digest,
    ReportReview,
    ReviewAnswer,
    ReviewService,
    ReviewSubmission,
    told_levels,
    weekly_digest,
)
from bot.domain.submissions import FieldProblem
from bot.i18n import Locale
from referentiels.loader import ReferentielCatalog
from referentiels.models import Competency, Level, Referentiel
from storage.models import Person

NOT_MANAGER = "not_manager"  # refusal: nobody reports to the actor
GONE = "review_gone"  # refusal: not theirs to review, no longer there, or nothing left
CYCLE_KEY = re.compile(r"[0-9]{4}-W[0-9]{2}")


@dataclass(frozen=True)
class PendingReviews:
    """The actor's direct reports with self-ratings awaiting review (none: nothing to do);
    each :class:`ReportReview` counts them, without their evidence."""

    reports: list[ReportReview]


@dataclass(frozen=True)
class OpenReview:
    """Which report's review to open (a row id from the list or the digest)."""

    report_id: int


@dataclass(frozen=True)
class SubmitReview:
    """A review as the manager submitted it.

    ``levels``: each competency with the level chosen (None when none was); ``key``
    identifies this submission on its platform (a second delivery stores nothing).
    """

    report_id: int
    key: str
    levels: tuple[tuple[str, str | None], ...]
    comment: str | None = None
    share_comment: bool = False


@dataclass(frozen=True)
class ReviewSaved:
    """What the manager is shown once a review is stored."""

    report_name: str | None
    report_user_id: str


@dataclass(frozen=True)
class ReviewNotice:
    """What the report is told of their manager's review, in the report's own language
    (``locale``), not the manager's."""

    locale: Locale
    manager_name: str | None
    manager_user_id: str
    referentiel: Referentiel
    reviewed: list[tuple[Competency, Level, Level | None]]  # manager's level, own level
    comment: str | None  # only when the manager shares it


@dataclass(frozen=True)
class DigestPage:
    """Which week's digest to show again (``2026-W48``)."""

    cycle_key: str


class ReviewFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        reviews: ReviewService,
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.reviews = reviews

    def pending(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[PendingReviews]:
        """The actor's reports awaiting review; refused to anyone nobody reports to."""
        with self.work.begin(ref, directory) as (session, actor):
            me = actor.person
            reports = reports_of(session, me, indirect=False) if me else []
            if not reports:
                return Outcome.refused(actor.locale, NOT_MANAGER)
            return Outcome(
                actor.locale, PendingReviews(self.reviews.pending_among(session, reports))
            )

    def open(
        self, ref: ActorRef, wanted: OpenReview, directory: Directory | None = None
    ) -> Outcome[ReportReview]:
        """One report's self-ratings awaiting review, with their evidence, for their
        manager; refused alike when not theirs, gone, or nothing is left."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            report = self._reviewable(session, actor.person, actor.is_admin, wanted.report_id)
            review = self.reviews.pending_for(session, report) if report else None
            if review is None or not review.pending:
                return Outcome.refused(actor.locale, GONE)
            today = self.clock().astimezone(ZoneInfo(actor.timezone)).date()
            return Outcome(actor.locale, replace(review, today=today))

    def submit(
        self, ref: ActorRef, review: SubmitReview, directory: Directory | None = None
    ) -> Outcome[ReviewSaved]:
        """Store the manager's levels (beside the self-ratings) in one transaction, and
        tell the report. Answers the problems to fix instead when there are any, and no
        view when this submission was stored already."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            me = actor.person
            report = self._reviewable(session, me, actor.is_admin, review.report_id)
            submission = _submission(review)
            if me is None or report is None or submission is None:
                return Outcome.refused(actor.locale, GONE)
            result = self.reviews.record(
                session, Viewer(me, actor.is_admin), report, submission, review.key, self.clock()
            )
            referentiel = self.catalog.get(report.referentiel_id or "")
            if result.refused or referentiel is None:
                return Outcome.refused(actor.locale, GONE)
            if result.problems:
                return Outcome.to_fix(actor.locale, _problems(result.problems))
            if result.duplicate:
                return Outcome(actor.locale)
            notice = ReviewNotice(
                person_locale(report.locale, self.work.defaults.locale),
                me.display_name,
                me.platform_user_id,
                referentiel,
                told_levels(session, report, referentiel, result.stored),
                submission.comment if submission.share_comment else None,
            )
            saved = ReviewSaved(report.display_name, report.platform_user_id)
            return Outcome(
                actor.locale,
                saved,
                effects=(
                    SendDirect(
                        report.platform_user_id, notice, conversation=report.conversation_ref
                    ),
                ),
            )

    def digest(
        self, ref: ActorRef, page: DigestPage, directory: Directory | None = None
    ) -> Outcome[Digest]:
        """That week's digest of the actor's own reports, as it stands now; refused to
        someone Palier does not follow, or for a week that is not one."""
        with self.work.begin(ref, directory) as (session, actor):
            me = actor.person
            if me is None or CYCLE_KEY.fullmatch(page.cycle_key) is None:
                return Outcome.refused(actor.locale, GONE)
            return Outcome(actor.locale, weekly_digest(session, self.reviews, me, page.cycle_key))

    def _reviewable(
        self, session: Session, me: Person | None, is_admin: bool, report_id: int
    ) -> Person | None:
        """The report, when ``me`` may review them (else None, whatever the reason)."""
        report = session.get(Person, report_id) if me is not None and report_id > 0 else None
        if me is None or report is None:
            return None
        return report if self.reviews.may_review(session, Viewer(me, is_admin), report) else None


def _submission(review: SubmitReview) -> ReviewSubmission | None:
    """The domain's submission, or None when what came in is not one (no answer at all)."""
    try:
        return ReviewSubmission(
            answers=[ReviewAnswer(competency_id=c, level_id=lv) for c, lv in review.levels],
            comment=review.comment,
            share_comment=review.share_comment,
        )
    except ValidationError:
        return None


def _problems(problems: list[FieldProblem]) -> tuple[Problem, ...]:
    """The domain's field problems in the application layer's words: ``level`` of a
    competency (the item), or ``comment`` of the review as a whole."""
    return tuple(Problem(field=p.field, key=p.key, item=p.competency_id) for p in problems)
