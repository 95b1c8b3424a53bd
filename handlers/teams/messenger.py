"""The tick's messenger for Teams: Palier writing first, in the conversation it learnt.

Teams lets a bot write to someone only in a conversation it knows — the one Palier
stored when the app was installed for them (``Person.conversation_ref``). Someone with
none cannot be written to until the app is installed for them (an admin-installed app
does it for everyone): :class:`PermanentDeliveryError` ``not_installed``, unconfirmed,
so the tick's usual confirmation decides, and installing the app brings them back.

What Teams answers, as the delivery mechanism needs to know it (the Connector's
published errors, "Status codes from bot conversational APIs"):

- 403 ``BotNotInConversationRoster`` / ``ForbiddenOperationException`` (the app was
  removed for the person) and 404 ``ConversationNotFound``: the stored conversation no
  longer reaches them — it is forgotten, and they are held as not installed (the admin's
  status names them) until the app is installed again;
- 403 ``ConversationBlockedByUser``, any other 403/404: this person cannot be written
  to now, unconfirmed (unblocked, the same conversation works again);
- 401: the token was refused (revoked, the app's secret changed): dropped, and the
  send tried once more with a new one, whose refusal then says why (a refused token:
  the tenant's sending pauses, as for Slack's revoked token);
- 429: later, without using an attempt — and nothing more goes to that tenant before
  its ``Retry-After`` has elapsed (:mod:`handlers.teams.throttle`);
- no answer: the message may have gone out. Teams offers no way to look a message up:
  one whose answer never came is taken as sent (at most once), its reference without a
  message id, so it is not updated.

Anything else (a 5xx) is a passing failure: the tick tries again at a later tick; a
``503`` with a ``Retry-After`` also closes the tenant until then, as a 429 does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, TypeVar

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
from bot.domain.people import NOT_INSTALLED, Profile
from handlers.teams.effects import send_card, update_card
from handlers.teams.refs import ConversationRef, MessageRef
from handlers.teams.render import Renderer
from handlers.teams.review import card_for
from handlers.teams.server import TeamsServer
from handlers.teams.throttle import RateLimitGate, retry_after, without_retries
from handlers.teams.token import TokenError
from handlers.teams.wording import teams_translator

log = logging.getLogger(__name__)

T = TypeVar("T")

# The Connector's codes saying the stored conversation no longer reaches the person.
CONVERSATION_GONE = frozenset(
    {"BotNotInConversationRoster", "ForbiddenOperationException", "ConversationNotFound"}
)
BLOCKED = "ConversationBlockedByUser"


def _code(response: httpx.Response) -> str | None:
    """The Bot Framework error code of a refusal (``{"error": {"code": …}}``), if any."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return str(code) if code else None


def _sorted(error: Exception) -> Exception:
    """What an error of the SDK's HTTP client means for delivery."""
    if isinstance(error, TokenError):
        return WorkspaceUnavailable(f"token_{error.reason}")
    if isinstance(error, httpx.HTTPStatusError):
        status = error.response.status_code
        if status in (403, 404):
            code = _code(error.response)
            if code in CONVERSATION_GONE:
                return PermanentDeliveryError(
                    NOT_INSTALLED, confirmed=False, conversation_gone=True
                )
            reason = "teams_blocked" if code == BLOCKED else f"teams_{status}"
            return PermanentDeliveryError(reason, confirmed=False)
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
        self.gate = RateLimitGate(server.clock)  # Teams' Retry-After, per tenant

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
        app, renderer = self.server.app, self.renderer
        return self._call(recipient, lambda: send_card(app, conversation, card, renderer))

    def update(self, recipient: Recipient, ref: str, view: object) -> None:
        message = MessageRef.load(ref)
        if message is None or not message.activity_id:
            return  # sent, but its id never came back: nothing to update
        card = card_for(view, teams_translator(recipient.locale))
        app, renderer = self.server.app, self.renderer
        self._call(recipient, lambda: update_card(app, message, card, renderer))

    def _call(self, recipient: Recipient, call: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """``call()`` on the SDK's loop, unless Teams asked to wait; its errors sorted."""
        tenant = recipient.workspace_id
        left = self.gate.wait_left(tenant)
        if left > timedelta(0):
            raise DeliveryDeferred(f"throttled: {left.total_seconds():.0f} s more", left)
        try:
            return self.server.run(without_retries(call()))
        except httpx.HTTPStatusError as error:
            status = error.response.status_code
            if status == 401:  # the token was refused: one more try, with a new one
                self.server.tokens.forget()
                return self._again(call)
            if status == 429:
                wait = retry_after(error.response.headers, self.gate.clock())
                self.gate.close(tenant, wait)
                raise DeliveryDeferred("throttled", wait) from error
            if status == 503 and "retry-after" in error.response.headers:
                # Not carried out, and Teams said when to come back: a passing failure
                # (retried at a later tick), and nothing more to the tenant before then.
                self.gate.close(tenant, retry_after(error.response.headers, self.gate.clock()))
            raise _sorted(error) from error
        except Exception as error:
            raise _sorted(error) from error

    def _again(self, call: Callable[[], Coroutine[Any, Any, T]]) -> T:
        try:
            return self.server.run(without_retries(call()))
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
