"""A team's check-ins as the team view reads them: the recent ones, and what the older
ones still say — two queries, whatever the number of people or weeks.

The team view used to read every check-in each report ever had (a hundred a person after
two years). Its definitions (:mod:`bot.domain.team`, :func:`bot.domain.progress.streak`)
look at the last twelve cycles, except two that may look further back:

* the **streak** counts done check-ins back to the latest one that breaks it;
* **two missed in a row** looks at the latest two check-ins that count.

So the check-ins since ``since`` are read whole, and of the older ones — every one of
whose cycles is over: a check-in done counts, a skipped one or one Palier failed to
deliver changes nothing, any other was missed — only what those two definitions can
still reach: how many were done in a row just before ``since`` (the streak they
carry), and whether each of the latest two that count was done. The database works both
out per person, walking back on ``ix_checkin_prompts_person_closes`` from ``since`` (to
the latest check-in missed, for the streak), so the rows read grow with the team, not
with its history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.util import AliasedClass

from storage.models import CheckinPrompt, Person, PromptStatus

Prompts = type[CheckinPrompt] | AliasedClass[CheckinPrompt]  # the table, or another name for it

# Before ``since`` every cycle is over: these change nothing, DONE counts, the rest broke.
NEUTRAL = (PromptStatus.SKIPPED, PromptStatus.FAILED)
# Answered by the person: read whatever its slot — a week checked in (or skipped) ahead of
# it with "Check in now" counts at once, in the team view as on a manager's Home.
ANSWERED = (PromptStatus.DONE, PromptStatus.SKIPPED)


class Checkin(NamedTuple):  # immutable; thousands per team view, made fast
    """One check-in of a report, as the team view reads it."""

    cycle_key: str
    status: PromptStatus
    closes_at: datetime


@dataclass(frozen=True)
class Earlier:
    """What a person's check-ins before ``since`` still say."""

    done_in_a_row: int = 0  # done since the latest one that was missed: the streak carried
    finished: tuple[bool, ...] = ()  # whether each of the latest two that count was done,
    # oldest first (fewer when there were fewer)


@dataclass(frozen=True)
class TeamCheckins:
    recent: defaultdict[int, list[Checkin]]  # by person: since ``since``, oldest first
    earlier: dict[int, Earlier]  # by person: before ``since`` (absent: nothing before)


def team_checkins(
    session: Session, person_ids: Sequence[int], since: datetime, now: datetime
) -> TeamCheckins:
    """The check-ins of ``person_ids`` scheduled by ``now`` — or answered already, whatever
    their slot (:data:`ANSWERED`: Check in now) —: whole since ``since``, and what the
    older ones still say (two queries)."""
    recent: defaultdict[int, list[Checkin]] = defaultdict(list)
    if not person_ids:
        return TeamCheckins(recent, {})
    parameters = {"people": list(person_ids), "since": since, "now": now}
    connection = session.connection()  # plain rows: no ORM work on thousands of them
    for person_id, cycle_key, status, closes_at in connection.execute(_RECENT, parameters).all():
        recent[person_id].append(Checkin(cycle_key, status, closes_at))
    earlier = {}
    for person_id, done_in_a_row, latest, before_latest in connection.execute(
        _EARLIER, parameters
    ).all():
        finished = tuple(
            status == PromptStatus.DONE for status in (before_latest, latest) if status is not None
        )
        if done_in_a_row or finished:
            earlier[person_id] = Earlier(done_in_a_row or 0, finished)
    return TeamCheckins(recent, earlier)


# The two statements, built once, run with ``people`` (ids), ``since`` and ``now``.
# Written into the statement (integers): hundreds of placeholders cost the driver more.
_PEOPLE: BindParameter[int] = bindparam("people", expanding=True, literal_execute=True)
_SINCE: BindParameter[datetime] = bindparam("since", type_=CheckinPrompt.closes_at.type)
_NOW: BindParameter[datetime] = bindparam("now", type_=CheckinPrompt.scheduled_at.type)
_EVER = literal(datetime(1, 1, 1, tzinfo=UTC), CheckinPrompt.closes_at.type)  # before any check-in

_RECENT = (
    select(
        CheckinPrompt.person_id,
        CheckinPrompt.cycle_key,
        CheckinPrompt.status,
        CheckinPrompt.closes_at,
    )
    .where(
        CheckinPrompt.person_id.in_(_PEOPLE),
        CheckinPrompt.closes_at >= _SINCE,
        or_(CheckinPrompt.scheduled_at <= _NOW, CheckinPrompt.status.in_(ANSWERED)),
    )
    .order_by(CheckinPrompt.closes_at, CheckinPrompt.id)
)


def _before(prompt: Prompts) -> ColumnElement[bool]:
    """The person's check-ins scheduled by ``now`` whose cycle ended before ``since``."""
    return and_(
        prompt.person_id == Person.id, prompt.closes_at < _SINCE, prompt.scheduled_at <= _NOW
    )


def _latest_finished(skip: int) -> Select[PromptStatus]:
    """The status of the person's latest check-in before ``since`` that counts (the
    ``skip``-th before it)."""
    prompt = aliased(CheckinPrompt)
    return (
        select(prompt.status)
        .where(_before(prompt), prompt.status.not_in(NEUTRAL))
        .order_by(prompt.closes_at.desc(), prompt.id.desc())
        .offset(skip)
        .limit(1)
        .correlate(Person)
    )


def _earlier_statement() -> Select[int, int, PromptStatus | None, PromptStatus | None]:
    """Per person: the done check-ins in a row just before ``since``, and the status of the
    latest two that count — each a walk back along the person's check-ins on the index,
    from ``since`` to the latest one missed (not the whole history of the team)."""
    missed = aliased(CheckinPrompt)
    latest_missed = (
        select(missed.closes_at)
        .where(_before(missed), missed.status.not_in((*NEUTRAL, PromptStatus.DONE)))
        .order_by(missed.closes_at.desc())
        .limit(1)
        .correlate(Person)
        .scalar_subquery()
    )
    done = aliased(CheckinPrompt)
    in_a_row = (
        select(func.count())
        .where(
            _before(done),
            done.status == PromptStatus.DONE,
            done.closes_at > func.coalesce(latest_missed, _EVER),
        )
        .correlate(Person)
        .scalar_subquery()
    )
    return select(
        Person.id,
        in_a_row,
        _latest_finished(0).scalar_subquery(),
        _latest_finished(1).scalar_subquery(),
    ).where(Person.id.in_(_PEOPLE))


_EARLIER = _earlier_statement()
