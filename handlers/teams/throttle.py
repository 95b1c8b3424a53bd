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

What a listener sends (a reply, a card updated, a message to someone else) is not the
tick's: the person is waiting for it, now. :class:`ConnectorRetries`, a middleware of
the SDK's HTTP client, waits the ``Retry-After`` of a ``429`` (or of a ``503`` that has
one) and sends the same request again, a bounded number of times within a bounded wait;
the tick's messenger opts out (:func:`without_retries`) and keeps its own ways above.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx

log = logging.getLogger(__name__)
T = TypeVar("T")

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


# -- a reply (or a listener's own send) refused for now: waited for, then sent again -------------

RETRIES = 3  # sends again, at most, after a refusal that says when to try again
RETRY_BUDGET = timedelta(seconds=10)  # waited in all: Teams waits ~15 s for a listener's answer
_RETRYING: contextvars.ContextVar[bool] = contextvars.ContextVar("palier_retrying", default=True)
Sleep = Callable[[float], Awaitable[None]]


def asked_wait(response: httpx.Response, now: datetime) -> timedelta | None:
    """How long the Connector asks to wait before the same request again, when it refused
    it without carrying it out: a ``429`` (its ``Retry-After``, else a second), a ``503``
    with a ``Retry-After``. None: not to be sent again (an answer that may follow a
    carried-out request, or none that says when)."""
    if response.status_code == 429:
        return retry_after(response.headers, now)
    if response.status_code == 503 and "retry-after" in response.headers:
        return retry_after(response.headers, now)
    return None


async def without_retries(call: Awaitable[T]) -> T:
    """``call`` with no retry here: its caller keeps Teams' ``Retry-After`` its own way
    (the tick's messenger: :class:`RateLimitGate`, and the tenant's hold)."""
    _RETRYING.set(False)  # this task's context only
    return await call


class ConnectorRetries:
    """The SDK's HTTP middleware (``Client.use``) that sends a request again when the
    Connector refused it for now — Teams' rate limits (``429``) or a ``503`` saying when
    to come back — after waiting what ``Retry-After`` says, at most :data:`RETRIES` times
    and :data:`RETRY_BUDGET` in all. A wait longer than what is left is not cut short:
    the error reaches the caller, as without this.

    Only an answer saying the request was *not* carried out is retried: a message the
    Connector accepted is never sent twice, and a request whose answer never came (a
    timeout, a dropped connection) is not sent again — it may have gone out. The wait is
    this request's own (``await sleep``, on the SDK's loop): other people's sends go on
    meanwhile. ``sleep`` and ``clock`` are injected (tests wait no real time).
    """

    def __init__(
        self,
        clock: Callable[[], datetime],
        sleep: Sleep = asyncio.sleep,
        retries: int = RETRIES,
        budget: timedelta = RETRY_BUDGET,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.retries = retries
        self.budget = budget

    async def send(
        self, context: Any, next: Callable[[], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        waited = timedelta(0)
        attempt = 0
        while True:
            try:
                return await next()
            except httpx.HTTPStatusError as error:
                wait = asked_wait(error.response, self.clock()) if _RETRYING.get() else None
                if wait is None or attempt >= self.retries or waited + wait > self.budget:
                    raise
                attempt += 1
                log.info(
                    "Teams answered %s to %s %s: sent again in %.1f s (%d/%d)",
                    error.response.status_code,
                    context.method,
                    context.url,
                    wait.total_seconds(),
                    attempt,
                    self.retries,
                )
                await self.sleep(wait.total_seconds())
                waited += wait
