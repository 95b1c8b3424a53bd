"""The pure rules of the weekly check-in: cycles, firing times, reminders, rotation.

Nothing here touches the database, Slack or the clock: every function is given the
instants it needs (aware datetimes, normalised to UTC) and the person's IANA time
zone name, so the rules can be tested exhaustively and several processes computing
them always agree.

Vocabulary:

* a **cycle** is one person's local ISO week, Monday 00:00 local to the next Monday
  00:00 local, known by its key ``"2026-W48"`` (ISO year, ISO week) and stored as
  the UTC instants of its bounds;
* a **slot** is the local weekday (0 = Monday) and wall-clock time at which the
  check-in of every cycle fires.

Wall-clock times are resolved with two rules (see :func:`local_to_utc`): a time that
does not exist that day (spring-forward gap) fires at the first valid minute after
the gap; a time that happens twice (fall-back) fires once, at its first occurrence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from fractions import Fraction
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_CHECKIN_WEEKDAY = 3  # Thursday
DEFAULT_CHECKIN_TIME = time(16, 0)
DEFAULT_PER_WEEK = 3
DEFAULT_ROTATE_ABOVE = 6
# A snoozed prompt comes back at least this long before its cycle closes, so the
# person still has time to answer it.
SNOOZE_END_MARGIN = timedelta(hours=1)

_WEEK = timedelta(days=7)
_CYCLE_KEY = re.compile(r"([0-9]{4})-W([0-9]{2})")
# [0-9], not \d: \d also matches non-ASCII digits such as "١٦". A time as written in
# English (``9:30``, ``09:30``) or the French way (``9h30``, ``9h``, ``9 h 30``, ``16H``):
# the minutes may be left out only after an "h".
_LOCAL_TIME = re.compile(r"([0-9]{1,2})(?::([0-9]{2})|[ \t]*[hH](?:[ \t]*([0-9]{2}))?)")

_WEEKDAYS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon", "lundi", "lun"),
            ("tuesday", "tue", "mardi", "mar"),
            ("wednesday", "wed", "mercredi", "mer"),
            ("thursday", "thu", "jeudi", "jeu"),
            ("friday", "fri", "vendredi", "ven"),
            ("saturday", "sat", "samedi", "sam"),
            ("sunday", "sun", "dimanche", "dim"),
        )
    )
    for name in names
}


@dataclass(frozen=True)
class Cycle:
    """One person's check-in cycle: their local ISO week.

    ``starts_at`` is included and ``ends_at`` excluded; both are aware UTC
    datetimes. A cycle depends on the time zone it was computed for: the same key
    has different bounds in Paris and in New York.
    """

    key: str
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        _parse_cycle_key(self.key)
        _require_aware(self.starts_at, "starts_at")
        _require_aware(self.ends_at, "ends_at")
        if self.ends_at <= self.starts_at:
            raise ValueError("a cycle must end after it starts")

    @property
    def first_day(self) -> date:
        """The local Monday the cycle starts on."""
        year, week = _parse_cycle_key(self.key)
        return date.fromisocalendar(year, week, 1)

    def contains(self, instant: datetime) -> bool:
        """Whether ``instant`` lies in ``[starts_at, ends_at)``."""
        return self.starts_at <= _utc(instant, "instant") < self.ends_at


# --- parsing ----------------------------------------------------------------------


def parse_weekday(text: str) -> int:
    """The weekday number (0 = Monday … 6 = Sunday) named by ``text``.

    Accepts English and French names and their three-letter abbreviations
    (``monday``/``mon``/``lundi``/``lun`` … ``sunday``/``sun``/``dimanche``/``dim``),
    in any case, with surrounding spaces and one trailing dot (``"Lun."``).
    Raises ValueError for anything else, numbers included: "1" could mean Monday
    or Tuesday depending on who typed it.
    """
    word = text.strip().casefold()
    if word.endswith("."):
        word = word[:-1]
    try:
        return _WEEKDAYS[word]
    except KeyError:
        raise ValueError(f"not a weekday: {text!r}") from None


def parse_local_time(text: str) -> time:
    """The wall-clock time written ``HH:MM`` (24-hour clock; ``9:05`` is accepted) or the
    French way: ``9h30``, ``09h05``, ``9h``, ``9 h 30``, ``16H``.

    Raises ValueError for anything else, such as ``24:00``, ``16:60``, ``24h``, ``9h5``,
    ``4pm``.
    """
    match = _LOCAL_TIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a time of day as HH:MM or 9h30: {text!r}")
    hour, minute = int(match[1]), int(match[2] or match[3] or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time of day as HH:MM or 9h30: {text!r}")
    return time(hour, minute)


def resolve_slot(
    person_weekday: int | None,
    person_time: time | None,
    workspace_weekday: int | None = None,
    workspace_time: time | None = None,
) -> tuple[int, time]:
    """The weekday and local time a person's check-in fires at.

    Each part independently: the person's override, else the workspace's setting,
    else Palier's default (Thursday 16:00).
    """
    weekday = DEFAULT_CHECKIN_WEEKDAY
    for candidate in (workspace_weekday, person_weekday):  # the later one wins
        if candidate is not None:
            weekday = candidate
    local_time = DEFAULT_CHECKIN_TIME
    for moment in (workspace_time, person_time):
        if moment is not None:
            local_time = moment
    _require_weekday(weekday)
    _require_naive_time(local_time)
    return weekday, local_time


# --- local time ---------------------------------------------------------------------


def local_to_utc(local_date: date, local_time: time, tz_name: str) -> datetime:
    """The UTC instant at which the wall clock in ``tz_name`` shows this date and time.

    * A time that exists once is converted as is.
    * A time that happens twice (the clocks go back) is the **first** occurrence:
      a check-in must fire once, and the earlier one is on time for everybody.
    * A time that does not exist (the clocks go forward over it) is the first
      valid whole minute after the gap: 02:30 on 2026-03-29 in Europe/Paris is
      03:00 local, 01:00 UTC. (Python's own answer for a gap time is shifted by
      the gap's length, 03:30, which would fire later than anybody expects.)

    ``local_time`` must be naive; its ``fold`` is ignored (the rule above decides).
    """
    _require_naive_time(local_time)
    zone = _zone(tz_name)
    wall = datetime.combine(local_date, local_time).replace(fold=0)
    try:
        valid = [
            instant
            for instant in (wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
            if _wall(instant, zone) == wall
        ]
        if valid:
            return min(valid)  # two valid instants: the clocks went back; take the first
        return _after_gap(wall, zone)
    except OverflowError:  # within hours of year 1 or 9999
        raise ValueError("date out of range") from None


def _after_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first valid whole local minute after the gap ``wall`` falls in."""
    # For a time in a gap, the offsets before and after the transition give two
    # instants, one on each side of it; the transition is the first instant whose
    # wall-clock reading is past ``wall``. Offsets change on whole seconds, so a
    # bisection over seconds finds it exactly (a gap of hours: ~15 steps).
    lo, hi = sorted(wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    lo_s, hi_s = math.floor(lo.timestamp()), math.ceil(hi.timestamp())
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if _wall(datetime.fromtimestamp(mid, UTC), zone) > wall:
            hi_s = mid
        else:
            lo_s = mid
    transition = datetime.fromtimestamp(hi_s, UTC)
    # Today's transitions fall on whole minutes; historical offsets with seconds
    # (local mean time) could land between two, and a check-in fires on a minute.
    seconds = transition.astimezone(zone).second
    return transition + timedelta(seconds=60 - seconds) if seconds else transition


def _wall(instant: datetime, zone: tzinfo) -> datetime:
    """The naive wall-clock reading of ``instant`` in ``zone`` (fold cleared)."""
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


# --- cycles -------------------------------------------------------------------------


def cycle_at(instant: datetime, tz_name: str) -> Cycle:
    """The cycle containing ``instant`` for someone in ``tz_name``.

    Every instant belongs to exactly one cycle: cycles are contiguous and never
    overlap, even when the clocks change around a Monday midnight.
    """
    instant = _utc(instant, "instant")
    zone = _zone(tz_name)
    local_day = instant.astimezone(zone).date()
    monday = local_day - timedelta(days=local_day.weekday())
    cycle = _cycle_from_monday(monday, tz_name)
    # The local date is only a first guess: if the clocks went back across a
    # Monday midnight, an instant can read "Sunday" after the week began. The
    # bounds are what decide, which keeps the cycles a partition of time.
    while instant < cycle.starts_at:
        cycle = _cycle_from_monday(cycle.first_day - _WEEK, tz_name)
    while instant >= cycle.ends_at:
        cycle = _cycle_from_monday(cycle.first_day + _WEEK, tz_name)
    return cycle


def cycle_by_key(key: str, tz_name: str) -> Cycle:
    """The cycle with this key (``"2026-W48"``) for someone in ``tz_name``.

    Raises ValueError for a malformed key or a week its ISO year does not have
    (``"2026-W53"``: 2026 has 53 ISO weeks, 2025 does not).
    """
    year, week = _parse_cycle_key(key)
    return _cycle_from_monday(date.fromisocalendar(year, week, 1), tz_name)


def next_cycle(cycle: Cycle, tz_name: str) -> Cycle:
    """The cycle after ``cycle``; it starts exactly when ``cycle`` ends."""
    return _cycle_from_monday(cycle.first_day + _WEEK, tz_name)


def previous_cycle(cycle: Cycle, tz_name: str) -> Cycle:
    """The cycle before ``cycle``; it ends exactly when ``cycle`` starts."""
    return _cycle_from_monday(cycle.first_day - _WEEK, tz_name)


def cycle_key(day: date) -> str:
    """The key of the ISO week ``day`` belongs to: 2026-12-31 is ``"2026-W53"``.

    The ISO year is not always the calendar year: 2027-01-01 is also in
    ``"2026-W53"`` and 2029-12-31 is in ``"2030-W01"``.
    """
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def _cycle_from_monday(monday: date, tz_name: str) -> Cycle:
    # Both bounds go through local_to_utc, so one week's end is computed exactly
    # like the next week's start: cycles are contiguous by construction, even when
    # a Monday midnight falls in a gap or happens twice.
    try:
        following = monday + _WEEK
    except OverflowError:
        raise ValueError("date out of range") from None
    return Cycle(
        key=cycle_key(monday),
        starts_at=local_to_utc(monday, time(0, 0), tz_name),
        ends_at=local_to_utc(following, time(0, 0), tz_name),
    )


def _parse_cycle_key(key: str) -> tuple[int, int]:
    match = _CYCLE_KEY.fullmatch(key)
    if match is None:
        raise ValueError(f"not a cycle key like 2026-W48: {key!r}")
    year, week = int(match[1]), int(match[2])
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"no such ISO week: {key!r}") from None
    return year, week


# --- when the check-in fires --------------------------------------------------------


def scheduled_at(cycle: Cycle, weekday: int, local_time: time, tz_name: str) -> datetime:
    """The UTC instant of the check-in of ``cycle``, on ``weekday`` at ``local_time``.

    Gap and fold rules are those of :func:`local_to_utc`. The result always lies
    in the cycle: should a gap ever straddle the cycle's end (no zone does this in
    2024–2030), the check-in fires at the cycle's last minute instead of in the
    next cycle. Raises ValueError when ``cycle`` was computed for another zone:
    mixing them would fire at the wrong hour without anyone noticing.
    """
    _require_weekday(weekday)
    if local_to_utc(cycle.first_day, time(0, 0), tz_name) != cycle.starts_at:
        raise ValueError(f"cycle {cycle.key} was not computed for {tz_name}")
    instant = local_to_utc(cycle.first_day + timedelta(days=weekday), local_time, tz_name)
    # Wall-clock readings map to instants in order, so the instant is never before
    # the cycle's start (its Monday 00:00); only its end needs a guard.
    if instant >= cycle.ends_at:
        return cycle.ends_at - timedelta(minutes=1)
    return instant


def next_checkin(
    now: datetime,
    weekday: int,
    local_time: time,
    tz_name: str,
    paused_until: date | None = None,
    *,
    include_due: bool = True,
) -> tuple[Cycle, datetime]:
    """The check-in to prepare for a person at ``now``: its cycle and UTC instant.

    Without a pause:

    * ``include_due=True`` (the default; what the scheduler wants): the check-in
      of the **current cycle**, whether its time is still to come or has passed
      (then it is due now: ``is_due`` is true, and a prompt that fell due while
      the bot was down, or for someone who enrolled after this week's slot, is
      sent late rather than skipped). The result is earlier than ``now`` only in
      that case.
    * ``include_due=False`` (e.g. "your next check-in is …"): the first check-in
      that has **not fallen due yet**, scheduled strictly after ``now``: this
      cycle's if its time is still to come, else the next cycle's.

    ``paused_until`` is a local date, inclusive: the person is paused through the
    whole of that day in their time zone. A check-in whose local firing date is on
    or before it is skipped, and the result is the first check-in (from the
    candidate above onwards) that fires on a later local date; e.g. paused until
    Wednesday, the same week's Thursday check-in still fires, while paused until
    Friday it is next week's. A pause that has ended changes nothing. (The firing
    date is the one the local clock shows when it fires: a slot in a gap that
    ends at midnight, as in Nuuk on a Saturday 23:30, fires on the Sunday.)

    Once the current cycle has its prompt (sent, answered, skipped), the check-in
    after it is ``next_checkin(cycle.ends_at, ...)``: this holds even if the
    person moved their slot later in the week after being prompted.

    Raises ValueError for naive ``now``, a weekday outside 0–6, an unknown zone,
    or a pause too far in the future for a calendar date.
    """
    now = _utc(now, "now")
    zone = _zone(tz_name)
    cycle = cycle_at(now, tz_name)
    at = scheduled_at(cycle, weekday, local_time, tz_name)
    if not include_due and at <= now:
        cycle = next_cycle(cycle, tz_name)
        at = scheduled_at(cycle, weekday, local_time, tz_name)
    if paused_until is None or at.astimezone(zone).date() > paused_until:
        return cycle, at
    # Jump straight to the week the pause ends in, rather than walking week by
    # week through a long pause; at most one more week is needed after that.
    try:
        resume_day = paused_until + timedelta(days=1)
        resume = _cycle_from_monday(resume_day - timedelta(days=resume_day.weekday()), tz_name)
    except (OverflowError, ValueError):
        raise ValueError("paused_until is too far in the future") from None
    if resume.starts_at > cycle.starts_at:
        cycle = resume
    while True:
        at = scheduled_at(cycle, weekday, local_time, tz_name)
        if at.astimezone(zone).date() > paused_until:
            return cycle, at
        cycle = next_cycle(cycle, tz_name)


def is_due(now: datetime, scheduled: datetime, cycle: Cycle) -> bool:
    """Whether a check-in is to be sent now: ``scheduled <= now < cycle.ends_at``.

    A prompt that fell due while the bot was down is still sent while its cycle
    is open; once the cycle has ended it is not sent (it is missed).
    """
    now = _utc(now, "now")
    return _utc(scheduled, "scheduled") <= now < cycle.ends_at


def reminder_due_at(sent_at: datetime, reminder_hours: float, cycle: Cycle) -> datetime | None:
    """When to remind someone who has not answered: ``sent_at`` + the delay.

    None when that is not before the cycle's end: a reminder for a check-in that
    has closed would only be noise. ``reminder_hours`` must be positive.
    """
    sent_at = _utc(sent_at, "sent_at")
    at = sent_at + _positive_hours(reminder_hours, "reminder_hours")
    return at if at < cycle.ends_at else None


def snooze_until(
    now: datetime, hours: float, cycle: Cycle, *, margin: timedelta = SNOOZE_END_MARGIN
) -> datetime:
    """When a prompt snoozed at ``now`` for ``hours`` comes back.

    ``now + hours``, capped at ``margin`` (an hour) before the cycle ends so the
    person can still answer; never earlier than ``now`` (snoozing in the last
    hour brings the prompt straight back). Raises ValueError when the cycle has
    already ended: there is nothing left to snooze.
    """
    now = _utc(now, "now")
    if now >= cycle.ends_at:
        raise ValueError("the cycle has ended")
    wanted = now + _positive_hours(hours, "hours")
    return max(now, min(wanted, cycle.ends_at - margin))


# --- which competencies ----------------------------------------------------------------


def select_competencies(
    competency_ids: Sequence[str],
    last_rated: Mapping[str, datetime | None],
    per_week: int = DEFAULT_PER_WEEK,
    rotate_above: int = DEFAULT_ROTATE_ABOVE,
    *,
    coverage: Mapping[str, Fraction] | None = None,
    now: datetime | None = None,
) -> list[str]:
    """The competencies to ask about this cycle, in référentiel order.

    ``competency_ids`` is the référentiel's order. With ``rotate_above`` (6) or
    fewer, all of them. Otherwise ``per_week`` of them.

    **Plain rotation** (``coverage`` None: a skills matrix): the least recently rated
    first (never rated, or absent from ``last_rated``, counts as oldest), ties broken
    by référentiel order. If the person rates exactly the selection every week, any
    W = ⌈N / per_week⌉ consecutive weeks cover all N competencies.

    **Rotation towards the gaps** (a certification référentiel): ``coverage`` gives
    each competency's share of criteria covered by the person's evidence, 0 to 1
    (:mod:`bot.domain.criteria_coverage`; absent: 1, nothing to cover), and ``now``
    the instant of planning. A competency is *due* when it was never rated or its
    last rating is more than 2W − 1 weeks before ``now`` (it has rested twice the
    plain cycle: from the 2W-th weekly check-in after it). The week's picks are

    1. the due competencies, least recently rated first (as the plain rotation);
    2. then the others, the lowest covered share first (no evidence on any of its
       criteria: 0), and among equal shares the least recently rated first, then
       référentiel order.

    So the slots left by the due ones go to the competencies whose criteria lack
    evidence, and a fully covered competency rests until due. Guarantees, if the
    person rates exactly the selection each week (whatever the evidence does):
    the due competencies are always the least recently rated ones, so a competency
    is due at most 2W weeks after it was rated and asked within W weeks of being
    due — any 3W − 1 consecutive weeks ask every competency. When every competency
    has the same share, the picks are the plain rotation's. Deterministic: the same
    inputs give the same picks.
    """
    if per_week < 1:
        raise ValueError("per_week must be at least 1")
    if rotate_above < 0:
        raise ValueError("rotate_above must not be negative")
    ids = list(competency_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("competency ids must be distinct")
    if coverage is not None:
        if now is None:
            raise ValueError("the rotation towards the gaps needs now")
        now = _utc(now, "now")
        if any(not 0 <= share <= 1 for share in coverage.values()):
            raise ValueError("a covered share is between 0 and 1")
    if len(ids) <= rotate_above:
        return ids

    def staleness(position: int) -> tuple[bool, datetime, int]:
        rated = last_rated.get(ids[position])
        if rated is None:
            return (False, datetime.min.replace(tzinfo=UTC), position)
        return (True, _utc(rated, "last_rated"), position)

    if coverage is None or now is None:
        order = sorted(range(len(ids)), key=staleness)
    else:
        rested = 2 * math.ceil(len(ids) / per_week) - 1  # weeks
        due_before = now - timedelta(weeks=rested)
        shares = coverage

        def priority(position: int) -> tuple[bool, Fraction, tuple[bool, datetime, int]]:
            stale = staleness(position)
            due = not stale[0] or stale[1] < due_before
            share = Fraction(0) if due else shares.get(ids[position], Fraction(1))
            return (not due, share, stale)

        order = sorted(range(len(ids)), key=priority)
    return [ids[position] for position in sorted(order[:per_week])]


# --- validation helpers ------------------------------------------------------------------


def _zone(tz_name: str) -> ZoneInfo:
    # ZoneInfo keeps its own cache, so repeated look-ups are cheap.
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone: {tz_name!r}") from None


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, not naive")


def _utc(value: datetime, name: str) -> datetime:
    _require_aware(value, name)
    return value.astimezone(UTC)


def _require_weekday(weekday: int) -> None:
    if isinstance(weekday, bool) or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")


def _require_naive_time(local_time: time) -> None:
    if local_time.tzinfo is not None:
        raise ValueError("local_time must be a wall-clock time without a time zone")


def _positive_hours(hours: float, name: str) -> timedelta:
    if not math.isfinite(hours) or hours <= 0:
        raise ValueError(f"{name} must be a positive number of hours")
    return timedelta(hours=hours)
