"""The level-progress summary, and the help, as neutral cards.

What a person reads after a check-in and with ``/palier me``: a line per competency
(its level, the change since last time and since the quarter began, the manager's level
beside it once the manager reviewed it — ``/palier me`` only — and the evidence),
the overall level reached, how far the next level is, what the next level asks for
the weakest competency (quoted from the référentiel), and the streak. On a certification
référentiel, how many of its criteria the person's evidence covers (the VAE livret
lists the others).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.domain.access import Reader
from bot.domain.progress import CompetencyProgress, ProgressSummary
from bot.i18n import Translator, formats
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Plain, Rich, literal
from bot.views.audience import readers_text
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
        level = t.rich("summary.unrated")
    else:
        level = name(item.current)
        if item.previous is not None:
            if item.change_since_previous > 0:
                change = t.rich("summary.up", previous=name(item.previous))
            elif item.change_since_previous < 0:
                change = t.rich("summary.down", previous=name(item.previous))
            else:
                change = t.rich("summary.same")
        if item.at_quarter_start is not None and item.change_since_quarter != 0:
            arrow = " ↑" if item.change_since_quarter > 0 else " ↓"
            span = t.rich("summary.quarter", start=name(item.at_quarter_start), now=level)
            quarter = Rich("{span}" + arrow, {"span": span})
    reviewed = summary.manager.get(item.competency.id)
    if reviewed is not None:  # the manager's level beside the person's own, theirs first
        own = Rich(
            "{level}{change}{quarter}", {"level": level, "change": change, "quarter": quarter}
        )
        level = t.rich("review_quotes.me_levels", own=own, manager=name(reviewed))
        change = quarter = literal("")
    evidence = (
        t.rich_plural("summary.evidence", item.evidence_count)
        if item.evidence_count
        else literal("")
    )
    return t.rich(
        "summary.line",
        competency=Plain(formats.short_label(item.competency)),
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
            t.rich("summary.reached_none"),
            t.rich_plural("summary.rated", rated, total=summary.total),
        ]
    lines = [t.rich("summary.reached", level=Plain(level_label(referentiel, summary.reached, t)))]
    if summary.next_level is not None:
        lines.append(
            t.rich_plural(
                "summary.progress",
                summary.at_next_level,
                level=Plain(level_label(referentiel, summary.next_level, t)),
                total=summary.total,
            )
        )
    else:
        lines.append(t.rich("summary.top"))
    return lines


def _criteria(summary: ProgressSummary, t: Translator) -> list[Rich]:
    """On a certification référentiel: how many of its criteria the evidence covers."""
    if summary.criteria is None:
        return []
    covered = summary.criteria
    return [
        t.rich_plural("rotation_gaps.criteria_covered", covered.covered, total=covered.criteria)
    ]


def _next_step(summary: ProgressSummary, t: Translator) -> list[Rich]:
    referentiel = summary.referentiel
    weakest = summary.weakest
    lowest = referentiel.scale.levels[0]
    if weakest is None or (referentiel.scale.origin == "palier" and weakest.level == lowest):
        return []  # on Palier's scale the lowest level (« Non acquis ») is no goal to quote
    lines = [
        t.rich(
            "summary.next_step",
            competency=Plain(formats.short_label(weakest.competency)),
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
        Heading(t.rich("summary.title", referentiel=title)),
        Paragraph(tuple(_line(item, summary, t) for item in items)),
        Divider(),
        Paragraph(tuple(_overall(summary, t) + _criteria(summary, t))),
    ]
    next_step = _next_step(summary, t)
    if next_step:
        blocks.append(Paragraph(tuple(next_step)))
    blocks.append(Note(t.rich_plural("summary.streak", summary.streak)))
    return Card(t.rich("summary.fallback", referentiel=title), tuple(blocks), keep_last=1)


def help_card(
    t: Translator,
    unknown_command: str | None = None,
    *,
    readers: Sequence[Reader],
    manager: bool = False,
    admin: bool = False,
    suggestion: str | None = None,
) -> Card:
    """What Palier does and the commands this person may use: a manager's (``manager``:
    people report to them) and the admin's (``admin``) only to them; prefixed by a note
    when the command was unknown, which names the nearest command (``suggestion``) when
    one is close. ``readers``: who sees the person's data
    (:func:`bot.domain.access.readers_of`)."""
    blocks: list[Block] = []
    if unknown_command:
        command = Plain(unknown_command[:100])  # shown to the one who typed it
        if suggestion:
            note = t.rich(
                "french_habits.unknown_suggestion", command=command, suggestion=Plain(suggestion)
            )
        else:
            note = t.rich("help.unknown", command=command)
        blocks.append(Paragraph((note,)))
    commands = "help.commands" if manager or admin else "french_habits.help.member"
    blocks.extend(
        [
            Heading(t.rich("help.title")),
            Paragraph((t.rich("help.weekly"),)),
            Paragraph((t.rich(commands),)),
        ]
    )
    if admin:
        blocks.append(Paragraph((t.rich("french_habits.help.admin"),)))
    blocks.extend(
        [
            Note(t.rich("help.source_text")),
            Note(t.rich("help.privacy", readers=readers_text(readers, t))),
            Note(t.rich("livret_share.privacy")),
        ]
    )
    return Card(t.rich("help.title"), tuple(blocks))
