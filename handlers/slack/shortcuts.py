"""Shortcuts: "Palier · preuve/evidence" on any message the person can see.

Opens the evidence modal prefilled with the message's text, and keeps the
message's permalink (``chat.getPermalink``) with the evidence. The message's
author is not told; only the person who logs it gets a confirmation, in their DM.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app.evidence import NewEvidence
from bot.views.notice import refusal
from handlers.slack import ids
from handlers.slack.builders.evidence_builder import form_modal
from handlers.slack.builders.prompt_builder import notice
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.markup import slack_t
from handlers.slack.payloads import MessageAction
from handlers.slack.workers import Later


def handle_log_message(
    deps: SlackDeps, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    actor, shortcut = Actor.from_body(body), MessageAction.model_validate(body)
    message = shortcut.message
    outcome = deps.flows.evidence.form(
        actor.ref, NewEvidence(text=message.text), SlackDirectory(client)
    )
    if outcome.view is None:
        text, blocks = notice(refusal(outcome.refusal, slack_t(outcome)))
        respond(text=text, blocks=blocks, response_type="ephemeral")
        return
    # Open the modal first: the trigger_id lives 3 seconds.
    opened = client.views_open(
        trigger_id=shortcut.trigger_id, view=form_modal(outcome.view, slack_t(outcome))
    )
    try:
        answer = client.chat_getPermalink(channel=shortcut.channel.id, message_ts=message.ts)
        permalink = str(answer["permalink"])
    except SlackApiError:
        return  # the evidence can be logged without its link back
    view = opened["view"]
    form = replace(outcome.view, permalink=permalink)
    client.views_update(
        view_id=view["id"], hash=view.get("hash"), view=form_modal(form, slack_t(outcome))
    )


def register(app: App, deps: SlackDeps) -> None:
    @app.shortcut(ids.LOG_EVIDENCE_SHORTCUT)
    def log_message_as_evidence(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, later: Later
    ) -> None:
        ack()
        later(lambda: handle_log_message(deps, body, client, respond))
