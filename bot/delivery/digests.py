"""The managers' weekly team review: planned for the week, then each due one claimed
and sent once.

A digest whose sender dies between claim and send, or whose post's answer never came,
is lost, never sent twice; a passing failure gives it back for the next tick.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.claims import Claimed, Failed
from bot.delivery.jobs import stays_claimed
from bot.delivery.messenger import Recipient
from bot.delivery.policy import TickPolicy, TickReport
from bot.delivery.views import WeeklyReview
from bot.delivery.workspaces import Workspaces
from bot.domain.planning import plan_review_digests
from bot.domain.review import ReviewService, weekly_digest
from storage.db import session_scope
from storage.models import Person, PromptStatus, ReviewDigest


class DigestJob:
    """The weekly reviews' part in :class:`bot.delivery.claims.Sender` (``kind`` "digest")."""

    kind = "digest"

    def __init__(
        self,
        sessions: sessionmaker[Session],
        reviews: ReviewService,
        policy: TickPolicy,
        workspaces: Workspaces,
        worker: str,
        report: TickReport,
    ) -> None:
        self.sessions = sessions
        self.reviews = reviews
        self.policy = policy
        self.workspaces = workspaces
        self.worker = worker
        self.report = report

    def due(self, now: datetime) -> list[int]:
        """Plan this week's digests; the ids of those due now."""
        with session_scope(self.sessions) as session:
            plan_review_digests(session, now, self.policy.planning, self.report.errors)
            return list(
                session.scalars(
                    select(ReviewDigest.id).where(
                        ReviewDigest.tenant_id.not_in(list(self.workspaces.excluded)),
                        ReviewDigest.status == PromptStatus.PENDING,
                        ReviewDigest.scheduled_at <= now,
                        ReviewDigest.closes_at > now,
                    )
                )
            )

    def claim(self, digest_id: int, now: datetime) -> Claimed | None:
        with session_scope(self.sessions) as session:
            claimed = session.execute(
                update(ReviewDigest)
                .where(ReviewDigest.id == digest_id, ReviewDigest.status == PromptStatus.PENDING)
                .values(status=PromptStatus.SENDING, claimed_by=self.worker, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                return None  # another process has it
            message = self._message(session, digest_id)
        if message is None:
            self._finish(digest_id, PromptStatus.SKIPPED, now)
        return message

    def _message(self, session: Session, digest_id: int) -> Claimed | None:
        """The digest to send; None when there is nothing to say (or nobody to say it to)."""
        row = session.get(ReviewDigest, digest_id)
        manager = session.get(Person, row.manager_id) if row else None
        if row is None or manager is None or not manager.active:
            return None
        digest = weekly_digest(session, self.reviews, manager, row.cycle_key)
        workspace = self.workspaces.get(manager.tenant_id, session)
        if not digest.rows or workspace is None:
            return None
        policy = self.policy
        recipient = Recipient.of(
            manager, workspace.external_id, policy.default_locale, policy.planning.default_timezone
        )
        return Claimed(digest_id, workspace.tenant_id, recipient, WeeklyReview(digest))

    def sent(self, claimed: Claimed, ref: str, now: datetime) -> None:
        self._finish(claimed.item_id, PromptStatus.SENT, now)
        self.report.digests += 1

    def failed(self, claimed: Claimed, failed: Failed, now: datetime) -> None:
        status = PromptStatus.FAILED if stays_claimed(failed) else PromptStatus.PENDING
        self._finish(claimed.item_id, status, now, failed.reason)

    def _finish(
        self, digest_id: int, status: PromptStatus, now: datetime, error: str | None = None
    ) -> None:
        with session_scope(self.sessions) as session:
            session.execute(
                update(ReviewDigest)
                .where(ReviewDigest.id == digest_id)
                .values(
                    status=status,
                    last_error=error,
                    sent_at=now if status is PromptStatus.SENT else None,
                )
                .execution_options(synchronize_session=False)
            )
