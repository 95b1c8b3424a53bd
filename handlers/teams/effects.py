"""Carrying out a flow's effects in Teams: update messages, write to a person, and send
a card.

A flow's effects (:mod:`bot.app.outcome`) name messages by their opaque references,
which here are :class:`~handlers.teams.refs.MessageRef` s; a person is written to in the
conversation stored with them (``SendDirect.conversation``) or beside a message of theirs
(``near``). Teams has no Home tab: Palier's page is a card in the person's chat, and a
Home to refresh is that card, updated when the person acted on it (``home``: what shows it
again, :func:`handlers.teams.home_card.refresher`). A file is not sent here: Teams asks the
person first, in the chat the request came from, which only its listener knows
(:func:`handlers.teams.files.offer`).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable, Iterable

from bot.app.outcome import DeliverFile, Effect, RefreshHome, SendDirect, UpdateMessages
from bot.i18n import Translator
from bot.presenters import card_of
from bot.views.cards import Card
from handlers.teams.consent import consent_message
from handlers.teams.refs import ConversationRef, MessageRef
from handlers.teams.render import CARD_CONTENT_TYPE, Refresh, Renderer

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.activities.message.message import MessageActivityInput
    from microsoft_teams.api.models.attachment import Attachment
    from microsoft_teams.apps import App

log = logging.getLogger(__name__)

# What carries out a RefreshHome: shows the person's page again (given their user id).
HomeRefresh = Callable[[str], Awaitable[None]]


def card_message(
    card: Card, renderer: Renderer, refresh: Refresh | None = None
) -> MessageActivityInput:
    """A card as a message: the Adaptive Card (fetched anew when seen, with ``refresh``),
    and its fallback as the notification."""
    content = renderer.card(card, refresh)
    return MessageActivityInput(
        summary=card.fallback.plain(),
        attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=content)],
    )


async def send_card(app: App, conversation: ConversationRef, card: Card, renderer: Renderer) -> str:
    """Post ``card`` in ``conversation``; the sent message's reference."""
    sent = await app.send(
        conversation.conversation_id,
        card_message(card, renderer),
        service_url=conversation.service_url,
    )
    return MessageRef(conversation, str(sent.id)).dump()


async def update_card(app: App, message: MessageRef, card: Card, renderer: Renderer) -> None:
    """Show ``card`` in place of ``message``."""
    await app.send(
        message.conversation.conversation_id,
        card_message(card, renderer).with_id(message.activity_id),
        service_url=message.conversation.service_url,
    )


def _target(effect: SendDirect) -> ConversationRef | None:
    near = MessageRef.load(effect.near)
    return near.conversation if near is not None else ConversationRef.load(effect.conversation)


async def carry_out(
    app: App,
    effects: Iterable[Effect],
    t: Translator,
    renderer: Renderer,
    *,
    answered: str | None = None,
    home: HomeRefresh | None = None,
) -> None:
    """Each effect in order. ``answered``: the message the person acted on, whose new card
    is the action's own answer (Teams replaces it), so it is not updated again here;
    ``home``: what shows the person's page again (None: no page of theirs to refresh)."""
    for effect in effects:
        if isinstance(effect, UpdateMessages):
            card = card_of(effect.view, t)
            for ref in effect.refs:
                message = MessageRef.load(ref)
                if message is None or ref == answered or not message.activity_id:
                    continue
                await update_card(app, message, card, renderer)
        elif isinstance(effect, SendDirect):
            target = _target(effect)
            if target is None:
                log.warning("no conversation with %s: %s not sent", effect.user_id, effect.view)
                continue
            await send_card(app, target, card_of(effect.view, t), renderer)
        elif isinstance(effect, RefreshHome):
            if home is not None:
                await home(effect.user_id)
        elif isinstance(effect, DeliverFile):
            await _offer_there(app, effect)
        else:
            raise TypeError(f"unknown effect {type(effect).__name__}")


async def _offer_there(app: App, file: DeliverFile) -> None:
    """A file for someone else than the actor (a livret shared with a manager), offered
    in that person's own chat as a consent card; nowhere when no chat is known."""
    target = ConversationRef.load(file.conversation)
    if target is None or file.kind is None:
        log.warning("a file to offer where no chat is known: %s", file.filename)
        return
    await app.send(
        target.conversation_id,
        consent_message(file, file.kind),
        service_url=target.service_url,
    )


def answered_card(effects: Iterable[Effect], answered: str, t: Translator) -> Card | None:
    """The new card of the message the person acted on, if an effect changes it."""
    for effect in effects:
        if isinstance(effect, UpdateMessages) and answered in effect.refs:
            return card_of(effect.view, t)
    return None
