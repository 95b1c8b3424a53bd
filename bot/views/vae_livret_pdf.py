"""The VAE livret as a PDF that reads well printed (fpdf2: pure Python, no system service).

Text in DejaVu Sans, the Unicode font matplotlib ships (already a dependency), so
French accents, « » and ’ print as written; each bloc starts a page and every bloc and
competency is a bookmark. The same livret gives the same bytes: the creation date is
the livret's, never the machine's.

Evidence is chat text, with emoji that DejaVu Sans does not draw (🤝, 🚀 …). No
well-kept package ships a monochrome emoji font (Noto Emoji is not on PyPI as such), and
fetching one at run time is ruled out; so each character the font cannot draw is
printed as its Unicode name in brackets (``[HANDSHAKE]``) — readable, searchable, never
an empty box nor a silent loss. Variation selectors and joiners, which carry no text of
their own, are dropped. The Word file keeps the emoji as written.
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.views.vae_livret import Block, Bullets, Document, Heading, Paragraph, Table

FONT = "DejaVu"
_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
_HEADING_SIZES = {1: 16, 2: 12.5, 3: 10.5}
_INK = {
    "body": (0, 0, 0),
    "label": (0, 0, 0),
    "quote": (40, 40, 90),
    "note": (90, 90, 90),
    "gap": (160, 40, 20),
}
KEEP_WITH_NEXT = 25.0  # mm a heading needs below it on its page
BULLET_AT, TEXT_AT = 6.0, 11.0  # mm from the left margin: a list item's bullet, its text


_SILENT = frozenset({0x200D, 0xFE0E, 0xFE0F})  # joiner, text and emoji presentation


def _folder() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _fonts(pdf: FPDF) -> None:
    for style, name in _FILES.items():
        pdf.add_font(FONT, style, str(_folder() / name))


@functools.cache
def _drawn() -> frozenset[int]:
    """The characters every style of the font draws."""
    pdf = FPDF()
    _fonts(pdf)
    maps = [set(font.cmap) for font in pdf.fonts.values() if hasattr(font, "cmap")]
    return frozenset(set.intersection(*maps))


def printable(text: str) -> str:
    """``text`` with each character the font cannot draw written as its Unicode name in
    brackets (an emoji: ``🤝`` → ``[HANDSHAKE]``); joiners and variation selectors,
    which are no text, dropped. Text the font draws whole is returned as it is."""
    drawn = _drawn()
    if all(ord(c) in drawn or c in "\n\t" for c in text):
        return text
    out: list[str] = []
    for char in text:
        code = ord(char)
        if code in drawn or char in "\n\t":
            out.append(char)
        elif code in _SILENT or 0x1F3FB <= code <= 0x1F3FF:
            continue  # no text of its own (a skin tone's modifier included)
        else:
            out.append(f"[{unicodedata.name(char, f'U+{code:04X}')}]")
    return "".join(out)


def _printable_block(block: Block) -> Block:
    if isinstance(block, Heading | Paragraph):
        return dataclasses.replace(block, text=printable(block.text))
    if isinstance(block, Bullets):
        return dataclasses.replace(block, items=tuple(printable(i) for i in block.items))
    header = tuple(printable(h) for h in block.header)
    rows = tuple(tuple(printable(v) for v in row) for row in block.rows)
    return Table(header, rows)


def printable_document(doc: Document) -> Document:
    """``doc`` as the PDF prints it: every text through :func:`printable`."""
    return dataclasses.replace(
        doc,
        title=printable(doc.title),
        subtitle=printable(doc.subtitle),
        blocks=tuple(_printable_block(b) for b in doc.blocks),
    )


def _write(pdf: FPDF, text: str, *, size: float = 10, style: str = "", indent: float = 0) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(
        pdf.epw - indent, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _bullet(pdf: FPDF, text: str, style: str) -> None:
    """A list item with a hanging indent: the bullet in the margin of its text."""
    pdf.set_font(FONT, style, 10)
    pdf.set_x(pdf.l_margin + BULLET_AT)
    pdf.cell(TEXT_AT - BULLET_AT, 5, "•")
    pdf.multi_cell(pdf.epw - TEXT_AT, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, block: Heading, first: bool) -> None:
    if (block.level == 1 and not first) or pdf.will_page_break(KEEP_WITH_NEXT):
        pdf.add_page()  # a bloc starts a page; no heading alone at the foot of one
    if block.level <= 2:
        pdf.start_section(block.text, level=block.level - 1)
    pdf.ln(2)
    _write(pdf, block.text, size=_HEADING_SIZES.get(block.level, 10), style="B")
    pdf.ln(1)


def _table(pdf: FPDF, block: Table) -> None:
    pdf.set_font(FONT, "", 9)
    with pdf.table(col_widths=(1, 1.4, 1.4), text_align="LEFT", line_height=5) as table:
        header = table.row()
        for text in block.header:
            header.cell(text)
        for values in block.rows:
            row = table.row()
            for text in values:
                row.cell(text)
    pdf.ln(2)


def _block(pdf: FPDF, block: Block, first: bool) -> None:
    if isinstance(block, Heading):
        _heading(pdf, block, first)
        return
    if isinstance(block, Table):
        _table(pdf, block)
        return
    pdf.set_text_color(*_INK[block.style])
    style = {"note": "I", "quote": "I", "label": "B"}.get(block.style, "")
    if isinstance(block, Paragraph) and block.style == "label" and pdf.will_page_break(15):
        pdf.add_page()  # a competency's name stays with its gaps
    if isinstance(block, Paragraph):
        indent = BULLET_AT if block.style in ("quote", "note") else 0
        _write(pdf, block.text, style=style, indent=indent)
    elif isinstance(block, Bullets):
        for item in block.items:
            _bullet(pdf, item, style)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)


class _Livret(FPDF):
    """A4 pages, each with the livret's title and its number at the foot."""

    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.livret_title = title

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_INK["note"])
        self.cell(0, 5, f"{self.livret_title} — {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def pdf_bytes(doc: Document) -> bytes:
    doc = printable_document(doc)
    pdf = _Livret(doc.title)
    pdf.set_creation_date(doc.created)
    pdf.set_title(doc.title)
    pdf.set_author("Palier")
    pdf.set_creator("Palier")
    pdf.set_producer("Palier")
    pdf.set_lang(doc.language)
    _fonts(pdf)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    _write(pdf, doc.title, size=20, style="B")
    _write(pdf, doc.subtitle, size=13)
    pdf.ln(4)
    first = True
    for block in doc.blocks:
        _block(pdf, block, first)
        if isinstance(block, Heading) and block.level == 1:
            first = False
    return bytes(pdf.output())
