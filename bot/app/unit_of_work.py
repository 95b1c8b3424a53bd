"""One request, one transaction, one look-up of the acting person.

Listeners used to open a session, look the person up, and ask the platform for the
language of someone Palier does not know, each in their own way (and several times
per request). A flow opens a :class:`UnitOfWork` instead: the session is committed
when the block ends normally and rolled back otherwise, and the actor is resolved
once, at the start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.app.actor import Actor, ActorRef
from bot.domain.admin import is_admin
from bot.domain.people import (
    Directory,
    DirectoryError,
    find_person,
    find_tenant,
    known_timezone,
    person_locale,
    seen_timezone,
    zone_of,
)
from bot.i18n import Locale
from storage.db import session_scope


@dataclass(frozen=True)
class Defaults:
    """What applies when neither the person nor the platform says."""

    locale: Locale = "fr"
    timezone: str = "Europe/Paris"
    admin_user_ids: frozenset[str] = frozenset()  # PALIER_ADMIN_USER_IDS
    # PALIER_MANAGERS_SEE_INDIRECT: what the access policy is told, and so what Palier
    # tells people of who sees their data (bot.domain.access.readers).
    managers_see_indirect: bool = False


class UnitOfWork:
    def __init__(self, sessions: sessionmaker[Session], defaults: Defaults) -> None:
        self.sessions = sessions
        self.defaults = defaults

    @contextmanager
    def begin(
        self, ref: ActorRef, directory: Directory | None = None, *, admin: bool = False
    ) -> Iterator[tuple[Session, Actor]]:
        """The session and the resolved actor.

        ``directory`` tells the language and zone of someone Palier does not follow
        (a refusal is then in their language); with ``admin``, it also tells whether
        the platform calls the actor an administrator (see :func:`bot.domain.admin.is_admin`).
        """
        with session_scope(self.sessions) as session:
            yield session, self._resolve(session, ref, directory, admin)

    def _resolve(
        self, session: Session, ref: ActorRef, directory: Directory | None, admin: bool
    ) -> Actor:
        tenant = find_tenant(session, ref.platform, ref.workspace_id)
        person = find_person(session, tenant.id, ref.user_id) if tenant else None
        defaults = self.defaults
        profile = None
        if directory is not None and (person is None or admin):
            try:
                profile = directory.profile(ref.user_id)
            except DirectoryError:
                profile = None  # the defaults (and Palier's own role) will do
        is_admin_ = admin and is_admin(profile, person, defaults.admin_user_ids)
        if person is not None:
            # The zone the request itself reports (Teams), kept in this same transaction.
            seen_timezone(person, ref.timezone)
            locale = person_locale(person.locale, defaults.locale)
            timezone = zone_of(person, defaults.timezone)
            return Actor(ref, person, locale, timezone, is_admin_, tenant)
        if profile is None:
            return Actor(ref, None, defaults.locale, defaults.timezone, is_admin_, tenant)
        return Actor(
            ref,
            None,
            person_locale(profile.locale, defaults.locale),
            known_timezone(profile.timezone) or defaults.timezone,
            is_admin_,
            tenant,
        )
