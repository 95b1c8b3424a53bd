"""What Teams accepts from a bot: activity shape, attachments, Adaptive Cards, message size.

The Connector refuses a malformed activity with ``400`` and ``{"error": {"code":
"BadArgument", "message": ...}}`` ("Status codes from bot conversational APIs",
learn.microsoft.com/microsoftteams/platform/bots/build-conversational-capability), and a
message over the size limit with ``413 MessageSizeTooBig``. This module finds what is
wrong; :mod:`.connector` turns it into those answers, so a bad card fails the test that
sends it instead of reaching a person as a blank bubble.

References followed:

- Adaptive Card versions: "Teams platform supports v1.5 or earlier of Adaptive Card
  features for bot sent cards and action based message extensions" and "Media elements
  are currently not supported" ("Types of cards",
  learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-reference).
- Element, input and action types and their required properties: the Adaptive Cards
  schema explorer, adaptivecards.io/explorer (1.5). An element of an unknown type is
  allowed when it declares a ``fallback`` (the schema's own way to use newer elements).
- Inputs' ``id``: required and unique in the card (schema: "Unique identifier for the
  value. Used to identify collected input when the Submit action is performed").
- Size: "The bot message size limit is 100 KB ... the entire message payload encoded as
  UTF-16 and doesn't include Base64 encoded images"; over it the bot gets ``413``
  ``MessageSizeTooBig`` ("Format your bot messages",
  learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages). The
  often-quoted 28 KB is the limit of incoming webhooks and Workflows posts, not of bots;
  :class:`~emulators.teams.server.TeamsEmulator` can be set stricter
  (``max_message_bytes``).
- A card's ``refresh`` (Universal Actions, schema 1.4): its ``action`` an
  ``Action.Execute``; ``userIds`` the MRIs (``29:…``) of who gets it automatically, "a
  maximum of 60 (sixty) user MRIs" ("Work with Universal Actions for Adaptive Cards", User
  IDs in refresh, learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

JsonDict = dict[str, Any]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
MAX_CARD_VERSION = (1, 5)
MAX_MESSAGE_BYTES = 100 * 1024
"""The bot message size limit: 100 KB of UTF-16, Base64 images left out."""
MAX_REFRESH_USERS = 60
"""The most people a card's ``refresh`` refreshes automatically (its ``userIds``)."""
REFRESH_VERSION = (1, 4)

# Input.Text's ``style`` (schema 1.5, TextInputStyle; enum values are read ignoring case).
TEXT_INPUT_STYLES = frozenset({"text", "tel", "url", "email", "password"})
INPUT_TYPES = frozenset(
    {
        "Input.Text",
        "Input.Number",
        "Input.Date",
        "Input.Time",
        "Input.Toggle",
        "Input.ChoiceSet",
    }
)
ELEMENT_TYPES = frozenset(
    {
        "TextBlock",
        "RichTextBlock",
        "Image",
        "ImageSet",
        "Container",
        "ColumnSet",
        "FactSet",
        "ActionSet",
        "Table",
        *INPUT_TYPES,
    }
)
ACTION_TYPES = frozenset(
    {
        "Action.Submit",
        "Action.Execute",
        "Action.OpenUrl",
        "Action.ShowCard",
        "Action.ToggleVisibility",
    }
)
# Attachment content types a bot may send in Teams ("Types of cards": Adaptive, hero,
# list, connector card for Microsoft 365 Groups, receipt, signin and thumbnail cards),
# besides files and images. Animation, audio and video cards are not supported.
SUPPORTED_CONTENT_TYPES = frozenset(
    {
        ADAPTIVE_CARD,
        "application/vnd.microsoft.card.hero",
        "application/vnd.microsoft.card.thumbnail",
        "application/vnd.microsoft.teams.card.list",
        "application/vnd.microsoft.teams.card.o365connector",
        "application/vnd.microsoft.card.receipt",
        "application/vnd.microsoft.card.signin",
        "application/vnd.microsoft.card.oauth",
        "application/vnd.microsoft.teams.card.file.consent",
        "application/vnd.microsoft.teams.card.file.info",
        "text/html",
    }
)
ACTIVITY_TYPES = frozenset({"message", "typing"})
TEXT_FORMATS = frozenset({"plain", "markdown", "xml"})
_BASE64_IMAGE = re.compile(r"data:image/[\w.+-]+;base64,[A-Za-z0-9+/=]+")


@dataclass(frozen=True)
class Violation:
    """One thing Teams would refuse, with where it is (a JSON path)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def parse_version(value: Any) -> tuple[int, int] | None:
    """``"1.5"`` → ``(1, 5)``; None if not a ``major.minor`` string."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"(\d+)\.(\d+)", value.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def message_size(activity: Any) -> int:
    """The activity's size as Teams counts it: UTF-16 bytes, Base64 images left out."""
    text = json.dumps(activity, ensure_ascii=False, separators=(",", ":"))
    return len(_BASE64_IMAGE.sub("", text).encode("utf-16-le"))


def validate_activity(activity: Any) -> list[Violation]:
    """What Teams would refuse in an activity a bot sends (type, content, attachments)."""
    if not isinstance(activity, dict):
        return [Violation("$", "the activity must be a JSON object")]
    kind = activity.get("type")
    if kind not in ACTIVITY_TYPES:
        return [Violation("$.type", f"unknown or unsupported activity type {kind!r}")]
    if kind != "message":
        return []
    found: list[Violation] = []
    text = activity.get("text")
    attachments = activity.get("attachments")
    if text is not None and not isinstance(text, str):
        found.append(Violation("$.text", "text must be a string"))
    if attachments is not None and not isinstance(attachments, list):
        found.append(Violation("$.attachments", "attachments must be an array"))
        attachments = None
    if not (isinstance(text, str) and text.strip()) and not attachments:
        found.append(Violation("$", "a message needs text or attachments"))
    text_format = activity.get("textFormat")
    if text_format is not None and text_format not in TEXT_FORMATS:
        found.append(Violation("$.textFormat", f"unknown text format {text_format!r}"))
    for index, attachment in enumerate(attachments or []):
        found.extend(validate_attachment(attachment, f"$.attachments[{index}]"))
    return found


def validate_attachment(attachment: Any, path: str) -> list[Violation]:
    """An attachment's content type, and its card when it is an Adaptive Card."""
    if not isinstance(attachment, dict):
        return [Violation(path, "an attachment must be a JSON object")]
    content_type = attachment.get("contentType")
    if not isinstance(content_type, str):
        return [Violation(f"{path}.contentType", "contentType is required")]
    if content_type == ADAPTIVE_CARD:
        return validate_card(attachment.get("content"), f"{path}.content")
    if content_type in SUPPORTED_CONTENT_TYPES or content_type.startswith("image/"):
        return []
    return [Violation(f"{path}.contentType", f"{content_type!r} is not supported in Teams")]


def validate_card(card: Any, path: str = "$") -> list[Violation]:
    """Everything Teams would refuse in an Adaptive Card (nested ShowCard cards included)."""
    checker = _CardChecker()
    checker.card(card, path, top=True)
    return checker.found


class _CardChecker:
    def __init__(self) -> None:
        self.found: list[Violation] = []
        self.input_ids: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.found.append(Violation(path, message))

    def card(self, card: Any, path: str, *, top: bool) -> None:
        if not isinstance(card, dict):
            self.fail(path, "the card must be a JSON object")
            return
        if card.get("type") != "AdaptiveCard":
            self.fail(f"{path}.type", "must be 'AdaptiveCard'")
        version = card.get("version")
        parsed = parse_version(version)
        if version is None and top:
            self.fail(f"{path}.version", "a card needs a version")
        elif version is not None and parsed is None:
            self.fail(f"{path}.version", f"{version!r} is not a version")
        elif parsed is not None and parsed > MAX_CARD_VERSION:
            self.fail(f"{path}.version", f"Teams supports Adaptive Cards up to 1.5, not {version}")
        self.elements(card.get("body"), f"{path}.body")
        self.actions(card.get("actions"), f"{path}.actions")
        if "selectAction" in card:
            self.select_action(card["selectAction"], f"{path}.selectAction")
        if "refresh" in card:
            self.refresh(card["refresh"], parsed, f"{path}.refresh")

    def refresh(self, refresh: Any, version: tuple[int, int] | None, path: str) -> None:
        if version is not None and version < REFRESH_VERSION:
            self.fail(path, "refresh needs a card of version 1.4 or later")
        if not isinstance(refresh, dict):
            self.fail(path, "must be an object")
            return
        action = refresh.get("action")
        if not isinstance(action, dict) or action.get("type") != "Action.Execute":
            self.fail(f"{path}.action", "must be an Action.Execute")
        else:
            self.action(action, f"{path}.action")
        user_ids = refresh.get("userIds")
        if user_ids is None:
            return
        if not isinstance(user_ids, list) or not all(isinstance(u, str) for u in user_ids):
            self.fail(f"{path}.userIds", "must be an array of user MRIs")
        elif len(user_ids) > MAX_REFRESH_USERS:
            self.fail(f"{path}.userIds", f"at most {MAX_REFRESH_USERS} users, not {len(user_ids)}")

    def elements(self, items: Any, path: str, *, required: bool = False) -> None:
        if items is None:
            if required:
                self.fail(path, "is required")
            return
        if not isinstance(items, list):
            self.fail(path, "must be an array")
            return
        for index, item in enumerate(items):
            self.element(item, f"{path}[{index}]")

    def element(self, item: Any, path: str) -> None:
        if not isinstance(item, dict):
            self.fail(path, "an element must be a JSON object")
            return
        kind = item.get("type")
        if kind not in ELEMENT_TYPES:
            if "fallback" not in item:
                self.fail(f"{path}.type", f"unknown element type {kind!r}")
            return
        if "selectAction" in item:
            self.select_action(item["selectAction"], f"{path}.selectAction")
        if kind in INPUT_TYPES:
            self.input(item, path)
        elif kind == "TextBlock":
            self.text(item, "text", path)
        elif kind == "RichTextBlock":
            self.inlines(item.get("inlines"), f"{path}.inlines")
        elif kind == "Image":
            self.text(item, "url", path)
        elif kind == "ImageSet":
            self.images(item.get("images"), f"{path}.images")
        elif kind == "Container":
            self.elements(item.get("items"), f"{path}.items", required=True)
        elif kind == "ColumnSet":
            self.columns(item.get("columns"), f"{path}.columns")
        elif kind == "FactSet":
            self.facts(item.get("facts"), f"{path}.facts")
        elif kind == "ActionSet":
            self.actions(item.get("actions"), f"{path}.actions", required=True)
        elif kind == "Table":
            self.rows(item.get("rows"), f"{path}.rows")

    def text(self, item: JsonDict, key: str, path: str) -> None:
        if not isinstance(item.get(key), str):
            self.fail(f"{path}.{key}", "is required (a string)")

    def inlines(self, inlines: Any, path: str) -> None:
        if not isinstance(inlines, list):
            self.fail(path, "is required (an array)")
            return
        for index, inline in enumerate(inlines):
            if isinstance(inline, str):
                continue
            if not isinstance(inline, dict) or inline.get("type") != "TextRun":
                self.fail(f"{path}[{index}]", "must be a string or a TextRun")
            else:
                self.text(inline, "text", f"{path}[{index}]")

    def images(self, images: Any, path: str) -> None:
        if not isinstance(images, list):
            self.fail(path, "is required (an array)")
            return
        for index, image in enumerate(images):
            if not isinstance(image, dict) or image.get("type", "Image") != "Image":
                self.fail(f"{path}[{index}]", "must be an Image")
            else:
                self.text(image, "url", f"{path}[{index}]")

    def columns(self, columns: Any, path: str) -> None:
        if columns is None:
            return
        if not isinstance(columns, list):
            self.fail(path, "must be an array")
            return
        for index, column in enumerate(columns):
            where = f"{path}[{index}]"
            if not isinstance(column, dict) or column.get("type", "Column") != "Column":
                self.fail(where, "must be a Column")
                continue
            self.elements(column.get("items"), f"{where}.items")
            if "selectAction" in column:
                self.select_action(column["selectAction"], f"{where}.selectAction")

    def facts(self, facts: Any, path: str) -> None:
        if not isinstance(facts, list):
            self.fail(path, "is required (an array)")
            return
        for index, fact in enumerate(facts):
            if not isinstance(fact, dict):
                self.fail(f"{path}[{index}]", "a fact must be a JSON object")
                continue
            self.text(fact, "title", f"{path}[{index}]")
            self.text(fact, "value", f"{path}[{index}]")

    def rows(self, rows: Any, path: str) -> None:
        if rows is None:
            return
        if not isinstance(rows, list):
            self.fail(path, "must be an array")
            return
        for index, row in enumerate(rows):
            where = f"{path}[{index}]"
            if not isinstance(row, dict) or row.get("type", "TableRow") != "TableRow":
                self.fail(where, "must be a TableRow")
                continue
            cells = row.get("cells")
            if not isinstance(cells, list):
                self.fail(f"{where}.cells", "is required (an array)")
                continue
            for number, cell in enumerate(cells):
                spot = f"{where}.cells[{number}]"
                if not isinstance(cell, dict) or cell.get("type", "TableCell") != "TableCell":
                    self.fail(spot, "must be a TableCell")
                else:
                    self.elements(cell.get("items"), f"{spot}.items", required=True)

    def input(self, item: JsonDict, path: str) -> None:
        input_id = item.get("id")
        if not isinstance(input_id, str) or not input_id:
            self.fail(f"{path}.id", "an input needs an id")
        elif input_id in self.input_ids:
            self.fail(
                f"{path}.id",
                f"duplicate input id {input_id!r} (first at {self.input_ids[input_id]})",
            )
        else:
            self.input_ids[input_id] = path
        kind = item["type"]
        if kind == "Input.Toggle":
            self.text(item, "title", path)
        elif kind == "Input.ChoiceSet":
            self.choices(item, path)
        elif kind == "Input.Text" and "style" in item:
            style = item["style"]
            if not isinstance(style, str) or style.lower() not in TEXT_INPUT_STYLES:
                self.fail(f"{path}.style", f"no text input style {style!r}")

    def choices(self, item: JsonDict, path: str) -> None:
        choices = item.get("choices")
        if choices is None and isinstance(item.get("choices.data"), dict):
            return  # dynamic typeahead (Data.Query): the choices come from the bot
        if not isinstance(choices, list):
            self.fail(f"{path}.choices", "is required (an array)")
            return
        for index, choice in enumerate(choices):
            where = f"{path}.choices[{index}]"
            if not isinstance(choice, dict):
                self.fail(where, "a choice must be a JSON object")
                continue
            self.text(choice, "title", where)
            self.text(choice, "value", where)

    def actions(self, actions: Any, path: str, *, required: bool = False) -> None:
        if actions is None:
            if required:
                self.fail(path, "is required")
            return
        if not isinstance(actions, list):
            self.fail(path, "must be an array")
            return
        for index, action in enumerate(actions):
            self.action(action, f"{path}[{index}]")

    def select_action(self, action: Any, path: str) -> None:
        if isinstance(action, dict) and action.get("type") == "Action.ShowCard":
            self.fail(f"{path}.type", "a selectAction cannot be Action.ShowCard")
            return
        self.action(action, path)

    def action(self, action: Any, path: str) -> None:
        if not isinstance(action, dict):
            self.fail(path, "an action must be a JSON object")
            return
        kind = action.get("type")
        if kind not in ACTION_TYPES:
            if "fallback" not in action:
                self.fail(f"{path}.type", f"unknown action type {kind!r}")
            return
        if kind == "Action.OpenUrl":
            self.text(action, "url", path)
        elif kind == "Action.ShowCard":
            self.card(action.get("card"), f"{path}.card", top=False)
        elif kind == "Action.ToggleVisibility":
            if not isinstance(action.get("targetElements"), list):
                self.fail(f"{path}.targetElements", "is required (an array)")
        elif kind == "Action.Execute":
            if "verb" in action and not isinstance(action["verb"], str):
                self.fail(f"{path}.verb", "must be a string")
            if "data" in action and not isinstance(action["data"], dict):
                self.fail(f"{path}.data", "must be an object")


# -- walking a card (for the driver and the renderer) ---------------------------------------


def children(element: JsonDict) -> Iterator[JsonDict]:
    """The elements directly inside ``element`` (a card, container, column, table…)."""
    kind = element.get("type")
    groups: list[Any] = []
    if kind == "AdaptiveCard":
        groups = [element.get("body")]
    elif kind in ("Container", "Column", "TableCell"):
        groups = [element.get("items")]
    elif kind == "ColumnSet":
        groups = [
            [{"type": "Column", **c} for c in element.get("columns") or [] if isinstance(c, dict)]
        ]
    elif kind == "Table":
        groups = [
            [
                {"type": "TableCell", **cell}
                for row in element.get("rows") or []
                if isinstance(row, dict)
                for cell in row.get("cells") or []
                if isinstance(cell, dict)
            ]
        ]
    for group in groups:
        for item in group or []:
            if isinstance(item, dict):
                yield item


def walk(card: JsonDict, *, hidden: bool = True) -> Iterator[JsonDict]:
    """Every element of ``card``'s body, depth first (``hidden=False``: the visible ones)."""
    for item in children(card):
        if not hidden and item.get("isVisible") is False:
            continue
        yield item
        yield from walk(item, hidden=hidden)


def inputs(card: JsonDict) -> list[JsonDict]:
    """The card's inputs (not those of its ShowCard cards), in order."""
    return [item for item in walk(card) if item.get("type") in INPUT_TYPES]


def actions(card: JsonDict) -> list[JsonDict]:
    """The card's buttons in reading order: ActionSets in the body, then the card's actions."""
    found: list[JsonDict] = []
    for item in walk(card, hidden=False):
        if item.get("type") == "ActionSet":
            found.extend(a for a in item.get("actions") or [] if isinstance(a, dict))
    found.extend(a for a in card.get("actions") or [] if isinstance(a, dict))
    return found
