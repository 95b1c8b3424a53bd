"""Who sees whose data: the one authorization policy, applied in the services.

* a member sees only their own data;
* a manager also sees their direct reports — and their reports' reports when
  the workspace allows it (``indirect``);
* an admin sees everyone in their own workspace;
* nothing ever crosses tenants.

Visibility follows the *current* reporting line: when someone changes manager,
their history stays whole and the new manager sees it from that day, while the
former manager no longer does. A refusal is reported exactly like an unknown
person, so a read never reveals whether someone is enrolled.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Person


class Scope(enum.StrEnum):
    SELF = "self"
    MANAGER = "manager"
    ADMIN = "admin"


@dataclass(frozen=True)
class Viewer:
    """Someone asking to read data: the person and what the platform says of them."""

    person: Person
    is_admin: bool = False
    indirect: bool = False  # the workspace lets managers see indirect reports


def reports_of(session: Session, manager: Person, indirect: bool) -> list[Person]:
    """The manager's reports (direct, or the whole tree below), in their tenant only."""
    found: list[Person] = []
    seen = {manager.id}
    frontier = [manager.id]
    while frontier:
        rows = session.scalars(
            select(Person)
            .where(Person.tenant_id == manager.tenant_id, Person.manager_id.in_(frontier))
            .order_by(Person.display_name, Person.id)
        ).all()
        frontier = []
        for person in rows:
            if person.id in seen:  # a cycle in the reporting lines must not loop forever
                continue
            seen.add(person.id)
            found.append(person)
            frontier.append(person.id)
        if not indirect:
            break
    return found


def scope_over(session: Session, viewer: Viewer, target: Person) -> Scope | None:
    """Why ``viewer`` may read ``target``'s data, or None when they may not."""
    me = viewer.person
    if target.tenant_id != me.tenant_id:
        return None
    if target.id == me.id:
        return Scope.SELF
    if viewer.is_admin:
        return Scope.ADMIN
    if target.manager_id == me.id:
        return Scope.MANAGER
    if viewer.indirect and any(p.id == target.id for p in reports_of(session, me, True)):
        return Scope.MANAGER
    return None


def visible_people(session: Session, viewer: Viewer) -> list[Person]:
    """Everyone whose data ``viewer`` may read, themself first."""
    me = viewer.person
    if viewer.is_admin:
        others = session.scalars(
            select(Person)
            .where(Person.tenant_id == me.tenant_id, Person.id != me.id)
            .order_by(Person.display_name, Person.id)
        ).all()
        return [me, *others]
    return [me, *reports_of(session, me, viewer.indirect)]
