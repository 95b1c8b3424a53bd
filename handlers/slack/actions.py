"""Buttons of the weekly prompt: Start (opens the modal), Skip, and one per snooze
choice (in an hour, this evening, tomorrow morning: the choice is the action id's key,
checked again by the flow); and the summary's Edit my check-in (the modal again, filled
in as submitted).

Each click is acknowledged at once, then handed to the check-in flow
(:mod:`bot.app.checkin`) on the workers (:mod:`handlers.slack.workers`: a click's work
goes before the work queued after submissions); Start opens the modal with the click's
``trigger_id`` (valid 3 seconds), so the flow builds the form from one short read. A refusal
(already done, week closed, not this person's prompt) is an ephemeral reply;
otherwise every message of the prompt (its reminder, the one clicked) shows its
new state, as the flow's effects say.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app.checkin import PromptAction
from bot.app.outcome import Outcome
from bot.views.checkin import refusal
from bot.views.evidence import EvidenceState
from handlers.slack import ids
from handlers.slack.builders import prompt_builder
from handlers.slack.builders.checkin_builder import CheckinMetadata, checkin_modal
from handlers.slack.builders.evidence_builder import draft_from_state, evidence_modal
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.effects import carry_out, message_ref
from handlers.slack.markup import slack_t
from handlers.slack.payloads import BlockActions
from handlers.slack.privacy_commands import handle_privacy_delete
from handlers.slack.review_commands import (
    handle_digest_page,
    handle_review_open,
    handle_review_page,
)
from handlers.slack.workers import Later

log = logging.getLogger(__name__)


class PromptClick(BaseModel):
    """A click on a prompt button: who, which prompt, on which message."""

    model_config = ConfigDict(frozen=True)

    actor: Actor
    prompt_id: int
    trigger_id: str
    channel_id: str | None
    message_ts: str | None
    choice: str | None = None  # a snooze button's choice: its action id's key

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> PromptClick | None:
        try:
            prompt_id = int(body["actions"][0]["value"])
            action_id = str(body["actions"][0]["action_id"])
        except (KeyError, IndexError, ValueError, TypeError):
            return None
        container = body.get("container") or {}
        _, keyed, choice = action_id.partition(":")
        return cls(
            actor=Actor.from_body(body),
            prompt_id=prompt_id,
            choice=choice if keyed else None,
            trigger_id=str(body.get("trigger_id", "")),
            channel_id=container.get("channel_id") or (body.get("channel") or {}).get("id"),
            message_ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
        )

    @property
    def action(self) -> PromptAction:
        """The click as the check-in flow takes it."""
        clicked = message_ref(self.channel_id, self.message_ts)
        return PromptAction(self.prompt_id, clicked, self.choice)


def _refuse(respond: Respond, outcome: Outcome[Any]) -> None:
    text, blocks = prompt_builder.notice(refusal(outcome.refusal, slack_t(outcome), outcome.closed))
    respond(
        text=text,
        blocks=blocks,
        response_type="ephemeral",
        replace_original=False,
    )


def handle_start(deps: SlackDeps, click: PromptClick, client: WebClient, respond: Respond) -> None:
    outcome = deps.flows.checkin.start(click.actor.ref, click.action, SlackDirectory(client))
    if outcome.view is None:
        _refuse(respond, outcome)
        return
    metadata = CheckinMetadata(click.prompt_id, click.channel_id, click.message_ts)
    view = checkin_modal(outcome.view, metadata, slack_t(outcome))
    client.views_open(trigger_id=click.trigger_id, view=view)


def handle_edit(deps: SlackDeps, click: PromptClick, client: WebClient, respond: Respond) -> None:
    """The check-in's form filled in as submitted; refused once its week is closed."""
    outcome = deps.flows.checkin.edit(click.actor.ref, click.action, SlackDirectory(client))
    if outcome.view is None:
        _refuse(respond, outcome)
        return
    metadata = CheckinMetadata(click.prompt_id, click.channel_id, click.message_ts)
    view = checkin_modal(outcome.view, metadata, slack_t(outcome))
    client.views_open(trigger_id=click.trigger_id, view=view)


def _carry_out(outcome: Outcome[None], client: WebClient, respond: Respond) -> None:
    """Refused: say why, to the clicker only; else every message of the prompt changes."""
    if outcome.refusal is not None:
        _refuse(respond, outcome)
        return
    carry_out(client, outcome.effects, slack_t(outcome))


def handle_skip(deps: SlackDeps, click: PromptClick, client: WebClient, respond: Respond) -> None:
    _carry_out(deps.flows.checkin.skip(click.actor.ref, click.action), client, respond)


def handle_snooze(deps: SlackDeps, click: PromptClick, client: WebClient, respond: Respond) -> None:
    _carry_out(deps.flows.checkin.snooze(click.actor.ref, click.action), client, respond)


def handle_evidence_competency(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """A competency was chosen: offer its criteria, keeping what was typed."""
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.evidence.form(actor.ref, directory=SlackDirectory(client))
    view = click.view
    if outcome.view is None or view is None:
        return
    draft = draft_from_state((body["view"].get("state") or {}).get("values") or {})
    chosen = click.actions[0].selected_option
    if chosen:  # the action itself is authoritative for what was just picked
        draft = replace(draft, competency_id=chosen.value, criterion_key=None)
    state = EvidenceState.load(view.private_metadata)
    try:
        # The view's hash (required at the edge) is Slack's proof that this is the view
        # the person has open: a forged or stale view id gets hash_conflict, and
        # someone else's modal is left as it is.
        client.views_update(
            view_id=view.id,
            hash=view.hash,
            view=evidence_modal(
                outcome.view.referentiel,
                slack_t(outcome),
                draft,
                state,
                readers=outcome.view.readers,
                today=outcome.view.today,
            ),
        )
    except SlackApiError as error:
        if error.response.get("error") not in ("hash_conflict", "not_found"):
            raise
        log.warning("evidence modal not updated: %s", error.response.get("error"))


def register(app: App, deps: SlackDeps) -> None:
    """Each click acknowledged at once; what it does follows (:class:`Later`)."""

    @app.action(re.compile(rf"^{ids.REVIEW_OPEN}(:\d+)?$"))
    def review_open(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, later: Later
    ) -> None:
        ack()
        later(lambda: handle_review_open(deps, body, client, respond))

    @app.action(re.compile(rf"^{ids.REVIEW_PAGE}:(prev|next)$"))
    def review_page(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, later: Later
    ) -> None:
        ack()
        later(lambda: handle_review_page(deps, body, client, respond))

    @app.action(re.compile(rf"^{ids.DIGEST_PAGE}:(prev|next)$"))
    def digest_page(ack: Ack, body: dict[str, Any], respond: Respond, later: Later) -> None:
        ack()
        later(lambda: handle_digest_page(deps, body, respond))

    @app.action(ids.PRIVACY_DELETE)
    def privacy_delete(ack: Ack, body: dict[str, Any], respond: Respond, later: Later) -> None:
        ack()
        actor = Actor.from_body(body)
        later(lambda: handle_privacy_delete(deps, actor, respond))

    @app.action(ids.EV_COMPETENCY_ACTION)
    def evidence_competency(
        ack: Ack, body: dict[str, Any], client: WebClient, later: Later
    ) -> None:
        ack()
        later(lambda: handle_evidence_competency(deps, body, client))

    prompt_buttons: dict[str | re.Pattern[str], PromptHandler] = {
        ids.START_CHECKIN: handle_start,
        ids.SKIP_CHECKIN: handle_skip,
        # One button per snooze choice (``checkin_snooze:evening``); a prompt posted
        # before the choices has the bare id.
        re.compile(rf"^{ids.SNOOZE_CHECKIN}(:.*)?$"): handle_snooze,
        ids.EDIT_CHECKIN: handle_edit,
    }
    for action_id, handler in prompt_buttons.items():
        app.action(action_id)(_on_prompt_click(deps, handler))


PromptHandler = Callable[[SlackDeps, PromptClick, WebClient, Respond], None]


def _on_prompt_click(
    deps: SlackDeps, handler: PromptHandler
) -> Callable[[Ack, dict[str, Any], WebClient, Respond, Later], None]:
    # Bolt passes listener arguments by name, so each listener is its own closure.
    def prompt_click(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, later: Later
    ) -> None:
        ack()
        click = PromptClick.from_body(body)
        if click is not None:
            later(lambda: handler(deps, click, client, respond))

    prompt_click.__name__ = handler.__name__
    return prompt_click
