"""``/palier vae`` (``/palier livret``): the VAE livret de preuves, as a PDF to print and
a Word file to edit, only ever in direct messages — never to a channel.

Grammar (French words accepted too)::

    /palier vae                 one's own livret, to one's DM
    /palier vae @person         (managers) ask a direct report for theirs: they choose
    /palier vae share           (partager) send one's own livret to one's manager

A manager's request reaches the person as a message with Share and Decline; their click
is answered here (:func:`handle_answer`). What the livret holds and who may have it is
the flows' (:mod:`bot.app.vae`, :mod:`bot.app.vae_share`, on the access policy); a
button's value is only a claim, checked again when it is clicked.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.app.outcome import Outcome
from bot.app.vae_share import ShareRefusal
from bot.domain.commands import SHARE_WORDS
from bot.views import vae_livret, vae_share
from bot.views.vae_share import LivretNotice
from handlers.slack import ids
from handlers.slack.admin_commands import user_id_of
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.effects import carry_out, render
from handlers.slack.markup import slack_t
from handlers.slack.payloads import BlockActions
from handlers.slack.workers import Later


def handle_vae(
    deps: SlackDeps, actor: Actor, words: list[str], respond: Respond, client: WebClient
) -> None:
    """One's own livret, a request to a report, or one's livret to one's manager."""
    if not words:
        _mine(deps, actor, respond, client)
    elif words[0].lower() in SHARE_WORDS:
        _notice(deps.flows.vae_share.share_mine(actor.ref, SlackDirectory(client)), respond, client)
    else:
        named = user_id_of(words[0]) or ""
        outcome = deps.flows.vae_share.ask(actor.ref, named, SlackDirectory(client))
        _notice(outcome, respond, client)


def _mine(deps: SlackDeps, actor: Actor, respond: Respond, client: WebClient) -> None:
    """Both files to the asker's DM, then say where they are (or why there are none)."""
    outcome = deps.flows.vae.send_my_livret(actor.ref, SlackDirectory(client))
    t = slack_t(outcome)
    if outcome.refusal is not None:
        respond(text=from_rich(vae_livret.refusal(outcome.refusal, t)), response_type="ephemeral")
        return
    carry_out(client, outcome.effects, t)
    respond(text=from_rich(vae_livret.sent(t)), response_type="ephemeral")


def _notice(outcome: Outcome[LivretNotice], respond: Respond, client: WebClient) -> None:
    """The effects carried out (the request to the person, the files to the manager),
    then the actor told, privately."""
    t = slack_t(outcome)
    if outcome.view is None:
        text = from_rich(vae_share.refusal(outcome.refusal or "", t))
        respond(text=text, response_type="ephemeral")
        return
    carry_out(client, outcome.effects, t)
    respond(text=from_rich(vae_share.notice(outcome.view, t)), response_type="ephemeral")


def handle_answer(
    deps: SlackDeps, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """The person's Share or Decline: the request replaced by what came of it, the
    files or the notice carried out. A request answered already is left as it is."""
    click = BlockActions.model_validate(body)
    action = click.actions[0]
    actor = Actor.from_body(body)
    share = action.action_id == ids.LIVRET_SHARE
    outcome = deps.flows.vae_share.answer(
        actor.ref, action.value or "", share, SlackDirectory(client)
    )
    t = slack_t(outcome)
    if outcome.view is None:
        text = from_rich(vae_share.refusal(outcome.refusal or "", t))
        answered = outcome.refusal == ShareRefusal.ANSWERED.value
        respond(text=text, response_type="ephemeral", replace_original=not answered)
        return
    text, blocks = render(outcome.view, t)
    respond(text=text, blocks=blocks, replace_original=True)
    carry_out(client, outcome.effects, t)


def register(app: App, deps: SlackDeps) -> None:
    """Share and Decline, acknowledged at once; the answer follows (:class:`Later`)."""

    def answer(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, later: Later
    ) -> None:
        ack()
        later(lambda: handle_answer(deps, body, client, respond))

    app.action(ids.LIVRET_SHARE)(answer)
    app.action(ids.LIVRET_DECLINE)(answer)
