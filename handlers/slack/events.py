"""Events: a person's Slack profile changed (time zone, language, deactivation)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.checkin_flow import person_for
from bot.people import apply_profile
from handlers.slack.context import SlackDeps
from handlers.slack.profiles import to_profile
from storage.db import session_scope
from storage.models import Platform


def handle_user_change(deps: SlackDeps, event: dict[str, Any]) -> None:
    """Keep a known person's time zone, language and active state in step with Slack.

    Idempotent, so Slack's retries of the same event change nothing more.
    """
    user = event.get("user") or {}
    team_id = user.get("team_id")
    if not team_id or not user.get("id"):
        return
    with session_scope(deps.sessions) as session:
        person = person_for(session, Platform.SLACK, str(team_id), str(user["id"]))
        if person is not None:
            apply_profile(person, to_profile(user))


def register(app: App, deps: SlackDeps) -> None:
    @app.event("user_change")
    def user_change(event: dict[str, Any]) -> None:
        handle_user_change(deps, event)
