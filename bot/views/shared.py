"""What Palier says in a conversation others can read (a team's channel, a group chat).

Ratings, evidence and team summaries are personal data: nothing of them is shown where
more than the person and Palier can read it. In such a conversation Palier says only
that it works in private and how to reach it there — ``chat_link``, the platform's link
to the person's own chat with Palier, when it has one — the same words whoever asks and
whatever they asked, so the answer tells nothing of anyone.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.access import Reader
from bot.i18n import Translator
from bot.i18n.rich import Param, Plain, Rich
from bot.views.audience import readers_text
from bot.views.cards import Card, Paragraph


def _with_link(key: str, chat_link: str | None, t: Translator, **more: Param) -> Rich:
    if chat_link is None:
        return t.rich("teams_shared.refused")
    return t.rich(key, link=Plain(chat_link), **more)


def private_card(chat_link: str | None, t: Translator) -> Card:
    """The answer to anything asked in a shared conversation: Palier works in private."""
    return Card(
        t.rich("teams_shared.fallback"),
        (Paragraph((_with_link("teams_shared.private", chat_link, t),)),),
    )


def introduction_card(chat_link: str | None, t: Translator, readers: Sequence[Reader]) -> Card:
    """What Palier says once, when it is added to a team or a group chat; ``readers``: who
    sees a person's data (:meth:`bot.app.summary.SummaryFlow.readers_in_general`)."""
    who = readers_text(readers, t, of_someone=True)
    return Card(
        t.rich("teams_shared.fallback"),
        (Paragraph((_with_link("teams_shared.introduction", chat_link, t, readers=who),)),),
    )


def private_text(t: Translator) -> Rich:
    """In place of a card action or a dialog asked for in a shared conversation."""
    return t.rich("teams_shared.refused")
