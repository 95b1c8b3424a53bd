"""The team summary's detail as files: a CSV table and a heatmap picture.

What a team too large for tables gets (:func:`bot.views.team.summary_card` says where
they are): :func:`team_csv`, one row per report × competency, every word whole, and
:func:`team_heatmap`, a PNG of people × competencies coloured by level. Files, not
messages: the same bytes for every front end, which only delivers them privately to
the asker (:func:`team_files` words their names and titles).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot.domain.csv_safe import excel_csv
from bot.domain.sheets import Cell, Table
from bot.domain.team import TeamOverview
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Rich
from bot.views.team import flag_words
from referentiels.models import Referentiel


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
    """The CSV table, then the heatmap, named in the asker's language."""
    return TeamFiles(files_comment(overview, t), (table_file(overview, t), map_file(overview, t)))


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


def map_file(overview: TeamOverview, t: Translator) -> TeamFile:
    """The heatmap alone (:func:`team_heatmap`)."""
    return TeamFile(
        t.rich("team.files.png_name").plain(),
        t.rich("team.files.png_title").plain(),
        team_heatmap(overview, t),
        alt=t.rich("team.files.png_alt").plain(),
    )


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
        text = " ".join(text.split())  # one line: a name may hold a line break or a tab
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
