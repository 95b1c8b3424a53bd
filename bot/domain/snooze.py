"""When a person may put their weekly check-in off to: the snooze choices.

The prompt offers up to three, in the person's own time zone: in an hour, this evening
(18:00 local) and tomorrow morning (09:00 local, the next calendar day). A choice is
offered only when it is still ahead (this evening: after "in an hour", else it says
nothing more) and comes back at least :data:`~bot.domain.scheduling.SNOOZE_END_MARGIN`
before the week closes, so the person can still answer; when none remains there is no
snooze. A click is resolved again at its own time (:func:`chosen`): a button seen
hours ago whose choice has passed or would now fall after the deadline, or a value
nobody offered, is refused and changes nothing.

Pure: given the instants and the IANA zone name, never the clock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.scheduling import SNOOZE_END_MARGIN, local_to_utc

IN_AN_HOUR = timedelta(hours=1)
EVENING = time(18, 0)
MORNING = time(9, 0)


class SnoozeChoice(enum.StrEnum):
    """The choices a prompt offers, as its buttons carry them back."""

    HOUR = "hour"
    EVENING = "evening"
    MORNING = "morning"


@dataclass(frozen=True)
class SnoozeOption:
    """One choice offered now, and the instant (UTC) the prompt would come back."""

    choice: SnoozeChoice
    until: datetime


def _candidates(now: datetime, timezone: str) -> tuple[SnoozeOption, ...]:
    today = now.astimezone(ZoneInfo(timezone)).date()
    hour = now + IN_AN_HOUR
    evening = local_to_utc(today, EVENING, timezone)
    morning = local_to_utc(today + timedelta(days=1), MORNING, timezone)
    options = [SnoozeOption(SnoozeChoice.HOUR, hour)]
    if evening > hour:  # else "this evening" is no later than "in an hour"
        options.append(SnoozeOption(SnoozeChoice.EVENING, evening))
    options.append(SnoozeOption(SnoozeChoice.MORNING, morning))
    return tuple(options)


def snooze_options(
    now: datetime, timezone: str, closes_at: datetime, *, margin: timedelta = SNOOZE_END_MARGIN
) -> tuple[SnoozeOption, ...]:
    """The choices to offer at ``now`` for a week closing at ``closes_at``, earliest
    first; empty when none comes back at least ``margin`` before the close."""
    if now.tzinfo is None or closes_at.tzinfo is None:
        raise ValueError("now and closes_at must be aware")
    latest = closes_at - margin
    return tuple(o for o in _candidates(now, timezone) if o.until <= latest)


def chosen(value: str, now: datetime, timezone: str, closes_at: datetime) -> SnoozeOption | None:
    """The option ``value`` names, if it is offered at ``now``; None for a value that is
    not a choice, or a choice no longer offered (passed, or after the deadline)."""
    try:
        choice = SnoozeChoice(value)
    except ValueError:
        return None
    return next((o for o in snooze_options(now, timezone, closes_at) if o.choice is choice), None)
