"""Planning check-ins: one prompt row per enrolled person and cycle.

Run at every tick before sending. For each active, enrolled person it works out
the current cycle's check-in in their time zone (workspace default day and time,
or their own override; skipped while paused), picks the week's competencies, and
inserts the prompt unless the (person, cycle) row exists. The unique constraint
makes concurrent planners harmless: the loser's insert is rolled back alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time
from typing import TypeVar

from sqlalchemy import func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from bot.domain.people import zone_of
from bot.domain.scheduling import (
    cycle_at,
    next_checkin,
    resolve_slot,
    scheduled_at,
    select_competencies,
)
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel
from storage.models import CheckinPrompt, Person, Rater, Rating, ReviewDigest, Tenant

log = logging.getLogger(__name__)
T = TypeVar("T")


def _first(value: T | None, default: T | None) -> T | None:
    return value if value is not None else default


@dataclass(frozen=True)
class PlanningPolicy:
    default_timezone: str = "Europe/Paris"
    per_week: int = 3
    rotate_above: int = 6
    # The operator's default slot (settings); a workspace's own setting wins over it.
    default_weekday: int | None = None
    default_time: time | None = None
    # The managers' weekly review comes this many days after the workspace's check-in day.
    review_days_after: int = 1


def workspace_slot(tenant: Tenant, policy: PlanningPolicy) -> tuple[int, time]:
    """The workspace's default slot: its own setting, else the operator's, else Palier's."""
    return resolve_slot(
        None,
        None,
        _first(tenant.checkin_weekday, policy.default_weekday),
        _first(tenant.checkin_time, policy.default_time),
    )


def person_slot(person: Person, policy: PlanningPolicy) -> tuple[int, time]:
    """The weekday and local time a person's check-in fires at; each part independently
    their own override, else the workspace's default (see :func:`workspace_slot`)."""
    return resolve_slot(
        person.checkin_weekday,
        person.checkin_time,
        _first(person.tenant.checkin_weekday, policy.default_weekday),
        _first(person.tenant.checkin_time, policy.default_time),
    )


def competencies_to_ask(
    session: Session, person: Person, referentiel: Referentiel, policy: PlanningPolicy
) -> list[str]:
    """The competencies a new prompt of this person asks about (the week's rotation)."""
    last_rated = dict(
        session.execute(
            select(Rating.competency_id, func.max(Rating.rated_at))
            .where(Rating.person_id == person.id, Rating.rater == Rater.SELF)
            .group_by(Rating.competency_id)
        ).all()
    )
    return select_competencies(
        [c.id for c in referentiel.all_competencies()],
        last_rated,
        per_week=policy.per_week,
        rotate_above=policy.rotate_above,
    )


def _failed(errors: list[str] | None, what: str, person: Person, error: Exception) -> None:
    """One person's planning failed: logged against them; the others are planned."""
    log.exception("planning %s of person %s failed", what, person.id)
    if errors is not None:
        errors.append(f"person {person.id}: {what}: {type(error).__name__}: {error}"[:255])


def plan_prompts(
    session: Session,
    catalog: ReferentielCatalog,
    now: datetime,
    policy: PlanningPolicy,
    errors: list[str] | None = None,
) -> int:
    """Create the missing prompts of the current cycles; returns how many were created.

    One person's failure (``errors`` collects it) never stops the others' planning.
    """
    people = session.scalars(
        select(Person)
        .where(Person.active.is_(True), Person.referentiel_id.is_not(None))
        .options(joinedload(Person.tenant))
    ).all()
    wanted: list[tuple[Person, str, datetime, datetime]] = []
    for person in people:
        try:
            weekday, local_time = person_slot(person, policy)
            timezone = zone_of(person, policy.default_timezone)
            cycle, at = next_checkin(now, weekday, local_time, timezone, person.paused_until)
        except Exception as error:
            _failed(errors, "check-in", person, error)
            continue
        wanted.append((person, cycle.key, at, cycle.ends_at))
    if not wanted:
        return 0
    existing = set(
        session.execute(
            select(CheckinPrompt.person_id, CheckinPrompt.cycle_key).where(
                tuple_(CheckinPrompt.person_id, CheckinPrompt.cycle_key).in_(
                    [(person.id, key) for person, key, _, _ in wanted]
                )
            )
        ).all()
    )
    created = 0
    for person, key, at, closes_at in wanted:
        if (person.id, key) in existing:
            continue
        referentiel = catalog.get(person.referentiel_id or "")
        if referentiel is None:
            log.warning("person %s is enrolled on an unknown référentiel", person.id)
            continue
        try:
            competencies = competencies_to_ask(session, person, referentiel, policy)
        except Exception as error:
            _failed(errors, "check-in", person, error)
            continue
        try:
            with session.begin_nested():
                session.add(
                    CheckinPrompt(
                        tenant_id=person.tenant_id,
                        person_id=person.id,
                        cycle_key=key,
                        scheduled_at=at,
                        closes_at=closes_at,
                        competency_ids=competencies,
                    )
                )
        except IntegrityError:
            continue  # another process planned it first
        created += 1
    return created


def ensure_current_prompt(
    session: Session,
    person: Person,
    referentiel: Referentiel,
    now: datetime,
    policy: PlanningPolicy,
) -> CheckinPrompt:
    """This cycle's prompt of the person, created if the planner has not made it yet.

    For a check-in the person asks for outside the schedule: it counts for the
    current cycle, so the weekly prompt of that cycle is the same row (once done,
    the tick never sends it). A created prompt is what the planner would have
    made — the week's rotation, scheduled at the person's slot — even while the
    person is paused (they asked); left unanswered, it is sent at its slot like
    any other, or held back by the tick if the pause still runs then.
    """
    timezone = zone_of(person, policy.default_timezone)
    cycle = cycle_at(now, timezone)
    query = select(CheckinPrompt).where(
        CheckinPrompt.person_id == person.id, CheckinPrompt.cycle_key == cycle.key
    )
    existing = session.scalars(query).one_or_none()
    if existing is not None:
        return existing
    weekday, local_time = person_slot(person, policy)
    prompt = CheckinPrompt(
        tenant_id=person.tenant_id,
        person_id=person.id,
        cycle_key=cycle.key,
        scheduled_at=scheduled_at(cycle, weekday, local_time, timezone),
        closes_at=cycle.ends_at,
        competency_ids=competencies_to_ask(session, person, referentiel, policy),
    )
    try:
        with session.begin_nested():
            session.add(prompt)
    except IntegrityError:  # a tick (or a second click) created it meanwhile
        return session.scalars(query).one()
    return prompt


def plan_review_digests(
    session: Session, now: datetime, policy: PlanningPolicy, errors: list[str] | None = None
) -> int:
    """One weekly review digest per manager with active, enrolled reports, for the
    current cycle in the manager's time zone, the day after the workspace's check-in
    day (``review_days_after``; never past the cycle's Sunday) at its check-in time."""
    managers = session.scalars(
        select(Person)
        .where(
            Person.active.is_(True),
            Person.id.in_(
                select(Person.manager_id).where(
                    Person.active.is_(True),
                    Person.referentiel_id.is_not(None),
                    Person.manager_id.is_not(None),
                )
            ),
        )
        .options(joinedload(Person.tenant))
    ).all()
    created = 0
    for manager in managers:
        weekday, local_time = workspace_slot(manager.tenant, policy)
        digest_day = min(weekday + policy.review_days_after, 6)
        timezone = zone_of(manager, policy.default_timezone)
        try:
            cycle = cycle_at(now, timezone)
            at = scheduled_at(cycle, digest_day, local_time, timezone)
        except Exception as error:
            _failed(errors, "review digest", manager, error)
            continue
        exists = session.scalar(
            select(ReviewDigest.id).where(
                ReviewDigest.manager_id == manager.id, ReviewDigest.cycle_key == cycle.key
            )
        )
        if exists is not None:
            continue
        try:
            with session.begin_nested():
                session.add(
                    ReviewDigest(
                        tenant_id=manager.tenant_id,
                        manager_id=manager.id,
                        cycle_key=cycle.key,
                        scheduled_at=at,
                        closes_at=cycle.ends_at,
                    )
                )
        except IntegrityError:
            continue  # another process planned it first
        created += 1
    return created
