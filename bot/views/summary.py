"""The level-progress summary, and the help, as neutral cards.

What a person reads after a check-in and with ``/palier me``: a line per competency
(its level, the change since last time and since the quarter began, the evidence),
the overall level reached, how far the next level is, what the next level asks for
the weakest competency (quoted from the référentiel), and the streak.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.i18n import Translator
from bot.i18n.rich import Plain, Rich, literal
from bot.progress import CompetencyProgress, ProgressSummary
from bot.referentiel_text import level_label
from bot.views.cards import Block, Card, Divider, Heading, Note, Paragraph
from bot.views.referentiel import criteria_lines, descriptor_lines
from referentiels.models import Level


def _line(item: CompetencyProgress, summary: ProgressSummary, t: Translator) -> Rich:
    referentiel = summary.referentiel

    def name(level: Level) -> Plain:
        return Plain(level_label(referentiel, level, t))

    level: Rich | Plain
    change = quarter = literal("")
    if item.current is None:
        level = t.rich("slack.summary.unrated")
    else:
        level = name(item.current)
        if item.previous is not None:
            if item.change_since_previous > 0:
                change = t.rich("slack.summary.up", previous=name(item.previous))
            elif item.change_since_previous < 0:
                change = t.rich("slack.summary.down", previous=name(item.previous))
            else:
                change = t.rich("slack.summary.same")
        if item.at_quarter_start is not None and item.change_since_quarter != 0:
            arrow = " ↑" if item.change_since_quarter > 0 else " ↓"
            span = t.rich("slack.summary.quarter", start=name(item.at_quarter_start), now=level)
            quarter = Rich("{span}" + arrow, {"span": span})
    evidence = (
        t.rich_plural("slack.summary.evidence", item.evidence_count)
        if item.evidence_count
        else literal("")
    )
    return t.rich(
        "slack.summary.line",
        competency=Plain(item.competency.label),
        level=level,
        change=change,
        quarter=quarter,
        evidence=evidence,
    )


def _overall(summary: ProgressSummary, t: Translator) -> list[Rich]:
    referentiel = summary.referentiel
    if summary.reached is None:
        # Before every competency has a rating there is no level to head for yet.
        rated = len(summary.rated())
        return [
            t.rich("slack.summary.reached_none"),
            t.rich("slack.summary.rated", count=rated, total=summary.total),
        ]
    lines = [
        t.rich("slack.summary.reached", level=Plain(level_label(referentiel, summary.reached, t)))
    ]
    if summary.next_level is not None:
        lines.append(
            t.rich(
                "slack.summary.progress",
                level=Plain(level_label(referentiel, summary.next_level, t)),
                count=summary.at_next_level,
                total=summary.total,
            )
        )
    else:
        lines.append(t.rich("slack.summary.top"))
    return lines


def _next_step(summary: ProgressSummary, t: Translator) -> list[Rich]:
    referentiel = summary.referentiel
    weakest = summary.weakest
    lowest = referentiel.scale.levels[0]
    if weakest is None or (referentiel.scale.origin == "palier" and weakest.level == lowest):
        return []  # on Palier's scale the lowest level (« Non acquis ») is no goal to quote
    lines = [
        t.rich(
            "slack.summary.next_step",
            competency=Plain(weakest.competency.label),
            level=Plain(level_label(referentiel, weakest.level, t)),
        )
    ]
    if weakest.descriptor is not None:
        lines.extend(descriptor_lines(weakest.descriptor, t))
    elif weakest.competency.criteria:
        lines.extend(criteria_lines(weakest.competency))
    return lines


def summary_card(
    summary: ProgressSummary, t: Translator, only: Collection[str] | None = None
) -> Card:
    """The summary (a line per competency, ``only`` those ids when given); the streak is
    what a platform that cannot show everything keeps at the end."""
    title = Plain(summary.referentiel.title)
    items = [c for c in summary.competencies if only is None or c.competency.id in only]
    blocks: list[Block] = [
        Heading(t.rich("slack.summary.title", referentiel=title)),
        Paragraph(tuple(_line(item, summary, t) for item in items)),
        Divider(),
        Paragraph(tuple(_overall(summary, t))),
    ]
    next_step = _next_step(summary, t)
    if next_step:
        blocks.append(Paragraph(tuple(next_step)))
    blocks.append(Note(t.rich_plural("slack.summary.streak", summary.streak)))
    return Card(t.rich("slack.summary.fallback", referentiel=title), tuple(blocks), keep_last=1)


def help_card(t: Translator, unknown_command: str | None = None) -> Card:
    """What Palier does and its commands; prefixed by a note when the command was unknown."""
    blocks: list[Block] = []
    if unknown_command:
        command = Plain(unknown_command[:100])  # shown to the one who typed it
        blocks.append(Paragraph((t.rich("slack.help.unknown", command=command),)))
    blocks.extend(
        [
            Heading(t.rich("slack.help.title")),
            Paragraph((t.rich("slack.help.weekly"),)),
            Paragraph((t.rich("slack.help.commands"),)),
            Note(t.rich("slack.help.privacy")),
        ]
    )
    return Card(t.rich("slack.help.title"), tuple(blocks))
