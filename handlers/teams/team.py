"""``équipe`` (``team``): a manager's private summary of their team, in Teams.

The answer comes in the manager's own chat with Palier (the app's personal scope): one
card per référentiel, each with its table (an Adaptive Card ``Table``), as the core lays
it out (:func:`bot.views.team.team_cards`). Microsoft publishes no limit of its own on a
``Table``'s columns or rows in Teams; what bounds a card is the size of the message, so a
team whose tables do not fit whole (the renderer's :meth:`~handlers.teams.render.Renderer.fits`)
gets the summary instead (:func:`bot.views.team.summary_card`) and its detail as files —
the CSV table and the heatmap Slack sends too (:func:`bot.app.files.team_deliveries`) —
each offered to accept into the manager's OneDrive (:mod:`handlers.teams.files`). Who is
in the team is the team flow's decision (:mod:`bot.app.team`); anyone without reports
gets the same polite refusal.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app.files import team_deliveries
from bot.app.outcome import FileKind
from bot.domain.commands import Command, Parsed
from bot.views import files as file_words
from bot.views import team as views
from bot.views.notice import notice_card
from handlers.teams import files
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.replies import reply
from handlers.teams.wording import teams_t


async def handle_team(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    await post_team(deps, ctx)


async def post_team(deps: TeamsDeps, ctx: Any) -> None:
    """The acting person's team summary in their chat (typed, or from their page)."""
    activity = ctx.activity
    ref = actor_ref(activity)
    outcome = await asyncio.to_thread(deps.flows.team.overview, ref, ActivityDirectory(activity))
    t, overview = teams_t(outcome), outcome.view
    if overview is None:  # no reports, or unknown to Palier: the same words
        await reply(deps, ctx, notice_card(views.refusal(outcome.refusal, t)))
        return
    cards = views.team_cards(overview, t)
    if all(deps.renderer.fits(card) for card in cards):
        for card in cards:
            await reply(deps, ctx, card)
        return
    deliveries = await asyncio.to_thread(team_deliveries, overview, t, ref.user_id)
    maps = sum(1 for file in deliveries if file.kind is FileKind.TEAM_MAP)
    follow = file_words.team_files_follow(t, maps)
    await reply(deps, ctx, views.summary_card(overview, t, files=follow))
    await files.offer(deps, ctx, deliveries)


COMMANDS = {Command.TEAM: handle_team}
