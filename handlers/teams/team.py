"""``équipe`` (``team``): a manager's private summary of their team, in Teams.

The answer comes in the manager's own chat with Palier (the app's personal scope): one
card per référentiel, each with its table (an Adaptive Card ``Table``), as the core lays
it out (:func:`bot.views.team.team_cards`). Microsoft publishes no limit of its own on a
``Table``'s columns or rows in Teams; what bounds a card is the size of the message, so a
team whose tables do not fit whole (the renderer's :meth:`~handlers.teams.render.Renderer.fits`)
gets the summary instead (:func:`bot.views.team.summary_card`), which says the detail
cannot come as a file in Teams yet: files in a Teams chat take the file-consent flow,
which Palier does not have. Who is in the team is the team flow's decision
(:mod:`bot.app.team`); anyone without reports gets the same polite refusal.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.domain.commands import Command, Parsed
from bot.views import team as views
from bot.views.notice import notice_card
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.replies import reply
from handlers.teams.wording import teams_t


async def handle_team(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.team.overview, actor_ref(activity), ActivityDirectory(activity)
    )
    t, overview = teams_t(outcome), outcome.view
    if overview is None:  # no reports, or unknown to Palier: the same words
        await reply(deps, ctx, notice_card(views.refusal(outcome.refusal, t)))
        return
    cards = views.team_cards(overview, t)
    if not all(deps.renderer.fits(card) for card in cards):
        cards = [views.summary_card(overview, t, files=False)]
    for card in cards:
        await reply(deps, ctx, card)


COMMANDS = {Command.TEAM: handle_team}
