"""What a Teams listener answers with: a card in the chat, a dialog (its card and title),
a short text in place of a dialog, a card in place of the one clicked."""

from __future__ import annotations

import warnings
from typing import Any

from bot.views.cards import Card, Form
from handlers.teams.context import TeamsDeps
from handlers.teams.effects import card_message
from handlers.teams.render import CARD_CONTENT_TYPE, Refresh

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.models.adaptive_card import (
        AdaptiveCardActionCardResponse,
        AdaptiveCardActionMessageResponse,
    )
    from microsoft_teams.api.models.attachment import Attachment
    from microsoft_teams.api.models.messaging_extension import MessagingExtensionActionResponse
    from microsoft_teams.api.models.task_module import (
        CardTaskModuleTaskInfo,
        TaskModuleContinueResponse,
        TaskModuleMessageResponse,
        TaskModuleResponse,
    )
    from microsoft_teams.cards import AdaptiveCard


async def reply(deps: TeamsDeps, ctx: Any, card: Card, refresh: Refresh | None = None) -> None:
    """``card`` as a message in the conversation the activity came from (``refresh``:
    Teams fetches it anew when it is seen)."""
    await ctx.send(card_message(card, deps.renderer, refresh))


def _continue(deps: TeamsDeps, form: Form, origin: str | None = None) -> TaskModuleContinueResponse:
    rendered = deps.renderer.dialog(form, origin)
    info = CardTaskModuleTaskInfo(
        title=rendered["title"],
        card=Attachment(content_type=CARD_CONTENT_TYPE, content=rendered["card"]),
    )
    return TaskModuleContinueResponse(value=info)


def dialog(deps: TeamsDeps, form: Form, origin: str | None = None) -> TaskModuleResponse:
    """``form`` as the dialog to show (opened, or shown again); ``origin`` comes back with
    its submission (:meth:`~handlers.teams.render.Renderer.dialog`)."""
    return TaskModuleResponse(task=_continue(deps, form, origin))


def extension_dialog(deps: TeamsDeps, form: Form) -> MessagingExtensionActionResponse:
    """``form`` as the dialog a message action shows (opened, or shown again)."""
    return MessagingExtensionActionResponse(task=_continue(deps, form))


def extension_said(text: str) -> MessagingExtensionActionResponse:
    """A short text in place of a message action's dialog (a refusal)."""
    return MessagingExtensionActionResponse(task=TaskModuleMessageResponse(value=text))


def said(text: str) -> TaskModuleResponse:
    """A short text in place of a dialog (a refusal)."""
    return TaskModuleResponse(task=TaskModuleMessageResponse(value=text))


def toast(text: str) -> AdaptiveCardActionMessageResponse:
    """A card action answered by a short text, the card left as it is."""
    return AdaptiveCardActionMessageResponse(value=text)


def new_card(
    deps: TeamsDeps, card: Card, refresh: Refresh | None = None
) -> AdaptiveCardActionCardResponse:
    """A card action answered by the clicked card's new state (``refresh``: fetched anew
    when it is seen again)."""
    return AdaptiveCardActionCardResponse(
        value=AdaptiveCard.model_validate(deps.renderer.card(card, refresh))
    )
