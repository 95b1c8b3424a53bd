"""``/palier export`` and ``/palier privacy export|delete``: data out, data gone.

Files go to the asker's own DM with Palier (``files.uploadV2``, the flow's
:class:`~bot.app.outcome.DeliverFile`), never to a channel. What an export contains
is the export flow's (:mod:`bot.app.exports`: a member cannot export, a manager
exports their team, an admin their workspace); one's own data and its erasure are
the privacy flow's (:mod:`bot.app.privacy`). Erasure asks for confirmation first (a
button with Slack's confirmation dialog).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.app.outcome import Outcome
from bot.domain.commands import PRIVACY_DELETE, PRIVACY_EXPORT
from bot.views import privacy
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.effects import carry_out
from handlers.slack.markup import slack_t
from handlers.slack.render import card_blocks, card_text


def _refused(outcome: Outcome[Any], respond: Respond) -> bool:
    if outcome.refusal is None:
        return False
    text = from_rich(privacy.refusal(outcome.refusal, slack_t(outcome)))
    respond(text=text, response_type="ephemeral")
    return True


def _deliver(outcome: Outcome[Any], respond: Respond, client: WebClient) -> None:
    """The file to the asker's DM, then say where it is (or why there is none)."""
    if _refused(outcome, respond):
        return
    carry_out(client, outcome.effects, slack_t(outcome))
    respond(text=from_rich(privacy.sent_to_dm(slack_t(outcome))), response_type="ephemeral")


def handle_export(deps: SlackDeps, actor: Actor, respond: Respond, client: WebClient) -> None:
    """Ratings and evidence as an Excel workbook, for a manager's team or an admin's
    workspace."""
    _deliver(
        deps.flows.export.team_ratings(actor.ref, deps.directory(client, actor)), respond, client
    )


def handle_privacy(
    deps: SlackDeps, actor: Actor, words: list[str], respond: Respond, client: WebClient
) -> None:
    """``privacy export`` (all one's data: a summary to read and the JSON, in one message)
    or ``privacy delete`` (confirm)."""
    action = words[0].lower() if words else ""
    flow, directory = deps.flows.privacy, deps.directory(client, actor)
    if action in PRIVACY_EXPORT:
        _deliver(flow.send_my_data(actor.ref, directory), respond, client)
    elif action in PRIVACY_DELETE:
        outcome = flow.ask_erasure(actor.ref, directory)
        if _refused(outcome, respond):
            return
        question = privacy.erasure_question(slack_t(outcome))
        respond(text=card_text(question), blocks=card_blocks(question), response_type="ephemeral")
    else:
        _refused(flow.usage(actor.ref, directory), respond)


def handle_privacy_delete(deps: SlackDeps, actor: Actor, respond: Respond) -> None:
    """The confirmed erasure of the actor's own data."""
    outcome = deps.flows.privacy.erase_mine(actor.ref)
    respond(
        text=from_rich(privacy.erased(slack_t(outcome))),
        response_type="ephemeral",
        replace_original=True,
    )
