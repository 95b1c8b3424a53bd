"""Who acts in a request, before and after Palier has looked them up."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import Locale, Translator
from storage.models import Person, Platform, Tenant


@dataclass(frozen=True)
class ActorRef:
    """The acting person as the front end knows them: platform, workspace, user id.

    ``timezone`` is the IANA zone the platform reported with this very request, when it
    reports one (Teams: the ``clientInfo`` of each activity); the unit of work keeps it
    as the person's zone when it changed (:func:`bot.domain.people.seen_timezone`). It
    is not part of who the actor is (two refs to the same person are equal).
    """

    platform: Platform
    workspace_id: str
    user_id: str
    timezone: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Actor:
    """The acting person resolved once per request, inside its unit of work.

    ``person`` is None for someone Palier does not follow; ``locale`` and
    ``timezone`` are theirs, else what the platform says of them, else the defaults.
    ``is_admin`` is resolved only for a flow that asks (``begin(..., admin=True)``:
    it costs a directory call) and is False otherwise.
    """

    ref: ActorRef
    person: Person | None
    locale: Locale
    timezone: str
    is_admin: bool = False
    tenant: Tenant | None = None  # the actor's workspace, when Palier knows it already

    @property
    def t(self) -> Translator:
        return Translator(self.locale)
