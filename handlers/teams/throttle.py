"""Teams' ``Retry-After``, kept: no message to a tenant before the Connector's 429 elapsed.

Over a limit the Connector answers ``429`` with ``Retry-After`` (seconds, or an HTTP
date) and Microsoft asks bots to wait that long ("Optimize your bot with rate limiting
in Teams", learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit). The SDK
retries nothing; without a memory of it, the tick would go on to the next person at once
and try the same person again a minute later, whatever Teams said. :class:`RateLimitGate`
remembers the time before which nothing is sent to a tenant, on Palier's clock.

It is kept per tenant, not per conversation: Teams' limits are per conversation *and*
per app per tenant, and its answer does not say which was reached. The tick writes to
one person once per tick, so a 429 it meets is the tenant's; waiting for the whole
tenant never sends too early, and costs at most the wait Teams asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

DEFAULT_WAIT = timedelta(seconds=1)  # a 429 without a readable Retry-After
LONGEST_WAIT = timedelta(hours=1)  # a Retry-After beyond this is taken as this


def retry_after(headers: Mapping[str, str], now: datetime) -> timedelta:
    """How long a 429 asks to wait: its ``Retry-After`` in seconds or as a date."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "").strip()
    wait = DEFAULT_WAIT
    if value.isdigit():
        wait = timedelta(seconds=int(value))
    elif value:
        try:
            wait = parsedate_to_datetime(value) - now
        except (TypeError, ValueError):
            wait = DEFAULT_WAIT
    return min(max(wait, timedelta(0)), LONGEST_WAIT)


class RateLimitGate:
    """The time before which nothing is sent to each tenant (thread-safe)."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._until: dict[str, datetime] = {}

    def close(self, tenant: str, wait: timedelta) -> None:
        """Nothing to ``tenant`` for ``wait`` from now (a later time already kept stays)."""
        with self._lock:
            until = self.clock() + wait
            self._until[tenant] = max(until, self._until.get(tenant, until))

    def wait_left(self, tenant: str) -> timedelta:
        """How long before ``tenant`` may be sent to again (zero: now)."""
        with self._lock:
            until = self._until.get(tenant)
            if until is None:
                return timedelta(0)
            left = until - self.clock()
            if left <= timedelta(0):
                del self._until[tenant]
                return timedelta(0)
            return left
