"""Block Kit limit checks over the JSON actually sent, as Slack's API applies them.

These are plain functions over dicts and lists on purpose: ``slack_sdk.models``
only checks objects built with its classes, while Palier (like most apps) may send
plain dicts. The emulator runs these checks on every outgoing message, ephemeral,
update, response_url payload, modal and Home view, so a payload Slack would refuse
fails in the tests too.

Each problem is a :class:`Violation` whose ``str()`` is Slack's own wording,
``"<message> [json-pointer:/blocks/0/text/text]"``; the server wraps them in
Slack's error envelope (``invalid_blocks`` for messages, ``invalid_attachments``
for a message's attachments, ``invalid_arguments`` for views).

Tables. Slack's table block reference
(https://docs.slack.dev/reference/block-kit/blocks/table-block, "Usage info")
has apps send a table in the ``attachments`` field of ``chat.postMessage``, one
table per message (a second one is ``invalid_attachments`` /
``only_one_table_allowed``); a table in a message's top-level ``blocks`` is
``invalid_blocks``. The reference names no other way to send one, so the
emulator accepts a table only there (:func:`validate_message` with
``tables_allowed``) and refuses it in top-level blocks, in ephemeral messages,
``response_url`` payloads, updates, modals and Home tabs, where nothing says
Slack would take it. The newer ``data_table`` block is not accepted at all:
its reference gives no surface either, and Palier does not send it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Surface = Literal["message", "modal", "home"]

# -- Limits (Slack's Block Kit reference; see /work/shared/reference/slack-platform.md) --
MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
MESSAGE_TEXT_MAX = 40_000
SECTION_TEXT_MAX = 3_000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2_000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
CONTEXT_ACTIONS_ELEMENTS_MAX = 5
ID_MAX = 255  # block_id, action_id, callback_id, external_id
TEXT_INPUT_LENGTH_MAX = 3_000
SELECT_OPTIONS_MAX = 100
SELECT_OPTION_GROUPS_MAX = 100
CHOICE_OPTIONS_MAX = 10  # radio_buttons, checkboxes
OVERFLOW_OPTIONS_MAX = 5
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTION_DESCRIPTION_MAX = 75
OPTION_GROUP_LABEL_MAX = 75
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2_000
URL_MAX = 3_000
PLACEHOLDER_MAX = 150
INPUT_LABEL_MAX = 2_000
INPUT_HINT_MAX = 2_000
IMAGE_ALT_TEXT_MAX = 2_000
CONFIRM_TITLE_MAX = 100
CONFIRM_TEXT_MAX = 300
CONFIRM_BUTTON_MAX = 30
MODAL_TITLE_MAX = 24  # also submit and close
PRIVATE_METADATA_MAX = 3_000
MARKDOWN_TEXT_MAX = 12_000  # cumulative over a payload's markdown blocks
TABLE_ROWS_MAX = 100
TABLE_CELLS_MAX = 20
ATTACHMENTS_MAX = 100  # "no more than 100 attachments" (chat.postMessage reference)
VIEW_MAX_BYTES = 250_000  # "greater than 250kb" → view_too_large; the stricter reading

_SELECTS = frozenset(
    {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
)
_MULTI_SELECTS = frozenset("multi_" + name for name in _SELECTS)
_TEXT_INPUTS = frozenset(
    {
        "plain_text_input",
        "email_text_input",
        "url_text_input",
        "number_text_input",
        "rich_text_input",
    }
)
ACTIONS_ELEMENT_TYPES = (
    frozenset(
        {
            "button",
            "checkboxes",
            "datepicker",
            "datetimepicker",
            "overflow",
            "radio_buttons",
            "rich_text_input",
            "timepicker",
            "workflow_button",
        }
    )
    | _SELECTS
    | _MULTI_SELECTS
)
ACCESSORY_ELEMENT_TYPES = (
    frozenset(
        {
            "button",
            "checkboxes",
            "datepicker",
            "image",
            "overflow",
            "radio_buttons",
            "timepicker",
            "workflow_button",
        }
    )
    | _SELECTS
    | _MULTI_SELECTS
)
INPUT_ELEMENT_TYPES = (
    frozenset(
        {"checkboxes", "datepicker", "datetimepicker", "file_input", "radio_buttons", "timepicker"}
    )
    | _TEXT_INPUTS
    | _SELECTS
    | _MULTI_SELECTS
)
CONTEXT_ACTIONS_ELEMENT_TYPES = frozenset({"feedback_buttons", "icon_button"})
BLOCK_TYPES = frozenset(
    {
        "actions",
        "alert",
        "call",
        "card",
        "carousel",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Violation:
    """One refused field: Slack's message and the JSON pointer to the field.

    ``code`` is the top-level error Slack answers for it: ``invalid_blocks`` for
    almost everything, ``invalid_attachments`` for anything in a message's
    attachments, a second table in a message included.
    """

    message: str
    pointer: str
    code: str = "invalid_blocks"

    def __str__(self) -> str:
        return f"{self.message} [json-pointer:{self.pointer}]"


class _Walker:
    """Walks one surface (a message or a view), collecting violations.

    One walker per surface because some rules span the whole surface: unique
    block_ids and action_ids, one table per message, the markdown budget.
    """

    def __init__(self, surface: Surface, *, tables_allowed: bool = False) -> None:
        self.surface = surface
        self.tables_allowed = tables_allowed  # only in chat.postMessage's attachments
        self.code = "invalid_blocks"  # the error for what is found; see attachments()
        self.violations: list[Violation] = []
        self.block_ids: dict[str, str] = {}
        self.action_ids: dict[str, str] = {}
        self.tables = 0
        self.markdown_chars = 0

    # -- primitives --------------------------------------------------------------

    def add(self, pointer: str, message: str, code: str | None = None) -> None:
        self.violations.append(Violation(message, pointer, code or self.code))

    def string(
        self,
        value: Any,
        pointer: str,
        max_len: int,
        *,
        required: bool = False,
        name: str = "",
        min_len: int = 0,
    ) -> None:
        if value is None:
            if required:
                self.add(pointer.rsplit("/", 1)[0], f"missing required field: {name}")
            return
        if not isinstance(value, str):
            self.add(pointer, "must be a string")
            return
        if len(value) > max_len:
            self.add(pointer, f"must be less than {max_len + 1} characters")
        elif len(value) < min_len:
            self.add(pointer, f"must be more than {min_len - 1} characters")

    def items(self, value: Any, pointer: str, max_items: int, *, min_items: int = 0) -> list[Any]:
        """Check an array's size; return its items (empty if it is not an array)."""
        if not isinstance(value, list):
            self.add(pointer, "must be an array")
            return []
        if len(value) > max_items:
            self.add(pointer, f"no more than {max_items} items allowed")
        elif len(value) < min_items:
            self.add(pointer, f"must provide at least {min_items} items")
        return value

    def text_object(
        self,
        obj: Any,
        pointer: str,
        max_len: int,
        *,
        plain_only: bool = False,
        required: bool = True,
        name: str = "text",
    ) -> None:
        """A composition text object: ``{"type": "plain_text"|"mrkdwn", "text": ...}``."""
        if obj is None:
            if required:
                self.add(pointer.rsplit("/", 1)[0] or "/", f"missing required field: {name}")
            return
        if not isinstance(obj, Mapping):
            self.add(pointer, "must be a text object")
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn"):
            self.add(f"{pointer}/type", f"unsupported type: {kind}")
            return
        if plain_only and kind != "plain_text":
            self.add(f"{pointer}/type", "must be plain_text")
        if "text" not in obj:
            self.add(pointer, "missing required field: text")
            return
        self.string(obj.get("text"), f"{pointer}/text", max_len, min_len=1)

    def register_id(self, kind: str, value: Any, pointer: str) -> None:
        """block_id and action_id: at most 255 characters, unique on the surface.

        Slack documents action_ids as unique "within the containing block"; apps
        report refusals for duplicates across a message or view, so the emulator
        takes the stricter, surface-wide rule (Palier then never relies on either).
        """
        if value is None:
            return
        if not isinstance(value, str):
            self.add(pointer, "must be a string")
            return
        self.string(value, pointer, ID_MAX, min_len=1)
        seen = self.block_ids if kind == "block_id" else self.action_ids
        if value in seen:
            self.add(pointer, f"duplicate {kind}: {value} (first at {seen[value]})")
        else:
            seen[value] = pointer

    # -- composition objects -----------------------------------------------------

    def option(
        self,
        option: Any,
        pointer: str,
        *,
        text_plain_only: bool,
        allow_url: bool = False,
    ) -> None:
        if not isinstance(option, Mapping):
            self.add(pointer, "must be an option object")
            return
        self.text_object(
            option.get("text"), f"{pointer}/text", OPTION_TEXT_MAX, plain_only=text_plain_only
        )
        self.string(
            option.get("value"), f"{pointer}/value", OPTION_VALUE_MAX, required=True, name="value"
        )
        self.text_object(
            option.get("description"),
            f"{pointer}/description",
            OPTION_DESCRIPTION_MAX,
            plain_only=text_plain_only,
            required=False,
        )
        if "url" in option:
            if not allow_url:
                self.add(f"{pointer}/url", "invalid additional property: url")
            else:
                self.string(option.get("url"), f"{pointer}/url", URL_MAX)

    def confirm(self, confirm: Any, pointer: str) -> None:
        if confirm is None:
            return
        if not isinstance(confirm, Mapping):
            self.add(pointer, "must be a confirmation dialog object")
            return
        self.text_object(
            confirm.get("title"), f"{pointer}/title", CONFIRM_TITLE_MAX, plain_only=True
        )
        self.text_object(confirm.get("text"), f"{pointer}/text", CONFIRM_TEXT_MAX)
        self.text_object(
            confirm.get("confirm"), f"{pointer}/confirm", CONFIRM_BUTTON_MAX, plain_only=True
        )
        self.text_object(
            confirm.get("deny"), f"{pointer}/deny", CONFIRM_BUTTON_MAX, plain_only=True
        )

    # -- elements ----------------------------------------------------------------

    def element(self, element: Any, pointer: str, allowed: frozenset[str]) -> None:
        if not isinstance(element, Mapping):
            self.add(pointer, "must be an element object")
            return
        kind = element.get("type")
        if kind not in allowed:
            self.add(f"{pointer}/type", f"unsupported type: {kind}")
            return
        if kind == "image":
            self.image_element(element, pointer)
            return
        self.register_id("action_id", element.get("action_id"), f"{pointer}/action_id")
        self.confirm(element.get("confirm"), f"{pointer}/confirm")
        if "placeholder" in element:
            self.text_object(
                element.get("placeholder"),
                f"{pointer}/placeholder",
                PLACEHOLDER_MAX,
                plain_only=True,
            )
        if kind == "button":
            self.button(element, pointer)
        elif kind == "static_select" or kind == "multi_static_select":
            self.static_select(element, pointer)
        elif kind == "overflow":
            for i, option in enumerate(
                self.items(
                    element.get("options"), f"{pointer}/options", OVERFLOW_OPTIONS_MAX, min_items=1
                )
            ):
                self.option(option, f"{pointer}/options/{i}", text_plain_only=True, allow_url=True)
        elif kind in ("radio_buttons", "checkboxes"):
            for i, option in enumerate(
                self.items(
                    element.get("options"), f"{pointer}/options", CHOICE_OPTIONS_MAX, min_items=1
                )
            ):
                self.option(option, f"{pointer}/options/{i}", text_plain_only=False)
        elif kind == "datepicker":
            initial = element.get("initial_date")
            if initial is not None and not (isinstance(initial, str) and _DATE.match(initial)):
                self.add(f"{pointer}/initial_date", "must match format YYYY-MM-DD")
        elif kind == "timepicker":
            initial = element.get("initial_time")
            if initial is not None and not (isinstance(initial, str) and _TIME.match(initial)):
                self.add(f"{pointer}/initial_time", "must match format HH:mm")
        elif kind == "plain_text_input":
            self.text_input(element, pointer)
        elif kind in ("email_text_input", "url_text_input"):
            self.address_input(element, pointer)
        elif kind == "number_text_input" and not isinstance(
            element.get("is_decimal_allowed"), bool
        ):
            self.add(pointer, "missing required field: is_decimal_allowed")
        if kind in _MULTI_SELECTS and "max_selected_items" in element:
            value = element.get("max_selected_items")
            if not isinstance(value, int) or value < 1:
                self.add(f"{pointer}/max_selected_items", "must be greater than or equal to 1")

    def button(self, element: Mapping[str, Any], pointer: str) -> None:
        self.text_object(element.get("text"), f"{pointer}/text", BUTTON_TEXT_MAX, plain_only=True)
        self.string(element.get("value"), f"{pointer}/value", BUTTON_VALUE_MAX)
        self.string(element.get("url"), f"{pointer}/url", URL_MAX)
        self.string(element.get("accessibility_label"), f"{pointer}/accessibility_label", 75)
        style = element.get("style")
        if style is not None and style not in ("primary", "danger"):
            self.add(f"{pointer}/style", "must be one of: primary, danger")

    def static_select(self, element: Mapping[str, Any], pointer: str) -> None:
        has_options = "options" in element
        has_groups = "option_groups" in element
        if has_options == has_groups:
            self.add(pointer, "must provide exactly one of: options, option_groups")
        if has_options:
            for i, option in enumerate(
                self.items(
                    element.get("options"), f"{pointer}/options", SELECT_OPTIONS_MAX, min_items=1
                )
            ):
                self.option(option, f"{pointer}/options/{i}", text_plain_only=True)
        if has_groups:
            groups = self.items(
                element.get("option_groups"),
                f"{pointer}/option_groups",
                SELECT_OPTION_GROUPS_MAX,
                min_items=1,
            )
            for g, group in enumerate(groups):
                group_ptr = f"{pointer}/option_groups/{g}"
                if not isinstance(group, Mapping):
                    self.add(group_ptr, "must be an option group object")
                    continue
                self.text_object(
                    group.get("label"),
                    f"{group_ptr}/label",
                    OPTION_GROUP_LABEL_MAX,
                    plain_only=True,
                    name="label",
                )
                for i, option in enumerate(
                    self.items(
                        group.get("options"),
                        f"{group_ptr}/options",
                        SELECT_OPTIONS_MAX,
                        min_items=1,
                    )
                ):
                    self.option(option, f"{group_ptr}/options/{i}", text_plain_only=True)

    def text_input(self, element: Mapping[str, Any], pointer: str) -> None:
        self.string(element.get("initial_value"), f"{pointer}/initial_value", TEXT_INPUT_LENGTH_MAX)
        min_length = element.get("min_length")
        max_length = element.get("max_length")
        if min_length is not None and (
            not isinstance(min_length, int) or not 0 <= min_length <= TEXT_INPUT_LENGTH_MAX
        ):
            self.add(f"{pointer}/min_length", f"must be between 0 and {TEXT_INPUT_LENGTH_MAX}")
        if max_length is not None and (
            not isinstance(max_length, int) or not 1 <= max_length <= TEXT_INPUT_LENGTH_MAX
        ):
            self.add(f"{pointer}/max_length", f"must be between 1 and {TEXT_INPUT_LENGTH_MAX}")
        if isinstance(min_length, int) and isinstance(max_length, int) and min_length > max_length:
            self.add(f"{pointer}/min_length", "must be less than or equal to max_length")

    def address_input(self, element: Mapping[str, Any], pointer: str) -> None:
        """An email or URL input: Slack's reference gives it an initial value, a placeholder,
        focus and dispatch settings, and none of a plain text input's length bounds or
        lines (Slack checks the address's form itself, as the person types)."""
        self.string(element.get("initial_value"), f"{pointer}/initial_value", TEXT_INPUT_LENGTH_MAX)
        for name in ("min_length", "max_length", "multiline"):
            if name in element:
                self.add(f"{pointer}/{name}", f"invalid additional property: {name}")

    def image_element(self, element: Mapping[str, Any], pointer: str) -> None:
        self.string(
            element.get("alt_text"),
            f"{pointer}/alt_text",
            IMAGE_ALT_TEXT_MAX,
            required=True,
            name="alt_text",
        )
        if "image_url" not in element and "slack_file" not in element:
            self.add(pointer, "missing required field: image_url")
        self.string(element.get("image_url"), f"{pointer}/image_url", URL_MAX)

    # -- blocks ------------------------------------------------------------------

    def blocks(self, blocks: Any, pointer: str) -> None:
        limit = MESSAGE_MAX_BLOCKS if self.surface == "message" else VIEW_MAX_BLOCKS
        for i, block in enumerate(self.items(blocks, pointer, limit)):
            self.block(block, f"{pointer}/{i}")

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, Mapping):
            self.add(pointer, "must be a block object")
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.add(f"{pointer}/type", f"unsupported type: {kind}")
            return
        self.register_id("block_id", block.get("block_id"), f"{pointer}/block_id")
        handler = getattr(self, f"block_{kind}", None)
        if handler is not None:
            handler(block, pointer)

    def block_section(self, block: Mapping[str, Any], pointer: str) -> None:
        if "text" not in block and "fields" not in block:
            self.add(pointer, "missing required field: text")
        if "text" in block:
            self.text_object(block.get("text"), f"{pointer}/text", SECTION_TEXT_MAX)
        if "fields" in block:
            fields = self.items(
                block.get("fields"), f"{pointer}/fields", SECTION_FIELDS_MAX, min_items=1
            )
            for i, field in enumerate(fields):
                self.text_object(field, f"{pointer}/fields/{i}", SECTION_FIELD_TEXT_MAX)
        if "accessory" in block:
            self.element(block.get("accessory"), f"{pointer}/accessory", ACCESSORY_ELEMENT_TYPES)

    def block_header(self, block: Mapping[str, Any], pointer: str) -> None:
        self.text_object(block.get("text"), f"{pointer}/text", HEADER_TEXT_MAX, plain_only=True)

    def block_context(self, block: Mapping[str, Any], pointer: str) -> None:
        elements = self.items(
            block.get("elements"), f"{pointer}/elements", CONTEXT_ELEMENTS_MAX, min_items=1
        )
        for i, element in enumerate(elements):
            element_ptr = f"{pointer}/elements/{i}"
            if isinstance(element, Mapping) and element.get("type") == "image":
                self.image_element(element, element_ptr)
            else:
                self.text_object(element, element_ptr, SECTION_TEXT_MAX)

    def block_actions(self, block: Mapping[str, Any], pointer: str) -> None:
        elements = self.items(
            block.get("elements"), f"{pointer}/elements", ACTIONS_ELEMENTS_MAX, min_items=1
        )
        for i, element in enumerate(elements):
            self.element(element, f"{pointer}/elements/{i}", ACTIONS_ELEMENT_TYPES)

    def block_context_actions(self, block: Mapping[str, Any], pointer: str) -> None:
        elements = self.items(
            block.get("elements"),
            f"{pointer}/elements",
            CONTEXT_ACTIONS_ELEMENTS_MAX,
            min_items=1,
        )
        for i, element in enumerate(elements):
            self.element(element, f"{pointer}/elements/{i}", CONTEXT_ACTIONS_ELEMENT_TYPES)

    def block_input(self, block: Mapping[str, Any], pointer: str) -> None:
        if self.surface == "message":
            # Slack's current docs also list messages as a surface for input blocks;
            # Palier's rule (and the brief's) is modals and Home only.
            self.add(f"{pointer}/type", "unsupported type: input (only in modals and Home tabs)")
        self.text_object(
            block.get("label"), f"{pointer}/label", INPUT_LABEL_MAX, plain_only=True, name="label"
        )
        self.text_object(
            block.get("hint"), f"{pointer}/hint", INPUT_HINT_MAX, plain_only=True, required=False
        )
        if "element" not in block:
            self.add(pointer, "missing required field: element")
        else:
            self.element(block.get("element"), f"{pointer}/element", INPUT_ELEMENT_TYPES)

    def block_image(self, block: Mapping[str, Any], pointer: str) -> None:
        self.image_element(block, pointer)
        self.text_object(
            block.get("title"),
            f"{pointer}/title",
            IMAGE_ALT_TEXT_MAX,
            plain_only=True,
            required=False,
        )

    def block_markdown(self, block: Mapping[str, Any], pointer: str) -> None:
        text = block.get("text")
        self.string(
            text, f"{pointer}/text", MARKDOWN_TEXT_MAX, required=True, name="text", min_len=1
        )
        if isinstance(text, str):
            self.markdown_chars += len(text)
            if self.markdown_chars > MARKDOWN_TEXT_MAX:
                self.add(
                    f"{pointer}/text",
                    f"markdown blocks must total less than {MARKDOWN_TEXT_MAX + 1} characters",
                )

    def attachments(self, attachments: Any, pointer: str, *, tables_allowed: bool) -> None:
        """A message's ``attachments``: each one's blocks, checked like the message's."""
        self.code, self.tables_allowed = "invalid_attachments", tables_allowed
        for i, attachment in enumerate(self.items(attachments, pointer, ATTACHMENTS_MAX)):
            if not isinstance(attachment, Mapping):
                self.add(f"{pointer}/{i}", "must be an attachment object")
            elif "blocks" in attachment:
                self.blocks(attachment.get("blocks"), f"{pointer}/{i}/blocks")
        self.code, self.tables_allowed = "invalid_blocks", False

    def block_table(self, block: Mapping[str, Any], pointer: str) -> None:
        if self.surface != "message":
            self.add(f"{pointer}/type", "unsupported type: table (only in messages)")
        elif not self.tables_allowed:
            self.add(
                f"{pointer}/type",
                "unsupported type: table (only in the attachments of chat.postMessage)",
            )
        self.tables += 1
        if self.tables > 1:
            # Slack's own oddity: this one is answered as invalid_attachments.
            self.add(pointer, "only_one_table_allowed", code="invalid_attachments")
        rows = self.items(block.get("rows"), f"{pointer}/rows", TABLE_ROWS_MAX, min_items=1)
        for r, row in enumerate(rows):
            self.items(row, f"{pointer}/rows/{r}", TABLE_CELLS_MAX, min_items=1)
        if "column_settings" in block:
            self.items(block.get("column_settings"), f"{pointer}/column_settings", TABLE_CELLS_MAX)

    def block_rich_text(self, block: Mapping[str, Any], pointer: str) -> None:
        self.items(block.get("elements"), f"{pointer}/elements", 10_000)


def validate_blocks(
    blocks: Any, *, surface: Surface = "message", pointer: str = "/blocks"
) -> list[Violation]:
    """Every Block Kit violation in ``blocks`` for the given surface ([] if none)."""
    walker = _Walker(surface)
    walker.blocks(blocks, pointer)
    return walker.violations


def validate_message(
    blocks: Any, attachments: Any, *, tables_allowed: bool = False
) -> list[Violation]:
    """Every violation in a message's ``blocks`` and ``attachments`` ([] if none).

    One walk over both, since a message has one table at most and unique block_ids
    wherever its blocks are. ``tables_allowed`` is for ``chat.postMessage`` only:
    a table goes in its attachments, nowhere else (see the module docstring).
    """
    walker = _Walker("message")
    if blocks is not None:
        walker.blocks(blocks, "/blocks")
    if attachments is not None:
        walker.attachments(attachments, "/attachments", tables_allowed=tables_allowed)
    return walker.violations


def check_message_text(text: Any) -> str | None:
    """Slack's error code for a message's top-level ``text``, or None if it is fine.

    Slack's docs say chat.postMessage *truncates* text over 40,000 characters while
    chat.update and chat.postEphemeral answer ``msg_too_long``; the emulator answers
    ``msg_too_long`` everywhere so that Palier never loses text silently.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        return "invalid_arguments"
    if len(text) > MESSAGE_TEXT_MAX:
        return "msg_too_long"
    return None


def view_size(view: Any) -> int:
    """The view's size as Slack measures it: its JSON, in bytes."""
    return len(json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def validate_view(view: Any, *, pointer: str = "/view") -> list[Violation]:
    """Every violation in a modal or Home view object ([] if none)."""
    walker = _Walker("modal")
    if not isinstance(view, Mapping):
        walker.add(pointer, "must be a view object")
        return walker.violations
    kind = view.get("type")
    if kind not in ("modal", "home"):
        walker.add(f"{pointer}/type", f"unsupported type: {kind}")
        return walker.violations
    walker.surface = kind
    if kind == "modal":
        walker.text_object(
            view.get("title"), f"{pointer}/title", MODAL_TITLE_MAX, plain_only=True, name="title"
        )
        for name in ("submit", "close"):
            walker.text_object(
                view.get(name),
                f"{pointer}/{name}",
                MODAL_TITLE_MAX,
                plain_only=True,
                required=False,
            )
    walker.string(view.get("callback_id"), f"{pointer}/callback_id", ID_MAX)
    walker.string(view.get("external_id"), f"{pointer}/external_id", ID_MAX)
    walker.string(view.get("private_metadata"), f"{pointer}/private_metadata", PRIVATE_METADATA_MAX)
    if "blocks" not in view:
        walker.add(pointer, "missing required field: blocks")
    else:
        walker.blocks(view.get("blocks"), f"{pointer}/blocks")
    blocks = view.get("blocks")
    if kind == "modal" and "submit" not in view and isinstance(blocks, Sequence):
        for i, block in enumerate(blocks):
            if isinstance(block, Mapping) and block.get("type") == "input":
                walker.add(
                    f"{pointer}/blocks/{i}/input",
                    "must define `submit` to use an `input` block in modals",
                )
                break
    return walker.violations


def error_messages(violations: Sequence[Violation]) -> list[str]:
    """Slack's ``response_metadata.messages`` lines: ``"[ERROR] <message> [json-pointer:…]"``."""
    return [f"[ERROR] {violation}" for violation in violations]
