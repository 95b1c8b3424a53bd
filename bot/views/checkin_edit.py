"""What the summary of a check-in says about editing it.

While its week is open, the summary sent after a check-in offers to edit it (the same
form, filled in as it was submitted) and says until when; once edited, it says so, and
names the levels the manager had confirmed that the edit sends back for review
(:mod:`bot.domain.checkin_edit`). Its button names the prompt, like the prompt's own.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta

from bot.i18n import Translator, formats
from bot.i18n.rich import Plain, Rich
from bot.views import actions
from bot.views.cards import Actions, Block, Button, Card, Note, Paragraph
from referentiels.models import Referentiel


def edit_button(prompt_id: int, t: Translator) -> Actions:
    button = Button(t.rich("checkin_edit.button"), actions.EDIT_CHECKIN, str(prompt_id))
    return Actions(actions.EDIT_ACTIONS, (button,))


def _last_minute(closes_at: datetime, timezone: str, t: Translator) -> Plain:
    # The cycle ends at midnight; the last minute inside it reads better (as the prompt).
    return Plain(formats.moment(closes_at - timedelta(minutes=1), timezone, t))


def until(closes_at: datetime, timezone: str, t: Translator) -> Rich:
    return t.rich("checkin_edit.until", deadline=_last_minute(closes_at, timezone, t))


def closed(when: tuple[datetime, str] | None, t: Translator) -> Rich:
    """An edit refused once the week closed: that it can no longer be changed, and when
    its week closed (``when``: the instant and the person's zone) when it is known."""
    if when is None:
        return t.rich("checkin_edit.closed")
    closes_at, timezone = when
    return t.rich("evidence_dates.edit_closed", deadline=_last_minute(closes_at, timezone, t))


def reopened_line(referentiel: Referentiel, reopened: Collection[str], t: Translator) -> Rich:
    """The competencies whose confirmation the edit undid, in the référentiel's order."""
    names = [
        Rich("**{name}**", {"name": Plain(formats.short_label(c))})
        for c in referentiel.all_competencies()
        if c.id in reopened
    ]
    listed = formats.rich_listing(names, t)
    return t.rich_plural("checkin_edit.reopened", len(names), competencies=listed)


def with_edit(
    card: Card,
    referentiel: Referentiel,
    t: Translator,
    *,
    offer: tuple[int, datetime, str] | None,
    edited: bool = False,
    reopened: Collection[str] = (),
) -> Card:
    """``card`` (a summary: heading first) told after an edit, and with the button to edit
    while ``offer`` (prompt id, end of the week, time zone) says the week is open; the
    button and its note are kept when a platform cannot show every block."""
    heading, rest = card.blocks[:1], card.blocks[1:]
    told: list[Block] = []
    if edited:
        lines = [t.rich("checkin_edit.updated")]
        if reopened:
            lines.append(reopened_line(referentiel, reopened, t))
        told.append(Paragraph(tuple(lines)))
    tail: tuple[Block, ...] = ()
    if offer is not None:
        prompt_id, closes_at, timezone = offer
        tail = (edit_button(prompt_id, t), Note(until(closes_at, timezone, t)))
    blocks = (*heading, *told, *rest, *tail)
    return replace(card, blocks=blocks, keep_last=card.keep_last + len(tail))
