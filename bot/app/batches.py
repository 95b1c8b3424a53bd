"""Concurrent callers' pieces of work done together, in one call.

Answering Slack fast under a burst is a matter of CPU in one interpreter: a hundred
check-ins submitted at once each wait for the ones before them. Most of what one
costs is the transaction around it (a connection, a round trip or two, a commit —
on SQLite an fsync, one writer at a time), not its own rows. :class:`Batches` lets
the callers that arrive while one transaction runs share the next: the first caller
to find none running does everybody's queued so far in one call, and each waiting
caller gets its own result (or the call's exception). A lone caller does its own at
once; nothing waits for a timer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Slot(Generic[T, R]):
    item: T
    done: bool = False
    result: R | None = None
    error: BaseException | None = field(default=None)


class Batches(Generic[T, R]):
    """``batches(item)`` → ``run([..., item, ...])``'s result for ``item``, with the
    items of callers waiting meanwhile (at most ``most`` at a time), ``lanes`` batches
    running at most at once (a batch mostly waits on the database: on PostgreSQL a
    second one can go meanwhile)."""

    def __init__(
        self, run: Callable[[Sequence[T]], Sequence[R]], most: int = 32, lanes: int = 1
    ) -> None:
        if most < 1 or lanes < 1:
            raise ValueError("a batch holds an item at least, and runs in a lane at least")
        self._run = run
        self._most = most
        self._lanes = lanes
        self._changed = threading.Condition()
        self._queue: list[_Slot[T, R]] = []
        self._running = 0

    @property
    def queued(self) -> int:
        """How many callers wait for the next batch."""
        with self._changed:
            return len(self._queue)

    def __call__(self, item: T) -> R:
        slot: _Slot[T, R] = _Slot(item)
        with self._changed:
            self._queue.append(slot)
        while True:
            with self._changed:
                while not slot.done and self._running >= self._lanes:
                    self._changed.wait()
                if slot.done:
                    return self._outcome(slot)
                if slot not in self._queue:  # in a batch running: its result is coming
                    self._changed.wait()
                    continue
                self._running += 1  # this caller runs the next batch (its own, or older)
                batch, self._queue = self._queue[: self._most], self._queue[self._most :]
            self._run_batch(batch)

    def _run_batch(self, batch: list[_Slot[T, R]]) -> None:
        try:
            results = self._run([s.item for s in batch])
            if len(results) != len(batch):
                raise RuntimeError("a batch's run must answer one result per item")
        except BaseException as error:
            for each in batch:
                each.error = error
        else:
            for each, result in zip(batch, results, strict=True):
                each.result = result
        with self._changed:
            for each in batch:
                each.done = True
            self._running -= 1
            self._changed.notify_all()  # the waiters: their result, or the next batch

    @staticmethod
    def _outcome(slot: _Slot[T, R]) -> R:
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]  # R may be None itself
