"""Who sees whose data: the one authorization policy, applied in the services.

* a member sees only their own data;
* a manager also sees their direct reports — and their reports' reports when
  the workspace allows it (``indirect``);
* an admin sees everyone in their own workspace — whether Palier follows the
  admin or not: being an admin comes from the platform (workspace admins and
  owners, or ``PALIER_ADMIN_USER_IDS``), not from enrolment, so
  :func:`viewer_for` makes a viewer of a non-enrolled admin too;
* nothing ever crosses tenants.

* a VAE livret de preuves — a document made to be handed over — goes to the person,
  and to their *direct* manager only through the person's consent
  (:func:`livret_recipient`): asked for by the manager or offered by the person, it is
  sent once the person says so, and only if that manager is still theirs then. Nobody
  else receives it (an admin, a manager further up), and never in a channel.

Visibility follows the *current* reporting line: when someone changes manager,
their history stays whole and the new manager sees it from that day, while the
former manager no longer does. A refusal is reported exactly like an unknown
person, so a read never reveals whether someone is enrolled.

The rule itself is one pure function, :func:`grants`: what a viewer standing in a
:class:`Relation` to a person may see. :func:`scope_over` works out the relation from
the database and asks it; :func:`readers` asks it the other way round — who may read a
person's data — so that what Palier *tells* people about who sees their data (help, Home,
evidence form, welcome …) is worked out from the very rule it enforces.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import CTE, func, literal, select
from sqlalchemy.orm import Session

from storage.models import Person, Platform, Tenant


class Scope(enum.StrEnum):
    SELF = "self"
    MANAGER = "manager"
    ADMIN = "admin"


class Relation(enum.StrEnum):
    """Where a viewer stands towards the person whose data they ask for."""

    SELF = "self"
    MANAGER = "manager"  # the person's manager
    MANAGER_ABOVE = "manager_above"  # a manager further up the person's reporting line
    COLLEAGUE = "colleague"  # anyone else of the same workspace
    ELSEWHERE = "elsewhere"  # someone of another workspace


def grants(relation: Relation, *, is_admin: bool, indirect: bool) -> Scope | None:
    """The policy: why a viewer in ``relation`` to a person may read their data (None:
    they may not). ``is_admin``: the platform calls the viewer an admin; ``indirect``:
    the workspace lets managers see their reports' reports."""
    if relation is Relation.ELSEWHERE:
        return None
    if relation is Relation.SELF:
        return Scope.SELF
    if is_admin:
        return Scope.ADMIN
    if relation is Relation.MANAGER:
        return Scope.MANAGER
    if relation is Relation.MANAGER_ABOVE and indirect:
        return Scope.MANAGER
    return None


class Rule(Protocol):
    """A policy such as :func:`grants` (tests give :func:`readers` others)."""

    def __call__(self, relation: Relation, *, is_admin: bool, indirect: bool) -> Scope | None: ...


class Reader(enum.StrEnum):
    """Someone who may read a person's data, as Palier names them to that person."""

    SELF = "self"
    MANAGER = "manager"
    MANAGERS_ABOVE = "managers_above"
    ADMINS = "admins"


_LINE = (
    (Relation.SELF, Reader.SELF),
    (Relation.MANAGER, Reader.MANAGER),
    (Relation.MANAGER_ABOVE, Reader.MANAGERS_ABOVE),
)


def readers(*, indirect: bool, has_manager: bool, rule: Rule = grants) -> tuple[Reader, ...]:
    """Who may read the data (ratings, evidence, check-ins, 1:1 topics) of a person, in
    the order they are named: ``rule`` asked about each kind of viewer. ``has_manager``:
    the person has a manager now (without one, nobody stands above them either).

    A rule that let colleagues who are not admins, or another workspace, read would
    have no words here: it is refused (ValueError) rather than worded wrongly."""
    found = [
        reader
        for relation, reader in _LINE
        if (has_manager or relation is Relation.SELF)
        and rule(relation, is_admin=False, indirect=indirect) is not None
    ]
    if rule(Relation.COLLEAGUE, is_admin=True, indirect=indirect) is not None:
        found.append(Reader.ADMINS)
    beyond = [
        rule(Relation.COLLEAGUE, is_admin=False, indirect=indirect),
        rule(Relation.ELSEWHERE, is_admin=False, indirect=indirect),
        rule(Relation.ELSEWHERE, is_admin=True, indirect=indirect),
    ]
    if any(scope is not None for scope in beyond):
        raise ValueError("the policy lets others than the person's line and admins read")
    return tuple(found)


def readers_of(person: Person | None, indirect: bool) -> tuple[Reader, ...]:
    """:func:`readers` for ``person`` as they stand now (someone Palier does not follow
    yet: as for someone with a manager, the usual case once enrolled)."""
    has_manager = person is None or person.manager_id is not None
    return readers(indirect=indirect, has_manager=has_manager)


@dataclass(frozen=True)
class Viewer:
    """Someone asking to read data: the person and what the platform says of them.

    ``person`` is None only for a workspace admin Palier does not follow; such a
    viewer then names their workspace in ``tenant_id`` (see :func:`viewer_for`).
    """

    person: Person | None
    is_admin: bool = False
    indirect: bool = False  # the workspace lets managers see indirect reports
    tenant_id: int | None = None  # only for an admin who is not enrolled

    def __post_init__(self) -> None:
        if self.person is None and not (self.is_admin and self.tenant_id is not None):
            raise ValueError("a viewer Palier does not follow must be an admin of a workspace")

    @property
    def tenant(self) -> int:
        """The viewer's workspace: the only one whose data they may ever read."""
        if self.person is not None:
            return self.person.tenant_id
        assert self.tenant_id is not None  # __post_init__
        return self.tenant_id


def viewer_for(
    session: Session,
    platform: Platform,
    team_id: str,
    user_id: str,
    *,
    is_admin: bool,
    indirect: bool = False,
) -> Viewer | None:
    """The viewer for someone asking in chat, or None when there is nothing they may see.

    An enrolled person is a viewer; so is a workspace admin whom Palier does not
    follow (an admin is an admin whether enrolled or not). Anyone else unknown to
    Palier sees nothing. The workspace comes from the platform's team id, so nothing
    crosses tenants.
    """
    tenant = session.scalars(
        select(Tenant).where(Tenant.platform == platform, Tenant.external_id == team_id)
    ).one_or_none()
    if tenant is None:
        return None
    person = session.scalars(
        select(Person).where(Person.tenant_id == tenant.id, Person.platform_user_id == user_id)
    ).one_or_none()
    if person is None and not is_admin:
        return None
    return Viewer(person, is_admin=is_admin, indirect=indirect, tenant_id=tenant.id)


MAX_DEPTH = 32  # reporting lines deeper than this are a loop, not an organisation


def _tree_below(manager: Person, indirect: bool) -> CTE:
    """Ids below ``manager`` with their depth, walked by the database in one statement
    (a recursive query), in the manager's tenant only. A cycle in the reporting lines
    stops at :data:`MAX_DEPTH`."""
    people = Person.__table__
    top = (
        select(people.c.id, literal(1).label("depth"))
        .where(people.c.tenant_id == manager.tenant_id, people.c.manager_id == manager.id)
        .cte("tree", recursive=True)
    )
    if not indirect:
        return top
    below = people.alias("below")
    return top.union_all(
        select(below.c.id, (top.c.depth + 1).label("depth")).where(
            below.c.tenant_id == manager.tenant_id,
            below.c.manager_id == top.c.id,
            top.c.depth < MAX_DEPTH,
        )
    )


def reports_of(session: Session, manager: Person, indirect: bool) -> list[Person]:
    """The manager's reports (direct, or the whole tree below), in their tenant only:
    nearest first, then by name."""
    tree = _tree_below(manager, indirect)
    nearest = (
        select(tree.c.id, func.min(tree.c.depth).label("depth"))
        .where(tree.c.id != manager.id)  # a cycle back to the manager
        .group_by(tree.c.id)
        .subquery()
    )
    rows = session.scalars(
        select(Person)
        .join(nearest, nearest.c.id == Person.id)
        .order_by(nearest.c.depth, Person.display_name, Person.id)
    ).all()
    return list(rows)


def scope_over(session: Session, viewer: Viewer, target: Person) -> Scope | None:
    """Why ``viewer`` may read ``target``'s data, or None when they may not (:func:`grants`)."""
    relation = relation_of(session, viewer, target)
    return grants(relation, is_admin=viewer.is_admin, indirect=viewer.indirect)


def relation_of(session: Session, viewer: Viewer, target: Person) -> Relation:
    """Where ``viewer`` stands towards ``target``. The reporting tree above the target's
    manager is read only when the policy's answer depends on it."""
    me = viewer.person
    if target.tenant_id != viewer.tenant:
        return Relation.ELSEWHERE
    if me is None:
        return Relation.COLLEAGUE
    if target.id == me.id:
        return Relation.SELF
    if target.manager_id == me.id:
        return Relation.MANAGER

    def scope(relation: Relation) -> Scope | None:
        return grants(relation, is_admin=viewer.is_admin, indirect=viewer.indirect)

    if scope(Relation.MANAGER_ABOVE) != scope(Relation.COLLEAGUE) and any(
        p.id == target.id for p in reports_of(session, me, True)
    ):
        return Relation.MANAGER_ABOVE
    return Relation.COLLEAGUE


def visible_people(session: Session, viewer: Viewer) -> list[Person]:
    """Everyone whose data ``viewer`` may read, themself first (when Palier follows them)."""
    me = viewer.person
    if viewer.is_admin:
        query = select(Person).where(Person.tenant_id == viewer.tenant)
        if me is not None:
            query = query.where(Person.id != me.id)
        others = session.scalars(query.order_by(Person.display_name, Person.id)).all()
        return [me, *others] if me is not None else list(others)
    assert me is not None  # Viewer.__post_init__: only an admin may be unknown to Palier
    return [me, *reports_of(session, me, viewer.indirect)]


def has_reports(session: Session, person: Person | None) -> bool:
    """Whether anyone reports to ``person`` directly: a manager, for what Palier offers
    them (the help lists the manager's commands to managers only)."""
    if person is None or person.id is None:
        return False
    found = session.scalar(
        select(Person.id)
        .where(Person.tenant_id == person.tenant_id, Person.manager_id == person.id)
        .limit(1)
    )
    return found is not None


def livret_recipient(relation: Relation, *, consented: bool) -> bool:
    """Whether someone in ``relation`` to a person may be sent the person's VAE livret
    de preuves: the person, and their direct manager when the person consented — not a
    manager further up, not an admin, whatever :func:`grants` lets them read."""
    return relation is Relation.SELF or (relation is Relation.MANAGER and consented)


def may_receive_livret(person: Person, recipient: Person, *, consented: bool) -> bool:
    """:func:`livret_recipient` for ``recipient`` as they stand towards ``person`` now
    (the current reporting line: a former manager gets nothing)."""
    if recipient.tenant_id != person.tenant_id:
        return False
    if recipient.id == person.id:
        relation = Relation.SELF
    elif person.manager_id is not None and person.manager_id == recipient.id:
        relation = Relation.MANAGER
    else:
        relation = Relation.COLLEAGUE
    return livret_recipient(relation, consented=consented)
