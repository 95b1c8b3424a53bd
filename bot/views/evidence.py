"""What a person is told once their evidence is saved, as a neutral card: only they see it."""

from __future__ import annotations

from bot.i18n import Translator
from bot.i18n.rich import Plain
from bot.views.cards import Card, Paragraph
from referentiels.models import Competency


def saved_card(competency_saved: Competency, link: str | None, t: Translator) -> Card:
    """Which competency the evidence is for, and the link given with it."""
    competency = Plain(competency_saved.label)
    lines = [t.rich("evidence.saved", competency=competency)]
    if link:
        lines.append(t.rich("evidence.saved_link", link=Plain(link)))
    return Card(t.rich("evidence.saved", competency=competency), (Paragraph(tuple(lines)),))
