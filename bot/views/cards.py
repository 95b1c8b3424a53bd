"""A message, a modal or a tab as a stack of neutral blocks.

Only what the views need, named for what it is rather than for one platform's
widget: a :class:`Heading`, a :class:`Paragraph` of lines, a :class:`Note` (small
print), a :class:`Divider`, a row of :class:`Actions` (buttons, each perhaps confirmed). A :class:`Card` also has ``fallback``, what a
notification shows. Each front end maps these to its own (Slack: header, section,
context and divider blocks, and Slack's limits; Teams: Adaptive Card elements).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n.rich import Rich


@dataclass(frozen=True)
class Heading:
    text: Rich


@dataclass(frozen=True)
class Paragraph:
    """Lines of text shown together (a front end may split a long one at line ends)."""

    lines: tuple[Rich, ...]


@dataclass(frozen=True)
class Note:
    """Small print under the rest: a streak, who sees what. ``literal``: shown as it is,
    never read as markup."""

    text: Rich
    literal: bool = False


@dataclass(frozen=True)
class Confirm:
    """A question asked before an action is carried out."""

    title: Rich
    text: Rich
    yes: Rich
    no: Rich


@dataclass(frozen=True)
class Button:
    """An action the person can take. ``action`` is a name of :mod:`bot.views.actions`
    (each front end maps it to its own ids); ``value`` what the core needs back."""

    label: Rich
    action: str
    value: str
    primary: bool = False
    confirm: Confirm | None = None


@dataclass(frozen=True)
class Actions:
    """A row of buttons; ``name`` identifies the row (a front end may key it)."""

    name: str
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Divider:
    pass


Block = Heading | Paragraph | Note | Divider | Actions


@dataclass(frozen=True)
class Card:
    fallback: Rich
    blocks: tuple[Block, ...]
    # When a platform cannot show every block, the ones to keep at the end (a streak).
    keep_last: int = 0
