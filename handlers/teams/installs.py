"""The app installed for a person: Palier learns their conversation and welcomes them."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.views.welcome import welcome_card
from handlers.teams.context import TeamsDeps, actor_ref, conversation_of, profile_of
from handlers.teams.replies import reply
from handlers.teams.wording import teams_t


async def handle_install(deps: TeamsDeps, ctx: Any) -> None:
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.enrolment.conversation_opened,
        actor_ref(activity),
        conversation_of(activity).dump(),
        profile_of(activity),
    )
    welcome = outcome.view
    title = welcome.referentiel_title if welcome is not None else None
    zone_known = welcome.zone_known if welcome is not None else True
    await reply(deps, ctx, welcome_card(title, teams_t(outcome), zone_known=zone_known))
