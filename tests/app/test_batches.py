"""Batches: the callers arriving while one batch runs share the next one; each gets its
own result, or the batch's exception. Waited on events, never on time."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.app.batches import Batches

TIMEOUT = 30.0  # a safety net against a hung thread, never a pace


class Runs:
    """A batch's run that records its batches; the first waits for ``release``."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.started.set()
            assert self.release.wait(TIMEOUT)
        if any(item < 0 for item in items):
            raise ValueError("negative")
        return [item * 10 for item in items]


def test_a_lone_caller_runs_its_own_at_once() -> None:
    runs = Runs()
    runs.release.set()
    batches = Batches(runs)
    assert batches(1) == 10 and batches(2) == 20
    assert runs.batches == [[1], [2]]


def test_callers_arriving_meanwhile_share_the_next_batch_and_get_their_own_results() -> None:
    runs = Runs()
    batches: Batches[int, int] = Batches(runs, most=3)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(batches, 0)
        assert runs.started.wait(TIMEOUT)
        waiting = [pool.submit(batches, item) for item in range(1, 6)]
        while batches.queued < 5:  # every caller queued behind the running batch
            threading.Event().wait(0.001)
        runs.release.set()
        assert first.result(TIMEOUT) == 0
        assert [f.result(TIMEOUT) for f in waiting] == [10, 20, 30, 40, 50]
    assert runs.batches[0] == [0]
    assert sorted(len(b) for b in runs.batches[1:]) == [2, 3]  # at most three at a time
    assert sorted(i for b in runs.batches[1:] for i in b) == [1, 2, 3, 4, 5]


def test_a_batch_that_fails_fails_for_each_of_its_callers_only() -> None:
    runs = Runs()
    batches: Batches[int, int] = Batches(runs)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(batches, 0)
        assert runs.started.wait(TIMEOUT)
        bad = [pool.submit(batches, item) for item in (-1, 2)]
        while batches.queued < 2:
            threading.Event().wait(0.001)
        runs.release.set()
        assert first.result(TIMEOUT) == 0
        for future in bad:
            with pytest.raises(ValueError, match="negative"):
                future.result(TIMEOUT)
    assert batches(3) == 30  # the next batch runs as usual


def test_with_two_lanes_a_second_batch_runs_while_the_first_waits() -> None:
    first_runs, both = threading.Event(), threading.Barrier(2, timeout=TIMEOUT)

    def run(items: Sequence[int]) -> list[int]:
        first_runs.set()
        both.wait()  # each batch waits for the other: only two lanes let both through
        return list(items)

    batches: Batches[int, int] = Batches(run, lanes=2)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(batches, 1)
        assert first_runs.wait(TIMEOUT)
        second = pool.submit(batches, 2)
        assert (first.result(TIMEOUT), second.result(TIMEOUT)) == (1, 2)
