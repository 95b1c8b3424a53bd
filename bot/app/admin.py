"""Administering Palier in a workspace: remove someone, the workspace's check-in slot,
its status — for its administrators only.

Each operation is one unit of work opened with ``admin=True``, so the actor's rights
are resolved with the actor (one look-up in the platform's directory, Palier's own
admin role when it cannot answer) and anyone else is refused with :data:`NOT_ADMIN`,
the same refusal whatever the target, so that it says nothing about anyone.
Enrolling someone is an admin operation too, but it belongs with the other ways
people come in (:mod:`bot.app.enrolment`). The domain part is
:class:`bot.domain.admin.AdminService`; the views are what a front end needs to word the
answer (the people named by their platform user id, for it to mention them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.app.actor import Actor, ActorRef
from bot.app.outcome import Outcome
from bot.app.unit_of_work import UnitOfWork
from bot.domain.admin import AdminRefusal, AdminService, WorkspaceStatus
from bot.domain.people import Directory, Profile, ensure_tenant
from referentiels.loader import ReferentielCatalog
from storage.models import Person, Tenant

NOT_ADMIN = "not_admin"  # refusal: the actor does not administer Palier in this workspace


def workspace_of(session: Session, actor: Actor) -> Tenant:
    """The actor's workspace, created the first time it is seen.

    The unit of work found it already when Palier knows it; an admin Palier does not
    follow may be the first of a new workspace.
    """
    if actor.tenant is not None:
        return actor.tenant
    ref = actor.ref
    return ensure_tenant(session, ref.platform, ref.workspace_id)


def is_address(key: str) -> bool:
    """Whether a person is named by e-mail address rather than by platform user id (no
    platform's user ids hold an ``@``)."""
    return "@" in key


def find_someone(directory: Directory, key: str) -> Profile | None:
    """The person a command names: by e-mail address or by platform user id."""
    return directory.lookup_by_email(key) if is_address(key) else directory.profile(key)


def _user_id_by_address(session: Session, tenant: Tenant, address: str) -> str | None:
    """The user id of someone Palier knows in ``tenant`` by this e-mail address."""
    found = session.scalars(
        select(Person.platform_user_id).where(
            Person.tenant_id == tenant.id, func.lower(Person.email) == address.strip().lower()
        )
    ).first()
    return found


def title_of(catalog: ReferentielCatalog, referentiel_id: str) -> str:
    """A référentiel's title, or its id when the catalog no longer has it."""
    referentiel = catalog.get(referentiel_id)
    return referentiel.title if referentiel else referentiel_id


@dataclass(frozen=True)
class RemoveInput:
    """Whom to stop checking in with: their platform user id, or the e-mail address
    Palier knows them by (see :func:`is_address`)."""

    user_id: str


@dataclass(frozen=True)
class ScheduleInput:
    """The workspace's check-in day (0 = Monday) and local time."""

    weekday: int
    at: time


@dataclass(frozen=True)
class Removed:
    user_id: str
    name: str | None = field(default=None, compare=False)  # as Palier knows them


@dataclass(frozen=True)
class Unreachable:
    """Someone enrolled whom Palier cannot write to yet: no direct conversation stored
    (Teams: the app is not installed for them)."""

    user_id: str
    name: str | None


@dataclass(frozen=True)
class Scheduled:
    weekday: int
    at: time
    moved: int  # check-ins planned but not sent, that follow the new slot


@dataclass(frozen=True)
class StatusReport:
    """The workspace's status, with what the actor reads it by.

    ``titles`` names each référentiel of ``status.by_referentiel`` (its id when the
    catalog no longer has it); ``timezone`` is the actor's, for the moments shown.
    """

    status: WorkspaceStatus
    titles: dict[str, str]
    timezone: str
    # Asked for by a platform where Palier writes only in a conversation it was given.
    unreachable: list[Unreachable] = field(default_factory=list)


class AdminFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        admin: AdminService,
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.admin = admin

    def rights(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        """Refused unless the actor administers Palier: for a front end that could not
        read the command, so that only an admin is told how to write it."""
        with self.work.begin(ref, directory, admin=True) as (_session, actor):
            if not actor.is_admin:
                return Outcome.refused(actor.locale, NOT_ADMIN)
            return Outcome(actor.locale)

    def remove(
        self, ref: ActorRef, data: RemoveInput, directory: Directory | None = None
    ) -> Outcome[Removed]:
        """No more check-ins for someone of the actor's workspace; their data stays."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            if not actor.is_admin:
                return Outcome.refused(actor.locale, NOT_ADMIN)
            tenant = workspace_of(session, actor)
            user_id = data.user_id
            if is_address(user_id):
                user_id = _user_id_by_address(session, tenant, user_id) or user_id
            removed = self.admin.remove(session, tenant, user_id, self.clock())
            if isinstance(removed, AdminRefusal):
                return Outcome.refused(actor.locale, removed.value)
            return Outcome(actor.locale, Removed(user_id, removed.display_name))

    def schedule(
        self, ref: ActorRef, data: ScheduleInput, directory: Directory | None = None
    ) -> Outcome[Scheduled]:
        """The workspace's check-in day and time; unsent check-ins follow them."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            if not actor.is_admin:
                return Outcome.refused(actor.locale, NOT_ADMIN)
            tenant = workspace_of(session, actor)
            moved = self.admin.set_schedule(session, tenant, data.weekday, data.at)
            return Outcome(actor.locale, Scheduled(data.weekday, data.at, moved))

    def status(
        self,
        ref: ActorRef,
        directory: Directory | None = None,
        *,
        conversations_needed: bool = False,
    ) -> Outcome[StatusReport]:
        """Who is enrolled, on what, whether sending is paused, what failed recently, this
        week's participation and who is late (:meth:`AdminService.participation`); with
        ``conversations_needed`` (a platform where Palier writes only in a conversation it
        was given, Teams), who among the enrolled has none yet."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            if not actor.is_admin:
                return Outcome.refused(actor.locale, NOT_ADMIN)
            tenant = workspace_of(session, actor)
            status = self.admin.status(session, tenant, self.clock())
            week = status.participation.by_referentiel if status.participation else {}
            titles = {key: title_of(self.catalog, key) for key in (*status.by_referentiel, *week)}
            unreachable = []
            if conversations_needed:
                unreachable = [
                    Unreachable(person.platform_user_id, person.display_name)
                    for person in self.admin.without_conversation(session, tenant)
                ]
            report = StatusReport(status, titles, actor.timezone, unreachable)
            return Outcome(actor.locale, report)
