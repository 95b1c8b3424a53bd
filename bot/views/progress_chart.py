"""A person's progress chart as a PNG: a row per competency, a column per quarter, each
cell the level reached then — its colour and its name.

A grid rather than lines: levels are a few ordered steps, so lines of 5 to 20
competencies would lie on top of each other; a row per competency reads at chat size,
and each cell says its level in words (the référentiel's, or Palier's scale in the
person's language), so it reads without colour too. The competency is its code and
title, shortened to the column (the référentiel's own words). Drawn with
:mod:`bot.views.charts` (matplotlib, Agg): the same chart gives the same bytes.
"""

from __future__ import annotations

from bot.domain.progress_chart import ProgressChart, Quarter
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Plain, Rich
from bot.views import actions
from bot.views.cards import Button
from bot.views.charts import Canvas, Colour, canvas, png, rgb
from bot.views.team_heatmap import INK, MUTED, UNRATED, WHITE, level_colour

PAD = 20
TITLE_H = 60  # the heading, then what the cells are
HEADER_H = 32  # the quarters
LABEL_W = 340
COLUMN_W = 165
ROW_H = 32
LEGEND_H = 28
FONT_SIZE = 11
TITLE_SIZE = 15


def chart_size(chart: ProgressChart) -> tuple[int, int]:
    """Width and height in pixels of :func:`progress_png`'s picture."""
    width = 2 * PAD + LABEL_W + len(chart.quarters) * COLUMN_W
    height = PAD + TITLE_H + HEADER_H + len(chart.rows) * ROW_H + PAD + LEGEND_H + PAD
    return width, height


def quarter_label(quarter: Quarter, t: Translator) -> str:
    """``T4 2026``, ``Q4 2026 (to date)``."""
    key = "quarter_now" if quarter.current else "quarter"
    return t.rich(f"progress_charts.chart.{key}", quarter=quarter.number, year=quarter.year).plain()


def cell_left(column: int) -> int:
    return PAD + LABEL_W + column * COLUMN_W


def row_top(row: int) -> int:
    return PAD + TITLE_H + HEADER_H + row * ROW_H


Cells = list[tuple[list[tuple[float, float]], Colour]]  # boxes and their colours


def _box(left: float, top: float, right: float, bottom: float) -> list[tuple[float, float]]:
    return [(left, top), (right, top), (right, bottom), (left, bottom)]


def _heading(drawn: Canvas, chart: ProgressChart, t: Translator) -> None:
    """Whose chart, what its cells are, and the quarters over the columns."""
    width = drawn.width - 2 * PAD
    name, title = Plain(chart.name), Plain(chart.referentiel.title)
    heading = t.rich("progress_charts.chart.heading", name=name, referentiel=title).plain()
    drawn.text(PAD, PAD + 14, heading, size=TITLE_SIZE, bold=True, width=width)
    subtitle = t.rich("progress_charts.chart.subtitle").plain()
    drawn.text(PAD, PAD + 44, subtitle, size=FONT_SIZE - 1, colour=MUTED, width=width)
    for column, quarter in enumerate(chart.quarters):
        x = cell_left(column) + (COLUMN_W - 4) / 2
        label = quarter_label(quarter, t)
        drawn.text(
            x,
            PAD + TITLE_H + HEADER_H / 2,
            label,
            size=FONT_SIZE,
            bold=quarter.current,
            width=COLUMN_W - 8,
            align="center",
        )


def _rows(drawn: Canvas, chart: ProgressChart, t: Translator, cells: Cells) -> None:
    """A row per competency: its code and title, then its level in each quarter."""
    referentiel = chart.referentiel
    count = len(referentiel.scale.levels)
    ranks = {level.id: index for index, level in enumerate(referentiel.scale.levels)}
    for row, line in enumerate(chart.rows):
        top = row_top(row)
        middle = top + (ROW_H - 4) / 2
        drawn.text(PAD, middle, line.competency.label, size=FONT_SIZE, width=LABEL_W - 12)
        for column, level in enumerate(line.levels):
            left, right = cell_left(column), cell_left(column) + COLUMN_W - 4
            box = _box(left, top, right, top + ROW_H - 4)
            if level is None:
                cells.append((box, UNRATED))
                continue
            rank = ranks[level.id]
            cells.append((box, level_colour(rank, count)))
            ink = WHITE if count > 1 and rank / (count - 1) > 0.5 else INK
            label = level_label(referentiel, level, t)
            drawn.text(
                (left + right) / 2,
                middle,
                label,
                size=FONT_SIZE,
                colour=ink,
                width=COLUMN_W - 12,
                align="center",
            )


def progress_png(chart: ProgressChart, t: Translator) -> bytes:
    """The chart as PNG bytes; its size is :func:`chart_size`."""
    from matplotlib.collections import PolyCollection

    width, height = chart_size(chart)
    with canvas(width, height) as drawn:
        _heading(drawn, chart, t)
        cells: Cells = []
        _rows(drawn, chart, t, cells)
        legend_top, swatch = row_top(len(chart.rows)) + PAD, LEGEND_H - 8
        cells.append((_box(PAD, legend_top, PAD + swatch, legend_top + swatch), UNRATED))
        unrated = t("team.heatmap.unrated")
        room = width - 3 * PAD - swatch
        drawn.text(
            PAD + swatch + 8, legend_top + swatch / 2, unrated, size=FONT_SIZE - 1, width=room
        )
        grid = PolyCollection(
            [box for box, _ in cells], facecolors=[rgb(c) for _, c in cells], edgecolors="none"
        )
        grid.set_antialiased(False)
        grid.set_zorder(1)
        drawn.axes.add_collection(grid)
        return png(drawn)


# -- the words around the chart ----------------------------------------------------------

REFUSALS = frozenset({"not_enrolled", "not_allowed", "no_data", "no_data_other", "usage"})


def refusal(code: str | None, t: Translator) -> Rich:
    """Why there is no chart (the progress flow's codes)."""
    return t.rich(f"progress_charts.chart.refusal.{code if code in REFUSALS else 'usage'}")


def sent_to_dm(t: Translator) -> Rich:
    """Slack: the chart is in the person's DM."""
    return t.rich("progress_charts.chart.sent")


def follows(t: Translator) -> Rich:
    """Teams: the chart follows, as a file to accept."""
    return t.rich("progress_charts.chart.follows")


def chart_button(t: Translator) -> Button:
    """The Home's button that sends the person their chart."""
    return Button(t.rich("progress_charts.chart.button"), actions.PROGRESS_CHART, "chart")
