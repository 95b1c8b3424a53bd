"""A message, a form or a tab as a stack of neutral blocks.

Only what the views need, named for what it is rather than for one platform's
widget: a :class:`Heading`, a :class:`Paragraph` of lines (perhaps with a button
beside it), a :class:`Note` (small print), a :class:`Divider`, a row of
:class:`Actions` (buttons, each perhaps confirmed), a :class:`Table`, a :class:`Listing`
(paragraphs a front end short of room may run together or cut, saying so). A :class:`Card`
is a message or a tab, with ``fallback``, what a notification shows; a :class:`Form`
is what a person fills in and submits (Slack: a modal; Teams: a dialog), its fields
(:class:`TextField`, :class:`ChoiceField`, :class:`DateField`, :class:`TimeField`)
among its blocks. Each front end maps these to its own (Slack: Block Kit and Slack's
limits; Teams: Adaptive Card elements); a field's ``name`` (+ ``key`` when a form
repeats it, e.g. per competency) is how a front end names it and reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from bot.i18n.rich import Rich


@dataclass(frozen=True)
class Heading:
    text: Rich


@dataclass(frozen=True)
class Note:
    """Small print under the rest: a streak, who sees what. ``literal``: shown as it is,
    never read as markup. ``more``: further pieces shown beside it (a front end may put
    them side by side or join them)."""

    text: Rich
    literal: bool = False
    more: tuple[Rich, ...] = ()


@dataclass(frozen=True)
class Confirm:
    """A question asked before an action is carried out."""

    title: Rich
    text: Rich
    yes: Rich
    no: Rich
    danger: bool = False  # the action cannot be undone (a deletion)
    literal: bool = False  # ``text`` shown as it is (a person's own words quoted)


@dataclass(frozen=True)
class Button:
    """An action the person can take. ``action`` is a name of :mod:`bot.views.actions`
    (each front end maps it to its own ids); ``value`` what the core needs back."""

    label: Rich
    action: str
    value: str
    primary: bool = False
    confirm: Confirm | None = None
    danger: bool = False
    # Set when one view repeats the action (per piece of evidence, per report): a front
    # end that needs unique ids adds it to the action's.
    key: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """Lines of text shown together (a front end may split a long one at line ends).
    ``button``: an action beside the text (then the text is kept short). ``one_piece``:
    one row among many (a report in a list): a front end that must shorten it cuts it
    rather than splitting it, so the rows after it keep their place. ``shorter``: the
    lines to show instead where a front end cannot fit these in one block (a link of
    thousands of characters left to another view)."""

    lines: tuple[Rich, ...]
    button: Button | None = None
    one_piece: bool = False
    shorter: tuple[Rich, ...] = ()


@dataclass(frozen=True)
class Actions:
    """A row of buttons; ``name`` identifies the row (a front end may key it), ``key``
    tells repeated rows apart."""

    name: str
    buttons: tuple[Button, ...]
    key: str | None = None


@dataclass(frozen=True)
class Divider:
    pass


class Align(StrEnum):
    LEFT = "left"
    CENTRE = "centre"
    RIGHT = "right"


@dataclass(frozen=True)
class Column:
    label: Rich
    align: Align = Align.LEFT
    wrap: bool = False  # long cells wrap rather than being cut by the front end


@dataclass(frozen=True)
class Table:
    """Rows of plain cells under a header (an empty cell is ``""``)."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Listing:
    """A long list in paragraphs of text (a bloc of competencies each), in order. A front
    end short of room may run them together, or show the first ones then ``more``, which
    says where the rest is."""

    paragraphs: tuple[Paragraph, ...]
    more: Rich


Block = Heading | Paragraph | Note | Divider | Actions | Table | Listing


@dataclass(frozen=True)
class Card:
    fallback: Rich
    blocks: tuple[Block, ...]
    # When a platform cannot show every block, the ones to keep at the end (a streak).
    keep_last: int = 0
    # What the card carries back with an action on it (a Home's page), opaque to a front end.
    state: str = ""


# -- forms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str
    label: Rich
    description: Rich | None = None


@dataclass(frozen=True)
class ChoiceGroup:
    label: Rich
    choices: tuple[Choice, ...]


class ChoiceStyle(StrEnum):
    LIST = "list"  # every choice shown, one to pick (radio buttons)
    MENU = "menu"  # one to pick from a drop-down
    SEVERAL = "several"  # any number to tick (checkboxes)


@dataclass(frozen=True)
class TextField:
    name: str
    label: Rich
    key: str | None = None
    optional: bool = False
    multiline: bool = False
    max_length: int | None = None
    placeholder: Rich | None = None
    initial: str | None = None
    hint: Rich | None = None
    url: bool = False  # a web address (Slack: url_text_input; Teams: style Url)


@dataclass(frozen=True)
class ChoiceField:
    """One choice (or several, :attr:`ChoiceStyle.SEVERAL`) among ``choices``, or among
    ``groups`` of them. ``refresh``: the form is built again when the choice changes
    (the criteria follow the competency); ``refresh_label``: the button beside the choice
    that does it, where a platform cannot rebuild a form as a choice changes (a Teams
    dialog), the form's answers kept."""

    name: str
    label: Rich
    choices: tuple[Choice, ...] = ()
    groups: tuple[ChoiceGroup, ...] = ()
    style: ChoiceStyle = ChoiceStyle.LIST
    key: str | None = None
    optional: bool = False
    initial: tuple[str, ...] = ()
    placeholder: Rich | None = None
    hint: Rich | None = None
    refresh: bool = False
    refresh_label: Rich | None = None

    def all_choices(self) -> tuple[Choice, ...]:
        return self.choices or tuple(c for group in self.groups for c in group.choices)


@dataclass(frozen=True)
class DateField:
    name: str
    label: Rich
    key: str | None = None
    optional: bool = False
    initial: date | None = None
    placeholder: Rich | None = None
    hint: Rich | None = None


@dataclass(frozen=True)
class TimeField:
    name: str
    label: Rich
    key: str | None = None
    optional: bool = False
    initial: time | None = None
    placeholder: Rich | None = None
    hint: Rich | None = None


Field = TextField | ChoiceField | DateField | TimeField


def field_id(field: Field) -> str:
    """How a form names a field's answer: ``name``, or ``name:key`` when repeated."""
    return f"{field.name}:{field.key}" if field.key else field.name


@dataclass(frozen=True)
class Form:
    """A form to fill in and submit. ``name``: which form (a front end maps it to its
    own id and back to a flow's operation); ``state``: what the form carries back on
    submit, opaque to a front end; no ``submit`` label: a form only read, then closed."""

    name: str
    title: Rich
    close: Rich
    blocks: tuple[Block | Field, ...]
    submit: Rich | None = None
    state: str = ""

    def fields(self) -> tuple[Field, ...]:
        return tuple(
            block
            for block in self.blocks
            if isinstance(block, TextField | ChoiceField | DateField | TimeField)
        )
