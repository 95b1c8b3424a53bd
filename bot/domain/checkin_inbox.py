"""The check-in inbox: a submission acknowledged first, stored right after.

Slack closes a modal on the answer to its submission, and that answer must come back
fast however many people submit at once (issue #13). So the answer waits only for what
must be in it — the problems to show beside their fields, which need the person, their
prompt and the référentiel in memory — and for one row here (:func:`put`): one read,
one insert. A worker then stores the check-in from the row in its own transaction
(:func:`take` deletes it there: whoever takes it stores it, and the submission's
idempotency key stores it once whatever happens). A row carries a lease: the process
that received it owns it until then; past it (that process died after answering), any
tick takes it up (:func:`left_behind`). Nothing here knows about Slack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import CheckinInbox, CheckinPrompt, Person, Platform, Tenant

# How long the process that received a check-in has to store it before a tick may take
# it up (its worker queue may be long under load: a worker finding it gone does nothing).
LEASE = timedelta(minutes=2)
# After this many tries (each a lease), a check-in that still fails is given back to
# the person (their answers, in their DM) instead of being tried again.
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Sender:
    """The person submitting and their prompt, as the inline checks need them."""

    tenant_id: int
    person_id: int
    locale: str | None
    referentiel_id: str | None
    prompt_id: int | None  # None: no such prompt of theirs
    competency_ids: tuple[str, ...]


_INBOX = cast(Table, CheckinInbox.__table__)
_TENANTS, _PEOPLE = cast(Table, Tenant.__table__), cast(Table, Person.__table__)
_PROMPTS = cast(Table, CheckinPrompt.__table__)
# Built once, on the tables (no ORM): the answer to a submission waits for these two.
_SENDER = (
    select(
        _PEOPLE.c.tenant_id,
        _PEOPLE.c.id,
        _PEOPLE.c.locale,
        _PEOPLE.c.referentiel_id,
        _PROMPTS.c.id,
        _PROMPTS.c.competency_ids,
    )
    .select_from(_TENANTS)
    .join(_PEOPLE, _PEOPLE.c.tenant_id == _TENANTS.c.id)
    .outerjoin(
        _PROMPTS,
        and_(
            _PROMPTS.c.id == bindparam("prompt_id"),
            _PROMPTS.c.person_id == _PEOPLE.c.id,
            _PROMPTS.c.tenant_id == _PEOPLE.c.tenant_id,
        ),
    )
    .where(
        _TENANTS.c.platform == bindparam("platform"),
        _TENANTS.c.external_id == bindparam("workspace_id"),
        _PEOPLE.c.platform_user_id == bindparam("user_id"),
    )
)
_PUT = {
    "postgresql": postgresql_insert(_INBOX).on_conflict_do_nothing(
        index_elements=["tenant_id", "idempotency_key"]
    ),
    "sqlite": sqlite_insert(_INBOX).on_conflict_do_nothing(
        index_elements=["tenant_id", "idempotency_key"]
    ),
}


def sender(
    session: Session, platform: Platform, workspace_id: str, user_id: str, prompt_id: int
) -> Sender | None:
    """The person (in their own workspace) and their prompt ``prompt_id``, in one read;
    None when Palier does not know them."""
    params = {
        "prompt_id": prompt_id,
        "platform": platform,
        "workspace_id": workspace_id,
        "user_id": user_id,
    }
    row = session.connection().execute(_SENDER, params).one_or_none()
    if row is None:
        return None
    tenant_id, person_id, locale, referentiel_id, found, competencies = row
    return Sender(tenant_id, person_id, locale, referentiel_id, found, tuple(competencies or ()))


def put(
    session: Session,
    who: Sender,
    key: str,
    answers: dict[str, Any],
    clicked: str | None,
    now: datetime,
) -> None:
    """Keep the submission (one insert); a second delivery of it (same key) adds nothing."""
    assert who.prompt_id is not None  # only a prompt of theirs is received
    row = {
        "tenant_id": who.tenant_id,
        "person_id": who.person_id,
        "prompt_id": who.prompt_id,
        "idempotency_key": key,
        "answers": answers,
        "clicked": clicked,
        "received_at": now,
        "lease_until": now + LEASE,
        "attempts": 1,
        "problem": None,
    }
    connection = session.connection()
    connection.execute(_PUT[connection.dialect.name], row)


@dataclass(frozen=True)
class Received:
    """A check-in taken from the inbox, to store."""

    prompt_id: int
    key: str
    answers: dict[str, Any]
    clicked: str | None
    received_at: datetime
    attempts: int


def take(session: Session, tenant_id: int, key: str) -> Received | None:
    """The check-in kept under ``key``, removed from the inbox in the caller's transaction;
    None when another worker or tick took it (or it was given back to the person).

    One DELETE: on PostgreSQL a second taker waits for the first to commit and then
    finds nothing; the first's transaction stores the check-in or rolls the row back.
    """
    row = session.execute(
        delete(CheckinInbox)
        .where(
            CheckinInbox.tenant_id == tenant_id,
            CheckinInbox.idempotency_key == key,
            CheckinInbox.problem.is_(None),
        )
        .returning(
            CheckinInbox.prompt_id,
            CheckinInbox.answers,
            CheckinInbox.clicked,
            CheckinInbox.received_at,
            CheckinInbox.attempts,
        )
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is None:
        return None
    prompt_id, answers, clicked, received_at, attempts = row
    return Received(prompt_id, key, dict(answers), clicked, received_at, attempts)


def keep_unstored(
    session: Session,
    tenant_id: int,
    person_id: int,
    received: Received,
    problem: str,
    now: datetime,
) -> None:
    """Keep a check-in that could not be stored, with why (never taken up again): the
    person is told, with their answers, and nothing they submitted is dropped."""
    session.add(
        CheckinInbox(
            tenant_id=tenant_id,
            person_id=person_id,
            prompt_id=received.prompt_id,
            idempotency_key=received.key,
            answers=received.answers,
            clicked=received.clicked,
            received_at=received.received_at,
            lease_until=now,
            attempts=received.attempts,
            problem=problem,
        )
    )


@dataclass(frozen=True)
class LeftBehind:
    """A check-in whose receiving process did not store it in time: who sent it, its key."""

    workspace_id: str
    user_id: str
    key: str


def left_behind(
    session: Session, platform: Platform, now: datetime, limit: int = 100
) -> Sequence[LeftBehind]:
    """Check-ins of ``platform`` whose lease ran out, each leased again to the caller
    (one conditional UPDATE each: two ticks at once take each one once)."""
    rows = session.execute(
        select(
            CheckinInbox.id,
            Tenant.external_id,
            Person.platform_user_id,
            CheckinInbox.idempotency_key,
        )
        .join(Tenant, Tenant.id == CheckinInbox.tenant_id)
        .join(Person, Person.id == CheckinInbox.person_id)
        .where(
            Tenant.platform == platform,
            CheckinInbox.lease_until <= now,
            CheckinInbox.problem.is_(None),
        )
        .order_by(CheckinInbox.lease_until)
        .limit(limit)
    ).all()
    taken: list[LeftBehind] = []
    for row_id, workspace_id, user_id, key in rows:
        claimed = session.execute(
            update(CheckinInbox)
            .where(CheckinInbox.id == row_id, CheckinInbox.lease_until <= now)
            .values(lease_until=now + LEASE, attempts=CheckinInbox.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) == 1:
            taken.append(LeftBehind(workspace_id, user_id, key))
    return taken
