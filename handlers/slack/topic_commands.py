"""A topic for one's next 1:1, any day: ``/palier 1on1 topic <text>`` and the "Add a 1:1
topic" button (on the App Home and under one's own brief) with its modal.

The command answers ephemerally: the topic stored, or why not (no manager to bring it
to, an empty or too long text). The button opens the modal (a refusal, from a button
left on an old page, is a small modal: a Home has no ``response_url``); the modal's
submission is stored before acknowledging, so a problem shows on the field, and a
second delivery of the same submission (its view id) stores nothing and gets the same
answer. The listeners only parse, call the topic flow (:mod:`bot.app.one_on_one_topics`)
and render.

Slack escapes ``&``, ``<`` and ``>`` in a command's text and writes mentions and links
as ``<@U…|name>``, ``<https://…|…>``: :func:`typed_text` turns them back into what the
person typed, so the manager reads the topic as it was written (escaped again when
shown, :mod:`handlers.slack.builders.mrkdwn`).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.app.one_on_one_topics import (
    TopicForm,
    command_problem_key,
    problem_key,
    refusal_key,
)
from bot.domain.commands import text_after
from bot.views.one_on_one_topics import (
    topic_added_card,
    topic_form,
    topic_refused_card,
    topic_saved_form,
)
from handlers.slack import ids
from handlers.slack.builders.home_builder import notice_modal
from handlers.slack.builders.one_on_one_builder import message
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.markup import slack_t
from handlers.slack.payloads import BlockActions, ViewSubmission
from handlers.slack.render import form_view
from handlers.slack.workers import Later

_ENTITY = re.compile(r"<([^<>]*)>")


def _readable(match: re.Match[str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target[:1] in ("@", "#", "!"):  # a person, a channel, @here or a user group
        sign = "#" if target[:1] == "#" else "@"
        return sign + (label.lstrip("@#") or target[1:].split("^")[0])
    return target  # a link: its address


def typed_text(text: str) -> str:
    """A command's text as the person typed it (Slack's escaping and entities undone)."""
    text = _ENTITY.sub(_readable, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def handle_topic_command(
    deps: SlackDeps,
    actor: Actor,
    text: str,
    trigger_id: str,
    respond: Respond,
    client: WebClient,
) -> None:
    """``/palier 1on1 topic <text>`` (``sujet``): stored, or why not; ephemeral."""
    key = f"slack-command:{trigger_id or uuid.uuid4().hex}"
    form = TopicForm(typed_text(text_after(text, 2)), key)
    outcome = deps.flows.topics.add(actor.ref, form, SlackDirectory(client))
    t = slack_t(outcome)
    if outcome.problems:
        card = topic_refused_card(command_problem_key(outcome.problems[0]), t)
    elif outcome.view is None:
        card = topic_refused_card(refusal_key(outcome.refusal or ""), t)
    else:
        card = topic_added_card(outcome.view, t)
    answer, blocks = message(card)
    respond(text=answer, blocks=blocks, response_type="ephemeral", replace_original=False)


def handle_topic_open(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """ "Add a 1:1 topic": the modal naming the manager, or why not in a small modal."""
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.topics.form(actor.ref, SlackDirectory(client))
    t = slack_t(outcome)
    if outcome.view is None:
        text = t.rich(refusal_key(outcome.refusal or ""))
        client.views_open(trigger_id=click.trigger_id, view=notice_modal(text, t))
        return
    client.views_open(trigger_id=click.trigger_id, view=form_view(topic_form(outcome.view, t)))


def handle_topic_submission(deps: SlackDeps, ack: Ack, body: dict[str, Any]) -> None:
    """Store the topic before acknowledging: a problem shows on the field, nothing stored."""
    view = ViewSubmission.model_validate(body).view
    field = view.state.values.get(ids.ONE_ON_ONE_TOPIC_BLOCK, {}).get(ids.ONE_ON_ONE_TOPIC_ACTION)
    form = TopicForm((field.value if field else None) or "", f"slack-view:{view.id}")
    outcome = deps.flows.topics.add(Actor.from_body(body).ref, form)
    t = slack_t(outcome)
    if outcome.view is None:
        key = (
            outcome.problems[0].key
            if outcome.problems
            else refusal_key(outcome.refusal or "")
            if outcome.refusal
            else problem_key("empty")
        )
        ack(response_action="errors", errors={ids.ONE_ON_ONE_TOPIC_BLOCK: t(key)})
        return
    # Stored now, or by the first delivery of this same submission: the same answer.
    ack(response_action="update", view=form_view(topic_saved_form(outcome.view, t)))


def register(app: App, deps: SlackDeps) -> None:
    """The button (Home and brief alike) and the modal (the command is in commands.py)."""

    @app.action(ids.ONE_ON_ONE_TOPIC)
    def one_on_one_topic(ack: Ack, body: dict[str, Any], client: WebClient, later: Later) -> None:
        ack()
        later(lambda: handle_topic_open(deps, body, client))

    @app.view(ids.ONE_ON_ONE_TOPIC_VIEW)
    def one_on_one_topic_submit(ack: Ack, body: dict[str, Any]) -> None:
        handle_topic_submission(deps, ack, body)
