"""Shortcuts: "Palier · preuve/evidence" on any message the person can see.

Opens the evidence modal prefilled with the message's text, and keeps the
message's permalink (``chat.getPermalink``) with the evidence. The message's
author is not told; only the person who logs it gets a confirmation, in their DM.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.checkins import MAX_TEXT
from handlers.slack import ids
from handlers.slack.builders.evidence_builder import (
    EvidenceDraft,
    EvidenceMetadata,
    evidence_modal,
)
from handlers.slack.builders.prompt_builder import notice_blocks
from handlers.slack.context import Actor, SlackDeps
from storage.db import session_scope


def handle_log_message(
    deps: SlackDeps, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    actor = Actor.from_body(body)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        found = deps.checkins.enrolled(session, actor.team_id, actor.user_id)
    if found is None:
        text = t("slack.refusal.not_enrolled")
        respond(text=text, blocks=notice_blocks(text), response_type="ephemeral")
        return
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id", ""))
    # Open the modal first: the trigger_id lives 3 seconds.
    draft = EvidenceDraft(text=str(message.get("text") or "")[:MAX_TEXT] or None)
    opened = client.views_open(
        trigger_id=body["trigger_id"], view=evidence_modal(found[1], t, draft)
    )
    permalink = None
    try:
        answer = client.chat_getPermalink(channel=channel, message_ts=str(message.get("ts", "")))
        permalink = str(answer["permalink"])
    except SlackApiError:
        return  # the evidence can be logged without its link back
    view = opened["view"]
    client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=evidence_modal(found[1], t, draft, EvidenceMetadata(permalink=permalink)),
    )


def register(app: App, deps: SlackDeps) -> None:
    @app.shortcut(ids.LOG_EVIDENCE_SHORTCUT)
    def log_message_as_evidence(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        handle_log_message(deps, body, client, respond)
