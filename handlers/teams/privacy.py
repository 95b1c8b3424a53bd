"""``privacy delete|export`` and ``export`` typed to Palier: one's data erased, or as a file.

Erasure is asked first: the core's question card, whose button is confirmed on the card
(``Action.ShowCard``) before its ``Action.Execute`` erases the person's own data, the card
then replaced by the answer. Files — one's own data as a summary to read and as JSON, a
manager's team (an admin's workspace) as an Excel workbook — are offered in the person's chat as Teams asks, a consent card to
accept (:mod:`handlers.teams.files`); a member asking for an export is refused as in
Slack, and gets no card.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.domain.commands import PRIVACY_DELETE, PRIVACY_EXPORT, Command, Parsed
from bot.views import actions, privacy
from bot.views.notice import notice_card
from handlers.teams import files
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.replies import new_card, reply
from handlers.teams.wording import teams_t


async def handle_privacy(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``privacy delete`` asks first; ``privacy export`` offers the person's data as a file."""
    activity = ctx.activity
    ref, directory = actor_ref(activity), ActivityDirectory(activity)
    flow = deps.flows.privacy
    action = parsed.args[0].lower() if parsed.args else ""
    if action in PRIVACY_DELETE:
        outcome = await asyncio.to_thread(flow.ask_erasure, ref, directory)
        if outcome.refusal is None:
            await reply(deps, ctx, privacy.erasure_question(teams_t(outcome)))
            return
    elif action in PRIVACY_EXPORT:
        outcome = await asyncio.to_thread(flow.send_my_data, ref, directory)
        if outcome.refusal is None:
            await files.offer(deps, ctx, outcome.effects)
            return
    else:
        outcome = await asyncio.to_thread(flow.usage, ref, directory)
    await reply(
        deps, ctx, notice_card(privacy.refusal(outcome.refusal or "usage", teams_t(outcome)))
    )


async def handle_export(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``export``: refused to a member as in Slack; a manager's team (an admin's workspace)
    offered as an Excel workbook."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.export.team_ratings, actor_ref(activity), ActivityDirectory(activity)
    )
    if outcome.refusal is not None:
        await reply(deps, ctx, notice_card(privacy.refusal(outcome.refusal, teams_t(outcome))))
        return
    await files.offer(deps, ctx, outcome.effects)


async def handle_erase(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """The confirmed button: the person's own data erased, the question card replaced by
    the answer."""
    outcome = await asyncio.to_thread(deps.flows.privacy.erase_mine, actor_ref(ctx.activity))
    return new_card(deps, notice_card(privacy.erased(teams_t(outcome))))


COMMANDS = {Command.PRIVACY: handle_privacy, Command.EXPORT: handle_export}
CARD_ACTIONS = {actions.ERASE_MY_DATA: handle_erase}
