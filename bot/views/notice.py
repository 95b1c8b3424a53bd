"""A one-paragraph answer (a refusal, an error, "it is in your DM") as a neutral card:
its notification says the same as its one paragraph."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import Translator
from bot.i18n.rich import Rich
from bot.views import checkin_edit
from bot.views.cards import Card, Paragraph


def notice_card(text: Rich) -> Card:
    return Card(text, (Paragraph((text,)),))


# Refusal codes worded by a message of their own; any other code ``c`` is ``refusal.c``.
_OWN_WORDS = {
    "language_usage": "language.usage",  # bot.app.summary.LANGUAGE_USAGE
    "edit_closed": "checkin_edit.closed",  # bot.domain.checkin.Refusal.EDIT_CLOSED
}


def refusal(code: str | None, t: Translator, closed: tuple[datetime, str] | None = None) -> Rich:
    """Why a flow said no, in the asker's words (the codes of :mod:`bot.domain.checkin`'s
    ``Refusal`` and the flows' own); an edit refused once its week closed says when
    (``closed``: the outcome's instant and zone, when it has them)."""
    if code == "edit_closed":
        return checkin_edit.closed(closed, t)
    return t.rich(_OWN_WORDS.get(code or "", f"refusal.{code}"))


def language_changed(t: Translator) -> Rich:
    return t.rich("language.changed")
