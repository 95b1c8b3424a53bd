"""Text as the core words it, before a front end renders it in its own markup.

A :class:`Rich` is a template in the catalog's neutral markup (``**bold**``,
``_italic_``, `` `code` ``, ``[text](url)``) and what goes in each placeholder,
typed by what it is: :class:`Plain` text quoted as written (a référentiel's words, a
date), :class:`Typed` text a person wrote or is called by (never read as
formatting), a :class:`Mention` of a person, a number, or another :class:`Rich`.
Each front end escapes each kind its own way and rewrites the template's markup
*before* the values go in, so nobody's text ever turns into a link or bold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Plain:
    """Text quoted as written: a référentiel's words, a level's name, a date."""

    text: str


@dataclass(frozen=True)
class Typed:
    """What a person wrote or is called: shown as typed, never as formatting."""

    text: str


@dataclass(frozen=True)
class Mention:
    """A person: their name where the front end cannot mention them.

    ``known_as``: what to call them where a front end can show neither a mention by id
    nor ``name`` (Teams, for a mention Slack shows by id with the person's current name);
    the same person whatever it says, so it takes no part in comparisons.
    """

    user_id: str
    name: str | None = None
    known_as: str | None = field(default=None, compare=False)


Param = Union["Rich", Plain, Typed, Mention, int]


@dataclass(frozen=True)
class Rich:
    template: str
    params: Mapping[str, Param] = field(default_factory=dict)

    @classmethod
    def join(cls, parts: Iterable[Rich], separator: str = "\n") -> Rich:
        """Several texts as one, ``separator`` between them."""
        items = list(parts)
        names = [f"p{index}" for index in range(len(items))]
        template = (
            separator.replace("{", "{{").replace("}", "}}").join("{" + name + "}" for name in names)
        )
        return cls(template, dict(zip(names, items, strict=True)))

    def render(self, markup: Callable[[str], str], value: Callable[[Param], str]) -> str:
        """In a front end's markup: ``markup`` rewrites the template, ``value`` renders
        each placeholder's value (and is given nested texts to render the same way)."""
        if not self.params:
            return markup(self.template).replace("{{", "{").replace("}}", "}")
        return markup(self.template).format(
            **{name: _formattable(param, value) for name, param in self.params.items()}
        )

    def plain(self) -> str:
        """Without markup or escaping: a notification's text, a heading, a file title."""
        return self.render(strip_markup, _plain_value)


def literal(text: str) -> Rich:
    """A text with no placeholder (braces kept as they are)."""
    return Rich(text.replace("{", "{{").replace("}", "}}"))


def _formattable(param: Param, value: Callable[[Param], str]) -> object:
    return param if isinstance(param, int) else value(param)


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


def strip_markup(template: str) -> str:
    """Neutral markup → plain text: bold dropped, a link's text kept."""
    return _LINK.sub(r"\1", _BOLD.sub(r"\1", template))


def _plain_value(param: Param) -> str:
    if isinstance(param, Rich):
        return param.plain()
    if isinstance(param, Mention):
        return param.name or param.known_as or param.user_id
    if isinstance(param, int):
        return str(param)
    return param.text
