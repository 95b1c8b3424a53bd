"""A manager's Home: its team section's buttons, **Open the review** and **Team view**.

They answer what ``/palier review`` and ``/palier team`` answer, through the same
listeners and flows (:mod:`handlers.slack.review_commands`,
:mod:`handlers.slack.team_commands`), so the review and the team view are the manager's
own, decided by the flows. A Home has no ``response_url``: what a command would answer
privately goes to the manager's direct message with Palier instead (the review list
there keeps its Review and page buttons), and a small modal says where it is.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from handlers.slack.builders.home_builder import notice_modal
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.markup import slack_t
from handlers.slack.payloads import BlockActions
from handlers.slack.review_commands import handle_review_list
from handlers.slack.team_commands import handle_team

log = logging.getLogger(__name__)


class InDirectMessage:
    """What a command would answer privately, posted to the person's DM instead."""

    def __init__(self, client: WebClient, user_id: str) -> None:
        self.client = client
        self.user_id = user_id
        self.channel: str | None = None

    def __call__(self, text: str = "", blocks: Any = None, **_: Any) -> None:
        if self.channel is None:
            opened = self.client.conversations_open(users=self.user_id)
            self.channel = str(opened["channel"]["id"])
        self.client.chat_postMessage(channel=self.channel, text=text, blocks=blocks)


def _tell_where(deps: SlackDeps, client: WebClient, click: BlockActions, actor: Actor) -> None:
    """A small modal: it is in the DM (in the language of the person's Home)."""
    outcome = deps.flows.home.language_form(actor.ref)
    t = slack_t(outcome)
    try:
        text = t.rich("manager_home.in_dm")
        client.views_open(trigger_id=click.trigger_id, view=notice_modal(text, t))
    except Exception:  # the answer is in the DM already; the modal is only a pointer
        log.exception("could not say where the answer of %s is", actor.user_id)


def handle_team_review(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """**Open the review**: the list of reports whose self-ratings wait, in the DM."""
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    handle_review_list(deps, actor, InDirectMessage(client, actor.user_id), client)
    _tell_where(deps, client, click, actor)


def handle_team_view(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """**Team view**: the team summary in the DM, as ``/palier team`` puts it there."""
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    handle_team(deps, actor, InDirectMessage(client, actor.user_id), client, say_where=False)
    _tell_where(deps, client, click, actor)
