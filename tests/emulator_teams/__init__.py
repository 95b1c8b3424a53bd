"""Tests of the Teams emulator and driver (``emulators/teams``).

Two kinds: plain HTTP (httpx) against the emulator, checking Microsoft's published
answers; and end to end with a tiny bot written on the real Teams SDK for Python
(:mod:`.sdk_bot`), served by uvicorn on 127.0.0.1, driven by :class:`TeamsDriver`.
Time-dependent behaviour (token expiry, rate windows) moves the emulator's
:class:`ManualClock`; nothing sleeps. The clock starts at the real time because the SDK
checks the activities' tokens (``nbf``/``exp``) against the wall clock.
"""

from __future__ import annotations

from typing import Any

import httpx

from emulators.teams import TeamsEmulator

ADAPTIVE = "application/vnd.microsoft.card.adaptive"


def bot_token(emulator: TeamsEmulator, tenant: str = "botframework.com") -> str:
    """An access token for the bot, from the emulator's token endpoint."""
    answer = httpx.post(
        emulator.token_url(tenant),
        data={
            "grant_type": "client_credentials",
            "client_id": emulator.app_id,
            "client_secret": emulator.client_secret,
            "scope": "https://api.botframework.com/.default",
        },
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def card(
    *body: dict[str, Any], actions: list[dict[str, Any]] | None = None, version: str = "1.5"
) -> dict[str, Any]:
    """An Adaptive Card."""
    content: dict[str, Any] = {"type": "AdaptiveCard", "version": version, "body": list(body)}
    if actions is not None:
        content["actions"] = actions
    return content


def card_message(content: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """A message activity carrying one Adaptive Card."""
    activity: dict[str, Any] = {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE, "content": content}],
    }
    if text is not None:
        activity["text"] = text
    return activity


def text_block(text: str, **extra: Any) -> dict[str, Any]:
    """A TextBlock."""
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}
