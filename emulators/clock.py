"""A clock for emulators that moves only when a test says so.

Emulators take ``clock: Callable[[], float]`` (POSIX seconds) for everything that
depends on time: token expiry, rate-limit windows, message timestamps. A test gives
them a :class:`ManualClock` and calls :meth:`ManualClock.advance` instead of sleeping,
so what it checks does not depend on how fast the machine is.

Where a third party checks the emulator's times against the real clock (the Teams
SDK validates the ``nbf``/``exp`` of the tokens Teams signs against ``time.time()``),
start the clock at the real time: ``ManualClock(start=time.time())``.
"""

from __future__ import annotations

import threading


class ManualClock:
    """A thread-safe clock that stands still until advanced."""

    def __init__(self, start: float = 1_767_258_000.0) -> None:  # 2026-01-01 09:00 Paris
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds``; return the new time."""
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, now: float) -> None:
        """Jump to an absolute POSIX time."""
        with self._lock:
            self._now = now
