"""What the bot answered, and what the Teams client makes of it.

A bot answers an ``invoke`` in the HTTP response, and the Teams client acts on it:

- ``adaptiveCard/action`` ("Universal Actions for Adaptive Cards", Work with Universal
  Actions): HTTP 200 with ``{"statusCode", "type", "value"}``. ``type``
  ``application/vnd.microsoft.card.adaptive`` replaces the card in the message;
  ``application/vnd.microsoft.activity.message`` shows ``value`` as a short notice;
  ``application/vnd.microsoft.error`` shows the error; ``…activity.loginRequest`` asks the
  person to sign in.
- ``task/fetch`` / ``task/submit`` and the message extension's ``fetchTask`` /
  ``submitAction`` ("Use dialogs with bots"; "Respond to the dialog submit action"):
  ``{"task": {"type": "continue", "value": {title, height, width, card}}}`` shows (or
  keeps) a dialog with that card; ``{"task": {"type": "message", "value": "…"}}`` closes it
  and shows the text; an empty answer closes it. A message extension may also answer
  ``{"composeExtension": {...}}`` (cards for the compose box).
- Time: Teams waits about 15 s for the bot (Bot Framework's channel timeout, "How bots
  work", learn.microsoft.com/azure/bot-service/bot-builder-basics) and a message
  extension's invoke 5 s ("Your app has five seconds to respond to the invoke", Respond to
  the dialog submit action). A later answer is lost: the person sees an error, and the
  client applies nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from emulators.teams import cards
from emulators.teams.cards import ADAPTIVE_CARD, JsonDict

INVOKE_DEADLINE = 15.0
MESSAGE_EXTENSION_DEADLINE = 5.0
CARD_RESPONSE = ADAPTIVE_CARD
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
ERROR_RESPONSE = "application/vnd.microsoft.error"
LOGIN_RESPONSE = "application/vnd.microsoft.activity.loginRequest"


@dataclass
class TeamsResponse:
    """One activity delivered to the bot and its answer, with what the client did with it.

    ``status`` is the HTTP status (0 when nothing was sent, or no answer came in time);
    ``outcome`` what the person sees happen: ``card`` (the card was replaced), ``message``
    (a notice), ``error``, ``login``, ``continue`` (a dialog shows a card), ``close``,
    ``compose_extension``, ``refused`` (the client blocked the submission: see
    ``input_errors``), ``invalid`` (an answer Teams cannot use: see ``violations``),
    ``timeout`` (answered after Teams' deadline).
    """

    kind: str
    status: int
    body: Any = None
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0
    deadline: float | None = None
    activity: JsonDict | None = None
    outcome: str | None = None
    notice: str | None = None
    input_errors: dict[str, str] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)

    @property
    def sent(self) -> bool:
        """Whether anything reached the bot."""
        return self.activity is not None

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return 200 <= self.status < 300

    @property
    def late(self) -> bool:
        """Sent, and answered after Teams' deadline (or not at all)."""
        if not self.sent:
            return False
        return self.status == 0 or (self.deadline is not None and self.elapsed > self.deadline)

    def json(self) -> Any:
        """The body as JSON (None when empty or not JSON)."""
        return self.body


def parse_body(text: str) -> Any:
    """The answer's JSON, or None."""
    try:
        return json.loads(text) if text.strip() else None
    except ValueError:
        return None


@dataclass
class Dialog:
    """The dialog (task module) open in front of a person."""

    conversation_id: str
    origin: str  # task | message_extension
    title: str = ""
    card: JsonDict | None = None
    url: str | None = None
    height: Any = None
    width: Any = None
    source_message_id: str | None = None
    command_id: str | None = None
    message_payload: JsonDict | None = None
    values: dict[str, Any] = field(default_factory=dict)
    input_errors: dict[str, str] = field(default_factory=dict)


def card_refresh(response: TeamsResponse) -> JsonDict | None:
    """Settle an ``adaptiveCard/action`` answer's outcome; the new card when there is one."""
    body = response.body
    if response.late:
        response.outcome = "timeout"
        return None
    if response.status != 200 or not isinstance(body, dict):
        response.outcome = "error" if response.status != 200 else "invalid"
        if response.status == 200:
            response.violations.append("an adaptiveCard/action answer needs a JSON body")
        return None
    kind, value = body.get("type"), body.get("value")
    if kind == CARD_RESPONSE and isinstance(value, dict):
        found = cards.validate_card(value)
        if found:
            response.outcome = "invalid"
            response.violations.extend(str(v) for v in found)
            return None
        response.outcome = "card"
        return value
    if kind == MESSAGE_RESPONSE:
        response.outcome, response.notice = "message", str(value)
    elif kind == ERROR_RESPONSE:
        response.outcome = "error"
        response.notice = str(value.get("message", value) if isinstance(value, dict) else value)
    elif kind == LOGIN_RESPONSE:
        response.outcome = "login"
    else:
        response.outcome = "invalid"
        response.violations.append(f"unknown adaptiveCard/action answer type {kind!r}")
    return None


def task_answer(response: TeamsResponse, dialog: Dialog) -> Dialog | None:
    """Settle a dialog invoke's outcome; the dialog shown next (None: it closes)."""
    body = response.body
    if response.late:
        response.outcome = "timeout"
        return None
    if response.status != 200:
        response.outcome = "error"
        return None
    if body is None or body == {}:
        response.outcome = "close"
        return None
    if not isinstance(body, dict):
        response.outcome = "invalid"
        response.violations.append("a dialog answer must be a JSON object")
        return None
    if "composeExtension" in body and "task" not in body:
        response.outcome = "compose_extension"
        return None
    task = body.get("task")
    kind = task.get("type") if isinstance(task, dict) else None
    value = task.get("value") if isinstance(task, dict) else None
    if kind == "message":
        response.outcome, response.notice = "message", str(value)
        return None
    if kind == "continue" and isinstance(value, dict):
        return _continue(response, dialog, value)
    response.outcome = "invalid"
    response.violations.append(f"unknown dialog answer {body!r}")
    return None


def _continue(response: TeamsResponse, dialog: Dialog, value: JsonDict) -> Dialog | None:
    attachment = value.get("card")
    url = value.get("url")
    if attachment is None and isinstance(url, str):
        card = None
    else:
        found = cards.validate_attachment(attachment, "$.task.value.card")
        if not found and (
            not isinstance(attachment, dict) or attachment.get("contentType") != ADAPTIVE_CARD
        ):
            found = [cards.Violation("$.task.value.card", "a dialog card must be an Adaptive Card")]
        if found:
            response.outcome = "invalid"
            response.violations.extend(str(v) for v in found)
            return None
        assert isinstance(attachment, dict)
        card = attachment["content"]
    response.outcome = "continue"
    return Dialog(
        conversation_id=dialog.conversation_id,
        origin=dialog.origin,
        title=str(value.get("title", "")),
        card=card,
        url=url if isinstance(url, str) else None,
        height=value.get("height"),
        width=value.get("width"),
        source_message_id=dialog.source_message_id,
        command_id=dialog.command_id,
        message_payload=dialog.message_payload,
    )
