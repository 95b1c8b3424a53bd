"""The weekly prompt in a person's DM, and the states it turns into, in Block Kit.

The words and the buttons are the core's cards (:mod:`bot.views.prompt`); this is
their Slack rendering. The prompt's buttons carry only the prompt id; who clicks is
checked by the flow. The check-in flow's effects show their prompt's new state through
:mod:`bot.presenters`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
)

from bot.domain.checkin import CheckinForm
from bot.domain.snooze import SnoozeOption
from bot.i18n import Translator
from bot.i18n.rich import Rich
from bot.views import prompt
from bot.views.notice import notice_card
from handlers.slack.render import card_blocks, card_text


def prompt_text(form: CheckinForm, t: Translator) -> str:
    """The notification text of every prompt message (shown where blocks are not)."""
    return prompt.fallback(form, t).plain()


def prompt_blocks(
    form: CheckinForm, timezone: str, t: Translator, *, snooze: Sequence[SnoozeOption]
) -> list[Block]:
    """The weekly prompt: this week's competencies and Start / Skip / the snooze choices."""
    return card_blocks(prompt.prompt_card(form, timezone, t, snooze=snooze))


def reminder_blocks(
    form: CheckinForm,
    timezone: str,
    t: Translator,
    *,
    after_snooze: bool,
    snooze: Sequence[SnoozeOption],
) -> list[Block]:
    """The one reminder, or the return of a snoozed prompt, with the same buttons."""
    card = prompt.reminder_card(form, timezone, t, after_snooze=after_snooze, snooze=snooze)
    return card_blocks(card)


def done_blocks(form: CheckinForm, t: Translator) -> list[Block]:
    return card_blocks(prompt.done_card(form, t))


def skipped_blocks(
    form: CheckinForm, timezone: str, t: Translator, *, snooze: Sequence[SnoozeOption]
) -> list[Block]:
    return card_blocks(prompt.skipped_card(form, timezone, t, snooze=snooze))


def snoozed_blocks(
    form: CheckinForm,
    until: datetime,
    timezone: str,
    t: Translator,
    *,
    snooze: Sequence[SnoozeOption],
) -> list[Block]:
    return card_blocks(prompt.snoozed_card(form, until, timezone, t, snooze=snooze))


def came_back_blocks(
    form: CheckinForm, until: datetime, timezone: str, t: Translator
) -> list[Block]:
    return card_blocks(prompt.came_back_card(form, until, timezone, t))


def earlier_blocks(form: CheckinForm, t: Translator) -> list[Block]:
    return card_blocks(prompt.earlier_card(form, t))


def missed_blocks(form: CheckinForm, t: Translator) -> list[Block]:
    return card_blocks(prompt.missed_card(form, t))


def notice(text: Rich) -> tuple[str, list[Block]]:
    """A one-paragraph message (refusals, errors): its notification text, its blocks."""
    card = notice_card(text)
    return card_text(card), card_blocks(card)
