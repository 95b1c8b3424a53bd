"""What Teams sends, made readable to the Teams SDK where the SDK lags behind Teams.

Teams refreshes a card that has a ``refresh`` on its own, when the card comes into view,
with an ``adaptiveCard/action`` invoke whose ``value.trigger`` is ``"automatic"`` ("User
Specific Views", learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/user-specific-views).
The Teams SDK for Python (2.1.1, as on its main branch in July 2026) types ``trigger`` as
``Literal["manual"]``: such an activity fails the SDK's validation before any handler
runs, and Teams gets a 500 — the card is never refreshed.

:class:`TeamsEdge` sits in front of the SDK's routes (an ASGI middleware added to the
SDK's FastAPI app, FastAPI's public ``add_middleware``: the SDK itself is not patched) and drops that one field from that one kind of
activity; the SDK then routes it as any ``Action.Execute`` and Palier's refresh verb
answers it (:mod:`handlers.teams.home_card`), which it does the same whatever triggered
it. Nothing the SDK verifies is touched: the token it checks is the ``Authorization``
header's, which signs no body. Any other request passes as it came.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MESSAGING_PATH = "/api/messages"
CARD_ACTION = "adaptiveCard/action"
SDK_TRIGGERS = frozenset({"manual"})  # what the SDK's AdaptiveCardInvokeValue accepts


def readable(body: bytes) -> bytes:
    """The activity ``body`` as the SDK can read it: an ``adaptiveCard/action`` invoke
    without a ``trigger`` the SDK does not know; anything else unchanged."""
    try:
        activity = json.loads(body)
    except ValueError:
        return body
    if not isinstance(activity, dict) or activity.get("type") != "invoke":
        return body
    value = activity.get("value")
    if activity.get("name") != CARD_ACTION or not isinstance(value, dict):
        return body
    trigger = value.get("trigger")
    if trigger is None or trigger in SDK_TRIGGERS:
        return body
    del value["trigger"]
    return json.dumps(activity).encode("utf-8")


class TeamsEdge:
    """The ASGI app in front of the SDK's: each activity POSTed to ``/api/messages``
    passed through :func:`readable`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope.get("type") == "http"
            and scope.get("method") == "POST"
            and scope.get("path") == MESSAGING_PATH
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message.get("type") != "http.request":
                await self.app(scope, _replay([message], receive), send)  # gone already
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = readable(b"".join(chunks))
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode("ascii")))
        request = {"type": "http.request", "body": body, "more_body": False}
        await self.app({**scope, "headers": headers}, _replay([request], receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """``receive`` giving ``messages`` first, then what the server says next."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
