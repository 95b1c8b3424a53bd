"""``langue en`` / ``language fr`` typed to Palier: the language Palier writes in from now
on, answered in that language."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.domain.commands import Command, Parsed
from bot.views.notice import language_changed, notice_card, refusal
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.replies import reply
from handlers.teams.wording import teams_t


async def handle_language(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    activity = ctx.activity
    wanted = parsed.args[0] if parsed.args else ""
    outcome = await asyncio.to_thread(
        deps.flows.summary.choose_language,
        actor_ref(activity),
        wanted,
        ActivityDirectory(activity),
    )
    t = teams_t(outcome)  # the new language once chosen
    if outcome.refusal is not None:
        await reply(deps, ctx, notice_card(refusal(outcome.refusal, t)))
        return
    await reply(deps, ctx, notice_card(language_changed(t)))


COMMANDS = {Command.LANGUAGE: handle_language}
