"""Commands typed to Palier in its chat (the words of :mod:`bot.domain.commands`, as
after ``/palier`` in Slack): each one's listener, in :data:`COMMANDS`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from bot.domain.commands import Command, Parsed
from bot.views.notice import notice_card, refusal
from bot.views.summary import help_card, summary_card
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.replies import reply
from handlers.teams.wording import teams_t

CommandListener = Callable[[TeamsDeps, Any, Parsed], Awaitable[None]]


async def handle_me(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.summary.me, actor_ref(activity), ActivityDirectory(activity)
    )
    if outcome.view is None:
        await reply(deps, ctx, notice_card(refusal(outcome.refusal, teams_t(outcome))))
        return
    await reply(deps, ctx, summary_card(outcome.view, teams_t(outcome)))


async def handle_help(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    activity = ctx.activity
    unknown = parsed if parsed.command is Command.UNKNOWN else None
    outcome = await asyncio.to_thread(
        deps.flows.summary.help, actor_ref(activity), ActivityDirectory(activity), unknown
    )
    view = outcome.view
    assert view is not None  # the help always answers
    card = help_card(
        teams_t(outcome),
        unknown.text if unknown is not None else None,
        readers=view.readers,
        manager=view.manager,
        admin=view.admin,
        suggestion=view.suggestion,
    )
    await reply(deps, ctx, card)


COMMANDS: dict[Command, CommandListener] = {
    Command.ME: handle_me,
    Command.HELP: handle_help,
}
