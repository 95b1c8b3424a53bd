"""Who acts in a Teams activity, and what Teams says of them, as the core takes it.

The actor is the Microsoft 365 tenant (the workspace) and the person's Entra object id
(``aadObjectId``: the same in every chat, and what Microsoft Graph knows them by). Teams
sends no profile call's worth of data to ask for: each activity carries the person's
name, language and time zone (``clientInfo``), which :class:`ActivityDirectory` answers
with — the zone is only ever known this way, so it is kept each time it is seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.app.actor import ActorRef
from bot.bootstrap import Flows
from bot.domain.people import Directory, Profile
from bot.i18n import Locale
from handlers.teams.refs import ConversationRef
from handlers.teams.render import Renderer
from storage.models import Platform


@dataclass(frozen=True)
class TeamsDeps:
    """What the listeners need: the core's flows, and this front end's own settings."""

    flows: Flows
    renderer: Renderer
    default_locale: Locale = "fr"
    # Each tenant's people by e-mail address or id (Microsoft Graph: handlers.teams.directory);
    # None: only the person acting is known (from the activity).
    directory: Callable[[str], Directory] | None = None
    tick_seconds: int = 60  # how often the tick looks for check-ins to send (admin status)
    # A file sent to Palier is fetched over https only; True: plain http too (the emulator's
    # downloadUrl on 127.0.0.1, in tests and the demo).
    plain_http_downloads: bool = False


def tenant_id(activity: Any) -> str:
    """The Microsoft 365 tenant the activity comes from (Palier's workspace)."""
    conversation = getattr(activity, "conversation", None)
    tenant = getattr(conversation, "tenant_id", None)
    if tenant:
        return str(tenant)
    channel_data = getattr(activity, "channel_data", None)
    return str(getattr(getattr(channel_data, "tenant", None), "id", "") or "")


def user_id(activity: Any) -> str:
    """The person: their Entra object id, else the Teams id (a bot's own activities)."""
    sender = activity.from_
    return str(sender.aad_object_id or sender.id)


def actor_ref(activity: Any) -> ActorRef:
    """Who acts, with the time zone their Teams client reports (kept by the core when it
    changed: the only way Palier learns a Teams user's zone)."""
    _locale, zone = client_info(activity)
    return ActorRef(Platform.TEAMS, tenant_id(activity), user_id(activity), timezone=zone)


def client_info(activity: Any) -> tuple[str | None, str | None]:
    """The person's language and time zone as their Teams client says (the ``clientInfo``
    entity, else the activity's own ``locale`` and ``localTimezone``)."""
    locale = getattr(activity, "locale", None)
    zone = None
    for entity in getattr(activity, "entities", None) or []:
        if getattr(entity, "type", None) == "clientInfo":
            locale = getattr(entity, "locale", None) or locale
            zone = getattr(entity, "timezone", None)
    extra = getattr(activity, "model_extra", None) or {}
    return locale, zone or extra.get("localTimezone")


def profile_of(activity: Any) -> Profile:
    locale, zone = client_info(activity)
    return Profile(user_id(activity), activity.from_.name or None, None, zone, locale)


def conversation_of(activity: Any) -> ConversationRef:
    return ConversationRef(str(activity.service_url), str(activity.conversation.id))


class ActivityDirectory:
    """The :class:`~bot.domain.people.Directory` port answered from the activity itself:
    the person who acts is described by it; nobody else is known this way."""

    def __init__(self, activity: Any) -> None:
        self._profile = profile_of(activity)

    def profile(self, user_id: str) -> Profile | None:
        return self._profile if user_id == self._profile.user_id else None

    def lookup_by_email(self, email: str) -> Profile | None:
        return None


class TeamsPeople:
    """The :class:`~bot.domain.people.Directory` of an activity's tenant: the person acting
    as the activity describes them, anyone else as the tenant's directory says."""

    def __init__(self, activity: Any, tenant: Directory | None) -> None:
        self._actor = ActivityDirectory(activity)
        self._tenant = tenant

    def profile(self, user_id: str) -> Profile | None:
        mine = self._actor.profile(user_id)
        if mine is not None or self._tenant is None:
            return mine
        return self._tenant.profile(user_id)

    def lookup_by_email(self, email: str) -> Profile | None:
        return None if self._tenant is None else self._tenant.lookup_by_email(email)


def people(deps: TeamsDeps, activity: Any) -> TeamsPeople:
    """Who is who in the activity's tenant (the person acting, then Graph)."""
    tenant = deps.directory(tenant_id(activity)) if deps.directory is not None else None
    return TeamsPeople(activity, tenant)
