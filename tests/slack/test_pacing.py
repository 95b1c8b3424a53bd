"""The tick's posts spaced per workspace (handlers.slack.pacing), on a test clock."""

from __future__ import annotations

import threading

import pytest

from handlers.slack.pacing import Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


def test_turns_of_one_workspace_are_spaced_and_another_s_are_not_delayed() -> None:
    clock = Clock()
    pacer = Pacer(600, clock, clock.sleep)  # 10 a second
    waits = [pacer.wait_turn("T1") for _ in range(3)]
    assert waits == pytest.approx([0.0, 0.1, 0.2])
    assert pacer.wait_turn("T2") == 0.0
    clock.now += 1  # later than every turn given: no wait, no burst owed
    assert pacer.wait_turn("T1") == 0.0
    assert pacer.wait_turn("T1") == pytest.approx(0.1)


def test_threads_sharing_a_workspace_get_distinct_turns() -> None:
    clock = Clock()
    pacer = Pacer(60, clock, clock.sleep)  # one a second
    threads = [threading.Thread(target=pacer.wait_turn, args=("T1",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(clock.slept) == [float(n) for n in range(1, 8)]  # the first did not wait


def test_no_rate_means_no_pacing() -> None:
    clock = Clock()
    pacer = Pacer(None, clock, clock.sleep)
    assert [pacer.wait_turn("T1") for _ in range(5)] == [0.0] * 5 and clock.slept == []
