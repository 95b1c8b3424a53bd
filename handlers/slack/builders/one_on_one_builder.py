"""The 1:1 brief as a Slack message, the private-note modal, and the 1:1 answers.

The words, the buttons and the form are the core's (:mod:`bot.views.one_on_one`,
:mod:`bot.views.one_on_one_answers`); this is their Slack rendering: a message's
notification text and Block Kit (Slack's limits applied by :mod:`handlers.slack.render`),
a modal.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.one_on_one_views import Brief, PersonRef
from bot.i18n import Translator
from bot.views import one_on_one_answers
from bot.views.cards import Card
from bot.views.one_on_one import brief_card
from handlers.slack.render import card_blocks, card_text, form_view


def message(card: Card) -> tuple[str, list[Block]]:
    """A card as a message: its notification text, its blocks."""
    return card_text(card), card_blocks(card)


def brief_message(
    brief: Brief, timezone: str, t: Translator, *, meeting_at: datetime | None = None
) -> tuple[str, list[Block]]:
    """The brief (``meeting_at``: the scheduled 1:1 it prepares), within a message's
    50 blocks whatever the référentiel: the talking points are cut first."""
    return message(brief_card(brief, timezone, t, meeting_at=meeting_at))


def note_modal(report: PersonRef, t: Translator) -> View:
    """The private note modal; ``private_metadata`` is the report's id (checked again on submit)."""
    return form_view(one_on_one_answers.note_form(report, t))


def note_saved_view(t: Translator) -> View:
    """What the modal turns into once the note is stored."""
    return form_view(one_on_one_answers.note_saved_form(t))
