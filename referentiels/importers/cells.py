"""Reading a tab-separated export whose cells hold HTML, as text a référentiel quotes.

The exports the certifiers and HR tools produce are tables copied out of a document:
one row a line, cells split by tabs, ``<p>`` and ``<li>`` inside cells, blank lines
and ``--|--`` rows where a page broke. This module turns a row into cells and a cell
into paragraphs (with the stdlib's HTML parser, no regex on markup), folding white
space the way the fidelity check reads the source, so the text stays word for word.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[]) +")
_SEPARATOR = re.compile(r"^-{2,}$")
_BLOCKS = {"p", "li", "ul", "ol", "br", "div"}


def normalize(text: str) -> str:
    """Fold white space and the spaces an HTML export leaves before ',', '.', ')'."""
    text = html.unescape(text).replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace("\\(", "(").replace("\\)", ")")
    text = _SPACE.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return _SPACE_AFTER_OPEN.sub(r"\1", text)


@dataclass(frozen=True)
class Row:
    number: int  # 1-based line of the file, for the review report and problems
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""

    @property
    def blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)

    @property
    def page_break(self) -> bool:
        """A ``--|--`` line the export leaves where a page broke a table."""
        filled = [cell.strip() for cell in self.cells if cell.strip()]
        return bool(filled) and all(_SEPARATOR.match(cell) for cell in filled)


def read_rows(text: str) -> list[Row]:
    """Every line of the export as a row of raw cells (HTML still inside)."""
    text = text.lstrip("\ufeff")
    return [Row(n, tuple(line.split("\t"))) for n, line in enumerate(text.splitlines(), 1)]


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []

    def _flush(self) -> None:
        text = normalize("".join(self.current))
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self.current.append(data)


def paragraphs(cell: str) -> list[str]:
    """A cell's blocks of text, HTML removed: one string per ``<p>``/``<li>``."""
    parser = _Blocks()
    parser.feed(cell)
    parser.close()
    parser._flush()
    return parser.blocks


def cell_text(cell: str) -> str:
    """A cell as one line of text."""
    return " ".join(paragraphs(cell))
