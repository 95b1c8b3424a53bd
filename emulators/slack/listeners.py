"""Bolt's listener threads, made waitable: a test drains them instead of polling.

Bolt acknowledges a request first and runs the listener afterwards on its
``listener_executor`` (lazy listeners too), so what a listener does lands after the
driver's HTTP answer. A test that polls for it with a fixed timeout races with that
thread, and loses on a busy machine. :class:`ListenerExecutor` is the executor to
give the app (``build_app(listener_executor=…)`` or ``App(listener_executor=…)``):
it keeps every future it was given, so :meth:`ListenerExecutor.drain` waits for
exactly the work the requests so far started, and re-raises what escaped it.
Watched by a :class:`~emulators.slack.server.SlackEmulator`
(:meth:`~emulators.slack.server.SlackEmulator.watch`), it is drained before
every ``wait_for`` condition is checked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

DRAIN_TIMEOUT = 60.0
"""Seconds a drain waits at most: a safety net against a hung listener, never a pace."""


class ListenerExecutor(ThreadPoolExecutor):
    """A thread pool that knows which of its work is still running."""

    def __init__(self, max_workers: int = 5, name: str = "bolt-listener") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=name)
        self._changed = threading.Condition()
        self._pending: set[Future[Any]] = set()
        self._errors: list[BaseException] = []
        self._inside = threading.local()

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        def run() -> R:
            self._inside.active = True
            return fn(*args, **kwargs)

        with self._changed:
            future = super().submit(run)
            self._pending.add(future)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future[Any]) -> None:
        with self._changed:
            self._pending.discard(future)
            error = None if future.cancelled() else future.exception()
            if error is not None:
                self._errors.append(error)
            self._changed.notify_all()

    @property
    def busy(self) -> int:
        """How many submitted pieces of work have not finished."""
        with self._changed:
            return len(self._pending)

    def drain(self, timeout: float = DRAIN_TIMEOUT) -> None:
        """Wait until everything submitted so far has finished, including what that
        work submitted in turn; then re-raise what escaped it (once).

        Raises TimeoutError if work is still running after ``timeout`` seconds. From
        one of this pool's own threads it returns at once: a listener cannot wait
        for itself.
        """
        if getattr(self._inside, "active", False):
            return
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{len(self._pending)} listener(s) still running after {timeout:.0f} s"
                    )
                self._changed.wait(remaining)
            errors, self._errors = self._errors, []
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise BaseExceptionGroup("listeners failed", errors)
