"""Spacing the tick's posts so a workspace's messages go out at Slack's pace, not in bursts
that Slack answers with 429.

Slack allows ``chat.postMessage`` about one message a second per channel and a
workspace-wide rate it does not publish. Each DM is its own channel, so for the weekly
prompts the workspace's rate is the one that counts. The tick's lane of a workspace
sends a few messages at once (to keep the network busy), and the pacer spaces their
starts ``60 / per_minute`` seconds apart per workspace: the rate stays at the setting
(``SLACK_POST_MESSAGES_PER_MINUTE``) however many are in flight, and one workspace's
pace never slows another's. The setting is the workspace's, not divided among processes:
a workspace's prompts are sent by one process at a time (its sending lease,
:mod:`bot.delivery.leases`). A 429 all the same is honoured by the client's gate
(:mod:`handlers.slack.client`) and, for every process, by the workspace's hold.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    """Turns per key (a workspace), ``per_minute`` a minute; None or 0: no pacing."""

    def __init__(
        self,
        per_minute: int | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait_turn(self, key: str) -> float:
        """Wait for ``key``'s next turn; the seconds waited."""
        if not self.interval:
            return 0.0
        with self._lock:
            now = self.clock()
            turn = max(now, self._next.get(key, now))
            self._next[key] = turn + self.interval
        delay = turn - now
        if delay > 0:
            self.sleep(delay)
        return max(delay, 0.0)
