"""The level-progress summary, and the help, as Slack messages."""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import Translator
from bot.progress import CompetencyProgress, ProgressSummary
from bot.referentiel_text import level_label
from handlers.slack.builders.mrkdwn import criteria_lines, descriptor_lines, escape, sections
from referentiels.models import Level

HEADER_LIMIT = 150
MESSAGE_BLOCK_LIMIT = 50


def _line(item: CompetencyProgress, summary: ProgressSummary, t: Translator) -> str:
    referentiel = summary.referentiel

    def name(level: Level) -> str:
        return escape(level_label(referentiel, level, t))

    if item.current is None:
        level, change, quarter = t("slack.summary.unrated"), "", ""
    else:
        level = name(item.current)
        change = ""
        if item.previous is not None:
            if item.change_since_previous > 0:
                change = t("slack.summary.up", previous=name(item.previous))
            elif item.change_since_previous < 0:
                change = t("slack.summary.down", previous=name(item.previous))
            else:
                change = t("slack.summary.same")
        quarter = ""
        if item.at_quarter_start is not None and item.change_since_quarter != 0:
            arrow = " ↑" if item.change_since_quarter > 0 else " ↓"
            quarter = (
                t("slack.summary.quarter", start=name(item.at_quarter_start), now=level) + arrow
            )
    evidence = (
        t.plural("slack.summary.evidence", item.evidence_count) if item.evidence_count else ""
    )
    return t(
        "slack.summary.line",
        competency=escape(item.competency.label),
        level=level,
        change=change,
        quarter=quarter,
        evidence=evidence,
    )


def summary_text(summary: ProgressSummary, t: Translator) -> str:
    return t("slack.summary.fallback", referentiel=summary.referentiel.title)


def summary_blocks(
    summary: ProgressSummary, t: Translator, only: Collection[str] | None = None
) -> list[Block]:
    """The summary: a line per competency (``only`` those ids when given), then the overall
    level reached, progress to the next level, what it asks for the weakest competency
    (quoted), and the streak. Stays within a message's 50 blocks whatever the référentiel.
    """
    referentiel = summary.referentiel
    title = t("slack.summary.title", referentiel=referentiel.title)
    blocks: list[Block] = [HeaderBlock(text=title[:HEADER_LIMIT])]
    items = [c for c in summary.competencies if only is None or c.competency.id in only]
    blocks.extend(sections("\n".join(_line(item, summary, t) for item in items)))
    blocks.append(DividerBlock())
    overall = [
        t(
            "slack.summary.reached",
            level=escape(level_label(referentiel, summary.reached, t)),
        )
        if summary.reached is not None
        else t("slack.summary.reached_none")
    ]
    if summary.reached is None:
        # Before every competency has a rating there is no level to head for yet.
        rated = len(summary.rated())
        overall.append(t("slack.summary.rated", count=rated, total=summary.total))
    elif summary.next_level is not None:
        overall.append(
            t(
                "slack.summary.progress",
                level=escape(level_label(referentiel, summary.next_level, t)),
                count=summary.at_next_level,
                total=summary.total,
            )
        )
    else:
        overall.append(t("slack.summary.top"))
    blocks.extend(sections("\n".join(overall)))
    weakest = summary.weakest
    lowest = referentiel.scale.levels[0]
    if weakest is not None and not (
        referentiel.scale.origin == "palier" and weakest.level == lowest
    ):
        # On Palier's scale the lowest level (« Non acquis ») is no goal to quote.
        lines = [
            t(
                "slack.summary.next_step",
                competency=escape(weakest.competency.label),
                level=escape(level_label(referentiel, weakest.level, t)),
            )
        ]
        if weakest.descriptor is not None:
            lines.extend(descriptor_lines(weakest.descriptor, t))
        elif weakest.competency.criteria:
            lines.extend(criteria_lines(weakest.competency))
        blocks.extend(sections("\n".join(lines)))
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text=t.plural("slack.summary.streak", summary.streak))]
        )
    )
    if len(blocks) > MESSAGE_BLOCK_LIMIT:  # only with absurdly long texts; keep the essentials
        blocks = blocks[: MESSAGE_BLOCK_LIMIT - 1] + blocks[-1:]
    return blocks


def help_blocks(t: Translator, unknown_command: str | None = None) -> list[Block]:
    """What Palier does and its commands; prefixed by a note when the command was unknown."""
    blocks: list[Block] = []
    if unknown_command:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=t("slack.help.unknown", command=escape(unknown_command[:100]))
                )
            )
        )
    blocks.extend(
        [
            HeaderBlock(text=t("slack.help.title")),
            SectionBlock(text=MarkdownTextObject(text=t("slack.help.weekly"))),
            SectionBlock(text=MarkdownTextObject(text=t("slack.help.commands"))),
            ContextBlock(elements=[MarkdownTextObject(text=t("slack.help.privacy"))]),
        ]
    )
    return blocks
