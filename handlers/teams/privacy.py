"""``privacy delete|export`` and ``export`` typed to Palier: one's data erased, or where
to get a file.

Erasure is asked first: the core's question card, whose button is confirmed on the card
(``Action.ShowCard``) before its ``Action.Execute`` erases the person's own data, the card
then replaced by the answer. Files (one's data as JSON, a team's export as CSV) cannot be
sent in a Teams personal chat without the file-consent flow, which Palier does not have
yet: the person is told so and what to do instead, and nothing runs — a member asking
for an export is refused as in Slack, since no file would be theirs to have.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.domain.commands import PRIVACY_DELETE, PRIVACY_EXPORT, Command, Parsed
from bot.views import actions, privacy
from bot.views.notice import notice_card
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.replies import new_card, reply
from handlers.teams.wording import teams_t


async def handle_privacy(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``privacy delete`` asks first; ``privacy export`` says where the data can be had."""
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
        told = await asyncio.to_thread(deps.flows.summary.help, ref, directory)
        await reply(deps, ctx, notice_card(privacy.no_file_here(teams_t(told))))
        return
    else:
        outcome = await asyncio.to_thread(flow.usage, ref, directory)
    await reply(
        deps, ctx, notice_card(privacy.refusal(outcome.refusal or "usage", teams_t(outcome)))
    )


async def handle_export(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``export``: refused to a member as in Slack; a manager or an admin is told where
    the file can be had."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.export.may_export, actor_ref(activity), ActivityDirectory(activity)
    )
    t = teams_t(outcome)
    if outcome.refusal is not None:
        await reply(deps, ctx, notice_card(privacy.refusal(outcome.refusal, t)))
        return
    await reply(deps, ctx, notice_card(privacy.no_export_here(t)))


async def handle_erase(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """The confirmed button: the person's own data erased, the question card replaced by
    the answer."""
    outcome = await asyncio.to_thread(deps.flows.privacy.erase_mine, actor_ref(ctx.activity))
    return new_card(deps, notice_card(privacy.erased(teams_t(outcome))))


COMMANDS = {Command.PRIVACY: handle_privacy, Command.EXPORT: handle_export}
CARD_ACTIONS = {actions.ERASE_MY_DATA: handle_erase}
