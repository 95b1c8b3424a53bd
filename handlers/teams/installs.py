"""The app installed for a person, or removed: Palier learns their conversation and
welcomes them, or forgets it. Someone enrolled before the app was installed for them gets
the welcome of their enrolment here, once (the tick could not send it without a
conversation; :mod:`bot.domain.welcome`).

Teams may deliver the same ``installationUpdate`` more than once (a retry): the second
finds the conversation already held and welcomes nobody twice. Removed, the app's
conversation no longer reaches the person; Palier forgets it, so the tick writes to them
no more and the admin's status names them, until the app is installed again.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.views.welcome import greeting_card, welcome_card
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
    if welcome is None or welcome.known_already:
        return  # the same installation delivered again: welcomed already
    t = teams_t(outcome)
    if welcome.greeting is not None:  # enrolled, not welcomed yet: the welcome of it
        card = greeting_card(welcome.greeting, t, ask_zone=not welcome.zone_known)
    else:
        card = welcome_card(
            welcome.referentiel_title, t, readers=welcome.readers, zone_known=welcome.zone_known
        )
    await reply(deps, ctx, card)


async def handle_uninstall(deps: TeamsDeps, ctx: Any) -> None:
    """The app removed for the person: nothing can be sent to them there any more."""
    activity = ctx.activity
    await asyncio.to_thread(
        deps.flows.enrolment.conversation_closed,
        actor_ref(activity),
        conversation_of(activity).dump(),
    )
