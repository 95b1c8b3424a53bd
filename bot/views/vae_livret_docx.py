"""The VAE livret as an editable Word file (python-docx).

Candidates rewrite their livret in Word, so the file uses Word's own styles: the
title, ``Heading 1``–``3`` (a bloc, a competency, a part — Word's navigation pane and
table of contents find them), ``Quote`` for the référentiel's words, ``List Bullet``
for lists and ``Table Grid`` for the levels. The same livret gives the same bytes: the
document's dates and the archive's entries carry the livret's creation instant.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from docx import Document as new_document
from docx.document import Document as WordDocument

from bot.views.vae_livret import Bullets, Document, Heading, Paragraph, Table

_STYLES = {"body": None, "quote": "Quote", "note": None, "gap": "Intense Quote", "label": None}


def _table(word: WordDocument, table: Table) -> None:
    grid = word.add_table(rows=1, cols=len(table.header), style="Table Grid")
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in table.rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = text


def _fixed(content: bytes, created: datetime) -> bytes:
    """The archive again, every entry dated ``created`` (zip keeps the time of writing)."""
    moment = created.astimezone(UTC) if created.tzinfo else created
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


def docx_bytes(doc: Document) -> bytes:
    word = new_document()
    created = doc.created.replace(tzinfo=None) if doc.created.tzinfo else doc.created
    properties = word.core_properties
    properties.title, properties.author, properties.last_modified_by = doc.title, "Palier", "Palier"
    properties.created = properties.modified = created
    properties.revision = 1
    properties.language = doc.language
    word.add_heading(doc.title, level=0)
    word.add_paragraph(doc.subtitle, style="Subtitle")
    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            paragraph = word.add_paragraph(block.text, style=_STYLES[block.style])
            for run in paragraph.runs:
                run.italic = block.style == "note" or None
                run.bold = block.style == "label" or None
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        else:
            _table(word, block)
    out = io.BytesIO()
    word.save(out)
    return _fixed(out.getvalue(), doc.created)
