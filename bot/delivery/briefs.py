"""The brief of a recurring 1:1, sent to the manager an hour before each meeting.

The claim is one conditional UPDATE moving the schedule's ``next_meeting_at`` to the
following occurrence before anything is sent (:func:`claim_brief`): of two processes
exactly one sees its row updated. A failed send gives it back while the meeting is
still ahead (:func:`release_brief`), so a later tick retries it; one that may have
gone out, or whose manager cannot be written to, is lost for this occurrence, never
sent twice. (Moved here from :mod:`bot.domain.one_on_one`, which composes the brief.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from bot.delivery.claims import Claimed, Failed
from bot.delivery.jobs import GivenBackJob
from bot.delivery.messenger import Recipient
from bot.delivery.views import ScheduledBrief
from bot.domain.access import Viewer
from bot.domain.one_on_one import BRIEF_LEAD
from bot.domain.one_on_one_access import manages
from bot.domain.one_on_one_brief import compose_brief
from bot.domain.one_on_one_views import Brief
from bot.domain.people import person_locale, zone_of
from bot.domain.recurrence import next_occurrence
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import OneOnOneSchedule, Person


@dataclass(frozen=True)
class BriefClaim:
    """A scheduled brief this process claimed and must send (built by :func:`claim_brief`)."""

    schedule_id: int
    meeting_at: datetime  # the occurrence this brief prepares
    advanced_to: datetime  # what next_meeting_at was moved to by the claim
    tenant_id: int
    workspace_id: str
    manager_user_id: str
    manager_locale: str | None
    manager_timezone: str
    brief: Brief
    manager_conversation: str | None = None  # their stored direct conversation, if any


def due_briefs(session: Session, now: datetime, lead: timedelta = BRIEF_LEAD) -> list[int]:
    """Ids of recurring 1:1s whose brief is due (or whose meeting passed unbriefed)."""
    return list(
        session.scalars(
            select(OneOnOneSchedule.id)
            .where(OneOnOneSchedule.next_meeting_at <= now + lead)
            .order_by(OneOnOneSchedule.next_meeting_at, OneOnOneSchedule.id)
        )
    )


def claim_brief(
    session: Session,
    catalog: ReferentielCatalog,
    schedule_id: int,
    now: datetime,
    *,
    default_timezone: str = "Europe/Paris",
    lead: timedelta = BRIEF_LEAD,
) -> BriefClaim | None:
    """Claim one due brief; the brief to send, or None when there is nothing to send.

    A meeting that already began (the ticks were stopped) is passed over, unbriefed. A
    recurring 1:1 whose manager no longer manages the report is deleted; one with an
    inactive or unenrolled person sends nothing.
    """
    row = session.get(OneOnOneSchedule, schedule_id)
    if row is None:
        return None
    meeting_at = row.next_meeting_at
    if meeting_at > now + lead:
        return None  # another process claimed it already
    # Both people in one query, with their workspace (the brief names it).
    pair = {
        person.id: person
        for person in session.scalars(
            select(Person)
            .where(Person.id.in_((row.manager_id, row.report_id)))
            .options(joinedload(Person.tenant))
        )
    }
    manager, report = pair[row.manager_id], pair[row.report_id]
    zone = zone_of(manager, default_timezone)
    advanced_to = next_occurrence(row.weekday, row.local_time, zone, max(meeting_at, now))
    claimed = session.execute(
        update(OneOnOneSchedule)
        .where(OneOnOneSchedule.id == schedule_id, OneOnOneSchedule.next_meeting_at == meeting_at)
        .values(next_meeting_at=advanced_to, last_brief_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1 or meeting_at <= now:
        return None
    if not manages(session, Viewer(manager), report):
        session.execute(delete(OneOnOneSchedule).where(OneOnOneSchedule.id == schedule_id))
        return None
    referentiel = catalog.get(report.referentiel_id or "")
    if not manager.active or not report.active or referentiel is None:
        return None
    tenant = manager.tenant
    brief = compose_brief(
        session,
        report,
        referentiel,
        now,
        viewer=manager,
        own=False,
        can_act=True,
        default_timezone=default_timezone,
    )
    return BriefClaim(
        schedule_id=schedule_id,
        meeting_at=meeting_at,
        advanced_to=advanced_to,
        tenant_id=tenant.id,
        workspace_id=tenant.external_id,
        manager_user_id=manager.platform_user_id,
        manager_locale=manager.locale,
        manager_timezone=zone,
        brief=brief,
        manager_conversation=manager.conversation_ref,
    )


def release_brief(session: Session, claim: BriefClaim, now: datetime) -> bool:
    """Give a claimed brief back after a failed send, so a later tick retries it.

    Only while its meeting is still ahead and nobody changed the schedule since.
    """
    if claim.meeting_at <= now:
        return False
    result = session.execute(
        update(OneOnOneSchedule)
        .where(
            OneOnOneSchedule.id == claim.schedule_id,
            OneOnOneSchedule.next_meeting_at == claim.advanced_to,
        )
        .values(next_meeting_at=claim.meeting_at)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


class BriefJob(GivenBackJob):
    """The scheduled briefs' part in :class:`bot.delivery.claims.Sender` (``kind`` "1:1 brief").

    A brief that stays claimed (:func:`bot.delivery.jobs.stays_claimed`) is this
    occurrence's, lost (it may have gone out); the next occurrence may work."""

    kind = "1:1 brief"

    def setup(self) -> None:
        self.claims: dict[int, BriefClaim] = {}  # to give a failed one back

    def due(self, now: datetime) -> list[int]:
        with session_scope(self.sessions) as session:
            return due_briefs(session, now)

    def claim(self, schedule_id: int, now: datetime) -> Claimed | None:
        zone = self.policy.planning.default_timezone
        with session_scope(self.sessions) as session:
            claim = claim_brief(session, self.catalog, schedule_id, now, default_timezone=zone)
        if claim is None:
            return None
        if claim.tenant_id in self.workspaces.excluded:
            self._release(claim, now)
            return None
        self.claims[schedule_id] = claim
        recipient = Recipient(
            workspace_id=claim.workspace_id,
            user_id=claim.manager_user_id,
            locale=person_locale(claim.manager_locale, self.policy.default_locale),
            timezone=claim.manager_timezone,
            conversation=claim.manager_conversation,
        )
        view = ScheduledBrief(claim.brief, recipient.timezone, claim.meeting_at)
        return Claimed(schedule_id, claim.tenant_id, recipient, view)

    def sent(self, claimed: Claimed, ref: str, now: datetime) -> None:
        self.report.briefs += 1

    def give_back(self, claimed: Claimed, failed: Failed, now: datetime) -> None:
        self._release(self.claims[claimed.item_id], now)

    def _release(self, claim: BriefClaim, now: datetime) -> None:
        with session_scope(self.sessions) as session:
            release_brief(session, claim, now)
