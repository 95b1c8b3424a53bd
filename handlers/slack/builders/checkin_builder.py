"""The check-in modal: rate each competency of the week against the référentiel's words.

For each competency: its name and group, the person's current level, one radio
option per level of the scale, what the next level asks for (quoted from the
référentiel: a matrix cell, or a certification's evaluation criteria), optional
evidence text and link; at the end an optional topic for the next 1:1. Also how
Slack words the check-in flow's refusals and its answer to a stored check-in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.app.checkin import RatedSummary
from bot.domain.checkin import CheckinForm, CheckinItem, Refusal
from bot.domain.submissions import MAX_TEXT
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_description, level_label, week_label
from handlers.slack import ids
from handlers.slack.builders.mrkdwn import criteria_lines, descriptor_lines, escape, sections
from handlers.slack.builders.summary_builder import summary_blocks, summary_text
from referentiels.models import Level, Referentiel

OPTION_TEXT_LIMIT = 75  # option text and description, per Slack

# The check-in flow's refusals (bot.domain.checkin.Refusal codes), as Slack words them.
REFUSALS = {refusal.value: f"refusal.{refusal.value}" for refusal in Refusal}


def refusal_text(code: str | None, t: Translator) -> str:
    return t(REFUSALS[code or ""])


def rated_summary(view: RatedSummary, t: Translator) -> tuple[str, list[Block]]:
    """The summary after a check-in: told for the competencies just rated."""
    return summary_text(view.summary, t), summary_blocks(view.summary, t, only=view.rated)


@dataclass(frozen=True)
class CheckinMetadata:
    """What the modal carries back on submit (its ``private_metadata``)."""

    prompt_id: int
    channel_id: str | None = None  # the message the modal was opened from, to update it
    message_ts: str | None = None

    def dump(self) -> str:
        return json.dumps(
            {"prompt_id": self.prompt_id, "channel": self.channel_id, "ts": self.message_ts}
        )

    @classmethod
    def load(cls, text: str) -> CheckinMetadata | None:
        try:
            data = json.loads(text)
            return cls(int(data["prompt_id"]), data.get("channel"), data.get("ts"))
        except (ValueError, TypeError, KeyError):
            return None


def _option_descriptions(referentiel: Referentiel, t: Translator) -> dict[str, str | None]:
    """A short description per level for the radio options, or none at all.

    Slack allows 75 characters. When every level's own description fits, it is
    shown whole; otherwise a matrix shows its cells' headings (« Niveau 1 »), and
    the full descriptions are in the scale line at the top of the modal — a
    description is never cut.
    """
    levels = referentiel.scale.levels
    described = {level.id: level_description(referentiel, level, t) for level in levels}
    if all(d and len(d) <= OPTION_TEXT_LIMIT for d in described.values()):
        return described
    headings: dict[str, str | None] = {}
    for level in levels:
        cells = [
            c.levels[level.id].heading
            for c in referentiel.all_competencies()
            if level.id in c.levels
        ]
        heading = cells[0] if cells and all(h == cells[0] for h in cells) else None
        headings[level.id] = heading if heading and len(heading) <= OPTION_TEXT_LIMIT else None
    return headings


def _option(
    referentiel: Referentiel, level: Level, description: str | None, t: Translator
) -> Option:
    return Option(
        value=level.id,
        label=level_label(referentiel, level, t)[:OPTION_TEXT_LIMIT],
        description=description,
    )


def scale_line(referentiel: Referentiel, t: Translator) -> str:
    """The scale once, with each level's description, so every option is explained."""
    parts = []
    for level in referentiel.scale.levels:
        label = level_label(referentiel, level, t)
        description = level_description(referentiel, level, t)
        parts.append(
            t("common.label_value", label=f"*{escape(label)}*", value=escape(description))
            if description
            else f"*{escape(label)}*"
        )
    return t("modal.scale", levels=" · ".join(parts))


def _what_next(item: CheckinItem, referentiel: Referentiel, t: Translator) -> list[str]:
    if item.next_level is None:
        lines = [t("modal.top_level")]
    elif item.current is None and referentiel.scale.origin == "palier":
        lines = []  # « Non acquis » is where nobody aims: the criteria say it all
    else:
        label = escape(level_label(referentiel, item.next_level, t))
        lines = [t("modal.next_level", level=label)]
        if item.next_descriptor is not None:
            lines.extend(descriptor_lines(item.next_descriptor, t))
    if item.competency.criteria:  # a certification's criteria apply at every level
        lines.append(t("modal.criteria"))
        lines.extend(criteria_lines(item.competency))
    return lines


def _item_blocks(
    item: CheckinItem, referentiel: Referentiel, descriptions: dict[str, str | None], t: Translator
) -> list[Block]:
    competency = item.competency
    heading = f"*{escape(competency.label)}*"
    context_parts = [
        " › ".join(escape(f"{g.code} : {g.title}" if g.code else g.title) for g in item.groups)
    ]
    if item.current is not None:
        context_parts.append(
            t("modal.current", level=escape(level_label(referentiel, item.current, t)))
        )
    else:
        context_parts.append(t("modal.unrated"))
    options = [
        _option(referentiel, level, descriptions.get(level.id), t)
        for level in referentiel.scale.levels
    ]
    initial = next((o for o in options if item.current and o.value == item.current.id), None)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=heading[:3000])),
        ContextBlock(
            elements=[MarkdownTextObject(text=part[:3000]) for part in context_parts if part]
        ),
        *sections("\n".join(_what_next(item, referentiel, t))),
        InputBlock(
            block_id=ids.competency_block(ids.LEVEL_BLOCK, competency.id),
            label=t("modal.level"),
            element=RadioButtonsElement(
                action_id=ids.competency_block(ids.LEVEL_ACTION, competency.id),
                options=options,
                initial_option=initial,
            ),
        ),
        InputBlock(
            block_id=ids.competency_block(ids.EVIDENCE_BLOCK, competency.id),
            label=t("modal.evidence"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.competency_block(ids.EVIDENCE_ACTION, competency.id),
                multiline=True,
                max_length=MAX_TEXT,
                placeholder=t("modal.evidence_placeholder")[:150],
            ),
        ),
        InputBlock(
            block_id=ids.competency_block(ids.LINK_BLOCK, competency.id),
            label=t("modal.link"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.competency_block(ids.LINK_ACTION, competency.id),
                max_length=MAX_TEXT,
                placeholder=t("modal.link_placeholder"),
            ),
        ),
    ]
    return blocks


def checkin_modal(form: CheckinForm, metadata: CheckinMetadata, t: Translator) -> View:
    """The check-in modal for one prompt."""
    referentiel = form.referentiel
    descriptions = _option_descriptions(referentiel, t)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=t("modal.intro", referentiel=escape(referentiel.title)))
        ),
        *sections(scale_line(referentiel, t)),
    ]
    for item in form.items:
        blocks.append(DividerBlock())
        blocks.extend(_item_blocks(item, referentiel, descriptions, t))
    blocks.append(DividerBlock())
    blocks.append(
        InputBlock(
            block_id=ids.TOPIC_BLOCK,
            label=t("modal.topic"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.TOPIC_ACTION,
                multiline=True,
                max_length=MAX_TEXT,
                placeholder=t("modal.topic_placeholder")[:150],
            ),
        )
    )
    return View(
        type="modal",
        callback_id=ids.CHECKIN_VIEW,
        title=t("modal.title", week=week_label(form.cycle_key, t)),
        submit=t("modal.submit"),
        close=t("modal.close"),
        private_metadata=metadata.dump(),
        blocks=blocks,
    )
