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
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SPACE = re.compile(r"\s+")
# Not before an ellipsis: the sources write ", ..." and the data keeps it.
_SPACE_BEFORE_PUNCT = re.compile(r" +([,)\]]|\.(?!\.))")
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


# A list the export flattened into one ``<ul>`` with no ``<li>``: items after " - ".
_BULLET = re.compile(r"^(?:[-•·]\s*)+")
_FLAT_ITEM = re.compile(r"(?:^|\s)-(?:\s+|$)")
_DASHED_LINE = re.compile(r"^-\s")


@dataclass(frozen=True)
class Block:
    """A paragraph (``items`` empty) or a bulleted list (``text`` empty) of a cell."""

    text: str = ""
    items: tuple[str, ...] = ()
    # A paragraph that opens in bold: how some exports mark where a modality starts.
    strong: bool = field(default=False, compare=False)


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: list[str] = []
        self.lines: list[str] = []  # the lines of a paragraph cut by <br>, before its end
        self.in_list = 0
        self.items: list[str] = []
        self.bold = 0
        self.opens_bold: bool | None = None  # whether the current paragraph opened in bold

    def _flush(self) -> None:
        if self.lines:
            self._flush_lines()
            return
        text = normalize("".join(self.current))
        self.current, strong, self.opens_bold = [], bool(self.opens_bold), None
        if not text:
            return
        if self.in_list:
            parts = (_BULLET.sub("", normalize(part)) for part in _FLAT_ITEM.split(text))
            self.items.extend(part for part in parts if part)
        else:
            self.blocks.append(Block(text=text, strong=strong))

    def _break_line(self) -> None:
        """A ``<br>`` outside a list: the line is kept until the paragraph ends."""
        self.lines.append(normalize("".join(self.current)))
        self.current = []

    def _flush_lines(self) -> None:
        """A paragraph of ``<br>`` lines: its dashed lines ("- …") are a list."""
        lines = [*self.lines, normalize("".join(self.current))]
        self.lines, self.current, self.opens_bold = [], [], None
        items: list[str] = []
        for line in (line for line in lines if line):
            if _DASHED_LINE.match(line):
                parts = (_BULLET.sub("", normalize(p)) for p in _FLAT_ITEM.split(line))
                items.extend(part for part in parts if part)
                continue
            if items:
                self.blocks.append(Block(items=tuple(items)))
                items = []
            self.blocks.append(Block(text=line))
        if items:
            self.blocks.append(Block(items=tuple(items)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.in_list:
            self._break_line()
            return
        if tag in _BLOCKS:
            self._flush()
        if tag == "p" and self.in_list:  # a paragraph after a list the export left open
            self.in_list = 0
            self._close_list()
        if tag in ("ul", "ol"):
            self.in_list += 1
        if tag in ("b", "strong"):
            self.bold += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong") and self.bold:
            self.bold -= 1
        if tag == "br" and not self.in_list:
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol") and self.in_list:
            self.in_list -= 1
            if not self.in_list:
                self._close_list()

    def _close_list(self) -> None:
        if self.items:
            self.blocks.append(Block(items=tuple(self.items)))
        self.items = []

    def handle_data(self, data: str) -> None:
        if self.opens_bold is None and data.strip():
            self.opens_bold = self.bold > 0
        self.current.append(data)

    def finish(self) -> list[Block]:
        self.close()
        self._flush()
        self._close_list()  # a list the page break cut before its </ul>
        return self.blocks


def structure(cell: str) -> list[Block]:
    """A cell's paragraphs and lists, HTML removed, bullets dropped, word for word."""
    parser = _Structure()
    parser.feed(cell)
    return parser.finish()
