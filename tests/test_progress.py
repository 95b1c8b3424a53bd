"""The level-progress summary, on the real référentiels."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.progress import CycleOutcome, RatingPoint, quarter_start, streak, summarize
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

CATALOG = ReferentielCatalog.load()
QUARTER = datetime(2026, 10, 1, tzinfo=UTC)


def _ae() -> Referentiel:
    referentiel = CATALOG.get("account-executive")
    assert referentiel is not None
    return referentiel


def at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 15, tzinfo=UTC)


def test_nothing_rated_yet() -> None:
    summary = summarize(_ae(), [], {}, [], QUARTER)
    assert summary.reached is None
    assert summary.next_level is not None and summary.next_level.label == "Junior"
    assert summary.at_next_level == 0 and summary.total == 5
    assert summary.weakest is not None and summary.weakest.competency.id == "prospection"
    assert summary.weakest.descriptor is not None
    assert summary.weakest.descriptor.expected_result == "Générer 15% de son propre pipeline"
    assert summary.streak == 0


def test_changes_levels_reached_and_weakest() -> None:
    ratings = [
        RatingPoint("prospection", "junior", at(1, 9)),  # before the quarter
        RatingPoint("prospection", "intermediaire", at(5)),
        RatingPoint("prospection", "senior", at(12)),
        RatingPoint("qualification", "intermediaire", at(12)),
        RatingPoint("justification", "intermediaire", at(12)),
        RatingPoint("closing", "senior", at(3)),
        RatingPoint("closing", "intermediaire", at(12)),
        RatingPoint("valeurs", "junior", at(12)),
    ]
    summary = summarize(_ae(), ratings, {"prospection": 2}, [], QUARTER)
    by_id = {item.competency.id: item for item in summary.competencies}
    prospection = by_id["prospection"]
    assert (prospection.previous and prospection.previous.id) == "intermediaire"
    assert prospection.current is not None and prospection.current.id == "senior"
    assert prospection.change_since_previous == 1
    assert prospection.change_since_quarter == 2  # junior at the quarter's start
    assert prospection.evidence_count == 2
    assert by_id["closing"].change_since_previous == -1
    # First rated within the quarter: compared with that first rating.
    assert by_id["closing"].change_since_quarter == -1
    assert by_id["qualification"].change_since_quarter == 0
    # Valeurs is only Junior: the référentiel level reached is Junior.
    assert summary.reached is not None and summary.reached.id == "junior"
    assert summary.next_level is not None and summary.next_level.id == "intermediaire"
    assert summary.at_next_level == 4
    assert summary.weakest is not None and summary.weakest.competency.id == "valeurs"
    assert summary.weakest.level.id == "intermediaire"


def test_top_of_the_scale_has_no_next_level() -> None:
    ratings = [RatingPoint(c.id, "senior", at(12)) for c in _ae().all_competencies()]
    summary = summarize(_ae(), ratings, {}, [], QUARTER)
    assert summary.reached is not None and summary.reached.id == "senior"
    assert summary.next_level is None and summary.weakest is None


def test_certification_has_no_descriptor_but_a_next_level() -> None:
    referentiel = CATALOG.get("manager-equipe-vendeurs-b2b")
    assert referentiel is not None
    ratings = [RatingPoint(c.id, "acquis", at(12)) for c in referentiel.all_competencies()]
    ratings[3] = RatingPoint(ratings[3].competency_id, "en_cours", at(12))
    summary = summarize(referentiel, ratings, {}, [], QUARTER)
    assert summary.reached is not None and summary.reached.id == "en_cours"
    assert summary.at_next_level == 16 and summary.total == 17
    assert summary.weakest is not None
    assert summary.weakest.competency.code == "C1.4" and summary.weakest.descriptor is None


def test_unknown_level_ids_are_ignored() -> None:
    summary = summarize(_ae(), [RatingPoint("closing", "expert", at(12))], {}, [], QUARTER)
    assert all(item.current is None for item in summary.competencies)


def test_streak_counts_back_from_the_last_finished_cycle() -> None:
    done, missed = CycleOutcome("w", True), CycleOutcome("w", False)
    open_cycle = CycleOutcome("w", False, open=True)
    assert streak([done, missed, done, done]) == 2
    assert streak([done, done, open_cycle]) == 2
    assert streak([done, missed]) == 0
    assert streak([]) == 0


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_quarter_start(day: date) -> None:
    start = quarter_start(day)
    assert start <= day < (start + timedelta(days=93)) and start.day == 1
    assert start.month in (1, 4, 7, 10)
    assert (day.month - 1) // 3 == (start.month - 1) // 3


@given(
    st.lists(
        st.tuples(
            st.sampled_from([c.id for c in _ae().all_competencies()]),
            st.sampled_from(["junior", "intermediaire", "senior"]),
            st.integers(0, 200),
        ),
        max_size=30,
    )
)
def test_reached_level_is_the_minimum_of_current_levels(rows: list[tuple[str, str, int]]) -> None:
    base = datetime(2026, 6, 1, tzinfo=UTC)
    points = [RatingPoint(c, level, base + timedelta(hours=h)) for c, level, h in rows]
    summary = summarize(_ae(), points, {}, [], QUARTER)
    ranks = {"junior": 0, "intermediaire": 1, "senior": 2}
    currents = [item.current for item in summary.competencies]
    if any(level is None for level in currents):
        assert summary.reached is None
    else:
        expected = min(ranks[level.id] for level in currents if level is not None)
        assert summary.reached is not None and ranks[summary.reached.id] == expected
    assert 0 <= summary.at_next_level <= summary.total


@pytest.mark.parametrize("referentiel_id", CATALOG.ids())
def test_every_referentiel_summarizes(referentiel_id: str) -> None:
    referentiel = CATALOG.get(referentiel_id)
    assert referentiel is not None
    summary = summarize(referentiel, [], {}, [], QUARTER)
    assert summary.total == len(referentiel.all_competencies())


def test_weakest_is_among_the_rated_while_a_rotation_has_not_reached_the_rest() -> None:
    referentiel = CATALOG.get("manager-equipe-vendeurs-b2b")
    assert referentiel is not None
    first_week = referentiel.all_competencies()[:3]
    ratings = [
        RatingPoint(first_week[0].id, "acquis", at(12)),
        RatingPoint(first_week[1].id, "en_cours", at(12)),
        RatingPoint(first_week[2].id, "maitrise", at(12)),
    ]
    summary = summarize(referentiel, ratings, {}, [], QUARTER)
    assert summary.reached is None  # fourteen competencies not asked yet
    assert summary.weakest is not None
    assert summary.weakest.competency.id == first_week[1].id
    assert summary.weakest.level.id == "acquis"
