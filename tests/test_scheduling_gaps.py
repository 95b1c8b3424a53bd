"""The weekly rotation towards the gaps of a certification référentiel: competencies
whose criteria lack evidence are favoured, and none starves (pure; examples and
hypothesis properties beside those of the plain rotation in test_scheduling.py)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from bot.domain.scheduling import select_competencies

PROPERTY = settings(max_examples=200, deadline=None)
IDS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"]
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
ZERO, HALF, ONE = Fraction(0), Fraction(1, 2), Fraction(1)


def weeks_ago(weeks: float) -> datetime:
    return NOW - timedelta(weeks=weeks)


def test_after_a_first_cycle_the_gaps_come_first() -> None:
    # 9 competencies, 3 a week: W = 3, a competency is due 5 weeks after its rating.
    last_rated: dict[str, datetime | None] = {
        "C1": weeks_ago(3),
        "C2": weeks_ago(3),
        "C3": weeks_ago(3),
        "C4": weeks_ago(2),
        "C5": weeks_ago(2),
        "C6": weeks_ago(2),
        "C7": weeks_ago(1),
        "C8": weeks_ago(1),
        "C9": weeks_ago(1),
    }
    plain = select_competencies(IDS, last_rated)
    assert plain == ["C1", "C2", "C3"]
    coverage = {"C1": ONE, "C2": ONE, "C3": HALF, "C7": ZERO, "C8": ONE, "C9": ZERO}
    # C4–C6 are absent: nothing known to cover, as if covered.
    picked = select_competencies(IDS, last_rated, coverage=coverage, now=NOW)
    assert picked == ["C3", "C7", "C9"]  # no evidence (C7, C9), then half covered (C3)


def test_a_covered_competency_comes_back_once_due() -> None:
    last_rated: dict[str, datetime | None] = dict.fromkeys(IDS, weeks_ago(1))
    last_rated["C2"] = weeks_ago(5) + timedelta(minutes=1)  # not yet more than 5 weeks
    last_rated["C4"] = weeks_ago(5) - timedelta(minutes=1)  # due
    coverage = dict.fromkeys(IDS, ZERO) | {"C2": ONE, "C4": ONE}
    picked = select_competencies(IDS, last_rated, coverage=coverage, now=NOW)
    assert picked == ["C1", "C3", "C4"]  # C4 is due; then gaps, référentiel order


def test_never_rated_is_due_whatever_its_evidence() -> None:
    coverage = dict.fromkeys(IDS, ONE) | {"C9": ZERO}
    last_rated: dict[str, datetime | None] = dict.fromkeys(IDS[2:], weeks_ago(1))
    picked = select_competencies(IDS, last_rated, coverage=coverage, now=NOW)
    assert picked == ["C1", "C2", "C9"]


def test_small_référentiels_and_the_plain_rotation_are_unchanged() -> None:
    coverage = dict.fromkeys(IDS, ONE)
    assert select_competencies(IDS[:5], {}, coverage=coverage, now=NOW) == IDS[:5]
    assert select_competencies(IDS, {}, coverage=coverage, now=NOW) == ["C1", "C2", "C3"]


def test_rejects() -> None:
    with pytest.raises(ValueError, match="needs now"):
        select_competencies(IDS, {}, coverage={})
    with pytest.raises(ValueError, match="naive"):
        select_competencies(IDS, {}, coverage={}, now=datetime(2026, 11, 23))
    with pytest.raises(ValueError, match="between 0 and 1"):
        select_competencies(IDS, {}, coverage={"C1": Fraction(3, 2)}, now=NOW)


# --- properties ------------------------------------------------------------------------

START = datetime(2024, 1, 1, tzinfo=UTC)
shares = st.sampled_from([ZERO, Fraction(1, 3), HALF, Fraction(2, 3), ONE])
history = st.none() | st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2023, 12, 31), timezones=st.just(UTC)
)


def _due(last: datetime | None, now: datetime, count: int, per_week: int) -> bool:
    """The docstring's rule, written out: never rated, or rated more than 2W − 1 weeks ago."""
    rested = 2 * math.ceil(count / per_week) - 1
    return last is None or now - last > timedelta(weeks=rested)


@PROPERTY
@given(st.integers(7, 25), st.integers(1, 6), st.data())
def test_property_gaps_are_favoured_after_the_due(
    count: int, per_week: int, data: st.DataObject
) -> None:
    ids = [f"C{number}" for number in range(count)]
    now = START + timedelta(weeks=data.draw(st.integers(0, 60)))
    recent = st.none() | st.integers(0, 60 * 7 * 24).map(lambda hours: now - timedelta(hours=hours))
    last_rated = {c: data.draw(recent) for c in ids}
    coverage = {c: data.draw(shares) for c in ids}
    picked = select_competencies(ids, last_rated, per_week, 6, coverage=coverage, now=now)

    assert len(picked) == min(count, per_week)
    assert [ids.index(c) for c in picked] == sorted(ids.index(c) for c in picked)
    due = {c for c in ids if _due(last_rated[c], now, count, per_week)}
    left = [c for c in ids if c not in picked]
    if any(c in due for c in left):
        event("more due than slots")
        assert set(picked) <= due  # nothing rests while a due one waits
    for chosen in set(picked) - due:
        for other in set(left) - due:
            # A slot beyond the due goes to the least covered competency: a
            # fully covered one is picked only if no competency with a gap was left.
            assert coverage[chosen] <= coverage[other]
            if coverage[chosen] == ONE:
                event("a covered competency picked: no gap was left")
    if any(coverage[c] < 1 and c not in due for c in ids) and len(due) < per_week:
        event("a gap was eligible")
        assert any(coverage[c] < 1 for c in set(picked) - due)


@PROPERTY
@given(st.integers(7, 25), st.integers(1, 6), st.data())
def test_property_same_share_everywhere_is_the_plain_rotation(
    count: int, per_week: int, data: st.DataObject
) -> None:
    ids = [f"C{number}" for number in range(count)]
    now = START + timedelta(weeks=data.draw(st.integers(0, 60)))
    recent = st.none() | st.integers(0, 60 * 7 * 24).map(lambda hours: now - timedelta(hours=hours))
    last_rated = {c: data.draw(recent) for c in ids}
    share = data.draw(shares)
    coverage = dict.fromkeys(ids, share)
    assert select_competencies(
        ids, last_rated, per_week, 6, coverage=coverage, now=now
    ) == select_competencies(ids, last_rated, per_week, 6)


@PROPERTY
@given(st.integers(7, 25), st.integers(1, 6), st.data())
def test_property_no_competency_starves(count: int, per_week: int, data: st.DataObject) -> None:
    """Whatever the evidence does week after week (shares redrawn every week, gaps that
    never close), if the person rates the selection each week, every competency is
    asked in any 3W − 1 consecutive weeks."""
    ids = [f"C{number}" for number in range(count)]
    last_rated: dict[str, datetime | None] = {c: data.draw(history) for c in ids}
    window = math.ceil(count / min(count, per_week))
    bound = 3 * window - 1
    stuck_gaps = data.draw(st.booleans())  # some gaps that never close, the rest covered
    fixed = {c: data.draw(st.sampled_from([ZERO, ONE])) for c in ids}

    weeks: list[list[str]] = []
    for week in range(3 * bound):
        monday = START + timedelta(weeks=week)
        planned = monday + timedelta(hours=data.draw(st.integers(0, 6 * 24)))
        coverage = fixed if stuck_gaps else {c: data.draw(shares) for c in ids}
        selected = select_competencies(ids, last_rated, per_week, 6, coverage=coverage, now=planned)
        assert len(selected) == min(count, per_week)
        answered = planned + timedelta(hours=data.draw(st.integers(0, 24)))
        answered = min(answered, monday + timedelta(days=7, seconds=-1))
        for competency in selected:
            last_rated[competency] = answered
        weeks.append(selected)

    for start in range(len(weeks) - bound + 1):
        covered = {c for week in weeks[start : start + bound] for c in week}
        assert covered == set(ids)
    asked = [sum(c in week for week in weeks[window:]) for c in ids]
    if stuck_gaps and 0 < sum(fixed[c] == ZERO for c in ids) < count:
        event("gaps and covered competencies side by side")
        gaps = [n for c, n in zip(ids, asked, strict=True) if fixed[c] == ZERO]
        covered_counts = [n for c, n in zip(ids, asked, strict=True) if fixed[c] == ONE]
        # After the first cycle, a competency with a gap is asked at least as often.
        assert min(gaps) >= min(covered_counts)
