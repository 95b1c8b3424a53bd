"""Palier's page as a card in the person's chat (Teams has no Home tab), and showing it
again when what it shows has changed (the core's RefreshHome).

The page a person acted on is a message of their chat with Palier: the card they
clicked (an ``Action.Execute``'s or a dialog's ``replyToId``), showing the evidence page
its state says (:class:`~bot.views.home.HomeState`, in each of its buttons' data). A
dialog opened from it carries it back with its submission (the dialog's ``origin``), so
the flow's RefreshHome updates that very message. Only a message of the chat the activity
came from is ever updated, and only with the page of the person who acted.

A change made elsewhere — a check-in from the prompt, evidence from a command or from a
message, a language typed — leaves an older home card as it was. So every home card
asks Teams to fetch it anew when it comes into view (:data:`HOME_REFRESH`, a Universal
Actions ``refresh`` naming the person's own Teams id: only their client does it, and only
in their personal chat): Teams sends ``adaptiveCard/action`` with ``trigger:
"automatic"`` (made readable to the SDK by :mod:`handlers.teams.edge`) and shows the page
as it is now, at the evidence page the card showed. The answer is the card alone — an
edit of the message would make Teams refresh it again. Teams refreshes a card it fetched
less than a minute before only once the bot edits it ("User Specific Views", Refresh
behavior).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from bot.app.actor import ActorRef
from bot.views.cards import Card
from bot.views.home import HomeState, page_card
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.effects import HomeRefresh, card_message
from handlers.teams.render import Refresh
from handlers.teams.replies import new_card, reply
from handlers.teams.wording import teams_t

log = logging.getLogger(__name__)

# The verb of the home card's refresh: Teams' own way to show the page anew (no core action).
HOME_REFRESH = "home_refresh"


@dataclass(frozen=True)
class ShownHome:
    """The home card the person acted on: its message (activity id, in the chat the
    activity came from) and the evidence page it shows."""

    message_id: str
    page: int = 0

    def dump(self) -> str:
        return json.dumps({"message": self.message_id, "page": self.page})

    @classmethod
    def load(cls, text: object) -> ShownHome | None:
        try:
            data = json.loads(str(text or ""))
            message = data["message"]
            page = max(0, int(data.get("page", 0)))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        return cls(message, page) if isinstance(message, str) and message else None


def clicked_home(activity: Any, data: dict[str, Any]) -> ShownHome | None:
    """The home card a button was clicked on; None for another card (only the home card's
    buttons carry its state)."""
    message = getattr(activity, "reply_to_id", None)
    if not message or "state" not in data:
        return None
    return ShownHome(str(message), HomeState.load(str(data.get("state") or "")).page)


async def fresh_card(deps: TeamsDeps, activity: Any, page: int = 0) -> Card:
    """The acting person's page as it is now, with the evidence page ``page`` (what
    Palier is, for someone it does not follow)."""
    ref: ActorRef = actor_ref(activity)
    outcome = await asyncio.to_thread(deps.flows.home.page, ref, page, ActivityDirectory(activity))
    return page_card(outcome.view, teams_t(outcome))


def refreshed_for(activity: Any) -> Refresh:
    """The home card's refresh, done on its own by the client of the person it shows
    (their Teams id, ``29:…``, the MRI Universal Actions name people by)."""
    return Refresh(HOME_REFRESH, (str(activity.from_.id),))


async def post_home(deps: TeamsDeps, ctx: Any) -> None:
    """The acting person's page as a new card in their chat."""
    card = await fresh_card(deps, ctx.activity)
    await reply(deps, ctx, card, refreshed_for(ctx.activity))


async def answer_home(deps: TeamsDeps, ctx: Any, page: int) -> Any:
    """A card action on the home card answered by the page as it is now, at ``page``."""
    card = await fresh_card(deps, ctx.activity, page)
    return new_card(deps, card, refreshed_for(ctx.activity))


async def handle_refresh(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """Teams fetching a home card anew as it comes into view: the page as it is now, at
    the evidence page the card showed; nothing else is done."""
    return await answer_home(deps, ctx, HomeState.load(str(data.get("state") or "")).page)


def refresher(deps: TeamsDeps, ctx: Any, shown: ShownHome | None) -> HomeRefresh | None:
    """What carries out a RefreshHome for the person acting in ``ctx``: the home card
    ``shown`` updated in place (None: they acted on no home card, nothing to refresh).

    Never raises: it runs after what it shows is stored, and a card that could not be
    updated must not turn that into an error; the next ``accueil`` shows it anew.
    """
    if shown is None:
        return None
    activity = ctx.activity
    acting = actor_ref(activity).user_id

    async def refresh(user_id: str) -> None:
        if user_id != acting:
            return  # one's own page only
        try:
            card = await fresh_card(deps, activity, shown.page)
            message = card_message(card, deps.renderer, refreshed_for(activity))
            await ctx.send(message.with_id(shown.message_id))
        except Exception:
            log.exception("could not update the home card of %s", acting)

    return refresh
