"""The tick's messenger for Teams: Palier writing first, in the conversation it learnt.

Teams lets a bot write to someone only in a conversation it knows — the one Palier
stored when the app was installed for them (``Person.conversation_ref``). Someone with
none cannot be written to until the app is installed for them (an admin-installed app
does it for everyone): :class:`PermanentDeliveryError` ``not_installed``, unconfirmed,
so the tick's usual confirmation decides, and installing the app brings them back.

What Teams answers, as the delivery mechanism needs to know it (the Connector's
published errors): 403 (the app was removed, the person blocked it) and 404 (the
conversation is gone) — this person cannot be written to; 401 or a refused token — the
tenant's credentials; 429 — later, without using an attempt; no answer — the message may
have gone out. Teams offers no way to look a message up: one whose answer never came is
taken as sent (at most once), its reference without a message id, so it is not updated.
"""

from __future__ import annotations

import logging

import httpx

from bot.delivery.messenger import (
    DeliveryDeferred,
    DeliveryUncertain,
    Marker,
    OutgoingFile,
    PermanentDeliveryError,
    Recipient,
    WorkspaceUnavailable,
)
from bot.domain.people import Profile
from handlers.teams.effects import send_card, update_card
from handlers.teams.refs import ConversationRef, MessageRef
from handlers.teams.render import Renderer
from handlers.teams.review import card_for
from handlers.teams.server import TeamsServer
from handlers.teams.token import TokenError
from handlers.teams.wording import teams_translator

log = logging.getLogger(__name__)

NOT_INSTALLED = "not_installed"


def _sorted(error: Exception) -> Exception:
    """What an error of the SDK's HTTP client means for delivery."""
    if isinstance(error, TokenError):
        return WorkspaceUnavailable(f"token_{error.reason}")
    if isinstance(error, httpx.HTTPStatusError):
        status = error.response.status_code
        if status in (403, 404):
            return PermanentDeliveryError(f"teams_{status}", confirmed=False)
        if status == 401:
            return WorkspaceUnavailable("unauthorized")
        if status == 429:
            return DeliveryDeferred("throttled")
        return error
    if isinstance(error, httpx.TimeoutException | httpx.RemoteProtocolError | httpx.ReadError):
        return DeliveryUncertain(type(error).__name__)
    return error


class TeamsMessenger:
    def __init__(self, server: TeamsServer, renderer: Renderer) -> None:
        self.server = server
        self.renderer = renderer

    def check_workspace(self, workspace_id: str) -> None:
        """Palier's credentials are the app's, not the tenant's: a token is all it takes."""
        try:
            self.server.run(self.server.tokens("https://api.botframework.com/.default"))
        except TokenError as refused:
            raise WorkspaceUnavailable(f"token_{refused.reason}") from refused

    def profile(self, recipient: Recipient) -> Profile | None:
        """Teams tells a person's zone and language only when they write: nothing to ask."""
        return None

    def send(
        self,
        recipient: Recipient,
        view: object,
        *,
        marker: Marker | None = None,
        near: str | None = None,
    ) -> str:
        message = MessageRef.load(near)
        conversation = (
            message.conversation
            if message is not None
            else ConversationRef.load(recipient.conversation)
        )
        if conversation is None:
            raise PermanentDeliveryError(NOT_INSTALLED, confirmed=False)
        card = card_for(view, teams_translator(recipient.locale))
        try:
            return self.server.run(send_card(self.server.app, conversation, card, self.renderer))
        except Exception as error:
            raise _sorted(error) from error

    def update(self, recipient: Recipient, ref: str, view: object) -> None:
        message = MessageRef.load(ref)
        if message is None or not message.activity_id:
            return  # sent, but its id never came back: nothing to update
        card = card_for(view, teams_translator(recipient.locale))
        try:
            self.server.run(update_card(self.server.app, message, card, self.renderer))
        except Exception as error:
            raise _sorted(error) from error

    def conversation_of(self, ref: str) -> str | None:
        return None  # kept when the app is installed for the person (its installationUpdate)

    def find(self, recipient: Recipient, marker: Marker) -> str | None:
        conversation = ConversationRef.load(recipient.conversation)
        if conversation is None:
            return None
        return MessageRef(conversation, "").dump()  # taken as sent: at most once

    def send_file(self, recipient: Recipient, file: OutgoingFile) -> None:
        # Teams sends a file only once the person accepts it, from a request of theirs
        # (handlers.teams.files); nothing the tick sends is a file.
        log.info("no file without a consent in Teams: %s for %s", file.filename, recipient.user_id)
