"""What follows Slack's acknowledgement, and the threads that do it.

Slack waits 3 seconds for the answer to a command, a click, a shortcut, a modal's
submission or an event, and a click's ``trigger_id`` opens a modal only within 3
seconds of the click. Palier answers from the thread that received the request
(Bolt's ``process_before_response``) as soon as the answer is known: at once for a
command, a click, a shortcut or an event; for a modal's submission once it is
validated and stored (one transaction), because its problems go back in that answer.
What a listener does after that — the flow of a command, opening a modal, updating
messages, publishing a Home: the database, rendering and Web API calls, mostly waiting
on Slack — it hands to :class:`Later`, which runs it on a :class:`WorkerPool` of
``PALIER_SLACK_WORKERS`` threads.

The pool serves people in order of urgency: the work of a command, a click or a
shortcut (which may open a modal with its trigger_id) goes before the work queued
after submissions and events; and a worker lets the answers in hand go first
(:class:`Answering`: answering and working share one interpreter lock), a click's work
no more than :data:`FIRST_BY` seconds.

Measured with ``bench/acks_bench.py`` (100 requests at once, Slack 150 ms away):
with Bolt's default, each listener runs on a pool of 5 threads and the request waits
until that pool gets to its ``ack()``, so every answer queued behind other requests'
Web API calls (p50 1.6 s, up to 10 s, a third of the modals' triggers expired).
Bolt's lazy listeners run on a copy of the request, which cannot be handed what the
acknowledgement decided (the stored check-in's effects), and their failures are only
logged. Async Bolt would put the synchronous core (SQLAlchemy sessions) behind
``asyncio.to_thread`` in every listener: threads in the end, and every listener and
test rewritten.
"""

from __future__ import annotations

import itertools
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

FIRST, AFTER, STOP = 0, 1, 2  # ranks in the queue: work a person waits for, the rest, the end
# How long a worker lets the answers in hand go first (:class:`Answering`) before it starts
# a piece of work: a click's at most this long after the click (its trigger_id lives 3 s),
# the rest at most this long each time a worker takes one (so it is never starved).
FIRST_BY = 0.25
AFTER_BY = 0.5


class Answering:
    """Whether the server is answering Slack right now: the work that follows an
    acknowledgement starts once the answers in hand are given.

    Acknowledging is quick (a millisecond or two of the interpreter's time), the work
    after it is not (the database, rendering, Slack's client), and both share one
    interpreter lock: in a burst, work started meanwhile makes every answer queued
    behind it wait. A worker :meth:`waits <wait>` until no request has been answered
    for ``quiet`` seconds (the requests of a burst reach the server one after the
    other), but not past the time its work must start by (see :class:`WorkerPool`).
    """

    def __init__(self, quiet: float = 0.02, clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet = quiet
        self.clock = clock
        self._changed = threading.Condition()
        self._answering = 0
        self._waiting = 0
        self._last = -math.inf

    @property
    def waiting(self) -> int:
        """How many workers wait for the answers in hand now."""
        with self._changed:
            return self._waiting

    @contextmanager
    def answer(self) -> Iterator[None]:
        """Around the handling of one request, up to its answer."""
        with self._changed:
            self._answering += 1
        try:
            yield
        finally:
            with self._changed:
                self._answering -= 1
                self._last = self.clock()
                if not self._answering:  # the workers look again once all are given
                    self._changed.notify_all()

    def wait(self, until: float) -> None:
        """Until the server has been quiet for ``quiet`` s, or the clock reaches ``until``."""
        with self._changed:
            self._waiting += 1
            try:
                while (now := self.clock()) < until:
                    if self._answering:
                        self._changed.wait(until - now)
                        continue
                    quiet_for = now - self._last
                    if quiet_for >= self.quiet:
                        return
                    self._changed.wait(min(self.quiet - quiet_for, until - now))
            finally:
                self._waiting -= 1


@dataclass(order=True)
class _Item:
    rank: int
    seq: int
    future: Future[Any] | None = field(compare=False)
    call: Callable[[], Any] | None = field(compare=False)
    start_by: float = field(default=math.inf, compare=False)  # FIRST: waits no longer


class WorkerPool(Executor):
    """A bounded pool of threads, started as work arrives, with two ranks of work:
    :meth:`submit_first` runs before everything :meth:`submit` queued, each rank in
    the order it came. ``shutdown(wait=True)`` finishes what is queued."""

    def __init__(
        self, workers: int, name: str = "palier-slack", answering: Answering | None = None
    ) -> None:
        if workers < 1:
            raise ValueError("a pool needs a thread")
        self.workers = workers
        self.answering = answering
        self._clock = answering.clock if answering is not None else time.monotonic
        self.name = name
        self._queue: queue.PriorityQueue[_Item] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self._idle = threading.Semaphore(0)
        self._threads: list[threading.Thread] = []
        self._closed = False

    def start(self) -> None:
        """Start every thread now (a server does, before its first request: a thread
        started while requests wait is started in their time)."""
        with self._lock:
            while len(self._threads) < self.workers and not self._closed:
                self._start_thread()

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        """Queue ``fn(*args, **kwargs)`` after the work people wait for."""
        return self._put(AFTER, lambda: fn(*args, **kwargs))

    def submit_first(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        """Queue ``fn(*args, **kwargs)`` before everything :meth:`submit` queued."""
        return self._put(FIRST, lambda: fn(*args, **kwargs))

    def _put(self, rank: int, call: Callable[[], R]) -> Future[R]:
        future: Future[R] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            start_by = self._clock() + FIRST_BY if rank == FIRST else math.inf
            self._queue.put(_Item(rank, next(self._seq), future, call, start_by))
            self._add_thread()
        return future

    def _add_thread(self) -> None:
        # As concurrent.futures.ThreadPoolExecutor does: a thread waiting for work takes
        # it; otherwise one more thread, up to the bound.
        if self._idle.acquire(blocking=False) or len(self._threads) >= self.workers:
            return
        self._start_thread()

    def _start_thread(self) -> None:
        thread = threading.Thread(
            target=self._work, name=f"{self.name}_{len(self._threads)}", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item.future is None or item.call is None:
                return
            if self.answering is not None:
                self.answering.wait(min(item.start_by, self._clock() + AFTER_BY))
            if item.future.set_running_or_notify_cancel():
                try:
                    result = item.call()
                except BaseException as error:
                    item.future.set_exception(error)
                else:
                    item.future.set_result(result)
            del item
            self._idle.release()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            threads = list(self._threads)
            if cancel_futures:
                self._cancel_queued()
            for _ in threads:
                self._queue.put(_Item(STOP, next(self._seq), None, None))
        if wait:
            for thread in threads:
                thread.join()

    def _cancel_queued(self) -> None:
        kept = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item.future is None:
                kept.append(item)
            else:
                item.future.cancel()
        for item in kept:
            self._queue.put(item)


def answers_a_person(body: Mapping[str, Any]) -> bool:
    """A command, a click or a shortcut: someone waits for what follows, perhaps a modal
    opened with its trigger_id (valid 3 s). Not a submission (answered already) nor an
    event."""
    kind = body.get("type")
    return kind in ("block_actions", "shortcut", "message_action") or (
        kind is None and "command" in body
    )


class Later:
    """What one listener hands over after acknowledging: each piece of work runs on the
    pool; when one raises, ``failed`` is called inside the ``except`` (it logs the
    traceback and tells the person, as a listener's guard does)."""

    def __init__(self, pool: Executor, *, first: bool, failed: Callable[[], None]) -> None:
        self.pool = pool
        self.first = first
        self.failed = failed

    def __call__(self, work: Callable[[], object]) -> None:
        def run() -> None:
            try:
                work()
            except Exception:
                self.failed()

        if self.first and isinstance(self.pool, WorkerPool):
            self.pool.submit_first(run)
        else:
            self.pool.submit(run)
