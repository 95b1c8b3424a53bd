"""The welcome of each person enrolled: found by the tick, claimed, sent once.

Enrolment (an admin's command, a CSV import, the command line) writes the person and
marks their welcome due (:func:`bot.domain.welcome.welcome_due`); this job finds the
welcomes due (``welcome_after`` passed), a few hundred per tick so that ten thousand imported at once are
welcomed at the platform's pace (each messenger paces its own sends) while the week's
prompts still go out. Each is claimed by one conditional UPDATE
(:func:`bot.domain.welcome.claim_welcome`), so two processes ticking at once, or a tick
repeated, welcome nobody twice.

A welcome whose post's answer never came is not sent again (it may have gone out: one
may be lost, none is doubled), nor is one to someone who cannot be written to; a failure
that may pass gives it back for a later tick, up to
:data:`~bot.domain.welcome.MAX_WELCOME_ATTEMPTS`. A workspace whose sending paused, or
that asks to wait, gets no more of its welcomes this tick. Where Palier can write only in
a conversation it was given (Teams), a person is welcomed once they have one — or right
away by the installation that gives it (:mod:`bot.app.enrolment`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bot.delivery.claims import Claimed, Failed, Failure
from bot.delivery.jobs import GivenBackJob
from bot.delivery.messenger import Recipient
from bot.delivery.views import WelcomeMessage
from bot.domain.welcome import (
    NEEDS_CONVERSATION,
    RETRY_AFTER,
    claim_welcome,
    greeting_for,
    release_welcome,
)
from storage.db import session_scope
from storage.models import Person
from storage.repositories import PeopleRepository

# How often a tick looks for welcomes due when nothing says some are: someone enrolled is
# planned at the next tick (storage.planning_marks), and a tick that planned anyone looks
# at once; this catches the rest (a welcome given back after a passing failure is due
# again after this long too: bot.domain.welcome.RETRY_AFTER).
POLL = RETRY_AFTER


class WelcomeJob(GivenBackJob):
    """The welcomes' part in :class:`bot.delivery.claims.Sender` (``kind`` "welcome")."""

    kind = "welcome"

    def setup(self) -> None:
        self.stopped: set[int] = set()  # workspaces paused or asking to wait, this tick
        self.claimed_at: dict[int, datetime] = {}  # of each claimed welcome, to give back
        self.full = False  # as many due as a tick takes: more may be waiting

    @property
    def again_next_tick(self) -> bool:
        """Whether welcomes are surely still due (a full share, or some given back to
        wait): the next tick looks again rather than after :data:`POLL`."""
        return self.full or bool(self.stopped)

    def due(self, now: datetime) -> list[int]:
        """The people to welcome now, longest due first, up to the tick's share."""
        excluded = list(self.workspaces.excluded)
        with session_scope(self.sessions) as session:
            rows = session.execute(
                select(Person.id, Person.tenant_id, Person.conversation_ref.is_not(None))
                .where(
                    Person.welcome_after <= now,
                    Person.referentiel_id.is_not(None),
                    Person.active.is_(True),
                    Person.tenant_id.not_in(excluded),
                )
                .order_by(Person.welcome_after, Person.id)
                .limit(self.policy.welcomes_per_tick)
            ).all()
            for tenant_id in {tenant_id for _, tenant_id, _ in rows}:
                self.workspaces.get(tenant_id, session)
        self.full = len(rows) >= self.policy.welcomes_per_tick
        return [
            person_id
            for person_id, tenant_id, has_conversation in rows
            if has_conversation or not self._needs_conversation(tenant_id)
        ]

    def _needs_conversation(self, tenant_id: int) -> bool:
        workspace = self.workspaces.known.get(tenant_id)
        return workspace is None or workspace.platform in NEEDS_CONVERSATION

    def claim(self, person_id: int, now: datetime) -> Claimed | None:
        with session_scope(self.sessions) as session:
            person = session.get(Person, person_id, options=[joinedload(Person.tenant)])
            if person is None or person.tenant_id in self.stopped:
                return None
            if not claim_welcome(session, person_id, now):
                return None  # another process has it
            greeting = greeting_for(
                session,
                person,
                self.catalog,
                self.policy.planning,
                now,
                indirect=self.policy.managers_see_indirect,
            )
            workspace = self.workspaces.get(person.tenant_id, session)
            if greeting is None or workspace is None:
                return None  # no longer followed: nothing to say (it stays claimed)
            policy = self.policy
            recipient = Recipient.of(
                person,
                workspace.external_id,
                policy.default_locale,
                policy.planning.default_timezone,
            )
            self.claimed_at[person_id] = now
            return Claimed(
                person_id,
                person.tenant_id,
                recipient,
                WelcomeMessage(greeting),
                person_id=person_id,
            )

    def sent(self, claimed: Claimed, ref: str, now: datetime) -> None:
        messenger = self.workspaces.messenger(claimed.tenant_id)
        conversation = messenger.conversation_of(ref) if messenger is not None else None
        learnt = (
            {claimed.item_id: conversation}
            if conversation is not None and claimed.recipient.conversation is None
            else {}
        )
        with session_scope(self.sessions) as session:
            PeopleRepository(session).reached([claimed.item_id], learnt)
        self.report.welcomed += 1

    def give_back(self, claimed: Claimed, failed: Failed, now: datetime) -> None:
        waits = failed.failure in (Failure.PAUSED, Failure.DEFERRED)
        if waits:
            self.stopped.add(claimed.tenant_id)
        with session_scope(self.sessions) as session:
            release_welcome(
                session, claimed.item_id, self.claimed_at[claimed.item_id], used_attempt=not waits
            )
