"""Administration inside the chat: enrol, remove, the workspace schedule, status.

Who is an admin: a user id listed in ``PALIER_ADMIN_USER_IDS``, a workspace
admin or owner (as the platform says), or a person Palier knows with the admin
role. Every operation is scoped to the admin's own tenant.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.people import NOT_INSTALLED, Profile, find_person, upsert_person, welcome_due
from bot.domain.privacy import ERASED
from referentiels.loader import ReferentielCatalog
from storage.models import CheckinPrompt, Person, PromptStatus, Role, Tenant

REMOVED = "removed"  # inactive_reason when an admin removed the person
RECENT_ERRORS = timedelta(days=7)
LATE_SHOWN = 10  # late people named in the status, the others counted
# A check-in asked this week: out and waiting, or answered.
ASKED = (PromptStatus.SENT, PromptStatus.DONE, PromptStatus.SKIPPED)


class AdminRefusal(enum.StrEnum):
    """Why an admin operation was not carried out; each has a catalog message."""

    UNKNOWN_USER = "unknown_user"
    DEACTIVATED = "deactivated"
    BOT = "bot"
    UNKNOWN_REFERENTIEL = "unknown_referentiel"
    OWN_MANAGER = "own_manager"
    NOT_ENROLLED = "not_enrolled"
    ERASED = "erased"


def is_admin(profile: Profile | None, person: Person | None, admin_ids: Collection[str]) -> bool:
    """Whether the actor may administer Palier in their workspace."""
    if profile is not None and (profile.user_id in admin_ids or profile.is_admin):
        return not profile.deleted
    return person is not None and person.role is Role.ADMIN and person.active


@dataclass(frozen=True)
class Enrolment:
    person: Person
    created: bool
    # The référentiel Palier followed them on already, when it did (not removed, not
    # deactivated): enrolling them again welcomes nobody and the answer says so.
    previous_referentiel: str | None = None


@dataclass(frozen=True)
class FailedPrompt:
    person_name: str
    cycle_key: str
    reason: str


@dataclass(frozen=True)
class Participation:
    """This week's check-ins of a workspace (see :meth:`AdminService.participation`).

    ``by_referentiel``: (done, asked) by référentiel id; ``late``: the first
    :data:`LATE_SHOWN` late people's names, of ``late_count``."""

    asked: int
    done: int
    skipped: int
    by_referentiel: dict[str, tuple[int, int]]
    late: list[str]
    late_count: int
    reminder_hours: float  # how long after being asked someone is late


@dataclass(frozen=True)
class WorkspaceStatus:
    enrolled: int
    by_referentiel: dict[str, int]
    paused: int
    inactive: int
    checkin_weekday: int
    checkin_time: time
    recent_errors: list[FailedPrompt]
    # Set while the workspace's token fails and sending is paused (see bot.delivery.tick).
    delivery_paused_at: datetime | None = None
    delivery_error: str | None = None
    participation: Participation | None = None


class AdminService:
    def __init__(
        self,
        catalog: ReferentielCatalog,
        *,
        default_weekday: int = 3,
        default_time: time = time(16, 0),
        reminder_hours: float = 24,
    ) -> None:
        self.catalog = catalog
        self.default_weekday = default_weekday
        self.default_time = default_time
        self.reminder_hours = reminder_hours

    def enrol(
        self,
        session: Session,
        tenant: Tenant,
        profile: Profile,
        referentiel_id: str,
        manager: Profile | None = None,
    ) -> Enrolment | AdminRefusal:
        """Enrol (or re-enrol) someone on a référentiel, with their manager if given."""
        for someone in (profile, manager):
            if someone is None:
                continue
            if someone.deleted:
                return AdminRefusal.DEACTIVATED
            if someone.is_bot:
                return AdminRefusal.BOT
        if self.catalog.visible(referentiel_id, tenant.id) is None:
            return AdminRefusal.UNKNOWN_REFERENTIEL
        if manager is not None and manager.user_id == profile.user_id:
            return AdminRefusal.OWN_MANAGER
        for someone in (profile, manager):
            known = find_person(session, tenant.id, someone.user_id) if someone else None
            if known is not None and known.inactive_reason == ERASED:
                # Their erasure request stands: an admin cannot bring them back.
                return AdminRefusal.ERASED
        known = find_person(session, tenant.id, profile.user_id)
        previous = known.referentiel_id if known is not None and known.active else None
        person, created = upsert_person(session, tenant, profile)
        person.referentiel_id = referentiel_id
        welcome_due(person)
        if not person.active and person.inactive_reason == REMOVED:
            person.active, person.inactive_reason = True, None
        if manager is not None:
            boss, _ = upsert_person(session, tenant, manager)
            if boss.role is Role.MEMBER:
                boss.role = Role.MANAGER
            person.manager_id = boss.id
        session.flush()
        return Enrolment(person, created, previous)

    def remove(
        self, session: Session, tenant: Tenant, user_id: str, now: datetime
    ) -> Person | AdminRefusal:
        """Stop check-ins for someone; their data stays (erasure is a separate request)."""
        person = session.scalars(
            select(Person).where(Person.tenant_id == tenant.id, Person.platform_user_id == user_id)
        ).one_or_none()
        if person is None or person.referentiel_id is None:
            return AdminRefusal.NOT_ENROLLED
        person.active, person.inactive_reason = False, REMOVED
        # Prompts not yet answered will not be sent or counted as missed.
        session.execute(
            update(CheckinPrompt)
            .where(
                CheckinPrompt.person_id == person.id,
                CheckinPrompt.status.in_([PromptStatus.PENDING, PromptStatus.SENDING]),
            )
            .values(status=PromptStatus.SKIPPED, last_error=REMOVED, completed_at=now)
            .execution_options(synchronize_session=False)
        )
        session.flush()
        return person

    def set_schedule(self, session: Session, tenant: Tenant, weekday: int, at: time) -> int:
        """The workspace's check-in day and time; returns how many unsent prompts move."""
        tenant.checkin_weekday, tenant.checkin_time = weekday, at
        # Unsent prompts were planned at the old slot: the next tick plans them again.
        result = session.execute(
            delete(CheckinPrompt)
            .where(
                CheckinPrompt.tenant_id == tenant.id,
                CheckinPrompt.status == PromptStatus.PENDING,
            )
            .execution_options(synchronize_session=False)
        )
        session.flush()
        return int(getattr(result, "rowcount", 0) or 0)

    def without_conversation(self, session: Session, tenant: Tenant) -> list[Person]:
        """The people enrolled in ``tenant`` with no direct conversation stored, by name:
        the active ones, and those set inactive only because there was none to write in
        (:data:`~bot.domain.people.NOT_INSTALLED`, days of it) — still the admin's to fix."""
        return list(
            session.scalars(
                select(Person)
                .where(
                    Person.tenant_id == tenant.id,
                    Person.referentiel_id.is_not(None),
                    or_(Person.active.is_(True), Person.inactive_reason == NOT_INSTALLED),
                    Person.conversation_ref.is_(None),
                )
                .order_by(Person.display_name, Person.platform_user_id)
            )
        )

    def status(self, session: Session, tenant: Tenant, now: datetime) -> WorkspaceStatus:
        """Who is enrolled, on what, and what went wrong recently."""
        people = session.scalars(
            select(Person).where(Person.tenant_id == tenant.id, Person.referentiel_id.is_not(None))
        ).all()
        active = [p for p in people if p.active]
        local_today = now.date()
        paused = sum(1 for p in active if p.paused_until and p.paused_until >= local_today)
        failures = session.execute(
            select(Person.display_name, Person.platform_user_id, CheckinPrompt)
            .join(Person, Person.id == CheckinPrompt.person_id)
            .where(
                CheckinPrompt.tenant_id == tenant.id,
                CheckinPrompt.status == PromptStatus.FAILED,
                CheckinPrompt.scheduled_at >= now - RECENT_ERRORS,
            )
            .order_by(CheckinPrompt.scheduled_at.desc())
            .limit(10)
        ).all()
        return WorkspaceStatus(
            enrolled=len(active),
            by_referentiel=dict(Counter(p.referentiel_id or "" for p in active)),
            paused=paused,
            inactive=len(people) - len(active),
            checkin_weekday=(
                tenant.checkin_weekday
                if tenant.checkin_weekday is not None
                else self.default_weekday
            ),
            checkin_time=tenant.checkin_time or self.default_time,
            recent_errors=[
                FailedPrompt(name or user_id, prompt.cycle_key, prompt.last_error or "?")
                for name, user_id, prompt in failures
            ],
            delivery_paused_at=tenant.delivery_paused_at,
            delivery_error=tenant.delivery_error,
            participation=self.participation(session, tenant, now),
        )

    def participation(self, session: Session, tenant: Tenant, now: datetime) -> Participation:
        """This week's check-ins of the active people of ``tenant``, two queries whatever
        its size.

        *This week* is each person's own cycle, in their time zone: the check-ins whose
        cycle has not ended (``closes_at``). *Asked*: the prompt is out (waiting for an
        answer), or answered (done or skipped; a check-in done ahead of its slot from the
        Home counts). *Late*: asked at least ``PALIER_REMINDER_HOURS`` ago — when Palier
        sends its one reminder — and still not answered; once the week ends unanswered it
        is missed, no longer late.
        """
        late_since = now - timedelta(hours=self.reminder_hours)
        is_late = and_(
            CheckinPrompt.status == PromptStatus.SENT, CheckinPrompt.sent_at <= late_since
        )
        this_week = (
            CheckinPrompt.tenant_id == tenant.id,
            CheckinPrompt.closes_at > now,
            CheckinPrompt.status.in_(ASKED),
            Person.active.is_(True),
        )
        rows = session.execute(
            select(
                Person.referentiel_id,
                CheckinPrompt.status,
                func.count(),
                func.sum(case((is_late, 1), else_=0)),
            )
            .join(Person, Person.id == CheckinPrompt.person_id)
            .where(*this_week)
            .group_by(Person.referentiel_id, CheckinPrompt.status)
        ).all()
        by_referentiel: dict[str, tuple[int, int]] = {}
        counts: Counter[PromptStatus] = Counter()
        late_count = 0
        for referentiel_id, status, count, late in rows:
            done, asked = by_referentiel.get(referentiel_id or "", (0, 0))
            done += count if status is PromptStatus.DONE else 0
            by_referentiel[referentiel_id or ""] = (done, asked + count)
            counts[status] += count
            late_count += int(late or 0)
        late = session.execute(
            select(Person.display_name, Person.platform_user_id)
            .join(CheckinPrompt, CheckinPrompt.person_id == Person.id)
            .where(*this_week, is_late)
            .order_by(Person.display_name, Person.platform_user_id)
            .limit(LATE_SHOWN)
        ).all()
        return Participation(
            asked=sum(counts.values()),
            done=counts[PromptStatus.DONE],
            skipped=counts[PromptStatus.SKIPPED],
            by_referentiel=by_referentiel,
            late=[name or user_id for name, user_id in late],
            late_count=late_count,
            reminder_hours=self.reminder_hours,
        )
