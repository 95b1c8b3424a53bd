"""Reading people's platform profiles again, slowly, in the background.

A person's language, time zone and whether their account still exists come from the
platform. Reading the profile before each weekly prompt cost one call per message
(Slack's ``users.info``), which at a company's scale is what limits sending. Instead,
events keep profiles fresh when the platform sends them (Slack's ``user_change``), and
each tick reads again the ``per_tick`` profiles checked longest ago (never checked
first) among those older than ``every``: one indexed query that stops after
``per_tick`` rows, far below every platform's limits, so each profile is read about once
every ``every``. A platform that tells
nothing (Teams gives the zone only on incoming activities) just marks them checked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.messenger import Recipient
from bot.delivery.workspaces import Workspaces
from bot.domain.people import Profile, apply_profile
from storage.db import session_scope
from storage.models import Person

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProfileRefresh:
    every: timedelta = timedelta(days=7)
    per_tick: int = 20


class Profiles:
    """The tick's background reading of profiles (see the module's docstring)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        workspaces: Workspaces,
        refresh: ProfileRefresh,
        recipient: Callable[[Person, Session], Recipient | None],
    ) -> None:
        self.sessions = sessions
        self.workspaces = workspaces
        self.refresh = refresh
        self.recipient = recipient

    def refresh_oldest(self, now: datetime, errors: list[str]) -> int:
        """Read again the profiles due for it; how many were read."""
        if self.refresh.per_tick <= 0:
            return 0
        with session_scope(self.sessions) as session:
            due = [
                (person.id, person.tenant_id, self.recipient(person, session))
                for person in self._due(session, now)
            ]
        read: dict[int, Profile | None] = {}
        for person_id, tenant_id, recipient in due:
            messenger = self.workspaces.messenger(tenant_id)
            if recipient is None or messenger is None or tenant_id in self.workspaces.excluded:
                continue
            try:
                read[person_id] = messenger.profile(recipient)
            except Exception as error:  # the next round tries again
                log.warning("profile of person %s not read: %s", person_id, error)
                errors.append(f"profile {person_id}: {type(error).__name__}"[:255])
        if read:
            with session_scope(self.sessions) as session:
                for person in session.scalars(select(Person).where(Person.id.in_(list(read)))):
                    profile = read[person.id]
                    if profile is not None:
                        apply_profile(person, profile, news=False)
                    person.profile_checked_at = now
        return len(read)

    def _due(self, session: Session, now: datetime) -> list[Person]:
        excluded = self.workspaces.excluded
        # Read along ix_people_profile_checked, oldest first: it stops after ``per_tick``
        # whoever is enrolled. Inactive people too: a deactivated account restored is seen.
        query = (
            select(Person)
            .where(Person.profile_checked_at < now - self.refresh.every)
            .order_by(Person.profile_checked_at)
            .limit(self.refresh.per_tick)
        )
        if excluded:
            query = query.where(Person.tenant_id.not_in(list(excluded)))
        return list(session.scalars(query))
