"""A large team's levels as pictures that read on a screen: people × competencies.

What a manager whose team is too large for tables gets beside the CSV
(:mod:`bot.views.team_files`). The earlier picture was one panel per référentiel with
every report under the other: 60 people made a strip over 3,000 pixels tall. Now:

* **bounded pictures**: at most :data:`MAX_WIDTH` pixels wide and about a screen tall.
  Up to :data:`ROWS_PER_BLOCK` people go in a block (names, a cell per competency, their
  average); blocks sit side by side while they fit the width (60 people on 12
  competencies: two blocks of 30, one picture 1,488 × 1,046); more people go on further
  pictures (:class:`Page`), and a référentiel with more competencies than a block can
  hold is split by columns too. Each référentiel has pictures of its own.
* **sorted to be acted on**: by the person's average self level, lowest first — those
  who may need help come first, and everyone is found again in the CSV by name; ties
  (and people with nothing rated yet, last) by name.
* **the team's average** first, in bold, above everyone: per competency, the average
  self level of those rated, over the whole team of that référentiel (the same on every
  picture), and each person's own average in the last column.

A cell shows the level's number on the scale (1 = lowest) as well as its colour, so the
picture reads without colour too; a red corner marks a competency where self and
manager are a level or more apart. Names are drawn as typed, one line, shortened
(:mod:`bot.views.charts`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal

from bot.domain.team import ReportOverview, TeamOverview
from bot.i18n import Translator, babel_locale
from bot.i18n.referentiel_text import level_label
from bot.views.charts import Canvas, Colour, canvas, png, rgb
from referentiels.models import Competency, Referentiel

# Geometry, in pixels.
PAD = 16
TITLE_H = 52  # the référentiel's title, then how the picture is sorted
HEADER_H = 150  # the competencies' labels, written upwards
NAME_W = 180
CELL_W = 40
CELL_H = 22
AVERAGE_W = 56  # each person's average, after the competencies
AVERAGE_GAP = 8  # between the team's average and the people
BLOCK_GAP = 24  # between two blocks side by side
LEGEND_ROW_H = 22
GAP_MARK = 9  # the red corner of a cell where self and manager are a level apart
MAX_WIDTH = 1600
MIN_WIDTH = 640  # room for the legend's longest line
ROWS_PER_BLOCK = 30
MAX_COLUMNS = (MAX_WIDTH - 2 * PAD - NAME_W - AVERAGE_W) // CELL_W
FONT_SIZE = 9.5
TITLE_SIZE = 13

WHITE: Colour = (255, 255, 255)
INK: Colour = (33, 37, 41)
MUTED: Colour = (95, 99, 104)
UNRATED: Colour = (236, 236, 236)
GAP_COLOUR: Colour = (214, 39, 40)
LOW: Colour = (222, 235, 247)  # the lowest level; higher levels darken towards HIGH
HIGH: Colour = (8, 69, 148)


def shade(share: float) -> Colour:
    """The colour ``share`` of the way from the lowest level (0) to the highest (1)."""
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(LOW, HIGH, strict=True))
    return red, green, blue


def level_colour(rank: int, levels: int) -> Colour:
    """The colour of a level by its rank on a scale of ``levels`` levels."""
    return shade(rank / (levels - 1) if levels > 1 else 1.0)


def _ranks(referentiel: Referentiel) -> dict[str, int]:
    return {level.id: index for index, level in enumerate(referentiel.scale.levels)}


def person_average(report: ReportOverview, ranks: dict[str, int]) -> float | None:
    """The person's average self level, 1 = the lowest; None while nothing is rated."""
    rated = [ranks[line.self_level.id] + 1 for line in report.competencies if line.self_level]
    return sum(rated) / len(rated) if rated else None


def team_average(
    reports: Sequence[ReportOverview], competency: Competency, ranks: dict[str, int]
) -> float | None:
    """The average self level of ``competency`` among those who rated it (1 = lowest)."""
    levels = [
        ranks[line.self_level.id] + 1
        for report in reports
        for line in report.competencies
        if line.competency.id == competency.id and line.self_level is not None
    ]
    return sum(levels) / len(levels) if levels else None


def ordered(reports: Sequence[ReportOverview], referentiel: Referentiel) -> list[ReportOverview]:
    """Lowest average first; nobody rated last; ties by name, then by who they are."""
    ranks = _ranks(referentiel)

    def key(report: ReportOverview) -> tuple[bool, float, str, int]:
        average = person_average(report, ranks)
        return average is None, average or 0.0, report.name.casefold(), report.person_id

    return sorted(reports, key=key)


@dataclass(frozen=True)
class Page:
    """One picture: some of a référentiel's people (in order) on some of its competencies,
    in ``blocks`` blocks side by side; ``team`` is everyone of the référentiel (for the
    average row); ``number`` counts from 1 over all the pictures."""

    referentiel: Referentiel
    team: Sequence[ReportOverview]
    people: Sequence[ReportOverview]
    competencies: Sequence[Competency]
    blocks: int
    number: int
    count: int

    @property
    def rows(self) -> int:
        return math.ceil(len(self.people) / self.blocks)

    @property
    def block_width(self) -> int:
        return NAME_W + len(self.competencies) * CELL_W + AVERAGE_W

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels."""
        width = 2 * PAD + self.blocks * self.block_width + (self.blocks - 1) * BLOCK_GAP
        legend = LEGEND_ROW_H * (len(self.referentiel.scale.levels) + 2)
        height = PAD + TITLE_H + HEADER_H + CELL_H + AVERAGE_GAP + self.rows * CELL_H
        return max(MIN_WIDTH, width), height + PAD + legend + PAD


def pages(overview: TeamOverview) -> list[Page]:
    """Every picture of the team, référentiel by référentiel (the largest group first)."""
    found: list[tuple[Referentiel, list[ReportOverview], list[Competency], int]] = []
    for referentiel, reports in overview.groups():
        people = ordered(reports, referentiel)
        competencies = referentiel.all_competencies()
        for start in range(0, max(len(competencies), 1), MAX_COLUMNS):
            columns = competencies[start : start + MAX_COLUMNS]
            width = NAME_W + len(columns) * CELL_W + AVERAGE_W
            fit = max(1, (MAX_WIDTH - 2 * PAD + BLOCK_GAP) // (width + BLOCK_GAP))
            count = math.ceil(len(people) / (fit * ROWS_PER_BLOCK))
            per_page = math.ceil(len(people) / count) if count else 1  # pages as even as can be
            for first in range(0, len(people), per_page):
                chunk = people[first : first + per_page]
                blocks = min(fit, math.ceil(len(chunk) / ROWS_PER_BLOCK))
                found.append((referentiel, chunk, columns, blocks))
    by_referentiel = {referentiel.id: reports for referentiel, reports in overview.groups()}
    return [
        Page(
            referentiel,
            by_referentiel[referentiel.id],
            chunk,
            columns,
            blocks,
            index + 1,
            len(found),
        )
        for index, (referentiel, chunk, columns, blocks) in enumerate(found)
    ]


def _decimal(value: float, t: Translator) -> str:
    return str(format_decimal(round(value, 1), format="0.0", locale=babel_locale(t.locale)))


class _Drawing:
    """One page being drawn: cells are gathered, then drawn as one collection each."""

    def __init__(self, page: Page, drawn: Canvas, t: Translator) -> None:
        self.page, self.canvas, self.t = page, drawn, t
        self.levels = len(page.referentiel.scale.levels)
        self.ranks = _ranks(page.referentiel)
        self.cells: list[list[tuple[float, float]]] = []
        self.colours: list[Colour] = []
        self.marks: list[list[tuple[float, float]]] = []

    def cell(self, x: float, y: float, width: float, colour: Colour) -> None:
        right, bottom = x + width - 2, y + CELL_H - 2  # a white line between cells
        self.cells.append([(x, y), (right, y), (right, bottom), (x, bottom)])
        self.colours.append(colour)

    def value(self, x: float, y: float, width: float, share: float | None, text: str) -> None:
        """A cell coloured by ``share`` of the scale (None: not rated) with ``text``."""
        if share is None:
            self.cell(x, y, width, UNRATED)
            return
        self.cell(x, y, width, shade(share))
        ink = WHITE if share > 0.5 else INK
        self.canvas.stamp(
            x + (width - 2) / 2, y + (CELL_H - 2) / 2, text, size=FONT_SIZE, colour=ink
        )

    def gap(self, right: float, top: float) -> None:
        self.marks.append([(right - GAP_MARK, top), (right, top), (right, top + GAP_MARK)])

    def finish(self) -> None:
        from matplotlib.collections import PolyCollection

        axes = self.canvas.axes
        cells = PolyCollection(
            self.cells, facecolors=[rgb(c) for c in self.colours], edgecolors="none"
        )
        cells.set_antialiased(False)  # flat colours, exactly the level's
        cells.set_zorder(1)
        axes.add_collection(cells)
        marks = PolyCollection(self.marks, facecolors=[rgb(GAP_COLOUR)], edgecolors="none")
        marks.set_antialiased(False)
        marks.set_zorder(2)
        axes.add_collection(marks)

    def share(self, level: float) -> float:
        """Where ``level`` (1 = lowest) sits on the scale, 0 to 1."""
        return (level - 1) / (self.levels - 1) if self.levels > 1 else 1.0


def grid_top() -> int:
    """Where the team's average row starts."""
    return PAD + TITLE_H + HEADER_H


def people_top() -> int:
    """Where the first person's row starts."""
    return grid_top() + CELL_H + AVERAGE_GAP


def block_left(page: Page, block: int) -> int:
    return PAD + block * (page.block_width + BLOCK_GAP)


def _block(drawing: _Drawing, page: Page, block: int) -> None:
    """One block: its header, the team's average, its people."""
    pen, t = drawing.canvas, drawing.t
    left = block_left(page, block)
    cells_left = left + NAME_W
    bottom = grid_top() - 6
    labels = [competency.label for competency in page.competencies]
    labels.append(t("progress_charts.heatmap.average_column"))
    for column, label in enumerate(labels):
        x = cells_left + column * CELL_W + (CELL_W - 2) / 2
        pen.text(x, bottom, label, size=FONT_SIZE, width=HEADER_H - 12, rotation=90, align="left")
    y = grid_top()
    pen.text(
        left,
        y + CELL_H / 2,
        t("progress_charts.heatmap.average_row"),
        size=FONT_SIZE,
        bold=True,
        width=NAME_W - 8,
    )
    averages = [
        team_average(page.team, competency, drawing.ranks) for competency in page.competencies
    ]
    for column, average in enumerate(averages):
        share = drawing.share(average) if average is not None else None
        drawing.value(cells_left + column * CELL_W, y, CELL_W, share, _decimal(average or 0, t))
    everyone = [
        drawing.ranks[line.self_level.id] + 1
        for report in page.team
        for line in report.competencies
        if line.self_level is not None
    ]
    overall = sum(everyone) / len(everyone) if everyone else None
    x = cells_left + len(page.competencies) * CELL_W
    share = drawing.share(overall) if overall is not None else None
    drawing.value(x, y, AVERAGE_W, share, _decimal(overall or 0, t))
    rows = page.people[block * page.rows : (block + 1) * page.rows]
    for row, report in enumerate(rows):
        _person(drawing, page, report, left, people_top() + row * CELL_H)


def _person(drawing: _Drawing, page: Page, report: ReportOverview, left: int, y: int) -> None:
    pen, t = drawing.canvas, drawing.t
    pen.stamp(
        left,
        y + CELL_H / 2,
        report.name,
        size=FONT_SIZE,
        colour=INK,
        centred=False,
        width=NAME_W - 8,
    )
    lines = {line.competency.id: line for line in report.competencies}
    for column, competency in enumerate(page.competencies):
        x = left + NAME_W + column * CELL_W
        found = lines.get(competency.id)
        level = found.self_level if found else None
        if level is None:
            drawing.cell(x, y, CELL_W, UNRATED)
        else:
            rank = drawing.ranks[level.id]
            drawing.value(x, y, CELL_W, drawing.share(rank + 1), str(rank + 1))
        if found is not None and found.gap:
            drawing.gap(x + CELL_W - 2, y)
    average = person_average(report, drawing.ranks)
    x = left + NAME_W + len(page.competencies) * CELL_W
    share = drawing.share(average) if average is not None else None
    drawing.value(x, y, AVERAGE_W, share, _decimal(average or 0, t))


def _legend(drawing: _Drawing, page: Page, top: int) -> None:
    pen, t, referentiel = drawing.canvas, drawing.t, page.referentiel
    entries: list[tuple[Colour, str, bool]] = [
        (
            level_colour(rank, drawing.levels),
            f"{rank + 1} — {level_label(referentiel, level, t)}",
            False,
        )
        for rank, level in enumerate(referentiel.scale.levels)
    ]
    entries.append((UNRATED, t("team.heatmap.unrated"), False))
    entries.append((WHITE, t("team.heatmap.gap"), True))
    swatch = LEGEND_ROW_H - 6
    for index, (colour, text, gap) in enumerate(entries):
        y = top + index * LEGEND_ROW_H
        drawing.cells.append(
            [(PAD, y), (PAD + swatch, y), (PAD + swatch, y + swatch), (PAD, y + swatch)]
        )
        drawing.colours.append(colour if not gap else (250, 250, 250))
        if gap:
            drawing.gap(PAD + swatch, y)
        width = page.size[0] - 3 * PAD - swatch
        pen.text(PAD + swatch + 8, y + swatch / 2, text, size=FONT_SIZE, width=width)


def draw(page: Page, t: Translator) -> bytes:
    """The PNG of one page; its size is :attr:`Page.size`."""
    width, height = page.size
    with canvas(width, height) as drawn:
        drawing = _Drawing(page, drawn, t)
        title = page.referentiel.title
        if page.count > 1:
            title = t(
                "progress_charts.heatmap.title_part",
                title=title,
                part=page.number,
                parts=page.count,
            )
        drawn.text(PAD, PAD + 12, title, size=TITLE_SIZE, bold=True, width=width - 2 * PAD)
        drawn.text(
            PAD,
            PAD + 38,
            t("progress_charts.heatmap.sorted"),
            size=FONT_SIZE,
            colour=MUTED,
            width=width - 2 * PAD,
        )
        for block in range(page.blocks):
            _block(drawing, page, block)
        _legend(drawing, page, people_top() + page.rows * CELL_H + PAD)
        drawing.finish()
        return png(drawn)


def team_heatmaps(overview: TeamOverview, t: Translator) -> list[bytes]:
    """Every picture of the team, in order (:func:`pages`)."""
    return [draw(page, t) for page in pages(overview)]
