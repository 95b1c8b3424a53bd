"""``/palier me chart`` (``moi graphique``) and the Home's « 📈 » button: a person's
progress chart as a picture in their own DM with Palier, never in a channel.

Grammar (French words accepted too)::

    /palier me chart              one's own chart (also: /palier chart)
    /palier me chart @member      a report's, when the access policy allows

The flow (:mod:`bot.app.progress`) decides whose chart the asker may have and draws it;
here the file goes up with ``files.uploadV2`` to the asker's DM (the flow's
:class:`~bot.app.outcome.DeliverFile`, with its alt text), then an ephemeral answer says
where it is — or why there is none (nothing rated yet, not theirs to see). From the
Home, which has no ``response_url``, a refusal is a small modal.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.app.outcome import DeliverFile, Outcome
from bot.app.progress import ChartRequest
from bot.domain.commands import CHART_WORDS
from bot.views import progress_chart
from handlers.slack.admin_commands import user_id_of
from handlers.slack.builders.home_builder import notice_modal
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.markup import slack_t
from handlers.slack.payloads import BlockActions


def is_chart(words: list[str]) -> bool:
    """Whether the words after ``me`` ask for the chart."""
    return bool(words) and words[0].lower() in CHART_WORDS


def upload(client: WebClient, outcome: Outcome[Any]) -> None:
    """The chart to the asker's DM, with its words and its description."""
    for file in outcome.effects:
        if not isinstance(file, DeliverFile):
            continue
        channel = client.conversations_open(users=file.user_id)["channel"]["id"]
        upload: dict[str, Any] = {
            "content": file.content,
            "filename": file.filename,
            "title": file.title,
        }
        if file.alt is not None:
            upload["alt_txt"] = file.alt
        client.files_upload_v2(
            channel=str(channel), initial_comment=file.comment, file_uploads=[upload]
        )


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
    upload(client, outcome)
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
    upload(client, outcome)
