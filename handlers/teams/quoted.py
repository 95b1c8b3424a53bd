"""A Teams message as its author wrote it: the text of a message action's ``messagePayload``.

Teams gives the message's body as HTML (``body.contentType`` ``html``; Microsoft Graph's
``chatMessage`` resource, which a message extension receives): paragraphs and line
breaks, formatting, a mention as ``<at id="0">Name</at>``, an emoji as ``<emoji alt=…>``,
attachments as ``<attachment id=…>``. The text kept is what the person sees: the words
of each paragraph on their own line, a mention's name, an emoji's character; entities
decoded (what they typed as ``<at>`` or ``**`` stays exactly that); nothing else of
the markup. A ``text`` body is taken as it is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

# Elements that end a line (a paragraph, a line break, a list item, a block).
_BREAKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})
# Elements whose content is not the message's words.
_SKIPPED = frozenset({"attachment", "script", "style", "template"})
_LINE_ENDS = re.compile(r"\n{2,}")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BREAKS:
            self.parts.append("\n")
        elif tag in ("emoji", "img") and not self.skipping:
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The words of an HTML message body, one line per paragraph."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return _LINE_ENDS.sub("\n", "\n".join(lines)).strip()


def message_text(message: Any) -> str | None:
    """The text of a Teams ``Message`` (a message action's payload), or None."""
    body = getattr(message, "body", None)
    content = getattr(body, "content", None)
    if not content:
        return None
    kind = str(getattr(body, "content_type", None) or "html").lower()
    text = html_text(str(content)) if kind == "html" else str(content).strip()
    return text or None
