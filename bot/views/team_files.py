"""The team summary's detail as files: a CSV table and a heatmap picture.

What a team too large for tables gets (:func:`bot.views.team.summary_card` says where
they are): :func:`team_csv`, one row per report × competency, every word whole, and
the heatmap, PNG pictures of people × competencies coloured by level, each about a
screen (:mod:`bot.views.team_heatmap`; one file per picture). Files, not
messages: the same bytes for every front end, which only delivers them privately to
the asker (:func:`team_files` words their names and titles).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.csv_safe import excel_csv
from bot.domain.sheets import Cell, Table
from bot.domain.team import TeamOverview
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Rich
from bot.views.team import flag_words
from bot.views.team_heatmap import Page, draw, pages


@dataclass(frozen=True)
class TeamFile:
    """A file to give the asker: its name, its title, what it holds; ``alt`` describes a
    picture to whoever cannot see it."""

    filename: str
    title: str
    content: str | bytes
    alt: str | None = None


@dataclass(frozen=True)
class TeamFiles:
    """The files of a team too large for tables, and the words that come with them."""

    comment: Rich
    files: tuple[TeamFile, ...]


def team_files(overview: TeamOverview, t: Translator) -> TeamFiles:
    """The CSV table, then the heatmap's pictures, named in the asker's language."""
    maps = tuple(map_file(page, t) for page in pages(overview))
    return TeamFiles(files_comment(overview, t), (table_file(overview, t), *maps))


def files_comment(overview: TeamOverview, t: Translator) -> Rich:
    """What comes with the files: whose summary they are."""
    return t.rich_plural("team.files.comment", len(overview.reports))


def table_file(overview: TeamOverview, t: Translator) -> TeamFile:
    """The CSV table alone (:func:`team_csv`)."""
    return TeamFile(
        t.rich("team.files.csv_name").plain(),
        t.rich("team.files.csv_title").plain(),
        team_csv(overview, t),
    )


def map_file(page: Page, t: Translator) -> TeamFile:
    """One picture of the heatmap (:func:`bot.views.team_heatmap.draw`): ``palier-equipe.png``
    when it is the only one, else numbered (``palier-equipe-2.png``, « (2/3) »)."""
    if page.count == 1:
        name, title = t.rich("team.files.png_name"), t.rich("team.files.png_title")
    else:
        name = t.rich("progress_charts.heatmap.png_name_part", part=page.number)
        title = t.rich("progress_charts.heatmap.png_title_part", part=page.number, parts=page.count)
    alt = t.rich("progress_charts.heatmap.alt").plain()
    return TeamFile(name.plain(), title.plain(), draw(page, t), alt=alt)


def map_part(overview: TeamOverview, t: Translator, part: int) -> TeamFile | None:
    """The heatmap's picture number ``part`` (from 1), or None when there is no such one
    (the team has changed since it was offered)."""
    found = pages(overview)
    return map_file(found[part - 1], t) if 1 <= part <= len(found) else None


# -- CSV ------------------------------------------------------------------------------

CSV_COLUMNS = (
    "person",
    "referentiel",
    "code",
    "competency",
    "self",
    "manager",
    "gap",
    "trend_short",
    "trend_quarter",
    "evidence",
    "done_short",
    "due_short",
    "done_long",
    "due_long",
    "evidence_total",
    "reached",
    "next",
    "at_next",
    "total",
    "flags",
)


def _signed(steps: int | None) -> str:
    # "+1" rather than "↑ 1": a spreadsheet reads it as a number.
    return "" if steps is None else f"{steps:+d}" if steps else "0"


def team_csv(overview: TeamOverview, t: Translator) -> str:
    """The CSV text: a header in the asker's language, then one row per report × competency.

    Counts are split into their own columns (done, due) because a spreadsheet
    would read « 3/4 » as a date. Written by :func:`bot.domain.csv_safe.excel_csv`: a
    name or title never becomes a formula, and Excel opens it in the asker's region (a
    BOM; ``;`` in French).
    """
    rows: list[list[Cell]] = []
    for referentiel, reports in overview.groups():
        for report in reports:
            summary = report.summary
            flags = " | ".join(word.plain() for word in flag_words(report, t))
            for line in report.competencies:
                rows.append(
                    [
                        report.name,
                        referentiel.title,
                        line.competency.code or line.competency.id,
                        line.competency.title,
                        level_label(referentiel, line.self_level, t) if line.self_level else "",
                        level_label(referentiel, line.manager_level, t)
                        if line.manager_level
                        else "",
                        _signed(line.gap),
                        _signed(line.trend_cycles),
                        _signed(line.trend_quarter),
                        line.evidence_count,
                        report.participation_short.done,
                        report.participation_short.due,
                        report.participation_long.done,
                        report.participation_long.due,
                        report.evidence_count,
                        level_label(referentiel, summary.reached, t) if summary.reached else "",
                        level_label(referentiel, summary.next_level, t)
                        if summary.reached and summary.next_level
                        else "",
                        summary.at_next_level if summary.reached else "",
                        summary.total,
                        flags,
                    ]
                )
    header = tuple(t(f"team.csv.{column}") for column in CSV_COLUMNS)
    return excel_csv(Table(CSV_COLUMNS, header, rows), t.language)
