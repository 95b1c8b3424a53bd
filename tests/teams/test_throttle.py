"""Reading Teams' ``Retry-After`` and keeping it per tenant (handlers/teams/throttle.py);
the tick honouring it against the emulator is tests/teams/test_tick_faults.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.teams.throttle import DEFAULT_WAIT, LONGEST_WAIT, RateLimitGate, retry_after

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "7"}, timedelta(seconds=7)),
        ({"retry-after": " 120 "}, timedelta(seconds=120)),
        ({"Retry-After": "Thu, 26 Nov 2026 15:01:30 GMT"}, timedelta(seconds=90)),
        ({"Retry-After": "Thu, 26 Nov 2026 14:00:00 GMT"}, timedelta(0)),  # already past
        ({"Retry-After": "soon"}, DEFAULT_WAIT),
        ({}, DEFAULT_WAIT),
        ({"Retry-After": "86400"}, LONGEST_WAIT),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(headers: dict[str, str], wait: timedelta) -> None:
    assert retry_after(headers, NOW) == wait


def test_the_gate_holds_one_tenant_until_its_time_and_keeps_the_later_one() -> None:
    now = [NOW]
    gate = RateLimitGate(lambda: now[0])
    gate.close("tenant-a", timedelta(seconds=60))
    gate.close("tenant-a", timedelta(seconds=10))  # an earlier end does not shorten it
    assert gate.wait_left("tenant-a") == timedelta(seconds=60)
    assert gate.wait_left("tenant-b") == timedelta(0)
    now[0] = NOW + timedelta(seconds=59)
    assert gate.wait_left("tenant-a") == timedelta(seconds=1)
    now[0] = NOW + timedelta(seconds=60)
    assert gate.wait_left("tenant-a") == timedelta(0)
