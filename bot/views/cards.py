"""A message, a modal or a tab as a stack of neutral blocks.

Only what the views need, named for what it is rather than for one platform's
widget: a :class:`Heading`, a :class:`Paragraph` of lines, a :class:`Note` (small
print), a :class:`Divider`. A :class:`Card` also has ``fallback``, what a
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
    """Small print under the rest: a streak, who sees what."""

    text: Rich


@dataclass(frozen=True)
class Divider:
    pass


Block = Heading | Paragraph | Note | Divider


@dataclass(frozen=True)
class Card:
    fallback: Rich
    blocks: tuple[Block, ...]
    # When a platform cannot show every block, the ones to keep at the end (a streak).
    keep_last: int = 0
