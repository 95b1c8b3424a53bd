"""The messages Palier sends on its own (:mod:`bot.delivery.views`) in Block Kit.

Each function renders one view type for :data:`handlers.slack.effects.RENDERERS`:
the notification text and the blocks, from the builders of the prompt, the weekly
review and the 1:1 brief.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.delivery.views import (
    MissedPrompt,
    PromptMessage,
    ReminderMessage,
    ScheduledBrief,
    WeeklyReview,
)
from bot.i18n import Translator
from handlers.slack.builders import one_on_one_builder, prompt_builder, review_builder


def prompt(view: PromptMessage, t: Translator) -> tuple[str, list[Block]]:
    text = prompt_builder.prompt_text(view.form, t)
    return text, prompt_builder.prompt_blocks(view.form, view.timezone, t)


def reminder(view: ReminderMessage, t: Translator) -> tuple[str, list[Block]]:
    blocks = prompt_builder.reminder_blocks(
        view.form, view.timezone, t, after_snooze=view.after_snooze
    )
    return prompt_builder.prompt_text(view.form, t), blocks


def missed(view: MissedPrompt, t: Translator) -> tuple[str, list[Block]]:
    return prompt_builder.prompt_text(view.form, t), prompt_builder.missed_blocks(view.form, t)


def weekly_review(view: WeeklyReview, t: Translator) -> tuple[str, list[Block]]:
    return review_builder.digest_message(view.digest, t)


def scheduled_brief(view: ScheduledBrief, t: Translator) -> tuple[str, list[Block]]:
    return one_on_one_builder.brief_message(
        view.brief, view.timezone, t, meeting_at=view.meeting_at
    )
