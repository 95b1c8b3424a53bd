"""The demo's clock: it moves only when the director plays the next step.

Palier (its ``clock=``) and the platform (an emulator's ``clock=`` reads POSIX
seconds) both read it, from their own threads, so it is locked.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime


class ManualClock:
    """A clock set by hand, forward only; called, it gives POSIX seconds."""

    def __init__(self, start: datetime) -> None:
        self._now = start.timestamp()
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def now(self) -> datetime:
        return datetime.fromtimestamp(self(), UTC)

    def move_to(self, at: datetime) -> None:
        """To ``at``, or stay where it is if ``at`` has passed (time only moves forward)."""
        with self._lock:
            self._now = max(at.timestamp(), self._now)
