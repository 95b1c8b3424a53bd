"""A one-paragraph answer (a refusal, an error, "it is in your DM") as a neutral card:
its notification says the same as its one paragraph."""

from __future__ import annotations

from bot.i18n.rich import Rich
from bot.views.cards import Card, Paragraph


def notice_card(text: Rich) -> Card:
    return Card(text, (Paragraph((text,)),))
