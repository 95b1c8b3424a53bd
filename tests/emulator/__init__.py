"""Tests of the Slack emulator and driver, and the small builders they share.

Every test talks real HTTP: slack_sdk's WebClient to the emulator, the driver to a
Bolt app served by ``BoltAppServer``. Time-dependent behaviour (trigger expiry,
rate windows) uses ``ManualClock`` instead of sleeping.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from emulators.slack import SlackEmulator

SIGNING_SECRET = "emulator-signing-secret"

ALICE = "U0ALICE"  # fr-FR, Europe/Paris
BOB = "U0BOB"  # en-US, America/New_York, admin
CAROL = "U0CAROL"  # deactivated


def add_people(emulator: SlackEmulator) -> None:
    """Alice, Bob and a deactivated Carol in the default workspace."""
    emulator.add_user(ALICE, "alice", "Alice Martin", "alice.martin@example.fr")
    emulator.add_user(
        BOB,
        "bob",
        "Bob Stone",
        "bob@example.com",
        tz="America/New_York",
        locale="en-US",
        is_admin=True,
    )
    emulator.add_user(CAROL, "carol", "Carol Petit", "carol@example.fr", deleted=True)


def client(emulator: SlackEmulator, **kwargs: Any) -> WebClient:
    """A WebClient on the emulator with the default workspace's bot token."""
    kwargs.setdefault("token", emulator.bot_token)
    return WebClient(base_url=emulator.api_url, **kwargs)


def text(value: str, kind: str = "plain_text") -> dict[str, Any]:
    """A text object."""
    return {"type": kind, "text": value}


def section(value: str, **extra: Any) -> dict[str, Any]:
    """A mrkdwn section block."""
    return {"type": "section", "text": text(value, "mrkdwn"), **extra}


def button(label: str, action_id: str, value: str | None = None, **extra: Any) -> dict[str, Any]:
    """A button element."""
    element: dict[str, Any] = {"type": "button", "text": text(label), "action_id": action_id}
    if value is not None:
        element["value"] = value
    return {**element, **extra}


def actions(*elements: dict[str, Any], block_id: str | None = None) -> dict[str, Any]:
    """An actions block."""
    block: dict[str, Any] = {"type": "actions", "elements": list(elements)}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def option(label: str, value: str, description: str | None = None) -> dict[str, Any]:
    """An option object."""
    result: dict[str, Any] = {"text": text(label), "value": value}
    if description is not None:
        result["description"] = text(description)
    return result


def input_block(
    label: str, element: dict[str, Any], block_id: str, *, optional: bool = False
) -> dict[str, Any]:
    """An input block."""
    return {
        "type": "input",
        "block_id": block_id,
        "label": text(label),
        "element": element,
        "optional": optional,
    }


def modal(
    title: str,
    blocks: list[dict[str, Any]],
    *,
    submit: str | None = "Envoyer",
    callback_id: str = "checkin",
    **extra: Any,
) -> dict[str, Any]:
    """A modal view."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": text(title),
        "close": text("Annuler"),
        "blocks": blocks,
        **extra,
    }
    if submit is not None:
        view["submit"] = text(submit)
    return view


def home(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """A Home tab view."""
    return {"type": "home", "blocks": blocks}
