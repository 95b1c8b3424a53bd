"""The welcome a person gets when their conversation with Palier opens: what Palier does,
whether it follows them yet (and on which référentiel), who sees their data, where the
help is."""

from __future__ import annotations

from bot.i18n import Translator
from bot.i18n.rich import Plain
from bot.views.cards import Card, Heading, Note, Paragraph


def welcome_card(referentiel_title: str | None, t: Translator) -> Card:
    standing = (
        t.rich("welcome.followed", referentiel=Plain(referentiel_title))
        if referentiel_title is not None
        else t.rich("welcome.not_followed")
    )
    return Card(
        t.rich("welcome.fallback"),
        (
            Heading(t.rich("welcome.title")),
            Paragraph((t.rich("welcome.what"), standing)),
            Paragraph((t.rich("welcome.help"),)),
            Note(t.rich("help.privacy")),
        ),
    )
