"""Planning marks kept true: when what a person's planning depends on changes, the tick
plans them again.

The tick plans a person's check-in once per cycle (``Person.plan_after``: the end of the
cycle it planned) and a manager's weekly review likewise (``digest_plan_after``), so an
idle tick reads only who is due, whatever the number of people. A change to anything
planning reads — a person's zone, slot, pause, référentiel, activity or manager, or a
workspace's default slot — clears the marks it affects, in the same flush, wherever in
Palier the change is made: here, once, rather than in every flow that can make it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from storage.models import PLAN_NOW, Person, Tenant

# What a person's own planning reads.
PERSON_PLANNING = (
    "timezone",
    "paused_until",
    "checkin_weekday",
    "checkin_time",
    "referentiel_id",
    "active",
    "tenant_id",
)
# What makes someone a manager with reports (so gives them a weekly review).
REPORTING = ("manager_id", "active", "referentiel_id")
TENANT_SLOT = ("checkin_weekday", "checkin_time")


def _changed(target: Any, names: tuple[str, ...]) -> bool:
    state = inspect(target)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_flush")
def _clear_marks(session: Session, _context: Any, _instances: Any) -> None:
    managers: set[int] = set()
    tenants: set[int] = set()
    for target in list(session.new) + list(session.dirty):
        if isinstance(target, Person):
            if target in session.new or _changed(target, PERSON_PLANNING):
                target.plan_after = PLAN_NOW
                target.digest_plan_after = PLAN_NOW  # a manager's zone is their review's too
            if target in session.new or _changed(target, REPORTING):
                history = inspect(target).attrs["manager_id"].history
                managers.update(m for m in (*history.added, *history.deleted) if m)
                if target.manager_id:
                    managers.add(target.manager_id)
        elif (
            isinstance(target, Tenant)
            and target not in session.new
            and _changed(target, TENANT_SLOT)
        ):
            tenants.add(target.id)
    if managers:
        session.execute(
            update(Person)
            .where(Person.id.in_(managers))
            .values(digest_plan_after=PLAN_NOW)
            .execution_options(synchronize_session=False)
        )
    if tenants:
        session.execute(
            update(Person)
            .where(Person.tenant_id.in_(tenants))
            .values(plan_after=PLAN_NOW, digest_plan_after=PLAN_NOW)
            .execution_options(synchronize_session=False)
        )
