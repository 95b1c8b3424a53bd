"""``/palier team`` (``equipe``, ``équipe``): a manager's private summary of their team.

Everything stays private to the asker, never in a channel, whichever channel
the command was typed in. The tables (one per référentiel) go to the asker's
own DM with Palier by ``chat.postMessage``, each in the message's
``attachments``, the one place Slack's table block reference allows a table
(see :mod:`handlers.slack.builders.team_builder`), and an ephemeral answer says
so. A team too large for tables gets an ephemeral summary with the detail — a
CSV file and the heatmap's pictures — in the same DM (``files.uploadV2``, at most ten files
a message). Who is in
the team is decided by :class:`bot.app.team.TeamFlow`, which applies
:mod:`bot.domain.access`; anyone without reports gets a polite refusal that says nothing
about anyone. The words and files are the core's (:mod:`bot.views.team`,
:mod:`bot.views.team_files`); this listener only delivers what the flow answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.views import team
from bot.views.team_files import TeamFile, team_files
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.builders.prompt_builder import notice
from handlers.slack.builders.team_builder import fits_in_messages, team_messages, team_summary
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.markup import slack_t

FILES_PER_MESSAGE = 10  # what Slack shows on one message; a large team's map has more


def batches(files: Sequence[TeamFile]) -> list[Sequence[TeamFile]]:
    """``files`` in messages of at most :data:`FILES_PER_MESSAGE`, in order."""
    return [
        files[start : start + FILES_PER_MESSAGE]
        for start in range(0, len(files), FILES_PER_MESSAGE)
    ]


def _dm(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def handle_team(
    deps: SlackDeps,
    actor: Actor,
    respond: Respond | Callable[..., object],
    client: WebClient,
    *,
    say_where: bool = True,
) -> None:
    """The asker's team summary, privately; a refusal for anyone without reports.
    ``respond``: where the short answers go (the command's ephemeral reply, or the DM);
    ``say_where``: whether to say the tables are in the DM once they are."""
    outcome = deps.flows.team.overview(actor.ref, deps.directory(client, actor))
    t, overview = slack_t(outcome), outcome.view
    if overview is None:  # the one refusal: no reports, or unknown to Palier
        text, blocks = notice(team.refusal(outcome.refusal, t))
        respond(text=text, blocks=blocks, response_type="ephemeral")
        return
    if fits_in_messages(overview):
        messages = team_messages(overview, t)
        tables = [message for message in messages if message.table is not None]
        if not tables:  # nobody followed: nothing to tabulate, the answer is the note
            for message in messages:
                respond(text=message.text, blocks=message.blocks, response_type="ephemeral")
            return
        channel = _dm(client, actor.user_id)
        for message in messages:
            client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                attachments=message.attachments(),
            )
        if say_where:  # after the tables, so that "it is in your DM" is true when it shows
            text, blocks = notice(team.in_dm(len(tables), t))
            respond(text=text, blocks=blocks, response_type="ephemeral")
        return
    summary = team_summary(overview, t)
    files = team_files(overview, t)
    # The files first, so that the summary's "it is in your DM" is true when it shows.
    channel = _dm(client, actor.user_id)
    for index, batch in enumerate(batches(files.files)):
        client.files_upload_v2(
            channel=channel,
            initial_comment=from_rich(files.comment) if index == 0 else None,
            file_uploads=[
                {"content": file.content, "filename": file.filename, "title": file.title}
                | ({"alt_txt": file.alt} if file.alt is not None else {})
                for file in batch
            ],
        )
    respond(text=summary.text, blocks=summary.blocks, response_type="ephemeral")
