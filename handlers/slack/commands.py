"""The ``/palier`` slash command: ``me`` (own summary), ``help``; anything else gets the help.

Acknowledged at once; the flow runs after (:mod:`handlers.slack.workers`) and its
answer comes through the command's ``response_url``. Every answer is ephemeral: only
the person who typed the command sees it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.app.evidence import NewEvidence
from bot.app.outcome import Outcome
from bot.domain.commands import Command, Parsed, is_topic, parse, text_after
from bot.views import notice as notice_view
from handlers.slack import ids
from handlers.slack.admin_commands import handle_admin
from handlers.slack.builders.evidence_builder import form_modal
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.builders.prompt_builder import notice
from handlers.slack.builders.summary_builder import help_message, summary_blocks, summary_text
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.markup import slack_t
from handlers.slack.one_on_one_commands import handle_one_on_one
from handlers.slack.privacy_commands import handle_export, handle_privacy
from handlers.slack.progress_commands import handle_chart, is_chart
from handlers.slack.review_commands import handle_review_list
from handlers.slack.team_commands import handle_team
from handlers.slack.topic_commands import handle_topic_command
from handlers.slack.vae_commands import handle_vae
from handlers.slack.workers import Later


class PalierCommand(BaseModel):
    model_config = ConfigDict(extra="ignore")

    team_id: str
    user_id: str
    text: str = ""
    trigger_id: str = ""


def _refuse(outcome: Outcome[Any], respond: Respond) -> None:
    text, blocks = notice(notice_view.refusal(outcome.refusal, slack_t(outcome)))
    respond(text=text, blocks=blocks, response_type="ephemeral")


def handle_me(deps: SlackDeps, actor: Actor, respond: Respond, client: WebClient) -> None:
    outcome = deps.flows.summary.me(actor.ref, SlackDirectory(client))
    if outcome.view is None:
        _refuse(outcome, respond)
        return
    t = slack_t(outcome)
    respond(
        text=summary_text(outcome.view, t),
        blocks=summary_blocks(outcome.view, t),
        response_type="ephemeral",
    )


def handle_help(
    deps: SlackDeps, actor: Actor, respond: Respond, client: WebClient, unknown: Parsed | None
) -> None:
    """The help for this person's role; after an unknown command (``unknown``), what was
    not understood and the nearest command they may use."""
    # Only what is shown depends on it: a profile read lately serves, even an admin's.
    directory = SlackDirectory(client, deps.profiles, actor.team_id, display_only=True)
    outcome = deps.flows.summary.help(actor.ref, directory, unknown)
    assert outcome.view is not None  # the help always answers
    typed = unknown.text if unknown is not None else None
    text, blocks = help_message(slack_t(outcome), typed, outcome.view)
    respond(text=text, blocks=blocks, response_type="ephemeral")


def handle_language(
    deps: SlackDeps, actor: Actor, respond: Respond, client: WebClient, wanted: str
) -> None:
    """``/palier langue en`` — the person's language from now on (fr or en)."""
    outcome = deps.flows.summary.choose_language(actor.ref, wanted, SlackDirectory(client))
    if outcome.refusal is not None:
        text = from_rich(notice_view.refusal(outcome.refusal, slack_t(outcome)))
        respond(text=text, response_type="ephemeral")
        return
    respond(
        text=from_rich(notice_view.language_changed(slack_t(outcome))), response_type="ephemeral"
    )


def handle_log(
    deps: SlackDeps,
    actor: Actor,
    trigger_id: str,
    respond: Respond,
    client: WebClient,
    text: str = "",
) -> None:
    """``/palier log [TEXT]`` — the evidence modal, for anyone enrolled; a text typed after
    the command fills it in, with the competency it most likely shows chosen."""
    start = NewEvidence(text=text) if text else None
    outcome = deps.flows.evidence.form(actor.ref, start, directory=SlackDirectory(client))
    if outcome.view is None:
        _refuse(outcome, respond)
        return
    client.views_open(trigger_id=trigger_id, view=form_modal(outcome.view, slack_t(outcome)))


def run_command(
    deps: SlackDeps, command: PalierCommand, respond: Respond, client: WebClient
) -> None:
    """What the command asks, after its acknowledgement."""
    actor = Actor(team_id=command.team_id, user_id=command.user_id)
    parsed = parse(command.text)
    match parsed.command:
        case Command.ME if is_chart(parsed.args):
            handle_chart(deps, actor, parsed.args, respond, client)
        case Command.ME:
            handle_me(deps, actor, respond, client)
        case Command.CHART:
            handle_chart(deps, actor, ["chart", *parsed.args], respond, client)
        case Command.REVIEW:
            handle_review_list(deps, actor, respond, client)
        case Command.EXPORT:
            handle_export(deps, actor, respond, client)
        case Command.TEAM:
            handle_team(deps, actor, respond, client)
        case Command.PRIVACY:
            handle_privacy(deps, actor, parsed.args, respond, client)
        case Command.ONE_ON_ONE if is_topic(parsed):
            handle_topic_command(deps, actor, parsed.text, command.trigger_id, respond, client)
        case Command.ONE_ON_ONE:
            handle_one_on_one(deps, actor, parsed.args, respond, client)
        case Command.VAE:
            handle_vae(deps, actor, parsed.args, respond, client)
        case Command.ADMIN:
            handle_admin(deps, actor, parsed.args, respond, client)
        case Command.LOG:
            text = text_after(parsed.text, 1)
            handle_log(deps, actor, command.trigger_id, respond, client, text)
        case Command.LANGUAGE:
            handle_language(deps, actor, respond, client, parsed.args[0] if parsed.args else "")
        case Command.HELP | Command.HOME:  # the App Home is Slack's own tab
            handle_help(deps, actor, respond, client, None)
        case Command.UNKNOWN:
            handle_help(deps, actor, respond, client, parsed)


def register(app: App, deps: SlackDeps) -> None:
    @app.command(ids.COMMAND)
    def palier_command(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, later: Later
    ) -> None:
        ack()
        command = PalierCommand.model_validate(body)
        later(lambda: run_command(deps, command, respond, client))
