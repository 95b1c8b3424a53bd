"""The weekly check-in's scheduling rules (bot/scheduling.py).

Examples pin the facts people check by hand (Paris and New York clock changes,
half-hour zones, ISO-year edges, pauses, caps); hypothesis properties check the
invariants over real zones, 2024–2030, including minutes around every clock
change of the zones listed below.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from bot.domain.scheduling import (
    DEFAULT_CHECKIN_TIME,
    DEFAULT_CHECKIN_WEEKDAY,
    Cycle,
    cycle_at,
    cycle_by_key,
    cycle_key,
    is_due,
    local_to_utc,
    next_checkin,
    next_cycle,
    parse_local_time,
    parse_weekday,
    previous_cycle,
    reminder_due_at,
    resolve_slot,
    scheduled_at,
    select_competencies,
    snooze_until,
)

PARIS = "Europe/Paris"
NEW_YORK = "America/New_York"
THURSDAY = 3
FOUR_PM = time(16, 0)

# Zones with something to get wrong: DST on either hemisphere, clock changes at
# midnight (Havana, Santiago, Beirut, Cairo), half-hour and 45-minute offsets,
# a 30-minute DST shift (Lord Howe), a 2-hour one (Troll), "negative" DST
# (Dublin, Casablanca), and rules that changed recently (Sao Paulo 2019, Mexico
# City and Tehran 2022, Nuuk 2023, Almaty 2024, Asuncion 2024).
ZONES = [
    "UTC",
    "Europe/Paris",
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "America/Havana",
    "America/Santiago",
    "America/Asuncion",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/Nuuk",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tehran",
    "Asia/Beirut",
    "Asia/Gaza",
    "Asia/Almaty",
    "Africa/Cairo",
    "Africa/Casablanca",
    "Australia/Lord_Howe",
    "Australia/Adelaide",
    "Australia/Eucla",
    "Pacific/Chatham",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
    "Pacific/Apia",
    "Pacific/Pago_Pago",
    "Antarctica/Troll",
]
ALL_ZONES = sorted(available_timezones())
PROPERTY = settings(max_examples=200, deadline=None)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def wall(instant: datetime, tz_name: str) -> datetime:
    """The naive wall-clock reading of an instant in a zone."""
    return instant.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None, fold=0)


def offset(instant: datetime, tz_name: str) -> timedelta:
    """The zone's UTC offset at an instant."""
    result = instant.astimezone(ZoneInfo(tz_name)).utcoffset()
    assert result is not None
    return result


def exists(local: datetime, tz_name: str) -> bool:
    """Whether the wall clock in the zone ever shows ``local`` (PEP 495 round trip)."""
    zone = ZoneInfo(tz_name)
    return any(
        wall(local.replace(tzinfo=zone, fold=fold).astimezone(UTC), tz_name) == local
        for fold in (0, 1)
    )


def transitions(tz_name: str, start: datetime, end: datetime) -> list[datetime]:
    """The UTC instants at which the zone's offset changes between start and end."""

    found = []
    day = start
    while day < end:
        following = day + timedelta(days=1)
        if offset(day, tz_name) != offset(following, tz_name):
            lo, hi = day, following  # offset(lo) is the old one, offset(hi) the new
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if offset(mid, tz_name) == offset(day, tz_name):
                    lo = mid
                else:
                    hi = mid
            found.append(hi)
        day = following
    return found


TRANSITIONS = [
    (zone, instant)
    for zone in ZONES
    for instant in transitions(zone, utc(2024, 1, 1), utc(2031, 1, 1))
]


# --- parsing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday", 0),
        ("Lundi", 0),
        ("MON", 0),
        ("lun", 0),
        (" lun. ", 0),
        ("tuesday", 1),
        ("mardi", 1),
        ("tue", 1),
        ("mar", 1),
        ("Wednesday", 2),
        ("mercredi", 2),
        ("wed", 2),
        ("mer", 2),
        ("thursday", 3),
        ("JEUDI", 3),
        ("thu", 3),
        ("jeu", 3),
        ("friday", 4),
        ("vendredi", 4),
        ("fri", 4),
        ("ven", 4),
        ("saturday", 5),
        ("samedi", 5),
        ("sat", 5),
        ("sam", 5),
        ("sunday", 6),
        ("Dimanche", 6),
        ("sun", 6),
        ("dim", 6),
    ],
)
def test_parse_weekday(text: str, expected: int) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["", " ", "1", "0", "lundis", "tues", "mo", "thurs", "jeu..", "l"])
def test_parse_weekday_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a weekday"):
        parse_weekday(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16:00", time(16, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("09:05", time(9, 5)),
        ("9:05", time(9, 5)),
        (" 08:30 ", time(8, 30)),
        # The French way.
        ("9h30", time(9, 30)),
        ("9h", time(9, 0)),
        ("09h05", time(9, 5)),
        ("9 h 30", time(9, 30)),
        ("16H", time(16, 0)),
        ("16h00", time(16, 0)),
        ("0h", time(0, 0)),
        ("23h59", time(23, 59)),
    ],
)
def test_parse_local_time(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "16",
        "24:00",
        "16:60",
        "24h",
        "9h5",
        "16h60",
        "h30",
        "9:",
        "9 :30",
        "9hh",
        "9h30m",
        "4pm",
        "16:00:00",
        "1600",
        "-1:00",
        "١٦:٠٠",
        "16:5",
    ],
)
def test_parse_local_time_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_local_time(text)


_HOURS = st.integers(min_value=0, max_value=23)
_MINUTES = st.integers(min_value=0, max_value=59)
_SPACE = st.sampled_from(["", " ", "  "])


@given(_HOURS, _MINUTES, st.booleans(), st.sampled_from(["h", "H"]), _SPACE, _SPACE)
def test_every_time_written_the_french_or_english_way_reads_as_itself(
    hour: int, minute: int, padded: bool, h: str, before: str, after: str
) -> None:
    written = f"{hour:02d}" if padded else str(hour)
    expected = time(hour, minute)
    assert parse_local_time(f"{written}:{minute:02d}") == expected
    assert parse_local_time(f"{written}{before}{h}{after}{minute:02d}") == expected
    if minute == 0:
        assert parse_local_time(f"{written}{before}{h}") == expected


@given(st.integers(min_value=24, max_value=99), _MINUTES, st.sampled_from([":", "h", " h "]))
def test_an_hour_past_23_is_refused_however_written(hour: int, minute: int, mark: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_local_time(f"{hour}{mark}{minute:02d}")


@given(_HOURS, st.integers(min_value=60, max_value=99), st.sampled_from([":", "h", " h "]))
def test_a_minute_past_59_is_refused_however_written(hour: int, minute: int, mark: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_local_time(f"{hour}{mark}{minute}")


@given(st.text(max_size=8))
def test_any_text_is_a_time_of_day_or_refused(text: str) -> None:
    try:
        parsed = parse_local_time(text)
    except ValueError:
        return
    assert parse_local_time(parsed.strftime("%H:%M")) == parsed
    assert parse_local_time(f"{parsed.hour}h{parsed.minute:02d}") == parsed


def test_resolve_slot_person_over_workspace_over_default() -> None:
    assert resolve_slot(None, None) == (DEFAULT_CHECKIN_WEEKDAY, DEFAULT_CHECKIN_TIME)
    assert (DEFAULT_CHECKIN_WEEKDAY, DEFAULT_CHECKIN_TIME) == (THURSDAY, FOUR_PM)
    assert resolve_slot(None, None, 1, time(9, 0)) == (1, time(9, 0))
    assert resolve_slot(0, None, 1, time(9, 0)) == (0, time(9, 0))
    assert resolve_slot(None, time(10, 30), 1, None) == (1, time(10, 30))
    assert resolve_slot(0, None) == (0, FOUR_PM)  # Monday is 0, not "unset"
    with pytest.raises(ValueError, match="weekday"):
        resolve_slot(7, None)


# --- local time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz_name", "day", "at", "expected_utc", "reads"),
    [
        # Paris springs forward on 2026-03-29 at 02:00 CET (01:00 UTC) to 03:00 CEST.
        (PARIS, date(2026, 3, 26), FOUR_PM, utc(2026, 3, 26, 15), time(16, 0)),
        (PARIS, date(2026, 3, 29), time(1, 59), utc(2026, 3, 29, 0, 59), time(1, 59)),
        (PARIS, date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1), time(3, 0)),
        (PARIS, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1), time(3, 0)),
        (PARIS, date(2026, 3, 29), time(2, 59), utc(2026, 3, 29, 1), time(3, 0)),
        (PARIS, date(2026, 3, 29), time(3, 0), utc(2026, 3, 29, 1), time(3, 0)),
        (PARIS, date(2026, 3, 29), FOUR_PM, utc(2026, 3, 29, 14), time(16, 0)),
        # Paris falls back on 2026-10-25 at 03:00 CEST (01:00 UTC) to 02:00 CET.
        (PARIS, date(2026, 10, 25), time(1, 59), utc(2026, 10, 24, 23, 59), time(1, 59)),
        (PARIS, date(2026, 10, 25), time(2, 0), utc(2026, 10, 25, 0, 0), time(2, 0)),
        (PARIS, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), time(2, 30)),
        (PARIS, date(2026, 10, 25), time(3, 0), utc(2026, 10, 25, 2, 0), time(3, 0)),
        (PARIS, date(2026, 10, 25), FOUR_PM, utc(2026, 10, 25, 15), time(16, 0)),
        # New York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7), time(3, 0)),
        (NEW_YORK, date(2026, 3, 8), FOUR_PM, utc(2026, 3, 8, 20), time(16, 0)),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), time(1, 30)),
        (NEW_YORK, date(2026, 11, 1), FOUR_PM, utc(2026, 11, 1, 21), time(16, 0)),
        # Half-hour and 45-minute zones without DST.
        ("Asia/Kolkata", date(2026, 3, 29), FOUR_PM, utc(2026, 3, 29, 10, 30), time(16, 0)),
        ("Asia/Kolkata", date(2026, 11, 1), FOUR_PM, utc(2026, 11, 1, 10, 30), time(16, 0)),
        ("Asia/Kathmandu", date(2026, 6, 1), FOUR_PM, utc(2026, 6, 1, 10, 15), time(16, 0)),
        # Lord Howe shifts by 30 minutes: +10:30 -> +11 on 2026-10-04 at 02:00,
        # +11 -> +10:30 on 2026-04-05 at 02:00 (01:30-01:59 happens twice).
        (
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            time(2, 15),
            utc(2026, 10, 3, 15, 30),
            time(2, 30),
        ),
        (
            "Australia/Lord_Howe",
            date(2026, 4, 5),
            time(1, 45),
            utc(2026, 4, 4, 14, 45),
            time(1, 45),
        ),
        ("Australia/Lord_Howe", date(2026, 4, 5), FOUR_PM, utc(2026, 4, 5, 5, 30), time(16, 0)),
        # Troll jumps two hours (+00 -> +02) at 01:00 UTC on 2026-03-29.
        ("Antarctica/Troll", date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1), time(3, 0)),
        # Nuuk springs forward from Saturday 23:00 to Sunday 00:00 (01:00 UTC): the
        # first valid minute after the gap is on the next day.
        ("America/Nuuk", date(2024, 3, 30), time(23, 30), utc(2024, 3, 31, 1), time(0, 0)),
        # Havana springs forward at midnight: 00:00-00:59 does not exist on 2026-03-08.
        ("America/Havana", date(2026, 3, 8), time(0, 30), utc(2026, 3, 8, 5), time(1, 0)),
        # Rules that changed: Sao Paulo had DST until 2019, Mexico City until 2022,
        # Tehran until 2022.
        ("America/Sao_Paulo", date(2018, 11, 4), time(0, 30), utc(2018, 11, 4, 3), time(1, 0)),
        ("America/Sao_Paulo", date(2026, 11, 1), FOUR_PM, utc(2026, 11, 1, 19), time(16, 0)),
        ("America/Mexico_City", date(2022, 4, 3), FOUR_PM, utc(2022, 4, 3, 21), time(16, 0)),
        ("America/Mexico_City", date(2026, 4, 2), FOUR_PM, utc(2026, 4, 2, 22), time(16, 0)),
        ("Asia/Tehran", date(2026, 6, 1), FOUR_PM, utc(2026, 6, 1, 12, 30), time(16, 0)),
    ],
)
def test_local_to_utc(
    tz_name: str, day: date, at: time, expected_utc: datetime, reads: time
) -> None:
    fired = local_to_utc(day, at, tz_name)
    assert fired == expected_utc
    assert fired.tzinfo is UTC
    assert wall(fired, tz_name).time() == reads


def test_local_to_utc_ignores_the_fold_it_is_given() -> None:
    # The first occurrence is the rule, whatever the caller's time object says.
    assert local_to_utc(date(2026, 10, 25), time(2, 30, fold=1), PARIS) == utc(2026, 10, 25, 0, 30)


def test_local_to_utc_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="time zone"):
        local_to_utc(date(2026, 1, 1), FOUR_PM, "Europe/Nowhere")
    with pytest.raises(ValueError, match="time zone"):
        local_to_utc(date(2026, 1, 1), FOUR_PM, "../etc/passwd")
    with pytest.raises(ValueError, match="time zone"):
        local_to_utc(date(2026, 1, 1), time(16, 0, tzinfo=UTC), PARIS)
    with pytest.raises(ValueError, match="out of range"):
        local_to_utc(date(1, 1, 1), time(0, 0), "Asia/Tokyo")


# --- cycles -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2026, 11, 26), "2026-W48"),
        (date(2026, 12, 28), "2026-W53"),
        (date(2026, 12, 31), "2026-W53"),  # 2026 has 53 ISO weeks
        (date(2027, 1, 1), "2026-W53"),  # calendar 2027, ISO year 2026
        (date(2027, 1, 3), "2026-W53"),
        (date(2027, 1, 4), "2027-W01"),
        (date(2024, 12, 30), "2025-W01"),  # calendar 2024, ISO year 2025
        (date(2029, 12, 31), "2030-W01"),
        (date(2021, 1, 3), "2020-W53"),
        (date(2026, 1, 5), "2026-W02"),
    ],
)
def test_cycle_key_uses_the_iso_year(day: date, key: str) -> None:
    assert cycle_key(day) == key


def test_cycle_is_the_local_week() -> None:
    cycle = cycle_at(utc(2026, 11, 26, 12), PARIS)
    assert cycle == Cycle("2026-W48", utc(2026, 11, 22, 23), utc(2026, 11, 29, 23))
    assert cycle.first_day == date(2026, 11, 23)
    assert cycle_at(cycle.starts_at, PARIS) == cycle
    assert cycle_at(cycle.ends_at - timedelta(microseconds=1), PARIS) == cycle
    assert cycle_at(cycle.ends_at, PARIS).key == "2026-W49"
    assert cycle.contains(cycle.starts_at)
    assert not cycle.contains(cycle.ends_at)


def test_the_same_instant_is_in_different_weeks_in_different_zones() -> None:
    # Monday 2027-01-04 00:30 in Paris, still Sunday 2027-01-03 in New York.
    instant = utc(2027, 1, 3, 23, 30)
    assert cycle_at(instant, PARIS).key == "2027-W01"
    assert cycle_at(instant, NEW_YORK).key == "2026-W53"
    assert cycle_at(instant, "Asia/Kolkata").key == "2027-W01"


def test_cycles_across_the_iso_year_boundary() -> None:
    w53 = cycle_by_key("2026-W53", PARIS)
    assert (w53.starts_at, w53.ends_at) == (utc(2026, 12, 27, 23), utc(2027, 1, 3, 23))
    assert cycle_at(utc(2026, 12, 31, 12), PARIS) == w53
    assert cycle_at(utc(2027, 1, 1, 12), PARIS) == w53
    w01 = next_cycle(w53, PARIS)
    assert w01.key == "2027-W01"
    assert w01.starts_at == w53.ends_at
    assert previous_cycle(w01, PARIS) == w53
    assert next_cycle(cycle_by_key("2025-W52", PARIS), PARIS).key == "2026-W01"


def test_cycles_of_the_clock_change_weeks_are_shorter_and_longer() -> None:
    spring = cycle_by_key("2026-W13", PARIS)  # contains Sunday 2026-03-29
    assert spring.ends_at - spring.starts_at == timedelta(days=7, hours=-1)
    autumn = cycle_by_key("2026-W43", PARIS)  # contains Sunday 2026-10-25
    assert autumn.ends_at - autumn.starts_at == timedelta(days=7, hours=1)
    assert cycle_by_key("2026-W44", PARIS).starts_at == utc(2026, 10, 25, 23)


@pytest.mark.parametrize(
    "key",
    ["2026-48", "2026-W1", "2026-w48", " 2026-W48", "2026-W00", "2026-W54", "2025-W53", "26-W01"],
)
def test_cycle_by_key_rejects(key: str) -> None:
    with pytest.raises(ValueError):
        cycle_by_key(key, PARIS)


def test_cycle_validates_itself() -> None:
    with pytest.raises(ValueError, match="cycle key"):
        Cycle("2026W48", utc(2026, 11, 22, 23), utc(2026, 11, 29, 23))
    with pytest.raises(ValueError, match="naive"):
        Cycle("2026-W48", datetime(2026, 11, 22, 23), utc(2026, 11, 29, 23))
    with pytest.raises(ValueError, match="end after"):
        Cycle("2026-W48", utc(2026, 11, 29, 23), utc(2026, 11, 22, 23))


# --- when the check-in fires --------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("2026-W12", utc(2026, 3, 19, 15)),  # CET
        ("2026-W13", utc(2026, 3, 26, 15)),  # Thursday before the change: still CET
        ("2026-W14", utc(2026, 4, 2, 14)),  # CEST
        ("2026-W43", utc(2026, 10, 22, 14)),  # CEST
        ("2026-W44", utc(2026, 10, 29, 15)),  # CET again
    ],
)
def test_paris_thursday_four_pm_follows_the_wall_clock(key: str, expected: datetime) -> None:
    fired = scheduled_at(cycle_by_key(key, PARIS), THURSDAY, FOUR_PM, PARIS)
    assert fired == expected
    assert wall(fired, PARIS).time() == FOUR_PM


def test_check_in_on_the_clock_change_day_itself() -> None:
    sunday = 6
    spring = cycle_by_key("2026-W13", PARIS)
    assert scheduled_at(spring, sunday, time(2, 30), PARIS) == utc(2026, 3, 29, 1)  # 03:00 local
    assert scheduled_at(spring, sunday, FOUR_PM, PARIS) == utc(2026, 3, 29, 14)
    autumn = cycle_by_key("2026-W43", PARIS)
    assert scheduled_at(autumn, sunday, time(2, 30), PARIS) == utc(2026, 10, 25, 0, 30)
    ny_spring = cycle_by_key("2026-W10", NEW_YORK)
    assert scheduled_at(ny_spring, sunday, time(9, 0), NEW_YORK) == utc(2026, 3, 8, 13)
    ny_autumn = cycle_by_key("2026-W44", NEW_YORK)
    assert scheduled_at(ny_autumn, sunday, time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_scheduled_at_rejects_a_cycle_of_another_zone_and_bad_weekdays() -> None:
    cycle = cycle_by_key("2026-W48", PARIS)
    with pytest.raises(ValueError, match="not computed for"):
        scheduled_at(cycle, THURSDAY, FOUR_PM, NEW_YORK)
    for weekday in (-1, 7):
        with pytest.raises(ValueError, match="weekday"):
            scheduled_at(cycle, weekday, FOUR_PM, PARIS)


# --- next check-in and pauses ---------------------------------------------------------

W48 = cycle_by_key("2026-W48", PARIS)  # Monday 2026-11-23 to Sunday 2026-11-29
W48_SLOT = utc(2026, 11, 26, 15)  # Thursday 16:00 CET
W49 = cycle_by_key("2026-W49", PARIS)
W49_SLOT = utc(2026, 12, 3, 15)


@pytest.mark.parametrize(
    ("now", "include_due", "expected"),
    [
        (utc(2026, 11, 23, 8), True, (W48, W48_SLOT)),  # Monday: still to come
        (utc(2026, 11, 23, 8), False, (W48, W48_SLOT)),
        (W48_SLOT, True, (W48, W48_SLOT)),  # exactly due
        (W48_SLOT, False, (W49, W49_SLOT)),  # due already: not "next"
        (utc(2026, 11, 28, 9), True, (W48, W48_SLOT)),  # Saturday: due, sent late
        (utc(2026, 11, 28, 9), False, (W49, W49_SLOT)),
        (W48.ends_at, True, (W49, W49_SLOT)),  # the cycle has closed
    ],
)
def test_next_checkin(now: datetime, include_due: bool, expected: tuple[Cycle, datetime]) -> None:
    assert next_checkin(now, THURSDAY, FOUR_PM, PARIS, include_due=include_due) == expected


def test_the_only_past_result_is_the_open_due_prompt() -> None:
    now = utc(2026, 11, 28, 9)
    cycle, fired = next_checkin(now, THURSDAY, FOUR_PM, PARIS)
    assert fired < now
    assert is_due(now, fired, cycle)


@pytest.mark.parametrize(
    ("paused_until", "expected"),
    [
        (date(2026, 11, 1), (W48, W48_SLOT)),  # pause over: no effect
        (date(2026, 11, 25), (W48, W48_SLOT)),  # through Wednesday: Thursday fires
        (date(2026, 11, 26), (W49, W49_SLOT)),  # through Thursday itself: skipped
        (date(2026, 11, 27), (W49, W49_SLOT)),
        (date(2026, 12, 3), (cycle_by_key("2026-W50", PARIS), utc(2026, 12, 10, 15))),
        (
            date(2027, 1, 1),  # across the ISO year: W53 is skipped too
            (cycle_by_key("2027-W01", PARIS), utc(2027, 1, 7, 15)),
        ),
        (date(2027, 3, 1), (cycle_by_key("2027-W09", PARIS), utc(2027, 3, 4, 15))),
    ],
)
def test_pause_is_inclusive_and_local(paused_until: date, expected: tuple[Cycle, datetime]) -> None:
    monday = utc(2026, 11, 23, 8)
    assert next_checkin(monday, THURSDAY, FOUR_PM, PARIS, paused_until) == expected


def test_pause_compares_local_dates_not_utc_dates() -> None:
    # Thursday 22:00 in New York is already Friday 03:00 UTC; paused through
    # Thursday (New York) means that check-in is skipped.
    cycle = cycle_by_key("2026-W48", NEW_YORK)
    now = utc(2026, 11, 23, 15)
    _, fired = next_checkin(now, THURSDAY, time(22, 0), NEW_YORK)
    assert fired == utc(2026, 11, 27, 3)
    skipped = next_checkin(now, THURSDAY, time(22, 0), NEW_YORK, date(2026, 11, 26))
    assert skipped == (next_cycle(cycle, NEW_YORK), utc(2026, 12, 4, 3))


def test_a_pause_ending_before_a_due_prompt_keeps_it_due() -> None:
    # Paused through Wednesday, now Saturday: Thursday's prompt is still owed.
    now = utc(2026, 11, 28, 9)
    assert next_checkin(now, THURSDAY, FOUR_PM, PARIS, date(2026, 11, 25)) == (W48, W48_SLOT)


def test_pause_too_far_in_the_future() -> None:
    with pytest.raises(ValueError, match="too far"):
        next_checkin(utc(2026, 11, 23), THURSDAY, FOUR_PM, PARIS, date.max)


def test_instants_must_be_aware() -> None:
    naive = datetime(2026, 11, 26, 15)
    with pytest.raises(ValueError, match="naive"):
        cycle_at(naive, PARIS)
    with pytest.raises(ValueError, match="naive"):
        next_checkin(naive, THURSDAY, FOUR_PM, PARIS)
    with pytest.raises(ValueError, match="naive"):
        is_due(naive, W48_SLOT, W48)
    with pytest.raises(ValueError, match="naive"):
        is_due(utc(2026, 11, 26, 15), naive, W48)
    with pytest.raises(ValueError, match="naive"):
        reminder_due_at(naive, 24, W48)
    with pytest.raises(ValueError, match="naive"):
        snooze_until(naive, 2, W48)


def test_aware_non_utc_instants_are_accepted() -> None:
    paris_time = datetime(2026, 11, 26, 16, tzinfo=ZoneInfo(PARIS))
    assert cycle_at(paris_time, PARIS) == W48
    assert is_due(paris_time, W48_SLOT, W48)


# --- due, reminders, snoozes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (W48_SLOT - timedelta(minutes=1), False),
        (W48_SLOT, True),
        (utc(2026, 11, 29, 22, 59), True),  # the bot was down: still sent on Sunday
        (W48.ends_at, False),  # the cycle is over: missed
        (utc(2026, 12, 1), False),
    ],
)
def test_is_due(now: datetime, due: bool) -> None:
    assert is_due(now, W48_SLOT, W48) is due


def test_reminder_due_at() -> None:
    assert reminder_due_at(W48_SLOT, 24, W48) == W48_SLOT + timedelta(hours=24)
    assert reminder_due_at(W48_SLOT, 1.5, W48) == W48_SLOT + timedelta(minutes=90)
    hours_left = (W48.ends_at - W48_SLOT) / timedelta(hours=1)
    assert reminder_due_at(W48_SLOT, hours_left, W48) is None  # at the end: too late
    assert reminder_due_at(W48_SLOT, hours_left - 0.5, W48) == W48.ends_at - timedelta(minutes=30)
    assert reminder_due_at(utc(2026, 11, 29, 20), 24, W48) is None
    for bad in (0, -1, math.nan, math.inf):
        with pytest.raises(ValueError, match="positive"):
            reminder_due_at(W48_SLOT, bad, W48)


def test_snooze_until_is_capped_before_the_end_of_the_cycle() -> None:
    assert snooze_until(W48_SLOT, 2, W48) == W48_SLOT + timedelta(hours=2)
    last_hour = W48.ends_at - timedelta(hours=1)
    assert snooze_until(utc(2026, 11, 29, 12), 24, W48) == last_hour
    assert snooze_until(last_hour + timedelta(minutes=20), 2, W48) == last_hour + timedelta(
        minutes=20
    )
    assert snooze_until(utc(2026, 11, 29, 12), 24, W48, margin=timedelta(0)) == W48.ends_at
    with pytest.raises(ValueError, match="ended"):
        snooze_until(W48.ends_at, 2, W48)
    with pytest.raises(ValueError, match="positive"):
        snooze_until(W48_SLOT, 0, W48)


# --- competencies ------------------------------------------------------------------------

IDS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"]


def test_six_or_fewer_competencies_are_all_asked() -> None:
    assert select_competencies(IDS[:5], {}) == IDS[:5]
    assert select_competencies(IDS[:6], {"C1": utc(2026, 1, 1)}) == IDS[:6]


def test_more_than_six_rotate_least_recently_rated_first() -> None:
    assert select_competencies(IDS, {}) == ["C1", "C2", "C3"]  # none rated: référentiel order
    last_rated: dict[str, datetime | None] = {
        "C1": utc(2026, 3, 1),
        "C2": utc(2026, 2, 1),
        "C3": utc(2026, 3, 1),
        "C4": utc(2026, 1, 1),
        "C5": None,
        "C6": utc(2026, 3, 1),
        "C7": utc(2026, 2, 1),
        "C8": utc(2026, 3, 1),
        # C9 absent: never rated
    }
    # Never rated first (C5, C9), then the oldest (C4); returned in référentiel order.
    assert select_competencies(IDS, last_rated) == ["C4", "C5", "C9"]
    assert select_competencies(IDS, last_rated, per_week=4) == ["C2", "C4", "C5", "C9"]
    assert select_competencies(IDS, last_rated, per_week=5) == ["C2", "C4", "C5", "C7", "C9"]
    assert select_competencies(IDS, last_rated, rotate_above=9) == IDS
    assert select_competencies(IDS, {}, per_week=20) == IDS


def test_select_competencies_rejects() -> None:
    with pytest.raises(ValueError, match="distinct"):
        select_competencies(["C1", "C1", *IDS], {})
    with pytest.raises(ValueError, match="per_week"):
        select_competencies(IDS, {}, per_week=0)
    with pytest.raises(ValueError, match="rotate_above"):
        select_competencies(IDS, {}, rotate_above=-1)
    with pytest.raises(ValueError, match="naive"):
        select_competencies(IDS, {"C1": datetime(2026, 1, 1)})


# --- properties ----------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31, 23, 59), timezones=st.just(UTC)
)
any_zone = st.one_of(st.sampled_from(ZONES), st.sampled_from(ALL_ZONES))
weekdays = st.integers(0, 6)
minutes_of_day = st.integers(0, 24 * 60 - 1).map(lambda m: time(m // 60, m % 60))


@st.composite
def slots(draw: st.DrawFn) -> tuple[str, date, time]:
    """A zone and a requested local date and time: anywhere, or near a clock change."""
    if draw(st.booleans()):
        zone, transition = draw(st.sampled_from(TRANSITIONS))
        # The wall clock at the change, then anything within 2.5 hours
        # either side: covers every gap and every repeated hour of these zones.
        before = wall(transition - timedelta(minutes=1), zone) + timedelta(minutes=1)
        local = before + timedelta(minutes=draw(st.integers(-150, 150)))
        return zone, local.date(), local.time()
    zone = draw(any_zone)
    local = wall(draw(instants), zone)
    return zone, local.date(), draw(minutes_of_day)


@PROPERTY
@given(slots())
def test_property_check_in_fires_at_the_wall_clock_time_or_just_after_the_gap(
    slot: tuple[str, date, time],
) -> None:
    zone, day, at = slot
    cycle = cycle_by_key(cycle_key(day), zone)
    fired = scheduled_at(cycle, day.weekday(), at, zone)
    requested = datetime.combine(day, at)
    reads = wall(fired, zone)

    assert cycle.starts_at <= fired < cycle.ends_at
    assert fired.second == 0 and fired.microsecond == 0
    if exists(requested, zone):
        occurrences = {
            requested.replace(tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC) for fold in (0, 1)
        }
        event("requested time happens twice" if len(occurrences) == 2 else "requested time exists")
        assert reads == requested
        # Fires once, at the first occurrence: no earlier instant shows that time
        # (real clock changes move by 30 minutes, 1 hour or 2 hours).
        for shift in (30, 60, 120):
            assert wall(fired - timedelta(minutes=shift), zone) != requested
    else:
        # In a gap: the first valid minute after it, and no further than its length.
        event("requested time in a gap")
        gap = offset(fired, zone) - offset(fired - timedelta(seconds=1), zone)
        assert gap > timedelta(0)
        assert requested < reads <= requested + gap
        # Usually the same day; the next one when the gap ends at midnight (Nuuk).
        assert reads.date() - day in (timedelta(0), timedelta(days=1))
        assert wall(fired - timedelta(minutes=1), zone) < requested


@PROPERTY
@given(any_zone, instants)
def test_property_cycles_partition_time(zone: str, instant: datetime) -> None:
    cycle = cycle_at(instant, zone)
    following = next_cycle(cycle, zone)

    assert cycle.contains(instant)
    assert cycle_by_key(cycle.key, zone) == cycle
    assert cycle.key == cycle_key(wall(cycle.starts_at, zone).date())
    assert wall(cycle.starts_at, zone).weekday() == 0
    assert following.starts_at == cycle.ends_at
    assert previous_cycle(following, zone) == cycle
    assert following.key > cycle.key  # zero-padded keys sort like (year, week)
    assert following.first_day == cycle.first_day + timedelta(days=7)
    assert abs(cycle.ends_at - cycle.starts_at - timedelta(days=7)) <= timedelta(hours=2)


def reference_next_checkin(
    now: datetime, weekday: int, at: time, zone: str, paused_until: date | None, include_due: bool
) -> tuple[Cycle, datetime]:
    """The obvious week-by-week walk that next_checkin must agree with."""
    cycle = cycle_at(now, zone)
    while True:
        fired = scheduled_at(cycle, weekday, at, zone)
        on_time = include_due or fired > now
        unpaused = paused_until is None or wall(fired, zone).date() > paused_until
        if on_time and unpaused:
            return cycle, fired
        cycle = next_cycle(cycle, zone)


@st.composite
def nows(draw: st.DrawFn, zone: str, weekday: int, at: time) -> datetime:
    """Any instant, or one within minutes of that week's check-in."""
    instant = draw(instants)
    if draw(st.booleans()):
        return instant
    fired = scheduled_at(cycle_at(instant, zone), weekday, at, zone)
    return fired + timedelta(minutes=draw(st.integers(-3, 3)))


@PROPERTY
@given(st.data(), any_zone, weekdays, minutes_of_day, st.booleans())
def test_property_next_checkin(
    data: st.DataObject, zone: str, weekday: int, at: time, include_due: bool
) -> None:
    now = data.draw(nows(zone, weekday, at))
    local_today = wall(now, zone).date()
    paused_until = data.draw(
        st.none() | st.integers(-30, 150).map(lambda days: local_today + timedelta(days=days))
    )
    cycle, fired = next_checkin(now, weekday, at, zone, paused_until, include_due=include_due)

    assert (cycle, fired) == reference_next_checkin(
        now, weekday, at, zone, paused_until, include_due
    )
    assert cycle.contains(fired)
    assert fired == scheduled_at(cycle, weekday, at, zone)
    assert cycle.starts_at >= cycle_at(now, zone).starts_at
    if paused_until is not None:
        assert wall(fired, zone).date() > paused_until
    # Never in the past of now, except the current cycle's prompt, due and open.
    if fired <= now:
        event("due prompt in the past of now")
        assert include_due
        assert cycle == cycle_at(now, zone)
        assert is_due(now, fired, cycle)
    if not include_due:
        assert fired > now
    if paused_until is None and include_due:
        assert cycle == cycle_at(now, zone)
        assert is_due(now, fired, cycle) == (fired <= now)


@PROPERTY
@given(
    st.integers(1, 25),
    st.integers(1, 6),
    st.integers(0, 8),
    st.data(),
)
def test_property_select_competencies_rotation_covers_everything(
    count: int, per_week: int, rotate_above: int, data: st.DataObject
) -> None:
    ids = [f"C{number}" for number in range(count)]
    # Any history before the first week: some never rated, some rated in 2020–2023.
    history = st.none() | st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2023, 12, 31), timezones=st.just(UTC)
    )
    last_rated: dict[str, datetime | None] = {competency: data.draw(history) for competency in ids}
    expected_size = count if count <= rotate_above else min(count, per_week)
    window = math.ceil(count / expected_size)

    weeks: list[list[str]] = []
    for week in range(3 * window):
        selected = select_competencies(ids, last_rated, per_week, rotate_above)
        assert len(selected) == expected_size
        assert len(set(selected)) == len(selected)
        positions = [ids.index(competency) for competency in selected]
        assert positions == sorted(positions)  # référentiel order
        rated_at = utc(2024, 1, 1) + timedelta(weeks=week)
        for competency in selected:
            last_rated[competency] = rated_at
        weeks.append(selected)

    for start in range(len(weeks) - window + 1):
        covered = {competency for week in weeks[start : start + window] for competency in week}
        assert covered == set(ids)
