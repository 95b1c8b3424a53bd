"""Queries over Palier's tables. Repositories take the caller's session and never commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import CheckinPrompt, Person, PromptStatus, Tenant


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

    def due_tenants(self, now: datetime, excluded: Collection[int] = ()) -> Sequence[int]:
        """The workspaces (tenant ids) with prompts due now, but ``excluded`` (paused or
        served elsewhere): the tick sends each in its own lane."""
        query = (
            select(CheckinPrompt.tenant_id)
            .where(*self._due_now(now))
            .group_by(CheckinPrompt.tenant_id)
            .order_by(CheckinPrompt.tenant_id)
        )
        if excluded:
            query = query.where(CheckinPrompt.tenant_id.not_in(list(excluded)))
        return self.session.scalars(query).all()

    def claim_due(
        self,
        tenant_id: int,
        worker: str,
        now: datetime,
        limit: int,
        exclude: Collection[int] = (),
        claimed_at: datetime | None = None,
    ) -> list[int]:
        """Claim up to ``limit`` of the workspace's prompts due at ``now``: their ids,
        earliest scheduled first; two statements however many. ``claimed_at``: when the
        claim is taken (the lease runs from it; a tick can last), ``now`` by default.

        On PostgreSQL the candidates are locked ``FOR UPDATE SKIP LOCKED``: processes
        claiming at once each get different prompts, none waits for another's. On
        SQLite, writers are serialised and the status condition is enough. ``exclude``:
        prompts this tick tried and gave back (as many as failed, not as were sent): they
        wait for the next tick instead of looping.
        """
        candidates = (
            select(CheckinPrompt.id)
            .where(
                *self._due_now(now),
                CheckinPrompt.tenant_id == tenant_id,
            )
            .order_by(CheckinPrompt.scheduled_at, CheckinPrompt.id)
            .limit(limit)
        )
        if exclude:
            candidates = candidates.where(CheckinPrompt.id.not_in(list(exclude)))
        if self.session.get_bind().dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        # Two statements, not UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP
        # LOCKED): PostgreSQL may run such a subquery again for the rows it updates, and
        # it then claims more than ``limit`` (seen: a batch of 1 claimed 2).
        ids = list(self.session.scalars(candidates))
        if not ids:
            return []
        statement = (
            update(CheckinPrompt)
            .where(CheckinPrompt.id.in_(ids), CheckinPrompt.status == PromptStatus.PENDING)
            .values(
                status=PromptStatus.SENDING,
                claimed_by=worker,
                claimed_at=claimed_at or now,
                attempts=CheckinPrompt.attempts + 1,
            )
            .returning(CheckinPrompt.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(self.session.scalars(statement))

    def record_sent(self, sent: Sequence[tuple[int, str]], now: datetime) -> None:
        """Record each (prompt id, message reference) sent, in one statement: a prompt
        still being sent becomes sent; one answered meanwhile keeps its status."""
        table = cast(Table, CheckinPrompt.__table__)
        sending = table.c.status == PromptStatus.SENDING
        status_type = table.c.status.type
        statement = (
            update(table)
            .where(table.c.id == bindparam("prompt_id"))
            .values(
                message_ref=bindparam("ref"),
                status=case(
                    (sending, literal(PromptStatus.SENT, status_type)), else_=table.c.status
                ),
                sent_at=case((sending, literal(now, table.c.sent_at.type)), else_=table.c.sent_at),
                last_error=case((sending, None), else_=table.c.last_error),
            )
        )
        self.session.execute(statement, [{"prompt_id": i, "ref": ref} for i, ref in sent])

    def give_back(self, prompt_ids: Sequence[int], reason: str) -> None:
        """Hand claimed prompts back unsent, without using one of their attempts."""
        self.session.execute(
            update(CheckinPrompt)
            .where(
                CheckinPrompt.id.in_(list(prompt_ids)),
                CheckinPrompt.status == PromptStatus.SENDING,
            )
            .values(
                status=PromptStatus.PENDING,
                claimed_by=None,
                attempts=case((CheckinPrompt.attempts > 0, CheckinPrompt.attempts - 1), else_=0),
                last_error=reason[:255],
            )
            .execution_options(synchronize_session=False)
        )

    def reopen_unreached(self, person_id: int, now: datetime, reasons: Collection[str]) -> int:
        """The person's prompts of cycles still open that failed for one of ``reasons``
        (they could not be written to) go back to pending, their attempts anew; how many."""
        result = self.session.execute(
            update(CheckinPrompt)
            .where(
                CheckinPrompt.person_id == person_id,
                CheckinPrompt.status == PromptStatus.FAILED,
                CheckinPrompt.closes_at > now,
                CheckinPrompt.last_error.in_(list(reasons)),
            )
            .values(status=PromptStatus.PENDING, attempts=0, last_error=None, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    @staticmethod
    def _due_now(now: datetime) -> list[Any]:
        return [
            CheckinPrompt.status == PromptStatus.PENDING,
            CheckinPrompt.scheduled_at <= now,
            CheckinPrompt.closes_at > now,
        ]

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


class WorkspaceLeases:
    """Which process sends a workspace's prompts (its sending lease), and until when
    nobody sends to it (its hold: the platform's Retry-After). Each a conditional UPDATE
    of the tenant's row: of two processes taking one lease at once, exactly one sees its
    row updated (PostgreSQL makes the second wait, then re-reads the row)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def take(self, tenant_id: int, worker: str, now: datetime, until: datetime) -> bool:
        """Take (or keep) the workspace's lease until ``until``: True unless another
        worker holds it unexpired, a hold has not elapsed, or its sending is paused."""
        free = or_(
            Tenant.send_lease_owner.is_(None),
            Tenant.send_lease_owner == worker,
            Tenant.send_lease_until <= now,
        )
        result = self.session.execute(
            update(Tenant)
            .where(
                Tenant.id == tenant_id,
                free,
                or_(Tenant.send_hold_until.is_(None), Tenant.send_hold_until <= now),
                Tenant.delivery_paused_at.is_(None),
            )
            .values(send_lease_owner=worker, send_lease_until=until)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def renew(self, worker: str, until: datetime) -> int:
        """The heartbeat of a live sender: every lease it holds runs until ``until``."""
        result = self.session.execute(
            update(Tenant)
            .where(Tenant.send_lease_owner == worker)
            .values(send_lease_until=until)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def release(self, tenant_id: int, worker: str) -> None:
        """Give the lease up (only if ``worker`` still holds it)."""
        self.session.execute(
            update(Tenant)
            .where(Tenant.id == tenant_id, Tenant.send_lease_owner == worker)
            .values(send_lease_owner=None, send_lease_until=None)
            .execution_options(synchronize_session=False)
        )

    def hold(self, tenant_id: int, until: datetime) -> None:
        """Nothing is sent to the workspace before ``until`` (a later hold stays)."""
        self.session.execute(
            update(Tenant)
            .where(
                Tenant.id == tenant_id,
                or_(Tenant.send_hold_until.is_(None), Tenant.send_hold_until < until),
            )
            .values(send_hold_until=until)
            .execution_options(synchronize_session=False)
        )


class PeopleRepository:
    """Bulk changes to people that delivery makes (never one statement per person)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def reached(self, person_ids: Sequence[int], conversations: dict[int, str]) -> None:
        """A message reached these people: forget their unconfirmed delivery failures,
        and keep the direct conversation of those who had none stored."""
        if person_ids:
            self.session.execute(
                update(Person)
                .where(
                    Person.id.in_(list(person_ids)),
                    or_(Person.delivery_failures > 0, Person.delivery_failed_at.is_not(None)),
                )
                .values(delivery_failures=0, delivery_failed_at=None)
                .execution_options(synchronize_session=False)
            )
        if conversations:
            table = cast(Table, Person.__table__)
            self.session.execute(
                update(table)
                .where(table.c.id == bindparam("person_id"), table.c.conversation_ref.is_(None))
                .values(conversation_ref=bindparam("conversation")),
                [{"person_id": i, "conversation": c} for i, c in conversations.items()],
            )


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
