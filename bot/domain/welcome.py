"""The welcome a person gets once, when they are enrolled: what it says, and the claim
that makes it once.

Whoever enrols someone (an admin's command, a CSV import, the ``palier`` command line)
writes the person and marks their welcome due (:func:`bot.domain.people.welcome_due`: ``welcome_after``),
unless they were welcomed before. The welcome is then sent by the tick (:mod:`bot.delivery.welcomes`), at
the platform's pace, or — in Teams, where Palier can write only once the app is
installed for the person — when the installation opens the conversation
(:meth:`bot.app.enrolment.EnrolmentFlow.conversation_opened`). Either way it is claimed
first by one conditional UPDATE (:func:`claim_welcome`): of two processes, or a retry,
exactly one sends it. Someone enrolled again, or moved to another référentiel, was
welcomed already: nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain.access import Reader, readers_of
from bot.domain.home import Schedule, schedule_of
from bot.domain.people import known_timezone, zone_of
from bot.domain.planning import PlanningPolicy
from referentiels.loader import ReferentielCatalog
from storage.models import CheckinPrompt, Person, Platform, PromptStatus

MAX_WELCOME_ATTEMPTS = 5  # passing failures before a welcome is given up
RETRY_AFTER = timedelta(minutes=5)  # a welcome that failed in passing is tried again then
SOON = timedelta(minutes=5)  # a first check-in this close comes "right after" the welcome

# Platforms where Palier can write to a person only in a conversation it was given (Teams:
# when the app is installed for them): their welcome waits for it.
NEEDS_CONVERSATION = frozenset({Platform.TEAMS})


@dataclass(frozen=True)
class Greeting:
    """What the welcome says: the référentiel, when the check-ins come (in ``timezone``),
    who sees the person's data. ``soon``: the first check-in follows right away (the
    week's slot has passed, or is minutes away); ``zone_known`` False while the platform
    has not told Palier the person's zone (the workspace's default applies meanwhile)."""

    referentiel_title: str
    schedule: Schedule
    timezone: str
    readers: tuple[Reader, ...]
    soon: bool = False
    zone_known: bool = True


def greeting_for(
    session: Session,
    person: Person,
    catalog: ReferentielCatalog,
    policy: PlanningPolicy,
    now: datetime,
    *,
    indirect: bool,
) -> Greeting | None:
    """The welcome of ``person`` as of ``now``; None when they are not followed (no known
    référentiel, or Palier no longer writes to them)."""
    referentiel = catalog.get(person.referentiel_id or "")
    if referentiel is None or not person.active:
        return None
    schedule = schedule_of(session, person, now, policy)
    # This week's check-in planned already and due within minutes (the same tick sends
    # it, after the welcome), or the next one that close.
    due_now = session.scalar(
        select(CheckinPrompt.id).where(
            CheckinPrompt.person_id == person.id,
            CheckinPrompt.cycle_key == schedule.cycle_key,
            CheckinPrompt.status.in_((PromptStatus.PENDING, PromptStatus.SENDING)),
            CheckinPrompt.scheduled_at <= now + SOON,
        )
    )
    soon = due_now is not None or (schedule.next_at is not None and schedule.next_at <= now + SOON)
    return Greeting(
        referentiel_title=referentiel.title,
        schedule=schedule,
        timezone=zone_of(person, policy.default_timezone),
        readers=readers_of(person, indirect),
        soon=soon,
        zone_known=known_timezone(person.timezone) is not None,
    )


def claim_welcome(session: Session, person_id: int, now: datetime) -> bool:
    """Take the person's due welcome (True: this caller sends it); one conditional UPDATE."""
    claimed = session.execute(
        update(Person)
        .where(
            Person.id == person_id,
            Person.welcome_after.is_not(None),
            Person.welcome_after <= now,
            Person.welcomed_at.is_(None),
        )
        .values(welcome_after=None, welcomed_at=now, welcome_attempts=Person.welcome_attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(claimed, "rowcount", 0) == 1)


def release_welcome(
    session: Session, person_id: int, claimed_at: datetime, *, used_attempt: bool
) -> None:
    """Give a claimed welcome back for a later tick (a failure that may pass: after
    :data:`RETRY_AFTER`) — unless its attempts are used up, and then it is never sent.
    ``used_attempt`` False: nobody's fault (the workspace paused, the platform asked to
    wait): due again at once, the attempt not counted."""
    person = session.get(Person, person_id)
    if person is None or person.welcomed_at != claimed_at:
        return  # taken again meanwhile, or the person erased
    if not used_attempt:
        person.welcome_attempts = max(person.welcome_attempts - 1, 0)
        person.welcome_after = claimed_at
    elif person.welcome_attempts >= MAX_WELCOME_ATTEMPTS:
        return  # given up: it stays taken
    else:
        person.welcome_after = claimed_at + RETRY_AFTER
    person.welcomed_at = None
