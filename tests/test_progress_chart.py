"""The progress chart's data and picture, no platform: the last four quarters in the
person's zone, each competency's level at each quarter's end, and the PNG (size, mode,
content, the same bytes for the same chart), in French and in English."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from bot.domain.progress import RatingPoint
from bot.domain.progress_chart import ProgressChart, last_quarters, levels_by_quarter
from bot.i18n import translator
from bot.views import progress_chart as pc
from bot.views.team_heatmap import UNRATED, level_colour
from referentiels.loader import ReferentielCatalog

CATALOG = ReferentielCatalog.load()
AE = CATALOG.get("account-executive")
assert AE is not None
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
PROSPECTION, QUALIFICATION, JUSTIFICATION = (c.id for c in AE.all_competencies()[:3])


def _at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_the_four_quarters_end_at_midnight_in_the_persons_zone() -> None:
    quarters = last_quarters(NOW, "Europe/Paris")
    assert [(q.year, q.number, q.current) for q in quarters] == [
        (2026, 1, False),
        (2026, 2, False),
        (2026, 3, False),
        (2026, 4, True),
    ]
    # Q1 ends at April 1st, 00:00 in Paris (summer time: 22:00 UTC the day before).
    assert quarters[0].ends_at == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
    assert quarters[-1].ends_at == NOW
    # Across a year, and in another zone: New Year's Day 2026 at 03:00 UTC is still 2025's
    # last quarter in New York.
    quarters = last_quarters(datetime(2026, 1, 1, 3, 0, tzinfo=UTC), "America/New_York")
    assert [(q.year, q.number) for q in quarters] == [(2025, 1), (2025, 2), (2025, 3), (2025, 4)]
    assert quarters[2].ends_at == datetime(2025, 10, 1, 4, 0, tzinfo=UTC)


def test_a_quarter_shows_the_latest_level_before_its_end() -> None:
    assert AE is not None
    junior, intermediate, senior = (level.id for level in AE.scale.levels)
    quarters = last_quarters(NOW, "Europe/Paris")
    ratings = [
        RatingPoint(PROSPECTION, junior, _at(2025, 5, 1)),  # before the four quarters
        RatingPoint(PROSPECTION, intermediate, _at(2026, 8, 1)),
        # The first instant of Q2 (midnight in Paris) is Q2's, not Q1's.
        RatingPoint(QUALIFICATION, senior, datetime(2026, 3, 31, 22, 0, tzinfo=UTC)),
        RatingPoint(JUSTIFICATION, "not-on-the-scale", _at(2026, 2, 1)),  # ignored
    ]
    rows = {row.competency.id: row for row in levels_by_quarter(AE, ratings, quarters)}
    assert [lv.id if lv else None for lv in rows[PROSPECTION].levels] == [
        junior,
        junior,
        intermediate,
        intermediate,
    ]
    assert [lv.id if lv else None for lv in rows[QUALIFICATION].levels] == [
        None,
        senior,
        senior,
        senior,
    ]
    assert rows[JUSTIFICATION].levels == (None, None, None, None)
    assert [row.competency.id for row in levels_by_quarter(AE, ratings, quarters)] == [
        c.id for c in AE.all_competencies()
    ]
    assert not ProgressChart("Alice", AE, quarters, tuple(rows.values())).empty
    nothing = levels_by_quarter(AE, ratings[3:], quarters)
    assert ProgressChart("Alice", AE, quarters, nothing).empty


def _chart(name: str = "Chloé Rao") -> ProgressChart:
    assert AE is not None
    junior, intermediate, senior = (level.id for level in AE.scale.levels)
    quarters = last_quarters(NOW, "Europe/Paris")
    ratings = [
        RatingPoint(PROSPECTION, junior, _at(2026, 2, 1)),
        RatingPoint(PROSPECTION, senior, _at(2026, 11, 1)),
        RatingPoint(QUALIFICATION, intermediate, _at(2026, 5, 1)),
    ]
    return ProgressChart(name, AE, quarters, levels_by_quarter(AE, ratings, quarters))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_chart_is_a_png_of_a_row_per_competency_the_same_each_time(language: str) -> None:
    chart, t = _chart(), translator(language)
    data = pc.progress_png(chart, t)
    assert data == pc.progress_png(chart, t)  # the same chart, the same bytes
    assert data.startswith(b"\x89PNG") and b"Software" not in data and b"tIME" not in data
    picture = Image.open(io.BytesIO(data))
    picture.load()
    assert picture.format == "PNG" and picture.mode == "RGB"
    assert picture.size == pc.chart_size(chart)
    width, height = picture.size
    assert width <= 1100 and height <= 1100  # readable at chat size, whole on a screen
    pixels = picture.load()
    assert pixels is not None

    def inside(row: int, column: int) -> object:
        return pixels[pc.cell_left(column) + 4, pc.row_top(row) + 4]

    # Prospection: Junior in Q1 to Q3, Senior now; Qualification from Q2; Justification never.
    assert [inside(0, c) for c in range(4)] == [level_colour(0, 3)] * 3 + [level_colour(2, 3)]
    assert [inside(1, c) for c in range(4)] == [UNRATED] + [level_colour(1, 3)] * 3
    assert [inside(2, c) for c in range(4)] == [UNRATED] * 4
    # The words are the person's language: another picture in the other language.
    other = translator("en" if language == "fr" else "fr")
    assert pc.progress_png(chart, other) != data


def test_the_chart_words_follow_the_language() -> None:
    quarters = _chart().quarters
    assert [pc.quarter_label(q, translator("fr")) for q in quarters[2:]] == [
        "T3 2026",
        "T4 2026 (à ce jour)",
    ]
    assert [pc.quarter_label(q, translator("en")) for q in quarters[2:]] == [
        "Q3 2026",
        "Q4 2026 (to date)",
    ]
    assert pc.refusal("no_data", translator("fr")).plain().startswith("Pas encore de graphique")
    assert pc.refusal("no_data", translator("en")).plain().startswith("No chart yet")


def test_a_name_is_drawn_as_typed() -> None:
    """A name matplotlib would read as mathtext, or with a line break, draws as text."""
    for name in ("Zoé $\\frac{$ Léa", "Emma\nMartin", "<@U0BOB> & *gras* $x^2$"):
        picture = Image.open(io.BytesIO(pc.progress_png(_chart(name), translator("fr"))))
        picture.load()
        assert picture.size == pc.chart_size(_chart(name))
