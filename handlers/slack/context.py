"""What every Slack listener is given: sessions, services, the clock, defaults.

Built once by :func:`handlers.slack.app.build_app` and passed to each kind's
``register(app, deps)``; listeners open one session per request from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.app.actor import ActorRef
from bot.bootstrap import Flows
from bot.checkin_flow import CheckinService, person_for
from bot.evidence import EvidenceService
from bot.i18n import Locale, Translator
from bot.people import known_timezone, person_locale, zone_of
from bot.planning import PlanningPolicy
from bot.review import ReviewService
from handlers.slack.markup import slack_translator
from storage.models import Platform


class Actor(BaseModel):
    """Who is acting in a Slack request: their workspace and user id."""

    model_config = ConfigDict(frozen=True)

    team_id: str
    user_id: str

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Actor:
        """From a slash command (flat fields) or an interaction payload (nested objects)."""
        user = body.get("user")
        if isinstance(user, Mapping):
            team = body.get("team") or {}
            team_id = (team.get("id") if isinstance(team, Mapping) else None) or user.get("team_id")
            return cls(team_id=str(team_id), user_id=str(user["id"]))
        return cls(team_id=str(body["team_id"]), user_id=str(body["user_id"]))

    @property
    def ref(self) -> ActorRef:
        """The actor as the application layer takes it (Slack, workspace, user)."""
        return ActorRef(Platform.SLACK, self.team_id, self.user_id)


@dataclass
class SlackDeps:
    flows: Flows  # the application layer (bot.app): what moved out of the listeners
    sessions: sessionmaker[Session]
    checkins: CheckinService
    evidence: EvidenceService
    reviews: ReviewService
    clock: Callable[[], datetime]
    default_locale: Locale
    default_timezone: str
    # The planner's policy (workspace default slot, competencies per week): the Home's
    # "check in now" plans like the tick, and shows the slot the tick uses.
    planning: PlanningPolicy = field(default_factory=PlanningPolicy)
    admin_user_ids: frozenset[str] = frozenset()
    managers_see_indirect: bool = False  # PALIER_MANAGERS_SEE_INDIRECT
    tick_seconds: int = 60

    def person_settings(
        self, session: Session, actor: Actor, client: WebClient | None = None
    ) -> tuple[Translator, str]:
        """The actor's language and time zone.

        For someone Palier does not know yet, Slack's own locale and time zone when
        ``client`` is given (so a refusal is in their language), else the defaults.
        """
        person = person_for(session, Platform.SLACK, actor.team_id, actor.user_id)
        if person is None:
            if client is not None:
                try:
                    user = client.users_info(user=actor.user_id, include_locale=True)["user"]
                    return (
                        slack_translator(person_locale(user.get("locale"), self.default_locale)),
                        known_timezone(user.get("tz")) or self.default_timezone,
                    )
                except SlackApiError:
                    pass  # the defaults will do for a one-line answer
            return slack_translator(self.default_locale), self.default_timezone
        locale = person_locale(person.locale, self.default_locale)
        return slack_translator(locale), zone_of(person, self.default_timezone)

    def actor_is_admin(self, client: WebClient, actor: Actor) -> bool:
        """Whether the actor administers Palier: PALIER_ADMIN_USER_IDS, a workspace admin
        or owner (Slack's word, via users.info), or Palier's own admin role."""
        from bot.admin import is_admin
        from bot.people import DirectoryError
        from handlers.slack.directory import SlackDirectory

        try:
            profile = SlackDirectory(client).profile(actor.user_id)
        except DirectoryError:
            profile = None  # Slack's flag unknown: Palier's own role still counts
        with self.sessions() as session:
            person = person_for(session, Platform.SLACK, actor.team_id, actor.user_id)
            return is_admin(profile, person, self.admin_user_ids)
