"""The welcome a person gets when their conversation with Palier opens: what Palier does,
whether it follows them yet (and on which référentiel), who sees their data, where the
help is — and, for someone followed, the way to their own page and, while Palier knows no
time zone of theirs, the question of it (the day-and-time form shows the zone used)."""

from __future__ import annotations

from bot.i18n import Translator
from bot.i18n.rich import Plain
from bot.views import actions
from bot.views.cards import Actions, Block, Button, Card, Heading, Note, Paragraph


def welcome_card(referentiel_title: str | None, t: Translator, *, zone_known: bool = True) -> Card:
    standing = (
        t.rich("welcome.followed", referentiel=Plain(referentiel_title))
        if referentiel_title is not None
        else t.rich("welcome.not_followed")
    )
    blocks: list[Block] = [
        Heading(t.rich("welcome.title")),
        Paragraph((t.rich("welcome.what"), standing)),
    ]
    if referentiel_title is not None:
        buttons = [Button(t.rich("teams_home.show"), actions.HOME_SHOW, "home", primary=True)]
        if not zone_known:
            blocks.append(Paragraph((t.rich("teams_home.zone_unknown"),)))
            buttons.append(
                Button(t.rich("home.button.schedule"), actions.HOME_SCHEDULE, "schedule")
            )
        blocks.append(Actions(actions.WELCOME_ACTIONS, tuple(buttons)))
    blocks.extend([Paragraph((t.rich("welcome.help"),)), Note(t.rich("help.privacy"))])
    return Card(t.rich("welcome.fallback"), tuple(blocks))
