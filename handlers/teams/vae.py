"""``vae`` (``livret``) typed to Palier in Teams: the VAE livret de preuves, in personal
chats only — never in a team or a group chat.

Grammar (French words accepted too), as after ``/palier`` in Slack::

    vae                 one's own livret: the PDF and the Word file offered as Teams asks
                        (file consent cards, :mod:`handlers.teams.files`)
    vae @person         (managers) ask a direct report for theirs: they choose
    vae share           (partager) send one's own livret to one's manager

A manager's request reaches the person's chat as a card with Share and Decline
(``Action.Execute``); the answer replaces the card. Shared files reach the manager's own
chat as consent cards, built again when the manager accepts, only under the person's
consent and the policy then (:mod:`bot.app.vae_share`). What the livret holds and who may
have it is the flows'; a button's value is only a claim, checked again.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app.outcome import Outcome
from bot.domain.commands import SHARE_WORDS, Parsed
from bot.views import actions, vae_livret, vae_share
from bot.views.notice import notice_card
from bot.views.vae_share import LivretNotice
from handlers.teams import files
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.effects import carry_out
from handlers.teams.mentions import Mentioned, user_id_of, words
from handlers.teams.replies import new_card, reply, toast
from handlers.teams.wording import teams_t


async def handle_vae(deps: TeamsDeps, app: Any, ctx: Any, parsed: Parsed) -> None:
    """One's own livret, a request to a report, or one's livret to one's manager."""
    activity = ctx.activity
    ref, directory = actor_ref(activity), ActivityDirectory(activity)
    args = words(activity)[1:]
    first = args[0] if args else None
    if first is None:
        mine = await asyncio.to_thread(deps.flows.vae.send_my_livret, ref, directory)
        if mine.refusal is not None:
            said = vae_livret.refusal(mine.refusal, teams_t(mine))
            await reply(deps, ctx, notice_card(said))
            return
        await files.offer(deps, ctx, mine.effects)
        return
    flow = deps.flows.vae_share
    if isinstance(first, str) and first.lower() in SHARE_WORDS:
        outcome = await asyncio.to_thread(flow.share_mine, ref, directory)
    else:
        named = await user_id_of(ctx, first) if isinstance(first, Mentioned) else ""
        outcome = await asyncio.to_thread(flow.ask, ref, named, directory)
    await _tell(deps, app, ctx, outcome)


async def _tell(deps: TeamsDeps, app: Any, ctx: Any, outcome: Outcome[LivretNotice]) -> None:
    """The effects carried out (the request to the person, the files offered to the
    manager), then the actor told."""
    t = teams_t(outcome)
    if outcome.view is None:
        await reply(deps, ctx, notice_card(vae_share.refusal(outcome.refusal or "", t)))
        return
    await carry_out(app, outcome.effects, t, deps.renderer)
    await reply(deps, ctx, notice_card(vae_share.notice(outcome.view, t)))


async def handle_answer(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """Share or Decline on the request: the card replaced by what came of it (a request
    answered already is left as it is, with a short word)."""
    value = data.get("value")
    share = data.get("action") == actions.LIVRET_SHARE
    outcome = await asyncio.to_thread(
        deps.flows.vae_share.answer,
        actor_ref(ctx.activity),
        value if isinstance(value, str) else "",
        share,
        ActivityDirectory(ctx.activity),
    )
    t = teams_t(outcome)
    if outcome.view is None:
        said = vae_share.refusal(outcome.refusal or "", t)
        if outcome.refusal == "answered":
            return toast(said.plain())
        return new_card(deps, notice_card(said))
    await carry_out(app, outcome.effects, t, deps.renderer)
    return new_card(deps, vae_share.notice_card(outcome.view, t))


CARD_ACTIONS = {actions.LIVRET_SHARE: handle_answer, actions.LIVRET_DECLINE: handle_answer}
