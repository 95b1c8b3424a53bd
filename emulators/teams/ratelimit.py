"""Teams' published rate limits for bots, as sliding windows on the emulator's clock.

"Optimize your bot with rate limiting in Teams"
(learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit) publishes:

- **per bot per thread** (a thread is one conversation: a 1:1 chat, a group chat or a
  channel): *send to conversation* and *create conversation* 7 operations per 1 s,
  8 per 2 s, 60 per 30 s and 1,800 per 3,600 s; *get conversation members* 14 per 1 s,
  16 per 2 s, 120 per 30 s, 3,600 per 3,600 s;
- a **global limit per app per tenant** of 50 requests per second.

Over a limit the Connector answers ``429`` (code ``Throttled``) with ``Retry-After``
("Status codes from bot conversational APIs"). Microsoft warns the values are "for
estimation only" and may change; :class:`RateLimits` makes them configurable. The
emulator counts updates and deletes of a message as sends to its conversation (the
page puts "all requests" under the same policy), and a create-conversation call
against the person the conversation is with.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

Window = tuple[float, int]  # (seconds, maximum operations)

SEND_LIMITS: tuple[Window, ...] = ((1, 7), (2, 8), (30, 60), (3600, 1800))
MEMBERS_LIMITS: tuple[Window, ...] = ((1, 14), (2, 16), (30, 120), (3600, 3600))
GLOBAL_PER_APP_PER_TENANT: tuple[Window, ...] = ((1, 50),)


@dataclass(frozen=True)
class RateLimits:
    """The windows enforced, by kind of operation (each a tuple of (seconds, max))."""

    send: tuple[Window, ...] = SEND_LIMITS
    create_conversation: tuple[Window, ...] = SEND_LIMITS
    members: tuple[Window, ...] = MEMBERS_LIMITS
    per_app_per_tenant: tuple[Window, ...] = GLOBAL_PER_APP_PER_TENANT

    def for_bucket(self, bucket: str) -> tuple[Window, ...]:
        """The windows of ``send``, ``create_conversation`` or ``members``."""
        limits: tuple[Window, ...] = getattr(self, bucket)
        return limits


@dataclass
class SlidingWindows:
    """Past operations per key: :meth:`wait` says whether one more fits, :meth:`record` counts it.

    Not thread-safe on its own: the emulator calls it under its lock.
    """

    _hits: dict[tuple[str, ...], deque[float]] = field(default_factory=dict)

    def wait(self, key: tuple[str, ...], windows: Sequence[Window], now: float) -> int | None:
        """Seconds to wait before one more operation under ``key`` (None: admitted now)."""
        hits = self._hits.setdefault(key, deque())
        longest = max((seconds for seconds, _ in windows), default=0.0)
        while hits and hits[0] <= now - longest:
            hits.popleft()
        wait = 0.0
        for seconds, maximum in windows:
            recent = [t for t in hits if t > now - seconds]
            if len(recent) >= maximum:
                oldest_in_the_way = recent[len(recent) - maximum]
                wait = max(wait, oldest_in_the_way + seconds - now)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def record(self, key: tuple[str, ...], now: float) -> None:
        """Count one operation under ``key`` at ``now``."""
        self._hits.setdefault(key, deque()).append(now)

    def clear(self) -> None:
        """Forget every past operation."""
        self._hits.clear()


BUCKETS = {
    "create_conversation": "create_conversation",
    "send": "send",
    "reply": "send",
    "update": "send",
    "delete": "send",
    "members": "members",
    "paged_members": "members",
    "member": "members",
    "activity_members": "members",
}
"""Which limit each Connector operation counts against."""


class RateLimiter:
    """The per-thread and per-app-per-tenant limits together (called under the emulator's lock)."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._windows = SlidingWindows()

    def admit(
        self, operation: str, thread: str, tenant: str, app_id: str, now: float
    ) -> int | None:
        """Count one ``operation`` in ``thread``; or the ``Retry-After`` seconds when over a limit."""
        bucket = BUCKETS.get(operation)
        if bucket is None:
            return None
        keys = [
            (("thread", bucket, thread), self.limits.for_bucket(bucket)),
            (("app", app_id, tenant), self.limits.per_app_per_tenant),
        ]
        waits = [w for key, windows in keys if (w := self._windows.wait(key, windows, now))]
        if waits:
            return max(waits)
        for key, _ in keys:
            self._windows.record(key, now)
        return None
