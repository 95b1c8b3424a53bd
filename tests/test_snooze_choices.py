"""The snooze choices of the weekly prompt (bot/domain/snooze.py).

Examples pin what a person in Paris sees on a Thursday afternoon, late on a Sunday, on
the nights the clocks change; hypothesis properties check over odd zones (half-hour,
45-minute and 30-minute-DST offsets, clock changes at midnight) and every minute of
2024–2030 that no choice is offered that is not ahead, or that comes back after the
week's deadline, and that a click is honoured only for what is offered at its time.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.scheduling import SNOOZE_END_MARGIN, cycle_at
from bot.domain.snooze import EVENING, MORNING, SnoozeChoice, chosen, snooze_options
from tests.test_scheduling import PROPERTY, ZONES, utc, wall

PARIS = "Europe/Paris"
HOUR, EVE, MORN = SnoozeChoice.HOUR, SnoozeChoice.EVENING, SnoozeChoice.MORNING
W48_END = utc(2026, 11, 29, 23)  # Monday 30 November 00:00 in Paris


def _offered(now: datetime, zone: str = PARIS) -> dict[SnoozeChoice, datetime]:
    closes = cycle_at(now, zone).ends_at
    return {o.choice: o.until for o in snooze_options(now, zone, closes)}


def test_thursday_afternoon_in_paris_offers_all_three() -> None:
    now = utc(2026, 11, 26, 15)  # Thursday 16:00 in Paris
    assert _offered(now) == {
        HOUR: utc(2026, 11, 26, 16),
        EVE: utc(2026, 11, 26, 17),  # 18:00 Paris
        MORN: utc(2026, 11, 27, 8),  # Friday 09:00 Paris
    }


def test_this_evening_is_not_offered_once_no_later_than_in_an_hour() -> None:
    assert EVE in _offered(utc(2026, 11, 26, 15, 59))  # 16:59: 18:00 is after 17:59
    assert EVE not in _offered(utc(2026, 11, 26, 16))  # 17:00: in an hour is 18:00
    assert set(_offered(utc(2026, 11, 26, 20))) == {HOUR, MORN}  # 21:00


def test_late_in_the_week_the_choices_after_the_deadline_go() -> None:
    sunday_morning = utc(2026, 11, 29, 9)  # 10:00 Paris: Monday morning is next week
    assert set(_offered(sunday_morning)) == {HOUR, EVE}
    # 22:00 is exactly an hour before the close: "in an hour" is still offered.
    assert set(_offered(W48_END - SNOOZE_END_MARGIN - timedelta(hours=1))) == {HOUR}
    assert _offered(W48_END - SNOOZE_END_MARGIN - timedelta(minutes=59)) == {}
    assert _offered(W48_END - timedelta(minutes=1)) == {}


def test_a_closed_week_offers_nothing() -> None:
    assert snooze_options(W48_END, PARIS, W48_END) == ()
    assert snooze_options(W48_END + timedelta(days=3), PARIS, W48_END) == ()


def test_the_night_the_clocks_go_back_in_paris() -> None:
    # Saturday 24 October 2026, 20:00 Paris (CEST): tomorrow 09:00 is CET, 14 h away (not 13).
    offered = _offered(utc(2026, 10, 24, 18))
    assert offered[MORN] == utc(2026, 10, 25, 8)
    assert offered[MORN] - utc(2026, 10, 24, 18) == timedelta(hours=14)


def test_kathmandu_and_its_quarter_hour() -> None:
    now = utc(2026, 11, 26, 6)  # 11:45 in Kathmandu (+05:45)
    offered = _offered(now, "Asia/Kathmandu")
    assert offered[EVE] == utc(2026, 11, 26, 12, 15)
    assert offered[MORN] == utc(2026, 11, 27, 3, 15)


def test_chosen_honours_what_is_offered_at_the_click() -> None:
    thursday = utc(2026, 11, 26, 15)
    option = chosen("evening", thursday, PARIS, W48_END)
    assert option is not None and option.until == utc(2026, 11, 26, 17)
    # A button seen on Thursday, clicked Thursday night: this evening has passed.
    assert chosen("evening", utc(2026, 11, 26, 19), PARIS, W48_END) is None
    # Clicked on Sunday: tomorrow morning would fall in the next week.
    assert chosen("morning", utc(2026, 11, 29, 9), PARIS, W48_END) is None
    for tampered in ("", "week", "HOUR", "hour ", "1", "evening;drop", "x" * 300):
        assert chosen(tampered, thursday, PARIS, W48_END) is None


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        snooze_options(datetime(2026, 11, 26, 15), PARIS, W48_END)


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@PROPERTY
@given(now=instants, zone=st.sampled_from(ZONES), before_close=st.booleans())
def test_every_choice_is_ahead_in_order_and_before_the_deadline(
    now: datetime, zone: str, before_close: bool
) -> None:
    # Either the person's own week, or a close within the next hours (the deadline edge).
    closes = cycle_at(now, zone).ends_at if before_close else now + timedelta(minutes=150)
    options = snooze_options(now, zone, closes)
    times = [o.until for o in options]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert [o.choice for o in options] == [
        c for c in SnoozeChoice if c in {o.choice for o in options}
    ]
    for option in options:
        assert now < option.until <= closes - SNOOZE_END_MARGIN
        local = wall(option.until, zone)
        today = now.astimezone(ZoneInfo(zone)).date()
        if option.choice is HOUR:
            assert option.until == now + timedelta(hours=1)
        elif option.choice is EVE:
            assert local.date() == today and _at_or_just_after_gap(local.time(), EVENING)
        else:
            assert local.date() == today + timedelta(days=1)
            assert _at_or_just_after_gap(local.time(), MORNING)
    # "In an hour" goes only when it would come back after the deadline.
    assert (HOUR in {o.choice for o in options}) == (
        now + timedelta(hours=1) <= closes - SNOOZE_END_MARGIN
    )


@PROPERTY
@given(now=instants, zone=st.sampled_from(ZONES), value=st.text(max_size=12))
def test_a_click_gets_exactly_what_is_offered_or_nothing(
    now: datetime, zone: str, value: str
) -> None:
    closes = cycle_at(now, zone).ends_at
    offered = {o.choice.value: o for o in snooze_options(now, zone, closes)}
    for candidate in (value, *SnoozeChoice):
        assert chosen(str(candidate), now, zone, closes) == offered.get(str(candidate))


def _at_or_just_after_gap(local: time, wanted: time) -> bool:
    """``wanted`` on the wall clock, or the end of a spring-forward gap it fell in."""
    if local == wanted:
        return True
    minutes = (local.hour * 60 + local.minute) - (wanted.hour * 60 + wanted.minute)
    return 0 < minutes <= 120  # no zone's gap is longer than two hours
