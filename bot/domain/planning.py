"""Planning check-ins: one prompt row per enrolled person and cycle.

Run at every tick before sending, for the people whose planning is due
(``Person.plan_after``: unset, or past — the end of the cycle planned last; any change
to what planning reads clears it, see :mod:`storage.planning_marks`). For each, in
batches, it works out the current cycle's check-in in their time zone (workspace
default day and time, or their own override; skipped while paused), picks the week's
competencies (on a certification référentiel, leaning towards the criteria their
evidence leaves uncovered: :func:`choose_competencies`), and inserts the prompt unless
the (person, cycle) row exists; then marks them planned until that cycle ends. So an
idle tick reads only who is due, whatever the number of people, and no query grows with
it: a batch reads its last ratings in one query and, when it holds certification
candidates, their evidence in one more. The unique constraint makes concurrent
planners harmless: the loser's insert is rolled back alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from bot.domain import criteria_coverage
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
from storage.models import (
    PLAN_NEVER,
    CheckinPrompt,
    Evidence,
    Person,
    Rater,
    Rating,
    ReviewDigest,
    Tenant,
)
from storage.repositories import insert_new

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


BATCH = 500  # people planned per query
RETRY = timedelta(hours=1)  # a person whose planning failed is tried again after this


def _due(column: Any, now: datetime) -> Any:
    return column <= now  # PLAN_NOW (reset) is long past


def _last_rated(session: Session, person_ids: list[int]) -> dict[int, dict[str, datetime]]:
    """Each person's last self-rating per competency (the week's rotation), in one query."""
    rows = session.execute(
        select(Rating.person_id, Rating.competency_id, func.max(Rating.rated_at))
        .where(Rating.person_id.in_(person_ids), Rating.rater == Rater.SELF)
        .group_by(Rating.person_id, Rating.competency_id)
    ).all()
    last: dict[int, dict[str, datetime]] = {}
    for person_id, competency_id, rated_at in rows:
        last.setdefault(person_id, {})[competency_id] = rated_at
    return last


def _logged(
    session: Session, people: list[tuple[int, str]]
) -> dict[int, list[tuple[str, str | None]]]:
    """What the evidence of each (person, référentiel) shows, as (competency, criterion
    key or None) pairs, for the rotation towards the gaps: one query for them all."""
    rows = session.execute(
        select(Evidence.person_id, Evidence.competency_id, Evidence.criterion_key)
        .where(tuple_(Evidence.person_id, Evidence.referentiel_id).in_(people))
        .distinct()
    ).all()
    logged: dict[int, list[tuple[str, str | None]]] = {}
    for person_id, competency_id, criterion_key in rows:
        logged.setdefault(person_id, []).append((competency_id, criterion_key))
    return logged


def _on_certification(catalog: ReferentielCatalog, person: Person) -> bool:
    referentiel = catalog.get(person.referentiel_id or "")
    return referentiel is not None and referentiel.kind == "certification"


def choose_competencies(
    referentiel: Referentiel,
    policy: PlanningPolicy,
    last_rated: Mapping[str, datetime],
    logged: Iterable[tuple[str, str | None]],
    now: datetime,
) -> list[str]:
    """The week's rotation on ``referentiel``: the plain rotation on a skills matrix; on a
    certification, towards the criteria the person's evidence (``logged``) leaves
    uncovered (:func:`bot.domain.scheduling.select_competencies`)."""
    shares = None
    if referentiel.kind == "certification":
        shares = criteria_coverage.shares(criteria_coverage.coverage(referentiel, logged))
    return select_competencies(
        [c.id for c in referentiel.all_competencies()],
        last_rated,
        per_week=policy.per_week,
        rotate_above=policy.rotate_above,
        coverage=shares,
        now=now,
    )


def competencies_to_ask(
    session: Session,
    person: Person,
    referentiel: Referentiel,
    policy: PlanningPolicy,
    now: datetime,
) -> list[str]:
    """The competencies a new prompt of this person asks about (the week's rotation)."""
    last_rated = _last_rated(session, [person.id]).get(person.id, {})
    logged: list[tuple[str, str | None]] = []
    if referentiel.kind == "certification":
        logged = _logged(session, [(person.id, referentiel.id)]).get(person.id, [])
    return choose_competencies(referentiel, policy, last_rated, logged, now)


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
    """Create the missing prompts of the current cycles of the people due for planning;
    returns how many were created.

    One person's failure (``errors`` collects it) never stops the others' planning; they
    are tried again an hour later.
    """
    return _in_batches(
        session,
        Person.plan_after,
        now,
        lambda people: _plan_batch(session, catalog, now, policy, people, errors),
    )


def _in_batches(
    session: Session, mark: Any, now: datetime, plan: Callable[[list[Person]], int]
) -> int:
    """``plan`` the people whose ``mark`` is due, a batch at a time, each batch committed
    (no transaction as long as the company); the sum of what ``plan`` returns.

    Unordered: the index on the mark finds who is due; a planned batch is no longer due,
    so the next query finds the rest (``done`` guards against a batch left due).
    """
    total = 0
    done: set[int] = set()
    while True:
        people = [
            person
            for person in session.scalars(
                select(Person)
                .where(_due(mark, now))
                .limit(BATCH)
                .options(joinedload(Person.tenant))
            ).all()
            if person.id not in done
        ]
        if not people:
            return total
        done.update(person.id for person in people)
        total += plan(people)
        session.commit()


def _plan_batch(
    session: Session,
    catalog: ReferentielCatalog,
    now: datetime,
    policy: PlanningPolicy,
    people: list[Person],
    errors: list[str] | None,
) -> int:
    """The prompts of a batch of people due for planning, in a few statements: which
    exist, one insert of the missing ones, one update of the marks per cycle end."""
    wanted: dict[int, tuple[Person, str, datetime, datetime]] = {}
    marks: dict[int, datetime] = {}  # person id → plan again after
    for person in people:
        if not person.active or person.referentiel_id is None:
            marks[person.id] = PLAN_NEVER  # until enrolled again (storage.planning_marks)
            continue
        try:
            weekday, local_time = person_slot(person, policy)
            timezone = zone_of(person, policy.default_timezone)
            cycle, at = next_checkin(now, weekday, local_time, timezone, person.paused_until)
        except Exception as error:
            _failed(errors, "check-in", person, error)
            marks[person.id] = now + RETRY
            continue
        wanted[person.id] = (person, cycle.key, at, cycle.ends_at)
        marks[person.id] = cycle.ends_at
    existing: set[tuple[int, str]] = set()
    if wanted:
        pairs = [(person_id, entry[1]) for person_id, entry in wanted.items()]
        existing = {
            (person_id, key)
            for person_id, key in session.execute(
                select(CheckinPrompt.person_id, CheckinPrompt.cycle_key).where(
                    tuple_(CheckinPrompt.person_id, CheckinPrompt.cycle_key).in_(pairs)
                )
            ).all()
        }
    missing = [entry for entry in wanted.values() if (entry[0].id, entry[1]) not in existing]
    last_rated = _last_rated(session, [entry[0].id for entry in missing]) if missing else {}
    # The evidence of the whole batch's certification candidates, in one query.
    candidates = [
        (p.id, p.referentiel_id or "") for p, *_ in missing if _on_certification(catalog, p)
    ]
    logged = _logged(session, candidates) if candidates else {}
    rows = []
    for person, key, at, closes_at in missing:
        competencies = _competencies(catalog, policy, person, last_rated, logged, now, errors)
        if competencies is None:
            marks[person.id] = now + RETRY
            continue
        rows.append(
            {
                "tenant_id": person.tenant_id,
                "person_id": person.id,
                "cycle_key": key,
                "scheduled_at": at,
                "closes_at": closes_at,
                "competency_ids": competencies,
            }
        )
    # Another process may have planned some meanwhile: theirs stand, ours are skipped.
    created = len(insert_new(session, CheckinPrompt, rows, ["person_id", "cycle_key"]))
    _mark(session, "plan_after", marks)
    return created


def _competencies(
    catalog: ReferentielCatalog,
    policy: PlanningPolicy,
    person: Person,
    last_rated: dict[int, dict[str, datetime]],
    logged: dict[int, list[tuple[str, str | None]]],
    now: datetime,
    errors: list[str] | None,
) -> list[str] | None:
    """The week's competencies of a new prompt; None when there can be none (an unknown
    référentiel, a failure)."""
    referentiel = catalog.get(person.referentiel_id or "")
    if referentiel is None:
        log.warning("person %s is enrolled on an unknown référentiel", person.id)
        return None
    try:
        return choose_competencies(
            referentiel, policy, last_rated.get(person.id, {}), logged.get(person.id, []), now
        )
    except Exception as error:
        _failed(errors, "check-in", person, error)
        return None


def _mark(session: Session, column: str, marks: dict[int, datetime]) -> None:
    """Record when each person is to be planned again: one UPDATE per distinct instant
    (the people of a zone share their cycle's end)."""
    by_instant: dict[datetime, list[int]] = {}
    for person_id, instant in marks.items():
        by_instant.setdefault(instant, []).append(person_id)
    for instant, ids in by_instant.items():
        session.execute(
            update(Person)
            .where(Person.id.in_(ids))
            .values({column: instant})
            .execution_options(synchronize_session=False)
        )


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
        competency_ids=competencies_to_ask(session, person, referentiel, policy, now),
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
    day (``review_days_after``; never past the cycle's Sunday) at its check-in time.

    Only the people due for it (``Person.digest_plan_after`` past), in batches: a
    manager is marked planned until the cycle ends, anyone else until they have a
    report (:mod:`storage.planning_marks` clears the mark then)."""
    return _in_batches(
        session,
        Person.digest_plan_after,
        now,
        lambda managers: _plan_digests(session, now, policy, managers, errors),
    )


def _plan_digests(
    session: Session,
    now: datetime,
    policy: PlanningPolicy,
    managers: list[Person],
    errors: list[str] | None,
) -> int:
    wanted: list[tuple[Person, str, datetime, datetime]] = []
    marks: dict[int, datetime] = {}
    with_reports = set(
        session.scalars(
            select(Person.manager_id).where(
                Person.manager_id.in_([manager.id for manager in managers]),
                Person.active.is_(True),
                Person.referentiel_id.is_not(None),
            )
        )
    )
    for manager in managers:
        if not manager.active or manager.id not in with_reports:
            marks[manager.id] = PLAN_NEVER  # until they have a report (storage.planning_marks)
            continue
        weekday, local_time = workspace_slot(manager.tenant, policy)
        digest_day = min(weekday + policy.review_days_after, 6)
        timezone = zone_of(manager, policy.default_timezone)
        try:
            cycle = cycle_at(now, timezone)
            at = scheduled_at(cycle, digest_day, local_time, timezone)
        except Exception as error:
            _failed(errors, "review digest", manager, error)
            marks[manager.id] = now + RETRY
            continue
        wanted.append((manager, cycle.key, at, cycle.ends_at))
        marks[manager.id] = cycle.ends_at
    _mark(session, "digest_plan_after", marks)
    if not wanted:
        return 0
    existing = set(
        session.execute(
            select(ReviewDigest.manager_id, ReviewDigest.cycle_key).where(
                tuple_(ReviewDigest.manager_id, ReviewDigest.cycle_key).in_(
                    [(manager.id, key) for manager, key, _, _ in wanted]
                )
            )
        ).all()
    )
    created = 0
    for manager, key, at, closes_at in wanted:
        if (manager.id, key) in existing:
            continue
        try:
            with session.begin_nested():
                session.add(
                    ReviewDigest(
                        tenant_id=manager.tenant_id,
                        manager_id=manager.id,
                        cycle_key=key,
                        scheduled_at=at,
                        closes_at=closes_at,
                    )
                )
        except IntegrityError:
            continue  # another process planned it first
        created += 1
    return created
