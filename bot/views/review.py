"""What a report is told of their manager's review, as a neutral card, in the report's
own language: the manager's level for each competency reviewed (confirmed, or beside
the report's own), and the manager's comment when they chose to share it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Mention, Plain, Rich, Typed
from bot.views.cards import Block, Card, Note, Paragraph
from referentiels.models import Competency, Level, Referentiel


def notice_card(
    manager: Mention,
    referentiel: Referentiel,
    reviewed: Sequence[tuple[Competency, Level, Level | None]],
    comment: str | None,
    t: Translator,
) -> Card:
    """``reviewed``: each competency with the manager's level and the report's own."""
    lines: list[Rich] = [t.rich("review.told", manager=manager)]
    for competency, level, own in reviewed:
        name = Plain(competency.label)
        label = Plain(level_label(referentiel, level, t))
        if own is None or own.id == level.id:
            lines.append(t.rich("review.told_same", competency=name, level=label))
        else:
            own_label = Plain(level_label(referentiel, own, t))
            lines.append(t.rich("review.told_other", competency=name, level=label, own=own_label))
    blocks: list[Block] = [Paragraph(tuple(lines))]
    if comment:
        blocks.append(Note(t.rich("review.told_comment", comment=Typed(comment))))
    return Card(t.rich("review.told", manager=manager), tuple(blocks))
