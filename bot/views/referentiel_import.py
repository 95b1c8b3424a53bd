"""The review report of a référentiel import, in the reader's words.

An import says what it found (competencies per bloc) and every layout decision it took
(:class:`referentiels.importers.ImportReport`), as catalog keys under
``referentiel_import.``; the command line prints these lines and Palier's DM shows them
to the admin who uploaded the file, so both word a report the same way. The source's
words a note quotes (a level, a code) are :class:`Plain`: never read as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import Translator
from bot.i18n.rich import Param, Plain, Rich
from referentiels.importers import Note

WORDS = "referentiel_import."


def _params(params: Mapping[str, Any]) -> dict[str, Param]:
    return {
        name: value if isinstance(value, int) else Plain(str(value))
        for name, value in params.items()
    }


def note_message(note: Note, t: Translator) -> Rich:
    """One decision or problem, without its row."""
    params = dict(note.params)
    count = params.pop("count", None)
    key = WORDS + note.key
    if isinstance(count, int):
        return t.rich_plural(key, count, **_params(params))
    return t.rich(key, **_params(params))


def competencies(count: int, t: Translator) -> Rich:
    return t.rich_plural(WORDS + "competencies", count)


def shape(name: str, t: Translator) -> Rich:
    return t.rich(WORDS + "shape." + name)


def count_lines(counts: Sequence[tuple[str, int]], t: Translator) -> list[Rich]:
    """How many competencies each bloc holds, in the source's order."""
    lines = []
    for label, count in counts:
        if label:
            lines.append(
                t.rich(
                    WORDS + "count_line", group=Plain(label), competencies=competencies(count, t)
                )
            )
        else:
            lines.append(t.rich(WORDS + "count_loose", competencies=competencies(count, t)))
    return lines


def decision_lines(decisions: Sequence[Note], t: Translator) -> list[Rich]:
    """The heading and one line per layout decision (or that there was none)."""
    if not decisions:
        return [t.rich(WORDS + "no_decisions")]
    heading = t.rich_plural(WORDS + "decisions_heading", len(decisions))
    return [heading, *(decision_line(note, t) for note in decisions)]


def decision_line(note: Note, t: Translator) -> Rich:
    return t.rich(WORDS + "decision_line", row=note.row, message=note_message(note, t))
