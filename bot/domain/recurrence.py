"""Calendar maths of recurring meetings: when a weekly slot next comes round.

A recurring 1:1 is a weekday and a local time in the manager's zone; the database
keeps the next occurrence in UTC. This module turns one into the other, across DST,
with nothing to read or store, so the 1:1 service and the tick's claim share it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.scheduling import local_to_utc


def next_occurrence(weekday: int, local_time: time, timezone: str, after: datetime) -> datetime:
    """The first instant strictly after ``after`` when it is ``weekday`` ``local_time`` there.

    DST is :func:`bot.domain.scheduling.local_to_utc`'s: a time in the spring gap is the
    first minute after it, a time that happens twice is the first one.
    """
    local_day = after.astimezone(ZoneInfo(timezone)).date()
    ahead = (weekday - local_day.weekday()) % 7
    for extra in (0, 7, 14):
        candidate = local_to_utc(local_day + timedelta(days=ahead + extra), local_time, timezone)
        if candidate > after:
            return candidate
    raise AssertionError("an occurrence is always within three weeks")  # pragma: no cover
