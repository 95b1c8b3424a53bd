"""``moi graphique`` (``me chart``, ``graphique``) typed to Palier, and the home card's
« 📈 » button: the person's progress chart, offered as a file in their own chat.

Teams sends a file only once the person accepts it (:mod:`handlers.teams.files`): the
chart is offered as a consent card naming its kind only, and built again for whoever
accepts (:class:`bot.app.files.FileFlow`, always the accepting person's own chart). So
in Teams the chart is one's own: ``moi graphique`` takes no one else's name (a manager
reads a report's levels in the 1:1 brief, or asks in Slack). Nothing rated yet: the
refusal says why, and no card is offered.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app.progress import ChartRequest
from bot.domain.commands import CHART_WORDS, Command, Parsed
from bot.i18n.rich import Rich
from bot.views import actions, progress_chart
from bot.views.notice import notice_card
from handlers.teams import files
from handlers.teams.commands import handle_me
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.replies import reply, toast
from handlers.teams.wording import teams_t


async def _offer(deps: TeamsDeps, ctx: Any) -> Rich | None:
    """The chart offered in the person's chat; the refusal's words when there is none."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.progress.chart, actor_ref(activity), ChartRequest(), ActivityDirectory(activity)
    )
    t = teams_t(outcome)
    if outcome.refusal is not None:
        return progress_chart.refusal(outcome.refusal, t)
    await files.offer(deps, ctx, outcome.effects)
    return None


async def handle_chart(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``graphique``, ``moi graphique``: the chart to accept, or why there is none."""
    refused = await _offer(deps, ctx)
    if refused is not None:
        await reply(deps, ctx, notice_card(refused))


async def handle_me_or_chart(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``moi`` alone: the summary; ``moi graphique``: the chart."""
    if parsed.args and parsed.args[0].lower() in CHART_WORDS:
        await handle_chart(deps, ctx, parsed)
    else:
        await handle_me(deps, ctx, parsed)


async def handle_chart_button(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """The home card's button: the chart offered below it; a refusal as a toast."""
    refused = await _offer(deps, ctx)
    return toast(refused.plain() if refused is not None else "")


COMMANDS = {Command.ME: handle_me_or_chart, Command.CHART: handle_chart}
CARD_ACTIONS = {actions.PROGRESS_CHART: handle_chart_button}
