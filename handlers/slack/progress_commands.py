"""``/palier me chart`` (``moi graphique``) and the Home's « 📈 » button: a person's
progress chart as a picture in their own DM with Palier, never in a channel.

Grammar (French words accepted too)::

    /palier me chart              one's own chart (also: /palier chart)
    /palier me chart @member      a report's, when the access policy allows

The flow (:mod:`bot.app.progress`) decides whose chart the asker may have and draws it;
here the file goes up with ``files.uploadV2`` to the asker's DM (the flow's
:class:`~bot.app.outcome.DeliverFile`, with its alt text: :mod:`handlers.slack.effects`), then an ephemeral answer says
where it is — or why there is none (nothing rated yet, not theirs to see). From the
Home, which has no ``response_url``, a refusal is a small modal.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.app.progress import ChartRequest
from bot.domain.commands import CHART_WORDS
from bot.views import progress_chart
from handlers.slack.admin_commands import user_id_of
from handlers.slack.builders.home_builder import notice_modal
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.effects import carry_out
from handlers.slack.markup import slack_t
from handlers.slack.payloads import BlockActions


def is_chart(words: list[str]) -> bool:
    """Whether the words after ``me`` ask for the chart."""
    return bool(words) and words[0].lower() in CHART_WORDS


def handle_chart(
    deps: SlackDeps, actor: Actor, words: list[str], respond: Respond, client: WebClient
) -> None:
    """``me chart [@member]``: the chart in the DM, then say so; or why not."""
    flow, directory = deps.flows.progress, SlackDirectory(client)
    if len(words) > 1:
        target = user_id_of(words[1])
        outcome = (
            flow.chart(actor.ref, ChartRequest(target), directory)
            if target is not None and len(words) == 2
            else flow.usage(actor.ref, directory)
        )
    else:
        outcome = flow.chart(actor.ref, ChartRequest(), directory)
    t = slack_t(outcome)
    if outcome.refusal is not None:
        respond(
            text=from_rich(progress_chart.refusal(outcome.refusal, t)), response_type="ephemeral"
        )
        return
    carry_out(client, outcome.effects, t)
    respond(text=from_rich(progress_chart.sent_to_dm(t)), response_type="ephemeral")


def handle_chart_click(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """The Home's button: one's own chart in the DM; a refusal as a small modal."""
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.progress.chart(actor.ref, ChartRequest(), SlackDirectory(client))
    t = slack_t(outcome)
    if outcome.refusal is not None:
        text = progress_chart.refusal(outcome.refusal, t)
        client.views_open(trigger_id=click.trigger_id, view=notice_modal(text, t))
        return
    carry_out(client, outcome.effects, t)
