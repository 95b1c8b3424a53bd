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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.domain.checkin_edit import editable
from storage.models import CheckinInbox, CheckinPrompt, Person, Platform, PromptStatus, Tenant

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
    done: bool = False  # the prompt's check-in is stored already: this one would edit it
    closes_at: datetime | None = None

    def edit_closed(self, now: datetime) -> bool:
        """Whether this submission would edit a check-in whose week is closed."""
        if not self.done or self.closes_at is None:
            return False
        return not editable(PromptStatus.DONE, self.closes_at, now)


_INBOX = cast(Table, CheckinInbox.__table__)
_TENANTS, _PEOPLE = cast(Table, Tenant.__table__), cast(Table, Person.__table__)
_PROMPTS = cast(Table, CheckinPrompt.__table__)
# Built once, on the tables (no ORM): the answer to a submission waits for these two.
# The people of several submissions at once, each with the prompts named among them.
_SENDERS = (
    select(
        _TENANTS.c.platform,
        _TENANTS.c.external_id,
        _PEOPLE.c.platform_user_id,
        _PEOPLE.c.tenant_id,
        _PEOPLE.c.id,
        _PEOPLE.c.locale,
        _PEOPLE.c.referentiel_id,
        _PROMPTS.c.id,
        _PROMPTS.c.competency_ids,
        _PROMPTS.c.status,
        _PROMPTS.c.closes_at,
    )
    .select_from(_TENANTS)
    .join(_PEOPLE, _PEOPLE.c.tenant_id == _TENANTS.c.id)
    .outerjoin(
        _PROMPTS,
        and_(
            _PROMPTS.c.id.in_(bindparam("prompt_ids", expanding=True)),
            _PROMPTS.c.person_id == _PEOPLE.c.id,
            _PROMPTS.c.tenant_id == _PEOPLE.c.tenant_id,
        ),
    )
    .where(
        tuple_(_TENANTS.c.platform, _TENANTS.c.external_id, _PEOPLE.c.platform_user_id).in_(
            bindparam("who", expanding=True)
        )
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

Asked = tuple[Platform, str, str, int]  # platform, workspace, user, the prompt's id


def senders(session: Session, asked: Sequence[Asked]) -> list[Sender | None]:
    """For each (platform, workspace, user, prompt id): the person in their own workspace
    and that prompt if it is theirs, all in one read; None for someone Palier does not
    know."""
    who = sorted({(platform, workspace, user) for platform, workspace, user, _ in asked})
    params = {"who": who, "prompt_ids": sorted({prompt_id for *_, prompt_id in asked})}
    people: dict[tuple[str, str, str], Sender] = {}
    prompts: dict[tuple[str, str, str, int], dict[str, Any]] = {}
    for row in session.connection().execute(_SENDERS, params):
        platform, workspace, user, tenant_id, person_id, locale, referentiel_id = row[:7]
        found, competencies, status, closes_at = row[7:]
        person = (str(platform), workspace, user)
        people[person] = Sender(tenant_id, person_id, locale, referentiel_id, None, ())
        if found is not None:
            prompts[(*person, found)] = {
                "prompt_id": found,
                "competency_ids": tuple(competencies or ()),
                "done": status == PromptStatus.DONE,
                "closes_at": closes_at,
            }
    answers: list[Sender | None] = []
    for platform, workspace, user, prompt_id in asked:
        person = (str(platform), workspace, user)
        base = people.get(person)
        found_prompt = prompts.get((*person, prompt_id))
        answers.append(replace(base, **found_prompt) if base and found_prompt else base)
    return answers


def row(
    who: Sender, key: str, answers: dict[str, Any], clicked: str | None, now: datetime
) -> dict[str, Any]:
    """The inbox row of a submission (leased to the process that received it)."""
    assert who.prompt_id is not None  # only a prompt of theirs is received
    return {
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


def put(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Keep the submissions (one insert); a second delivery of one (same key) adds nothing."""
    if rows:
        connection = session.connection()
        connection.execute(_PUT[connection.dialect.name], list(rows))


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
