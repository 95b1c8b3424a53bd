"""Neutral views (:mod:`bot.views`) as Adaptive Cards: the Teams renderer.

A :class:`~bot.views.cards.Card` is a card sent in a message; a
:class:`~bot.views.cards.Form` is a dialog (a task module) whose card holds the inputs,
each ``id`` the field's neutral id (:func:`~bot.views.cards.field_id`), and one submit
action carrying the form's name and state. Text is never Markdown (:mod:`.text`).

Buttons: an action that opens a form (the front end names them, :data:`DIALOG_ACTIONS`)
is an ``Action.Submit`` asking Teams for a dialog (``task/fetch``); any other is an
``Action.Execute`` whose verb is the core's action name, answered by an updated card. A
button to confirm first is an ``Action.ShowCard``: its card asks, and holds the real action.

A card the front end wants Teams to fetch anew whenever it comes into view (the home
card: what it shows changes elsewhere) gets a ``refresh`` (:class:`Refresh`, Universal
Actions for Adaptive Cards): an ``Action.Execute`` with the card's state, refreshed on
their own by the clients of the people it names.

Teams' limits live here only: a card within a bot message's 100 KB (as Teams counts it,
in UTF-16; Teams refuses a larger message with 413), a choice's title on one line, at
most 60 people refreshing a card on their own.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from bot.i18n.rich import Rich
from bot.views.cards import (
    Actions,
    Align,
    Block,
    Button,
    Card,
    ChoiceField,
    ChoiceStyle,
    DateField,
    Divider,
    Field,
    Form,
    Heading,
    Listing,
    Note,
    Paragraph,
    Table,
    TextField,
    TimeField,
    field_id,
)
from handlers.teams.text import line_blocks, literal_run

JsonDict = dict[str, Any]

CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# A bot's message is at most 100 KB as Teams counts it, in UTF-16 ("Format your bot
# messages"); a card keeps room under it for the activity around it.
CARD_BYTES_LIMIT = 92 * 1024
_ALIGN = {Align.LEFT: "Left", Align.CENTRE: "Center", Align.RIGHT: "Right"}
# The most people a card's refresh names ("Work with Universal Actions for Adaptive Cards",
# User IDs in refresh: "a maximum of 60 (sixty) user MRIs").
REFRESH_USERS_LIMIT = 60


@dataclass(frozen=True)
class Refresh:
    """Teams to fetch a card anew when it comes into view: ``action``, the verb its
    ``Action.Execute`` sends back (with the card's state); ``user_ids``, the Teams ids
    (``29:…``) of the people whose client does it on its own."""

    action: str
    user_ids: tuple[str, ...]

    def rendered(self, state: str) -> JsonDict:
        data: JsonDict = {"action": self.action}
        if state:
            data["state"] = state
        return {
            "action": {"type": "Action.Execute", "verb": self.action, "data": data},
            "userIds": list(self.user_ids[:REFRESH_USERS_LIMIT]),
        }


class Renderer:
    """Cards and forms as Adaptive Cards; ``dialog_actions``: the action names that open
    a form (a dialog) rather than act at once."""

    def __init__(self, dialog_actions: Collection[str] = ()) -> None:
        self.dialog_actions = frozenset(dialog_actions)

    # -- buttons --------------------------------------------------------------------

    def action(self, button: Button, title: Rich | None = None) -> JsonDict:
        """The button's own action (without its confirmation)."""
        data: JsonDict = {"action": button.action, "value": button.value}
        if button.key is not None:
            data["key"] = button.key
        label = (title or button.label).plain()
        if button.action in self.dialog_actions:
            action: JsonDict = {
                "type": "Action.Submit",
                "title": label,
                "data": {"msteams": {"type": "task/fetch"}, **data},
            }
        else:
            action = {"type": "Action.Execute", "title": label, "verb": button.action, "data": data}
        if button.primary:
            action["style"] = "positive"
        elif button.danger:
            action["style"] = "destructive"
        return action

    def button(self, button: Button) -> JsonDict:
        confirm = button.confirm
        if confirm is None:
            return self.action(button)
        text = (
            [{"type": "RichTextBlock", "inlines": [literal_run(confirm.text.plain())]}]
            if confirm.literal
            else line_blocks(confirm.text)
        )
        question: JsonDict = {
            "type": "AdaptiveCard",
            "body": [*line_blocks(confirm.title, heading=True), *text],
            "actions": [self.action(button, title=confirm.yes)],
        }
        shown: JsonDict = {
            "type": "Action.ShowCard",
            "title": button.label.plain(),
            "card": question,
        }
        if button.danger:
            shown["style"] = "destructive"
        return shown

    def _action_set(self, buttons: tuple[Button, ...]) -> JsonDict:
        return {"type": "ActionSet", "actions": [self.button(b) for b in buttons]}

    # -- blocks ---------------------------------------------------------------------

    def _paragraph(self, paragraph: Paragraph) -> list[JsonDict]:
        text = line_blocks(*paragraph.lines)
        if paragraph.button is None:
            return text
        return [
            {
                "type": "ColumnSet",
                "columns": [
                    {"type": "Column", "width": "stretch", "items": text},
                    {
                        "type": "Column",
                        "width": "auto",
                        "verticalContentAlignment": "Center",
                        "items": [self._action_set((paragraph.button,))],
                    },
                ],
            }
        ]

    @staticmethod
    def _note(note: Note) -> list[JsonDict]:
        if note.literal:
            return [
                {"type": "RichTextBlock", "inlines": [literal_run(note.text.plain(), subtle=True)]}
            ]
        return line_blocks(Rich.join((note.text, *note.more), " · "), subtle=True)

    @staticmethod
    def _table(table: Table) -> JsonDict:
        def cell(text: str) -> JsonDict:
            block = {"type": "RichTextBlock", "inlines": [literal_run(text or "–")]}
            return {"type": "TableCell", "items": [block]}

        header = [column.label.plain() for column in table.columns]
        return {
            "type": "Table",
            "firstRowAsHeader": True,
            "columns": [
                {"width": 1, "horizontalCellContentAlignment": _ALIGN[column.align]}
                for column in table.columns
            ],
            "rows": [
                {"type": "TableRow", "cells": [cell(text) for text in row]}
                for row in (tuple(header), *table.rows)
            ],
        }

    def block(self, block: Block | Field) -> list[JsonDict]:
        if isinstance(block, Heading):
            return line_blocks(block.text, heading=True)
        if isinstance(block, Paragraph):
            return self._paragraph(block)
        if isinstance(block, Note):
            return self._note(block)
        if isinstance(block, Actions):
            return [self._action_set(block.buttons)]
        if isinstance(block, Table):
            return [self._table(block)]
        if isinstance(block, Listing):
            return [
                element
                for paragraph in block.paragraphs
                for element in line_blocks(*paragraph.lines)
            ]
        if isinstance(block, Divider):
            return []
        return _input(block)

    def _body(
        self,
        blocks: tuple[Block | Field, ...],
        form: Form | None = None,
        origin: str | None = None,
    ) -> list[JsonDict]:
        body: list[JsonDict] = []
        separate = False
        for block in blocks:
            if isinstance(block, Divider):
                separate = True
                continue
            rendered = self.block(block)
            if form is not None and isinstance(block, ChoiceField):
                rendered.extend(_refresh(form, block, origin))
            if rendered and separate:
                rendered[0] = {**rendered[0], "separator": True}
                separate = False
            body.extend(rendered)
        return body

    # -- cards and forms ------------------------------------------------------------

    def card(self, card: Card, refresh: Refresh | None = None) -> JsonDict:
        """A message's card, kept within Teams' size: past it, the first blocks and the
        card's last ``keep_last`` (a streak, the buttons) are what stays. The card's
        ``state`` goes with each of its actions (``data.state``), and with its
        ``refresh`` when it has one."""
        rendered = _card(_carried(self._body(card.blocks), card.state))
        if _size(rendered) > CARD_BYTES_LIMIT:
            split = max(len(card.blocks) - card.keep_last, 0)
            kept = _carried(self._body(card.blocks[split:]), card.state)
            head: list[JsonDict] = []
            for element in _carried(self._body(card.blocks[:split]), card.state):
                if _size(_card([*head, element, *kept])) > CARD_BYTES_LIMIT:
                    break
                head.append(element)
            rendered = _card([*head, *kept])
        if refresh is not None:
            rendered["refresh"] = refresh.rendered(card.state)
        return rendered

    def fits(self, card: Card) -> bool:
        """Whether ``card`` shows whole in a Teams message (nothing left out for size)."""
        return _size(_card(_carried(self._body(card.blocks), card.state))) <= CARD_BYTES_LIMIT

    def dialog(self, form: Form, origin: str | None = None) -> JsonDict:
        """A form as a dialog: its title and its card (inputs, then one submit action).
        ``origin``: what the front end carries through the dialog beside the form's own
        state (the card it was opened from, to show again once the form is saved)."""
        card = _card(self._body(form.blocks, form, origin))
        if any(_refreshes(field) for field in form.fields()):
            _only_refresh_required(card["body"], form)
        if form.submit is not None:
            data = {"form": form.name, "state": form.state}
            if origin is not None:
                data["origin"] = origin
            card["actions"] = [
                {
                    "type": "Action.Submit",
                    "title": form.submit.plain(),
                    "style": "positive",
                    "data": data,
                }
            ]
        return {"title": form.title.plain(), "card": card}

    def dialog_fits(self, form: Form, origin: str | None = None) -> bool:
        """Whether ``form`` as a dialog keeps within what Teams takes of a bot's message
        (Microsoft names no other limit for a dialog's card; Palier keeps to that one)."""
        return _size(self.dialog(form, origin)["card"]) <= CARD_BYTES_LIMIT


def _refreshes(field: Field) -> bool:
    return isinstance(field, ChoiceField) and field.refresh and field.refresh_label is not None


def _refresh(form: Form, field: ChoiceField, origin: str | None = None) -> list[JsonDict]:
    """A dialog cannot react to a choice: the button beside it sends the form back as
    filled in (``refresh``: the field), and the form comes back built for that choice
    (``origin`` carried along, as by the submit action)."""
    if not _refreshes(field) or field.refresh_label is None:
        return []
    data: JsonDict = {"form": form.name, "state": form.state, "refresh": field_id(field)}
    if origin is not None:
        data["origin"] = origin
    action = {"type": "Action.Submit", "title": field.refresh_label.plain(), "data": data}
    return [{"type": "ActionSet", "actions": [action]}]


def _only_refresh_required(body: list[JsonDict], form: Form) -> None:
    """In a form a choice rebuilds, Teams checks only that choice before sending: a
    required field still empty would stop the rebuild. The flow checks the others, its
    problems shown beside them."""
    refreshing = {field_id(field) for field in form.fields() if _refreshes(field)}
    for element in body:
        if "isRequired" in element and element.get("id") not in refreshing:
            del element["isRequired"]


def _card(body: list[JsonDict]) -> JsonDict:
    return {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": body,
    }


def _carried(elements: list[JsonDict], state: str) -> list[JsonDict]:
    """``elements`` with ``state`` in the data of every action in them (a confirmation's
    own action too), so that what is clicked says what the card showed."""
    if not state:
        return elements

    def carry(value: Any) -> Any:
        if isinstance(value, list):
            return [carry(item) for item in value]
        if not isinstance(value, dict):
            return value
        carried = {key: carry(item) for key, item in value.items()}
        if carried.get("type") in ("Action.Execute", "Action.Submit") and isinstance(
            carried.get("data"), dict
        ):
            carried["data"] = {**carried["data"], "state": state}
        return carried

    return [carry(element) for element in elements]


def card_size(card: JsonDict) -> int:
    """A card's size as Teams counts a message: its JSON in UTF-16."""
    return len(json.dumps(card, ensure_ascii=False).encode("utf-16-le"))


_size = card_size


def attachment(card: JsonDict) -> JsonDict:
    """A card as a message's attachment."""
    return {"contentType": CARD_CONTENT_TYPE, "content": card}


def _input(field: Field) -> list[JsonDict]:
    element: JsonDict = {"id": field_id(field), "label": field.label.plain()}
    if not field.optional:
        element["isRequired"] = True
    if field.placeholder is not None:
        element["placeholder"] = field.placeholder.plain()
    if isinstance(field, TextField):
        element["type"] = "Input.Text"
        if field.url:
            element["style"] = "Url"  # a keyboard for addresses; the domain checks it
        if field.multiline:
            element["isMultiline"] = True
        if field.max_length:
            element["maxLength"] = field.max_length
        if field.initial:
            element["value"] = field.initial
    elif isinstance(field, DateField):
        element["type"] = "Input.Date"
        if field.initial:
            element["value"] = field.initial.isoformat()
    elif isinstance(field, TimeField):
        element["type"] = "Input.Time"
        if field.initial:
            element["value"] = field.initial.strftime("%H:%M")
    else:
        element.update(_choice_set(field))
    hint = line_blocks(field.hint, subtle=True) if field.hint is not None else []
    return [element, *hint]


def _choice_set(field: ChoiceField) -> JsonDict:
    """Radio buttons, a drop-down or check boxes; a choice's description beside its title
    (a choice has no room of its own for it); groups as their choices in order."""

    def title(label: Rich, description: Rich | None) -> str:
        return f"{label.plain()} — {description.plain()}" if description else label.plain()

    element: JsonDict = {
        "type": "Input.ChoiceSet",
        "style": "compact" if field.style is ChoiceStyle.MENU else "expanded",
        "wrap": True,
        "choices": [
            {"title": title(choice.label, choice.description), "value": choice.value}
            for choice in field.all_choices()
        ],
    }
    if field.style is ChoiceStyle.SEVERAL:
        element["isMultiSelect"] = True
    if field.initial:
        element["value"] = ",".join(field.initial)
    return element
