"""``moi graphique`` (``me chart``, ``graphique``) typed to Palier, and the home card's
« 📈 » button: a progress chart, offered as a file in the asker's own chat.

Grammar (English words accepted too), as after ``/palier`` in Slack::

    moi graphique              one's own chart (also: graphique)
    moi graphique @personne    a report's, when the access policy allows

``@personne`` is a Teams @mention (:mod:`handlers.teams.mentions`). Teams sends a file
only once the person accepts it (:mod:`handlers.teams.files`): the chart is offered as a
consent card naming its kind (and, for a report's, whose it is) and built again for
whoever accepts (:class:`bot.app.files.FileFlow`): the policy decides at the request and
again at the yes. Not allowed, nothing rated yet: the refusal says why, and no card is
offered — the same words whether the person exists, is elsewhere or is not one's own.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app.outcome import Outcome
from bot.app.progress import ChartRequest
from bot.domain.commands import CHART_WORDS, Command, Parsed
from bot.i18n.rich import Rich
from bot.views import actions, progress_chart
from bot.views.notice import notice_card
from handlers.teams import files
from handlers.teams.commands import handle_me
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.mentions import Mentioned, user_id_of, words
from handlers.teams.replies import reply, toast
from handlers.teams.wording import teams_t


async def _offer(deps: TeamsDeps, ctx: Any, target: str | None = None) -> Rich | None:
    """The chart (``target``'s: a report's) offered in the asker's chat; the refusal's
    words when there is none."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.progress.chart,
        actor_ref(activity),
        ChartRequest(target),
        ActivityDirectory(activity),
    )
    if outcome.refusal is not None:
        return progress_chart.refusal(outcome.refusal, teams_t(outcome))
    await files.offer(deps, ctx, outcome.effects)
    return None


async def _target(ctx: Any, after: list[str | Mentioned]) -> tuple[bool, str | None]:
    """Whose chart the words after the command ask for: (understood, a report's id or
    None for one's own)."""
    if not after:
        return True, None
    if len(after) == 1 and isinstance(after[0], Mentioned):
        return True, await user_id_of(ctx, after[0])
    return False, None


async def handle_chart(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``graphique [@personne]``, ``moi graphique [@personne]``: the chart to accept, or
    why there is none."""
    typed = words(ctx.activity)
    chart_word = 2 if parsed.command is Command.ME else 1  # "moi graphique" / "graphique"
    understood, target = await _target(ctx, typed[chart_word:])
    if not understood:
        activity = ctx.activity
        usage: Outcome[None] = await asyncio.to_thread(
            deps.flows.progress.usage, actor_ref(activity), ActivityDirectory(activity)
        )
        await reply(deps, ctx, notice_card(progress_chart.refusal(usage.refusal, teams_t(usage))))
        return
    refused = await _offer(deps, ctx, target)
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
