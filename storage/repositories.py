"""Queries over Palier's tables. Repositories take the caller's session and never commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import CheckinPrompt, PromptStatus


class PromptRepository:
    """Check-in prompts, and the claim that keeps two processes from sending one twice."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def due(
        self,
        now: datetime,
        limit: int = 100,
        exclude: Collection[int] = (),
        tenants_paused: Collection[int] = (),
    ) -> Sequence[int]:
        """Ids of prompts due now: pending, scheduled at or before now, cycle still open.

        ``exclude``: ids this tick has already tried (one that failed and went back
        to pending waits for the next tick instead of looping); ``tenants_paused``:
        workspaces whose sending is paused (their token fails).
        """
        query = (
            select(CheckinPrompt.id)
            .where(
                CheckinPrompt.status == PromptStatus.PENDING,
                CheckinPrompt.scheduled_at <= now,
                CheckinPrompt.closes_at > now,
            )
            .order_by(CheckinPrompt.scheduled_at, CheckinPrompt.id)
            .limit(limit)
        )
        if exclude:
            query = query.where(CheckinPrompt.id.not_in(list(exclude)))
        if tenants_paused:
            query = query.where(CheckinPrompt.tenant_id.not_in(list(tenants_paused)))
        return self.session.scalars(query).all()

    def claim(
        self, prompt_id: int, worker: str, now: datetime, tenants_excluded: Collection[int] = ()
    ) -> bool:
        """Take a pending prompt for sending; False if another process took it first
        (or its tenant is one of ``tenants_excluded``: paused, say).

        One conditional UPDATE: on PostgreSQL the second writer waits for the first
        and then finds the status changed; on SQLite writers are serialised. Either
        way exactly one caller sees a row updated.
        """
        condition = [CheckinPrompt.id == prompt_id, CheckinPrompt.status == PromptStatus.PENDING]
        if tenants_excluded:
            condition.append(CheckinPrompt.tenant_id.not_in(list(tenants_excluded)))
        result = self.session.execute(
            update(CheckinPrompt)
            .where(*condition)
            .values(
                status=PromptStatus.SENDING,
                claimed_by=worker,
                claimed_at=now,
                attempts=CheckinPrompt.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def renew_claims(self, worker: str, now: datetime) -> int:
        """The heartbeat of a live sender: its claims are taken again at ``now``."""
        result = self.session.execute(
            update(CheckinPrompt)
            .where(CheckinPrompt.claimed_by == worker, CheckinPrompt.status == PromptStatus.SENDING)
            .values(claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def stale_claims(self, now: datetime, lease: timedelta) -> Sequence[CheckinPrompt]:
        """Prompts claimed longer ago than ``lease`` and never marked sent: their sender died."""
        query = select(CheckinPrompt).where(
            CheckinPrompt.status == PromptStatus.SENDING,
            CheckinPrompt.claimed_at < now - lease,
            CheckinPrompt.closes_at > now,
        )
        return self.session.scalars(query).all()


def insert_new(
    session: Session, model: type[Any], rows: list[dict[str, Any]], unique: list[str]
) -> list[Any]:
    """Insert ``rows`` in one statement, skipping those whose ``unique`` columns another
    row (another process's) already holds; the ids of the rows inserted here."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    builder: Any = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        builder(model)
        .values(rows)
        .on_conflict_do_nothing(index_elements=unique)
        .returning(model.id)
    )
    return list(session.scalars(statement))
