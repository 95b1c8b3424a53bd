"""Events: a person's Slack profile changed (time zone, language, deactivation).

The workspace whose person changes is the one the event was delivered for — the
envelope's ``team_id`` and its ``authorizations`` — never the ``team_id`` inside the
user object, which the sender controls: an event for workspace A must not touch a
person of workspace B. What changes is the enrolment flow's
(:meth:`bot.app.enrolment.EnrolmentFlow.profile_changed`).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from handlers.slack.context import Actor, SlackDeps
from handlers.slack.payloads import EventCallback, UserChange
from handlers.slack.profiles import to_profile
from handlers.slack.workers import Later

log = logging.getLogger(__name__)


def handle_user_change(deps: SlackDeps, body: dict[str, Any], event: dict[str, Any]) -> None:
    """Keep a known person's time zone, language and active state in step with Slack.

    Idempotent, so Slack's retries of the same event change nothing more. A user
    of a workspace the delivery is not for is ignored.
    """
    envelope = EventCallback.model_validate(body)  # parsed at the edge already
    user = UserChange.model_validate(event).user
    if user.team_id is not None and user.team_id not in envelope.workspaces:
        log.warning("user_change for a user of another workspace ignored")
        return
    person = Actor(team_id=envelope.team_id, user_id=user.id)
    deps.flows.enrolment.profile_changed(person.ref, to_profile(event["user"]))


def register(app: App, deps: SlackDeps) -> None:
    @app.event("user_change")
    def user_change(body: dict[str, Any], event: dict[str, Any], later: Later) -> None:
        # Before anything else (a request just after is answered from Slack's new
        # profile): forgetting a profile read lately is harmless whoever sent the event.
        user = event.get("user")
        if isinstance(user, dict) and isinstance(body.get("team_id"), str):
            deps.profiles.forget(body["team_id"], str(user.get("id")))
        later(lambda: handle_user_change(deps, body, event))  # acknowledged first
