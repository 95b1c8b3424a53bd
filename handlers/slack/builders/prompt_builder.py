"""The weekly prompt in a person's DM, and the states it turns into.

Pure functions from a :class:`~bot.delivery.tick.PromptCard` (or a form) and a translator
to ``slack_sdk.models`` blocks, so Slack's limits are checked when they are
serialised. The prompt's buttons carry only the prompt id; who clicks is checked
by the service. :func:`prompt_state` renders the check-in flow's
:class:`~bot.app.checkin.PromptView` (done, skipped, snoozed) for its effects.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.app.checkin import PromptState, PromptView
from bot.domain.checkin import CheckinForm
from bot.i18n import Translator
from bot.i18n.referentiel_text import local_moment, week_label
from handlers.slack import ids
from handlers.slack.builders.mrkdwn import escape

NAME_LIMIT = 90  # a certification's competency can be a 250-character sentence


def short_name(label: str, limit: int = NAME_LIMIT) -> str:
    """The label whole when short, else cut at a word with "…" (the modal quotes it whole)."""
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def competency_list(form: CheckinForm) -> str:
    """The week's competencies as ``*A*, *B*, *C*`` (long names shortened)."""
    return ", ".join(f"*{escape(short_name(item.competency.label))}*" for item in form.items)


def deadline(form: CheckinForm, timezone: str, t: Translator) -> str:
    # The cycle ends at midnight; the last minute inside it reads better.
    return local_moment(form.closes_at - timedelta(minutes=1), timezone, t)


def prompt_buttons(form: CheckinForm, t: Translator, *, with_skip: bool = True) -> ActionsBlock:
    value = str(form.prompt_id)
    elements = [
        ButtonElement(
            text=t("prompt.start"), action_id=ids.START_CHECKIN, value=value, style="primary"
        ),
        ButtonElement(text=t("prompt.snooze"), action_id=ids.SNOOZE_CHECKIN, value=value),
    ]
    if with_skip:
        elements.insert(
            1,
            ButtonElement(
                text=t("prompt.skip"),
                action_id=ids.SKIP_CHECKIN,
                value=value,
                confirm=ConfirmObject(
                    title=t("prompt.skip_confirm_title"),
                    text=t("prompt.skip_confirm_text"),
                    confirm=t("prompt.skip_confirm_yes"),
                    deny=t("prompt.skip_confirm_no"),
                ),
            ),
        )
    return ActionsBlock(block_id=ids.PROMPT_ACTIONS_BLOCK, elements=elements)


def _context(form: CheckinForm, timezone: str, t: Translator) -> ContextBlock:
    text = t(
        "prompt.context",
        referentiel=form.referentiel.title,
        deadline=deadline(form, timezone, t),
    )
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def prompt_text(form: CheckinForm, t: Translator) -> str:
    """The notification text of every prompt message (shown where blocks are not)."""
    return t("prompt.fallback", week=week_label(form.cycle_key, t))


def prompt_blocks(form: CheckinForm, timezone: str, t: Translator) -> list[Block]:
    """The weekly prompt: this week's competencies and Start / Skip / Remind me later."""
    week = week_label(form.cycle_key, t)
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=t("prompt.intro", week=week, competencies=competency_list(form))
            )
        ),
        ContextBlock(elements=[PlainTextObject(text=t("prompt.how"))]),
        prompt_buttons(form, t),
        _context(form, timezone, t),
    ]


def reminder_blocks(
    form: CheckinForm, timezone: str, t: Translator, *, after_snooze: bool
) -> list[Block]:
    """The one reminder, or the return of a snoozed prompt, with the same buttons."""
    key = "prompt.snooze_back" if after_snooze else "prompt.reminder"
    week = week_label(form.cycle_key, t)
    return [
        SectionBlock(
            text=MarkdownTextObject(text=t(key, week=week, competencies=competency_list(form)))
        ),
        prompt_buttons(form, t),
        _context(form, timezone, t),
    ]


def done_blocks(form: CheckinForm, t: Translator) -> list[Block]:
    """The prompt once the check-in is saved: no buttons left."""
    text = t("prompt.done", week=week_label(form.cycle_key, t))
    return [SectionBlock(text=MarkdownTextObject(text=text))]


def skipped_blocks(form: CheckinForm, timezone: str, t: Translator) -> list[Block]:
    """The prompt once skipped: the person may still check in while the week is open."""
    text = t(
        "prompt.skipped",
        week=week_label(form.cycle_key, t),
        deadline=deadline(form, timezone, t),
    )
    return [
        SectionBlock(text=MarkdownTextObject(text=text)),
        prompt_buttons(form, t, with_skip=False),
    ]


def snoozed_blocks(form: CheckinForm, until: datetime, timezone: str, t: Translator) -> list[Block]:
    """The prompt once snoozed: says when it comes back, keeps its buttons."""
    text = t("prompt.snoozed", until=local_moment(until, timezone, t))
    return [
        SectionBlock(text=MarkdownTextObject(text=text)),
        prompt_buttons(form, t),
        _context(form, timezone, t),
    ]


def prompt_state(view: PromptView, t: Translator) -> tuple[str, list[Block]]:
    """A prompt's messages once the person acted: the notification text, the blocks."""
    form = view.form
    if view.state is PromptState.DONE:
        blocks = done_blocks(form, t)
    elif view.state is PromptState.SKIPPED:
        blocks = skipped_blocks(form, view.timezone, t)
    else:
        assert view.until is not None  # a snoozed prompt always says when it comes back
        blocks = snoozed_blocks(form, view.until, view.timezone, t)
    return prompt_text(form, t), blocks


def missed_blocks(form: CheckinForm, t: Translator) -> list[Block]:
    """The prompt once its week closed unanswered."""
    text = t("prompt.missed", week=week_label(form.cycle_key, t))
    return [SectionBlock(text=MarkdownTextObject(text=text))]


def notice_blocks(text: str) -> list[Block]:
    """A one-paragraph message (refusals, errors)."""
    return [SectionBlock(text=MarkdownTextObject(text=text))]
