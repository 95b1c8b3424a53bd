"""The 1:1: who may see a brief and act on it, and what acting stores.

:class:`OneOnOneService` gives the :class:`~bot.domain.one_on_one_views.Brief` about one
person (composed by :mod:`bot.domain.one_on_one_brief`, its talking points by
:mod:`bot.domain.talking_points`), records that a 1:1 took place (the open topics it
covered are then *discussed*; topics raised afterwards carry over), stores the
manager's private notes, and sets recurring 1:1s (:mod:`bot.domain.recurrence`) whose
brief the tick claims and sends an hour before (:func:`bot.delivery.briefs.claim_brief`).

Who may see what is :mod:`bot.domain.access`'s policy: the person themself (their own
prep, never the manager's notes), their manager, an admin of the workspace (a
read-only brief). Acting — recording the 1:1, writing a note, a recurring 1:1 —
is for the person's manager only. Anyone else gets :attr:`OneOnOneRefusal.UNAVAILABLE`,
the very answer an unknown person gets, so a refusal never says whether someone
is enrolled.

A private note is shown to its author only. It is still personal data about the
report: :mod:`bot.domain.privacy` erases it with them and puts it in their own export.

The service takes the caller's session and the acting person, resolved once by the
application layer (:mod:`bot.app.one_on_one`); :meth:`OneOnOneService.brief` also
takes a platform identity, for callers that hold nothing else. Nothing here knows
about Slack.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.access import readers_of
from bot.domain.checkin import person_for
from bot.domain.one_on_one_access import OneOnOneRefusal, manages, may_act, may_act_on, may_see
from bot.domain.one_on_one_brief import WINDOW, compose_brief, schedule_between
from bot.domain.one_on_one_views import (
    Brief,
    EvidenceLine,
    NoteLine,
    PersonRef,
    Recorded,
    ScheduleInfo,
    TopicLine,
    person_ref,
)
from bot.domain.people import find_person, zone_of
from bot.domain.recurrence import next_occurrence
from bot.domain.submissions import MAX_TEXT
from bot.domain.talking_points import PointReason, TalkingPoint
from bot.domain.text import clean_text
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel
from storage.models import (
    OneOnOne,
    OneOnOneNote,
    OneOnOneSchedule,
    OneOnOneTopic,
    Person,
    Platform,
)

# What the 1:1's callers import from here, wherever it now lives.
__all__ = [
    "BRIEF_LEAD",
    "WINDOW",
    "Brief",
    "EvidenceLine",
    "NoteLine",
    "OneOnOneRefusal",
    "OneOnOneService",
    "PersonRef",
    "PointReason",
    "Recorded",
    "ScheduleInfo",
    "TalkingPoint",
    "TopicLine",
    "manages",
    "next_occurrence",
]

BRIEF_LEAD = timedelta(hours=1)  # a scheduled brief arrives this long before the 1:1


# -- the service ---------------------------------------------------------------------------


class OneOnOneService:
    """1:1 briefs, records, notes and schedules, for the person acting (``me``).

    ``me`` is None for someone Palier does not follow: nothing to see, nothing to do.
    ``is_admin`` is what the platform says of them; ``indirect`` whether managers see
    their reports' reports (the workspace's setting).
    """

    def __init__(
        self,
        catalog: ReferentielCatalog,
        *,
        default_timezone: str = "Europe/Paris",
        platform: Platform = Platform.SLACK,
        window: timedelta = WINDOW,
    ) -> None:
        self.catalog = catalog
        self.default_timezone = default_timezone
        self.platform = platform
        self.window = window

    # -- reading -------------------------------------------------------------------------------

    def brief(
        self,
        session: Session,
        team_id: str,
        user_id: str,
        target_user_id: str | None,
        now: datetime,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> Brief | OneOnOneRefusal:
        """:meth:`brief_for` by the asker's platform identity (their workspace and user id)."""
        me = person_for(session, self.platform, team_id, user_id)
        target = None if target_user_id == user_id else target_user_id
        return self.brief_for(session, me, target, now, is_admin=is_admin, indirect=indirect)

    def brief_for(
        self,
        session: Session,
        me: Person | None,
        target_user_id: str | None,
        now: datetime,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> Brief | OneOnOneRefusal:
        """The brief about ``target_user_id`` (None: the asker's own prep), or why not."""
        if target_user_id is None or (me is not None and target_user_id == me.platform_user_id):
            referentiel = self.catalog.get(me.referentiel_id or "") if me else None
            if me is None or referentiel is None:
                return OneOnOneRefusal.NOT_ENROLLED
            own = self._compose(session, me, referentiel, now, me, own=True, can_act=False)
            return replace(
                own, readers=readers_of(me, indirect), raises_topics=me.manager_id is not None
            )
        target = find_person(session, me.tenant_id, target_user_id) if me else None
        access = may_see(session, me, target, is_admin=is_admin, indirect=indirect)
        if isinstance(access, OneOnOneRefusal):
            return access
        referentiel = self.catalog.get(access.target.referentiel_id or "")
        if referentiel is None:
            return OneOnOneRefusal.TARGET_NOT_ENROLLED
        return self._compose(
            session, access.target, referentiel, now, access.me, own=False, can_act=access.manager
        )

    def _compose(
        self,
        session: Session,
        report: Person,
        referentiel: Referentiel,
        now: datetime,
        viewer: Person,
        *,
        own: bool,
        can_act: bool,
    ) -> Brief:
        return compose_brief(
            session,
            report,
            referentiel,
            now,
            viewer=viewer,
            own=own,
            can_act=can_act,
            default_timezone=self.default_timezone,
            window=self.window,
        )

    def report_for_note(
        self,
        session: Session,
        me: Person | None,
        report_id: int,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> PersonRef | OneOnOneRefusal:
        """Whom a note would be about, when the actor may write one (their manager)."""
        access = may_act(session, me, report_id, is_admin=is_admin, indirect=indirect)
        return access if isinstance(access, OneOnOneRefusal) else person_ref(access.target)

    # -- acting ----------------------------------------------------------------------------------

    def record_one_on_one(
        self,
        session: Session,
        me: Person | None,
        report_id: int,
        now: datetime,
        *,
        shown_at: datetime,
        last_seen_id: int | None,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> Recorded | OneOnOneRefusal:
        """Record that the 1:1 shown in a brief took place now.

        The topics that were open when the brief was shown (``shown_at``) are marked
        discussed in it; topics raised after that stay open for the next one. When a
        1:1 was recorded since the brief was shown (``last_seen_id`` is no longer the
        latest: a double click, a second process, an old message) nothing is stored.
        """
        access = may_act(session, me, report_id, is_admin=is_admin, indirect=indirect, lock=True)
        if isinstance(access, OneOnOneRefusal):
            return access
        report = access.target
        latest = session.scalars(
            select(OneOnOne.id)
            .where(OneOnOne.report_id == report.id)
            .order_by(OneOnOne.held_at.desc(), OneOnOne.id.desc())
            .limit(1)
        ).first()
        if latest != last_seen_id:
            return OneOnOneRefusal.ALREADY_RECORDED
        meeting = OneOnOne(
            tenant_id=report.tenant_id,
            manager_id=access.me.id,
            report_id=report.id,
            held_at=now,
            created_at=now,
        )
        session.add(meeting)
        session.flush()
        discussed, left = _discussed_in(session, meeting, report, min(shown_at, now))
        return Recorded(meeting.id, person_ref(report), now, discussed, left)

    def add_note(
        self,
        session: Session,
        me: Person | None,
        report_id: int,
        text: str,
        now: datetime,
        *,
        idempotency_key: str | None = None,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> NoteLine | OneOnOneRefusal | None:
        """Store the manager's private note about a report; None for a second delivery."""
        text = clean_text(text)
        if not text:
            return OneOnOneRefusal.EMPTY_NOTE
        if len(text) > MAX_TEXT:
            return OneOnOneRefusal.NOTE_TOO_LONG
        access = may_act(session, me, report_id, is_admin=is_admin, indirect=indirect)
        if isinstance(access, OneOnOneRefusal):
            return access
        note = OneOnOneNote(
            tenant_id=access.target.tenant_id,
            person_id=access.target.id,
            author_id=access.me.id,
            text=text,
            idempotency_key=idempotency_key,
            created_at=now,
        )
        try:
            # A savepoint: a duplicate rolls back this insert only.
            with session.begin_nested():
                session.add(note)
                session.flush()
        except IntegrityError:
            return None
        return NoteLine(note.id, note.text, note.created_at)

    def set_schedule(
        self,
        session: Session,
        me: Person | None,
        target_user_id: str,
        weekday: int,
        local_time: time,
        now: datetime,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> tuple[PersonRef, ScheduleInfo] | OneOnOneRefusal:
        """A recurring 1:1 (the manager's weekday and local time); replaces any previous one."""
        access = may_act_on(session, me, target_user_id, is_admin=is_admin, indirect=indirect)
        if isinstance(access, OneOnOneRefusal):
            return access
        manager, target = access.me, access.target
        zone = zone_of(manager, self.default_timezone)
        upcoming = next_occurrence(weekday, local_time, zone, now)
        row = schedule_between(session, manager, target)
        if row is None:
            row = OneOnOneSchedule(
                tenant_id=target.tenant_id,
                manager_id=manager.id,
                report_id=target.id,
                weekday=weekday,
                local_time=local_time,
                next_meeting_at=upcoming,
                created_at=now,
                updated_at=now,
            )
            try:
                with session.begin_nested():
                    session.add(row)
                    session.flush()
            except IntegrityError:  # set at the same moment by another request: update it
                found = schedule_between(session, manager, target)
                assert found is not None
                row = found
        row.weekday, row.local_time, row.next_meeting_at = weekday, local_time, upcoming
        row.updated_at = now
        session.flush()
        return person_ref(target), ScheduleInfo(weekday, local_time, upcoming, zone)

    def clear_schedule(
        self,
        session: Session,
        me: Person | None,
        target_user_id: str,
        *,
        is_admin: bool = False,
        indirect: bool = False,
    ) -> tuple[PersonRef, bool] | OneOnOneRefusal:
        """Stop the recurring brief; True when there was one."""
        access = may_act_on(session, me, target_user_id, is_admin=is_admin, indirect=indirect)
        if isinstance(access, OneOnOneRefusal):
            return access
        result = session.execute(
            delete(OneOnOneSchedule)
            .where(
                OneOnOneSchedule.manager_id == access.me.id,
                OneOnOneSchedule.report_id == access.target.id,
            )
            .execution_options(synchronize_session=False)
        )
        return person_ref(access.target), bool(getattr(result, "rowcount", 0))


def _discussed_in(
    session: Session, meeting: OneOnOne, report: Person, cutoff: datetime
) -> tuple[int, int]:
    """Mark the report's topics open at ``cutoff`` as discussed in ``meeting``: how many,
    and how many are left open (raised later). ``cutoff`` is never in the future, so a
    forged time cannot sweep later topics."""
    discussed = session.execute(
        update(OneOnOneTopic)
        .where(
            OneOnOneTopic.person_id == report.id,
            OneOnOneTopic.discussed_in_id.is_(None),
            OneOnOneTopic.created_at <= cutoff,
        )
        .values(discussed_in_id=meeting.id)
        .execution_options(synchronize_session=False)
    )
    left = session.scalars(
        select(OneOnOneTopic.id).where(
            OneOnOneTopic.person_id == report.id, OneOnOneTopic.discussed_in_id.is_(None)
        )
    ).all()
    return int(getattr(discussed, "rowcount", 0) or 0), len(left)
