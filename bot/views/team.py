"""The team summary (``/palier team``) as neutral cards: a manager's private view of their
reports.

Pure functions from a :class:`~bot.domain.team.TeamOverview` and a translator.

Layout. One card per référentiel — competencies and levels differ from one référentiel
to the next, and a table mixing them would be unreadable. What is per report (level
reached and progress to the next, participation, evidence, flags) is one line each;
then a legend and a :class:`~bot.views.cards.Table` whose rows are *report ×
competency* (person, competency, self level, manager level, gap, trend over 4 weeks,
over the quarter, evidence): eight columns whatever the référentiel, where competencies
as columns would not fit a 20-competency certification. The first card also names the
reports Palier does not follow; a team with nobody followed gets one card saying so.

A team too large for that (how large is each front end's choice: Slack's tables stop
at 100 rows) gets :func:`summary_card` — counts, participation, flags — and its detail
as files (:mod:`bot.views.team_files`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.domain.team import Flag, Participation, ReportOverview, TeamOverview, TeamRefusal
from bot.i18n import Translator, formats
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Plain, Rich, Typed
from bot.views.cards import Align, Block, Card, Column, Heading, Note, Paragraph, Table
from referentiels.models import Level, Referentiel

# Certification titles run to 600 characters: a table cell has the competency shortened
# at a word, the CSV has it whole.
COMPETENCY_CELL_MAX = 60
FLAG_ORDER = (Flag.NO_PROGRESS, Flag.GAP, Flag.MISSED_TWICE)

# The team flow's refusals, in the catalog's words.
REFUSALS = {TeamRefusal.NO_REPORTS.value: "team.refused"}


def refusal(code: str | None, t: Translator) -> Rich:
    """Why there is no summary: the same words for anyone without reports, or unknown."""
    return t.rich(REFUSALS[code or TeamRefusal.NO_REPORTS.value])


def in_dm(tables: int, t: Translator) -> Rich:
    """The answer where the command was typed, once the tables are in the asker's DM."""
    return t.rich_plural("team.in_dm", tables)


# -- words ---------------------------------------------------------------------------


def _level(referentiel: Referentiel, level: Level | None, t: Translator) -> str:
    return level_label(referentiel, level, t) if level is not None else t("team.none")


def _trend(steps: int | None, t: Translator) -> str:
    if steps is None:
        return t("team.none")
    if steps > 0:
        return t("team.trend.up", steps=steps)
    if steps < 0:
        return t("team.trend.down", steps=-steps)
    return t("team.trend.same")


def _gap(steps: int | None, t: Translator) -> str:
    if steps is None:  # no manager rating, or no self rating, to compare
        return t("team.none")
    if steps == 0:
        return t("team.trend.same")  # "=": they agree
    key = "team.gap.above" if steps > 0 else "team.gap.below"
    return t(key, steps=abs(steps))


def _participation(participation: Participation, t: Translator) -> Rich:
    if participation.due == 0:
        return t.rich("team.none")
    return t.rich("team.participation", done=participation.done, due=participation.due)


def _standing(report: ReportOverview, t: Translator) -> Rich:
    """Level reached on the référentiel and progress to the next."""
    summary, referentiel = report.summary, report.referentiel
    if summary.reached is None:
        return t.rich("team.level.none", count=len(summary.rated()), total=summary.total)
    reached = Plain(level_label(referentiel, summary.reached, t))
    if summary.next_level is None:
        return t.rich("team.level.top", level=reached)
    return t.rich(
        "team.level.reached",
        level=reached,
        next=Plain(level_label(referentiel, summary.next_level, t)),
        count=summary.at_next_level,
        total=summary.total,
    )


def flag_words(report: ReportOverview, t: Translator) -> list[Rich]:
    """The report's flags in words, always in the same order."""
    words = []
    for flag in FLAG_ORDER:
        if flag not in report.flags:
            continue
        if flag is Flag.GAP:
            words.append(t.rich_plural("team.flag.gap", len(report.gaps)))
        else:
            words.append(t.rich(f"team.flag.{flag.value}"))
    return words


def report_line(report: ReportOverview, t: Translator) -> Rich:
    """One line per report, flags included, so a front end splitting a long paragraph at
    line ends never parts them."""
    line = t.rich(
        "team.report",
        person=Typed(report.name),
        level=_standing(report, t),
        short=_participation(report.participation_short, t),
        long=_participation(report.participation_long, t),
        evidence=t.rich_plural("team.evidence", report.evidence_count),
    )
    flags = flag_words(report, t)
    if not flags:
        return line
    return Rich.join([line, t.rich("team.flags", flags=Rich.join(flags, " · "))], " · ")


def _people(names: Sequence[str | None], t: Translator) -> Rich:
    """Names as a list in the reader's language; an erased person's as such."""
    return formats.rich_listing(
        [Typed(name) if name else t.rich("people.erased") for name in names], t
    )


def _not_followed(overview: TeamOverview, t: Translator) -> Note:
    return Note(
        t.rich_plural(
            "team.not_followed",
            len(overview.not_followed),
            people=_people(overview.not_followed, t),
        )
    )


# -- the tables -----------------------------------------------------------------------


def short(text: str, limit: int = COMPETENCY_CELL_MAX) -> str:
    """``text`` within ``limit`` characters, cut at the end with "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


COLUMNS = (
    ("person", Align.LEFT, True),
    ("competency", Align.LEFT, True),
    ("self", Align.LEFT, True),
    ("manager", Align.LEFT, True),
    ("gap", Align.CENTRE, False),
    ("trend_short", Align.CENTRE, False),
    ("trend_quarter", Align.CENTRE, False),
    ("evidence", Align.RIGHT, False),
)


def team_table(referentiel: Referentiel, reports: Sequence[ReportOverview], t: Translator) -> Table:
    """One référentiel's table: one row per report × competency (an empty cell: none)."""
    columns = tuple(
        Column(t.rich(f"team.column.{name}"), align, wrap) for name, align, wrap in COLUMNS
    )
    rows = tuple(
        (
            report.name,
            formats.short_label(line.competency, COMPETENCY_CELL_MAX),
            _level(referentiel, line.self_level, t),
            _level(referentiel, line.manager_level, t),
            _gap(line.gap, t),
            _trend(line.trend_cycles, t),
            _trend(line.trend_quarter, t),
            str(line.evidence_count),
        )
        for report in reports
        for line in report.competencies
    )
    return Table(columns, rows)


def team_cards(overview: TeamOverview, t: Translator) -> list[Card]:
    """The team as tables: one card per référentiel, the largest group first."""
    cards = []
    for referentiel, reports in overview.groups():
        title = Plain(referentiel.title)
        blocks: tuple[Block, ...] = (
            Heading(t.rich("team.title", referentiel=title)),
            Paragraph(tuple(report_line(report, t) for report in reports)),
            Note(t.rich("team.legend")),
            team_table(referentiel, reports, t),
        )
        cards.append(Card(t.rich("team.fallback", referentiel=title), blocks))
    if not cards:
        text = t.rich("team.nobody")
        cards.append(Card(text, (Paragraph((text,)),)))
    if overview.not_followed:
        first = cards[0]
        cards[0] = replace(first, blocks=(*first.blocks, _not_followed(overview, t)))
    return cards


# -- a team too large for tables ------------------------------------------------------


def summary_card(overview: TeamOverview, t: Translator, *, files: Rich | None = None) -> Card:
    """The summary of a team too large for tables: counts, participation, flags, and
    where the files are (``files``: in the asker's DM unless told otherwise)."""
    title = t.rich_plural("team.large.title", len(overview.reports))
    lines = [
        t.rich_plural("team.large.referentiel", len(reports), referentiel=Plain(referentiel.title))
        for referentiel, reports in overview.groups()
    ]
    short_run = Participation(
        sum(r.participation_short.done for r in overview.reports),
        sum(r.participation_short.due for r in overview.reports),
    )
    long_run = Participation(
        sum(r.participation_long.done for r in overview.reports),
        sum(r.participation_long.due for r in overview.reports),
    )
    lines.append(
        t.rich(
            "team.large.participation",
            short=_participation(short_run, t),
            long=_participation(long_run, t),
        )
    )
    attention = [t.rich("team.large.attention")]
    for flag in FLAG_ORDER:
        flagged = overview.flagged(flag)
        if flagged:
            attention.append(
                t.rich(
                    f"team.large.{flag.value}",
                    count=len(flagged),
                    people=_people([report.name for report in flagged], t),
                )
            )
    if len(attention) == 1:
        attention.append(t.rich("team.large.all_clear"))
    blocks: list[Block] = [Heading(title), Paragraph(tuple(lines)), Paragraph(tuple(attention))]
    if overview.not_followed:
        blocks.append(_not_followed(overview, t))
    blocks.append(Paragraph((files or t.rich("team.large.files"),)))
    return Card(title, tuple(blocks))
