"""The level-progress summary, and the help, as Slack messages.

The words are the core's (:mod:`bot.views.summary`); this is their Block Kit.
"""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk.models.blocks import Block

from bot.app.summary import HelpView
from bot.domain.progress import ProgressSummary
from bot.i18n import Translator
from bot.views.summary import help_card, summary_card
from handlers.slack.render import card_blocks, card_text


def summary_text(summary: ProgressSummary, t: Translator) -> str:
    return card_text(summary_card(summary, t))


def summary_blocks(
    summary: ProgressSummary, t: Translator, only: Collection[str] | None = None
) -> list[Block]:
    """The summary (``only`` those competency ids when given), within a message's 50 blocks
    whatever the référentiel."""
    return card_blocks(summary_card(summary, t, only))


def help_message(
    t: Translator, unknown_command: str | None, view: HelpView
) -> tuple[str, list[Block]]:
    """The help for this person (``view``: who sees their data, which commands are
    theirs, the nearest to an unknown one): its notification text, its blocks."""
    card = help_card(
        t,
        unknown_command,
        readers=view.readers,
        manager=view.manager,
        admin=view.admin,
        suggestion=view.suggestion,
    )
    return card_text(card), card_blocks(card)
