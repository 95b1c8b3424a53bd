"""Neutral text (:mod:`bot.i18n.rich`) as Adaptive Card text runs.

Teams reads a ``TextBlock``'s text as Markdown, and has no escape a renderer can rely
on: a person's name with ``**`` or ``[x](y)`` would turn into bold or a link. So Palier
never puts a value into Markdown: a text is a ``RichTextBlock`` of ``TextRun`` s, the
catalog's markup (``**bold**``, ``_italic_``, `` `code` ``, ``[text](url)``) becoming the
runs' own properties, and every value (quoted text, a person's words, a name) a run of
its own, which Teams shows as it is.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, replace
from typing import Any

from bot.i18n.rich import Mention, Param, Plain, Rich, Typed

JsonDict = dict[str, Any]

# The catalog's markup, the outermost first: a link, bold, italic, code.
_MARKUP = re.compile(
    r"\[(?P<link>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w{])_(?P<italic>[^_\n]+?)_(?![\w}])"
    r"|`(?P<code>[^`\n]+)`"
)
_FORMATTER = string.Formatter()
# The catalog writes commands as typed in Slack (`/palier me`); in Teams they are typed to
# Palier directly (`me`).
_SLASH_COMMAND = re.compile(r"`/palier ?")


@dataclass(frozen=True)
class Style:
    bold: bool = False
    italic: bool = False
    code: bool = False
    url: str | None = None
    subtle: bool = False
    heading: bool = False


def _value_text(param: Param, spec: str) -> str | None:
    """A value as text, or None when it is a nested text (rendered as runs)."""
    if isinstance(param, int):
        return format(param, spec)
    if isinstance(param, Plain | Typed):
        return param.text
    if isinstance(param, Mention):
        return param.name or param.known_as or param.user_id
    return None


def _plain(template: str, params: Any) -> str:
    """A template's text with its values, no markup (a link's address)."""
    return Rich(template, params).plain()


def _run(text: str, style: Style) -> JsonDict:
    run: JsonDict = {"type": "TextRun", "text": text}
    if style.bold or style.heading:
        run["weight"] = "Bolder"
    if style.heading:
        run["size"] = "Medium"
    if style.italic:
        run["italic"] = True
    if style.code:
        run["fontType"] = "Monospace"
    if style.subtle:
        run["isSubtle"] = True
    if style.url:
        run["selectAction"] = {"type": "Action.OpenUrl", "url": style.url}
    return run


def _filled(piece: str, rich: Rich, style: Style) -> list[JsonDict]:
    """A piece of template without markup: its literal text and its values, as runs."""
    runs: list[JsonDict] = []
    for literal, field, spec, _ in _FORMATTER.parse(piece):
        if literal:
            runs.append(_run(literal, style))
        if field is None:
            continue
        param = rich.params[field]
        text = _value_text(param, spec or "")
        if text is not None:
            if text:
                runs.append(_run(text, style))
        else:
            assert isinstance(param, Rich)
            runs.extend(text_runs(param, style))
    return runs


def text_runs(rich: Rich, style: Style | None = None) -> list[JsonDict]:
    """``rich`` as text runs: the template's markup as styles, each value a run of its own."""
    style = style or Style()
    runs: list[JsonDict] = []
    position = 0
    template = _SLASH_COMMAND.sub("`", rich.template)
    for match in _MARKUP.finditer(template):
        runs.extend(_filled(template[position : match.start()], rich, style))
        position = match.end()
        if match["link"] is not None:
            url = _plain(match["url"], rich.params)
            runs.extend(_filled(match["link"], rich, replace(style, url=url)))
        elif match["bold"] is not None:
            runs.extend(_filled(match["bold"], rich, replace(style, bold=True)))
        elif match["italic"] is not None:
            runs.extend(_filled(match["italic"], rich, replace(style, italic=True)))
        else:
            runs.extend(_filled(match["code"], rich, replace(style, code=True)))
    runs.extend(_filled(template[position:], rich, style))
    return runs


def literal_run(text: str, *, subtle: bool = False) -> JsonDict:
    """Text shown as it is, in one run."""
    return _run(text, Style(subtle=subtle))


def line_blocks(*lines: Rich, subtle: bool = False, heading: bool = False) -> list[JsonDict]:
    """Lines of text, one ``RichTextBlock`` each, close together (a line break inside a
    run is not shown the same by every Teams client; a block per line is)."""
    style = Style(subtle=subtle, heading=heading)
    blocks: list[JsonDict] = []
    for line in lines:
        for part in _split_lines(text_runs(line, style)):
            block: JsonDict = {"type": "RichTextBlock", "inlines": part or [_run(" ", style)]}
            if blocks:
                block["spacing"] = "None"
            blocks.append(block)
    return blocks


def _split_lines(runs: list[JsonDict]) -> list[list[JsonDict]]:
    """Runs cut at the line breaks inside them (a value may hold several lines)."""
    lines: list[list[JsonDict]] = [[]]
    for run in runs:
        pieces = run["text"].split("\n")
        for index, piece in enumerate(pieces):
            if index:
                lines.append([])
            if piece:
                lines[-1].append({**run, "text": piece})
    return lines
