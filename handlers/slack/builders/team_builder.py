"""The team summary (``/palier team``) as Slack messages, a CSV table and a heatmap picture.

Pure functions from a :class:`~bot.domain.team.TeamOverview` and a translator.

Layout. A table's rows are *report × competency* (person, competency, self
level, manager level, gap, trend over 4 weeks, over the quarter, evidence):
eight columns whatever the référentiel, where competencies as columns would
not fit Slack's 20 cells a row for a 20-competency certification. What is per
report (level reached and progress to the next, participation, evidence, flags)
is one line each above the table.

Where a table may go. Slack's table block reference
(https://docs.slack.dev/reference/block-kit/blocks/table-block) has a table sent
in the ``attachments`` field of ``chat.postMessage``, one table per message, up
to 100 rows of 20 cells; it names no other way (not a message's top-level
``blocks``, not a ``response_url`` or ephemeral answer, not a modal). So each
table goes to the asker's own DM with Palier by ``chat.postMessage``, in
:attr:`TeamMessage.attachments`, the text above it in the message's blocks — private
to the asker like the ephemeral answer it replaces, never in a channel.

Not the newer ``data_table`` block (its reference: pagination, sorting, up to
100 rows plus a header): the reference says nothing of where it may be sent,
caps a table's cells at 10,000 characters in all (96 rows of eight cells with
certification competency names can go over it), and its 100 rows would not lift
the limit that matters here — a team past 100 report × competency rows is
already the CSV and heatmap below. One table per référentiel in ``attachments``
is what the reference documents.

One message per référentiel — competencies and levels differ from one
référentiel to the next, and a table mixing them would be unreadable, while
summarising all but the first would hide the people the manager asked about.
At most :data:`MESSAGES_MAX` of them (chat.postMessage takes about one message
a second in a channel). When a team does not fit (more référentiels, or a table
over 100 rows, e.g. 60 reports), the answer is a summary (counts,
participation, flags) and the detail goes to the asker's DM as a CSV file
(:func:`team_csv`, one row per report × competency) and a heatmap
(:func:`team_heatmap`).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    RawTextObject,
    TableBlock,
    TableBlockColumnSettings,
)

from bot.domain.csv_safe import csv_text
from bot.domain.team import Flag, Participation, ReportOverview, TeamOverview
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label
from handlers.slack.builders.mrkdwn import escape, sections, user_text
from referentiels.models import Level, Referentiel

TABLE_ROWS_MAX = 100  # Slack's table block: 100 rows of at most 20 cells
MESSAGES_MAX = 4  # one DM message per référentiel; past that, the summary and the files
HEADER_LIMIT = 150
CONTEXT_TEXT_LIMIT = 3000
COMPETENCY_CELL_MAX = 60  # certification titles run to 600 characters; the CSV has them whole
FLAG_ORDER = (Flag.NO_PROGRESS, Flag.GAP, Flag.MISSED_TWICE)


@dataclass(frozen=True)
class TeamMessage:
    """One message: its notification text, its blocks, and its table if it has one."""

    text: str
    blocks: list[Block]
    table: TableBlock | None = None

    def attachments(self) -> list[dict[str, Any]] | None:
        """``chat.postMessage``'s ``attachments``: where Slack takes a table, alone."""
        return None if self.table is None else [{"blocks": [self.table.to_dict()]}]


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


def _participation(participation: Participation, t: Translator) -> str:
    if participation.due == 0:
        return t("team.none")
    return t("team.participation", done=participation.done, due=participation.due)


def _standing(report: ReportOverview, t: Translator) -> str:
    """Level reached on the référentiel and progress to the next, in plain text."""
    summary, referentiel = report.summary, report.referentiel
    if summary.reached is None:
        return t("team.level.none", count=len(summary.rated()), total=summary.total)
    reached = level_label(referentiel, summary.reached, t)
    if summary.next_level is None:
        return t("team.level.top", level=reached)
    return t(
        "team.level.reached",
        level=reached,
        next=level_label(referentiel, summary.next_level, t),
        count=summary.at_next_level,
        total=summary.total,
    )


def flag_words(report: ReportOverview, t: Translator) -> list[str]:
    """The report's flags in words, always in the same order."""
    words = []
    for flag in FLAG_ORDER:
        if flag not in report.flags:
            continue
        if flag is Flag.GAP:
            words.append(t.plural("team.flag.gap", len(report.gaps)))
        else:
            words.append(t(f"team.flag.{flag.value}"))
    return words


def _report_line(report: ReportOverview, t: Translator) -> str:
    line = t(
        "team.report",
        person=user_text(report.name),
        level=escape(_standing(report, t)),
        short=_participation(report.participation_short, t),
        long=_participation(report.participation_long, t),
        evidence=t.plural("team.evidence", report.evidence_count),
    )
    flags = flag_words(report, t)
    # One line per report, flags included, so a split into sections never parts them.
    return f"{line} · {t('team.flags', flags=' · '.join(flags))}" if flags else line


def _names(reports: Sequence[ReportOverview]) -> str:
    return ", ".join(user_text(report.name) for report in reports)


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text[:CONTEXT_TEXT_LIMIT])])


# -- messages -------------------------------------------------------------------------


def table_rows(reports: Sequence[ReportOverview]) -> int:
    """Rows a table of these reports needs: a header, then one per report × competency."""
    return 1 + sum(len(report.competencies) for report in reports)


def fits_in_messages(overview: TeamOverview) -> bool:
    """Whether the team shows as tables in Slack (one message per référentiel)."""
    groups = overview.groups()
    return len(groups) <= MESSAGES_MAX and all(
        table_rows(reports) <= TABLE_ROWS_MAX for _, reports in groups
    )


def _cell(text: str) -> RawTextObject:
    # A table cell must not be empty: Slack refuses it, and so does slack_sdk.
    return RawTextObject(text=text or "–")


def _short(text: str, limit: int = COMPETENCY_CELL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def team_table(
    referentiel: Referentiel, reports: Sequence[ReportOverview], t: Translator
) -> TableBlock:
    """One référentiel's table: a header row, then one row per report × competency."""
    header = [
        t(f"team.column.{name}")
        for name in (
            "person",
            "competency",
            "self",
            "manager",
            "gap",
            "trend_short",
            "trend_quarter",
            "evidence",
        )
    ]
    rows = [[_cell(text) for text in header]]
    for report in reports:
        for line in report.competencies:
            rows.append(
                [
                    _cell(report.name),
                    _cell(_short(line.competency.label)),
                    _cell(_level(referentiel, line.self_level, t)),
                    _cell(_level(referentiel, line.manager_level, t)),
                    _cell(_gap(line.gap, t)),
                    _cell(_trend(line.trend_cycles, t)),
                    _cell(_trend(line.trend_quarter, t)),
                    _cell(str(line.evidence_count)),
                ]
            )
    wrapped = TableBlockColumnSettings(is_wrapped=True)
    centred = TableBlockColumnSettings(align="center")
    return TableBlock(
        rows=rows,
        column_settings=[
            wrapped,
            wrapped,
            wrapped,
            wrapped,
            centred,
            centred,
            centred,
            TableBlockColumnSettings(align="right"),
        ],
    )


def team_messages(overview: TeamOverview, t: Translator) -> list[TeamMessage]:
    """The team as tables: one message per référentiel (see :func:`fits_in_messages`).

    The first message also names the reports Palier does not follow; a team with
    nobody followed gets one message saying so.
    """
    messages = []
    for referentiel, reports in overview.groups():
        blocks: list[Block] = [
            HeaderBlock(text=t("team.title", referentiel=referentiel.title)[:HEADER_LIMIT])
        ]
        blocks.extend(sections("\n".join(_report_line(report, t) for report in reports)))
        blocks.append(_context(t("team.legend")))
        table = team_table(referentiel, reports, t)
        fallback = t("team.fallback", referentiel=referentiel.title)
        messages.append(TeamMessage(fallback, blocks, table))
    if not messages:
        text = t("team.nobody")
        messages.append(TeamMessage(text, list(sections(text))))
    if overview.not_followed:
        people = ", ".join(user_text(name) for name in overview.not_followed)
        messages[0].blocks.append(_context(t("team.not_followed", people=people)))
    return messages


def team_summary(overview: TeamOverview, t: Translator) -> TeamMessage:
    """The summary of a team too large for tables: counts, participation, flags, where the
    files are."""
    count = len(overview.reports)
    title = t.plural("team.large.title", count)
    blocks: list[Block] = [HeaderBlock(text=title[:HEADER_LIMIT])]
    lines = [
        t.plural("team.large.referentiel", len(reports), referentiel=escape(referentiel.title))
        for referentiel, reports in overview.groups()
    ]
    short = Participation(
        sum(r.participation_short.done for r in overview.reports),
        sum(r.participation_short.due for r in overview.reports),
    )
    long = Participation(
        sum(r.participation_long.done for r in overview.reports),
        sum(r.participation_long.due for r in overview.reports),
    )
    lines.append(
        t(
            "team.large.participation",
            short=_participation(short, t),
            long=_participation(long, t),
        )
    )
    blocks.extend(sections("\n".join(lines)))
    attention = [t("team.large.attention")]
    for flag in FLAG_ORDER:
        flagged = overview.flagged(flag)
        if flagged:
            attention.append(
                t(f"team.large.{flag.value}", count=len(flagged), people=_names(flagged))
            )
    if len(attention) == 1:
        attention.append(t("team.large.all_clear"))
    blocks.extend(sections("\n".join(attention)))
    if overview.not_followed:
        people = ", ".join(user_text(name) for name in overview.not_followed)
        blocks.append(_context(t("team.not_followed", people=people)))
    blocks.extend(sections(t("team.large.files")))
    return TeamMessage(title, blocks)


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
    would read « 3/4 » as a date. Written by :func:`bot.domain.csv_safe.csv_text`: a
    name or title never becomes a formula.
    """
    rows: list[list[object]] = []
    for referentiel, reports in overview.groups():
        for report in reports:
            summary = report.summary
            flags = " | ".join(flag_words(report, t))
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
    return csv_text([t(f"team.csv.{column}") for column in CSV_COLUMNS], rows)


# -- heatmap --------------------------------------------------------------------------
#
# Geometry, in pixels (drawn at twice the size it is shown at, for sharp text on
# high-density screens). The picture is one panel per référentiel, stacked, in
# the order of TeamOverview.groups(); a panel is its title (TITLE_H), the
# competency labels written upwards (HEADER_H), one row of CELL_H per report,
# PAD, then a legend row (LEGEND_ROW_H) per level, one for "not rated" and one
# for the gap mark. Names take NAME_W on the left; each competency a CELL_W
# column. Everything sits PAD from the edges and PAD below each panel.

PAD = 24
NAME_W = 360
CELL_W = 64
CELL_H = 44
TITLE_H = 56
HEADER_H = 300
LEGEND_ROW_H = 36
MIN_WIDTH = 1120  # room for the legend's longest line
GAP_MARK = 18  # the red corner of a cell where self and manager are a level or more apart
FONT_SIZE = 22
TITLE_FONT_SIZE = 28

BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
UNRATED = (236, 236, 236)
GAP_COLOUR = (214, 39, 40)
LOW = (222, 235, 247)  # the lowest level; higher levels darken towards HIGH
HIGH = (8, 69, 148)

# Fonts tried, by file name, before Pillow's own: Pillow looks them up in the
# system's font directories. Pillow's built-in font has ASCII only, so with it
# the text is written without accents rather than with blank boxes.
FONT_FILES = (
    "DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
    "NotoSans-Regular.ttf",
    "Arial.ttf",
    "arial.ttf",
    "Helvetica.ttc",
)
_ASCII = str.maketrans({"—": "-", "–": "-", "−": "-", "’": "'", "«": '"', "»": '"', "…": "..."})

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Colour = tuple[int, int, int]


def level_colour(rank: int, levels: int) -> Colour:
    """The colour of a level by its rank on a scale of ``levels`` levels."""
    share = rank / (levels - 1) if levels > 1 else 1.0
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(LOW, HIGH, strict=True))
    return red, green, blue


def _panel_height(referentiel: Referentiel, reports: int) -> int:
    legend = LEGEND_ROW_H * (len(referentiel.scale.levels) + 2)
    return TITLE_H + HEADER_H + reports * CELL_H + PAD + legend


def heatmap_size(overview: TeamOverview) -> tuple[int, int]:
    """Width and height of :func:`team_heatmap`'s picture, from the geometry above."""
    groups = overview.groups()
    widest = max((NAME_W + len(r.all_competencies()) * CELL_W for r, _ in groups), default=0)
    height = PAD + sum(_panel_height(r, len(reports)) + PAD for r, reports in groups)
    return 2 * PAD + max(MIN_WIDTH, widest), height


class _Pen:
    """Writes text on a picture: the best font at hand, shortened to fit a width."""

    def __init__(self, image: Image.Image) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        found = self._truetype(FONT_SIZE)
        self.unicode = found is not None
        self.font: Font = found or self._builtin(FONT_SIZE)
        self.title_font: Font = self._truetype(TITLE_FONT_SIZE) or self._builtin(TITLE_FONT_SIZE)

    @staticmethod
    def _truetype(size: int) -> ImageFont.FreeTypeFont | None:
        for name in FONT_FILES:
            try:
                return ImageFont.truetype(name, size)
            except OSError:
                continue
        return None

    @staticmethod
    def _builtin(size: int) -> Font:
        try:
            return ImageFont.load_default(size=size)
        except TypeError:  # Pillow 10.0: only the small bitmap font, without a size
            return ImageFont.load_default()

    def fit(self, text: str, width: int, font: Font | None = None) -> str:
        """``text`` as the font can write it, shortened with "…" to ``width`` pixels."""
        font = font or self.font
        if not self.unicode:
            text = unicodedata.normalize("NFKD", text.translate(_ASCII))
            text = text.encode("ascii", "ignore").decode()
        ellipsis = "…" if self.unicode else "..."
        if self.draw.textlength(text, font=font) <= width:
            return text
        while text and self.draw.textlength(text + ellipsis, font=font) > width:
            text = text[:-1]
        return text.rstrip() + ellipsis

    def write(
        self, x: int, y: int, text: str, width: int, *, title: bool = False, ink: Colour = INK
    ) -> None:
        """``text`` from (x, y), at most ``width`` pixels long."""
        font = self.title_font if title else self.font
        self.draw.text((x, y), self.fit(text, width, font), fill=ink, font=font)

    def centred(self, x: int, y: int, text: str, ink: Colour) -> None:
        # Measured rather than anchored: anchors need FreeType, the fallback may have none.
        left, top, right, bottom = self.draw.textbbox((0, 0), text, font=self.font)
        self.draw.text(
            (x - (right - left) // 2 - left, y - (bottom - top) // 2 - top),
            text,
            fill=ink,
            font=self.font,
        )

    def upwards(self, x: int, bottom: int, text: str, length: int) -> None:
        """``text`` written upwards in a CELL_W-wide column, starting at ``bottom``."""
        strip = Image.new("RGBA", (length, CELL_W), (0, 0, 0, 0))
        ImageDraw.Draw(strip).text(
            (2, (CELL_W - FONT_SIZE) // 2), self.fit(text, length - 4), fill=INK, font=self.font
        )
        upright = strip.rotate(90, expand=True)
        self.image.paste(upright, (x, bottom - length), upright)

    def gap_mark(self, right: int, top: int) -> None:
        self.draw.polygon(
            [(right - GAP_MARK, top), (right, top), (right, top + GAP_MARK)], fill=GAP_COLOUR
        )


def team_heatmap(overview: TeamOverview, t: Translator) -> bytes:
    """A PNG picture: people × competencies, coloured by self level, gaps marked.

    Each cell shows the level's number on the scale (1 = lowest) as well as its
    colour, so the picture reads without colour too; a red corner marks a
    competency where self and manager are a level or more apart. Its size is
    :func:`heatmap_size`.
    """
    width, height = heatmap_size(overview)
    image = Image.new("RGB", (width, height), BACKGROUND)
    pen = _Pen(image)
    top = PAD
    for referentiel, reports in overview.groups():
        levels = referentiel.scale.levels
        ranks = {level.id: index for index, level in enumerate(levels)}
        competencies = referentiel.all_competencies()
        pen.write(PAD, top + 8, referentiel.title, width - 2 * PAD, title=True)
        grid_top = top + TITLE_H + HEADER_H
        for column, competency in enumerate(competencies):
            x = PAD + NAME_W + column * CELL_W
            pen.upwards(x, grid_top - PAD // 2, competency.code or competency.title, HEADER_H - PAD)
        for row, report in enumerate(reports):
            y = grid_top + row * CELL_H
            pen.write(PAD, y + (CELL_H - FONT_SIZE) // 2, report.name, NAME_W - PAD)
            lines = {line.competency.id: line for line in report.competencies}
            for column, competency in enumerate(competencies):
                x = PAD + NAME_W + column * CELL_W
                right, bottom = x + CELL_W - 2, y + CELL_H - 2  # a white line between cells
                found = lines.get(competency.id)
                level = found.self_level if found else None
                if level is None:
                    pen.draw.rectangle((x, y, right, bottom), fill=UNRATED)
                else:
                    rank = ranks[level.id]
                    pen.draw.rectangle((x, y, right, bottom), fill=level_colour(rank, len(levels)))
                    dark = rank / max(len(levels) - 1, 1) > 0.5
                    pen.centred(
                        (x + right) // 2,
                        (y + bottom) // 2,
                        str(rank + 1),
                        BACKGROUND if dark else INK,
                    )
                if found is not None and found.gap:
                    pen.gap_mark(right, y)
        legend_top = grid_top + len(reports) * CELL_H + PAD
        swatch = LEGEND_ROW_H - 10
        entries: list[tuple[Colour, str, bool]] = [
            (
                level_colour(rank, len(levels)),
                f"{rank + 1} — {level_label(referentiel, level, t)}",
                False,
            )
            for rank, level in enumerate(levels)
        ]
        entries.append((UNRATED, t("team.heatmap.unrated"), False))
        entries.append((BACKGROUND, t("team.heatmap.gap"), True))
        for index, (colour, text, gap) in enumerate(entries):
            y = legend_top + index * LEGEND_ROW_H
            pen.draw.rectangle((PAD, y, PAD + swatch, y + swatch), fill=colour, outline=INK)
            if gap:
                pen.gap_mark(PAD + swatch, y)
            pen.write(
                PAD + swatch + 12, y + (swatch - FONT_SIZE) // 2, text, width - 3 * PAD - swatch
            )
        top += _panel_height(referentiel, len(reports)) + PAD
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
