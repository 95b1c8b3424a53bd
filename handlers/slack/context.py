"""What every Slack listener is given, and who acts in a request.

Built once by :func:`handlers.slack.app.build_app` and passed to each kind's
``register(app, deps)``; listeners call its flows (``deps.flows``) and open no session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict
from slack_sdk import WebClient

from bot.app.actor import ActorRef
from bot.bootstrap import Flows
from bot.i18n import Locale
from handlers.slack.directory import ProfileCache, SlackDirectory
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


@dataclass(frozen=True)
class SlackDeps:
    """What the Slack listeners are given: the application layer, and the two settings
    the front end words itself (the language of a failure before anyone is looked up,
    how often the tick runs in the admin's status)."""

    flows: Flows
    default_locale: Locale = "fr"
    tick_seconds: int = 60
    # Profiles read a moment ago (handlers.slack.directory.ProfileCache).
    profiles: ProfileCache = field(default_factory=ProfileCache)

    def directory(self, client: WebClient, actor: Actor) -> SlackDirectory:
        """Slack's directory for a request in ``actor``'s workspace: a profile read a
        moment ago serves again, except to grant admin rights (those Slack is asked at
        each request; see :mod:`handlers.slack.directory`)."""
        return SlackDirectory(client, self.profiles, actor.team_id)
