"""``/palier vae`` (``/palier livret``): the person's own VAE livret de preuves, as a PDF
to print and a Word file to edit, uploaded to their DM with Palier — never to a channel,
never anyone else's. What it holds and who may have it is the VAE flow's
(:mod:`bot.app.vae`); someone not on a certification référentiel is told why not.
"""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.views import vae_livret
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.effects import carry_out
from handlers.slack.markup import slack_t


def handle_vae(deps: SlackDeps, actor: Actor, respond: Respond, client: WebClient) -> None:
    """Both files to the asker's DM, then say where they are (or why there are none)."""
    outcome = deps.flows.vae.send_my_livret(actor.ref, SlackDirectory(client))
    t = slack_t(outcome)
    if outcome.refusal is not None:
        respond(text=from_rich(vae_livret.refusal(outcome.refusal, t)), response_type="ephemeral")
        return
    carry_out(client, outcome.effects, t)
    respond(text=from_rich(vae_livret.sent(t)), response_type="ephemeral")
