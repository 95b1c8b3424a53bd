"""The pool that runs what follows Slack's acknowledgements (handlers.slack.workers):
bounded, people's work first, the rest in order, everything queued finished at shutdown.
Each test waits on events; none depends on timing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import wait

import pytest

from emulators.clock import ManualClock
from handlers.slack.workers import FIRST_BY, Answering, WorkerPool, answers_a_person

TIMEOUT = 30.0  # a safety net against a hung pool, never a pace


def _blocked(pool: WorkerPool, gate: threading.Event) -> None:
    """Occupy one thread of ``pool`` until ``gate`` is set."""
    started = threading.Event()

    def hold() -> None:
        started.set()
        gate.wait(TIMEOUT)

    pool.submit(hold)
    assert started.wait(TIMEOUT)


def test_work_people_wait_for_runs_before_what_was_queued_earlier() -> None:
    pool = WorkerPool(1)
    gate = threading.Event()
    _blocked(pool, gate)
    order: list[str] = []
    futures = [
        pool.submit(order.append, "home published"),
        pool.submit(order.append, "messages updated"),
        pool.submit_first(order.append, "modal opened"),
        pool.submit_first(order.append, "command answered"),
    ]
    gate.set()
    done, _ = wait(futures, TIMEOUT)
    assert len(done) == 4
    assert order == ["modal opened", "command answered", "home published", "messages updated"]
    pool.shutdown()


def test_the_pool_never_runs_more_threads_than_its_bound() -> None:
    pool = WorkerPool(2)
    gate = threading.Event()
    lock = threading.Lock()
    running, peak = 0, 0
    two_started = threading.Barrier(3)

    def task(n: int) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        if n < 2:
            two_started.wait(TIMEOUT)
        gate.wait(TIMEOUT)
        with lock:
            running -= 1

    futures = [pool.submit(task, n) for n in range(6)]
    two_started.wait(TIMEOUT)  # two run at once: the pool is concurrent …
    gate.set()
    done, _ = wait(futures, TIMEOUT)
    assert len(done) == 6 and all(f.exception() is None for f in done)
    assert peak == 2  # … and never more than its bound
    pool.shutdown()


def test_shutdown_finishes_what_is_queued_then_refuses_more() -> None:
    pool = WorkerPool(1)
    gate = threading.Event()
    _blocked(pool, gate)
    finished: list[int] = []
    futures = [pool.submit(finished.append, n) for n in range(3)]
    gate.set()
    pool.shutdown(wait=True)
    assert finished == [0, 1, 2] and all(f.done() for f in futures)
    with pytest.raises(RuntimeError):
        pool.submit(finished.append, 4)


def test_shutdown_can_cancel_what_has_not_started() -> None:
    pool = WorkerPool(1)
    gate = threading.Event()
    _blocked(pool, gate)
    queued = pool.submit(lambda: "never")
    settled = threading.Event()
    queued.add_done_callback(lambda _future: settled.set())
    closing = threading.Thread(target=pool.shutdown, kwargs={"cancel_futures": True})
    closing.start()
    # The worker is still blocked: the queued call settles only by being cancelled (opening
    # the gate before that let a loaded machine's worker start it first).
    assert settled.wait(TIMEOUT)
    gate.set()
    closing.join(TIMEOUT)
    assert queued.cancelled()


def test_a_failure_is_the_futures_and_the_pool_goes_on() -> None:
    pool = WorkerPool(1)

    def broken() -> None:
        raise RuntimeError("Slack went away")

    failed = pool.submit(broken)
    after = pool.submit(lambda: "still working")
    assert isinstance(failed.exception(TIMEOUT), RuntimeError)
    assert after.result(TIMEOUT) == "still working"
    pool.shutdown()


@pytest.mark.parametrize(
    ("body", "first"),
    [
        ({"command": "/palier", "text": "me"}, True),
        ({"type": "block_actions", "trigger_id": "1.2.x"}, True),
        ({"type": "shortcut"}, True),
        ({"type": "message_action"}, True),
        ({"type": "view_submission", "trigger_id": "1.2.x"}, False),
        ({"type": "event_callback"}, False),
    ],
)
def test_whose_work_goes_first(body: dict[str, str], first: bool) -> None:
    assert answers_a_person(body) is first


def _until(condition: Callable[[], bool]) -> None:
    """Until ``condition`` holds (another thread makes it so); the timeout is a safety net."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.001)


def test_work_starts_once_the_answers_in_hand_are_given() -> None:
    clock = ManualClock(1000.0)  # stands still: no work starts because time passed
    answering = Answering(quiet=0.0, clock=clock)
    pool = WorkerPool(1, answering=answering)
    ran = threading.Event()
    with answering.answer():
        done = pool.submit(ran.set)
        _until(lambda: answering.waiting == 1)  # the worker took it, and waits
        assert not ran.is_set()
    assert ran.wait(TIMEOUT) and done.result(TIMEOUT) is None
    pool.shutdown()


def test_a_clicks_work_does_not_wait_past_its_start_by() -> None:
    clock = ManualClock(1000.0)
    answering = Answering(quiet=0.0, clock=clock)
    pool = WorkerPool(1, answering=answering)
    ran = threading.Event()
    with answering.answer():  # requests keep coming …
        pool.submit_first(ran.set)
        _until(lambda: answering.waiting == 1)
        clock.advance(FIRST_BY)  # … the click's work starts all the same
        assert ran.wait(TIMEOUT)
    pool.shutdown()


def test_a_burst_of_answers_keeps_the_work_waiting_until_it_is_quiet() -> None:
    clock = ManualClock(1000.0)
    answering = Answering(quiet=0.02, clock=clock)
    pool = WorkerPool(1, answering=answering)
    ran = threading.Event()
    with answering.answer():
        pool.submit(ran.set)
        _until(lambda: answering.waiting == 1)
    with answering.answer():  # the next request of the burst, before the quiet period
        assert not ran.is_set()
    clock.advance(0.05)  # quiet long enough: the work starts (when the worker next looks)
    assert ran.wait(TIMEOUT)
    pool.shutdown()
