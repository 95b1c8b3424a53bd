"""The people of bench/thursday_bench.py: what they do once their weekly prompt arrives.

They live beside the Slack emulator (Slack is who sends Palier a person's clicks): a
poller reads the emulator's calls as they come — each prompt delivered, each modal
opened or refused, each 429 — and plans what its person does; a dispatcher sends each
action when due, signed, over HTTP, to Palier, on a pool of threads (one per request in
flight). A share of the people who received their prompt click Start a few minutes
later (exponential, at most three times its mean; the modal must open within the
click's trigger, 3 s) and submit their check-in a minute or two after it opened; a
share types ``/palier me``. At the peak (a share of the
prompts out) a burst of interactions leaves at once: a third Start clicks, a third
submissions, a third ``/palier me``.
"""

from __future__ import annotations

import heapq
import itertools
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from emulators.slack import SlackDriver, SlackEmulator
from emulators.slack.server import Message, View
from handlers.slack import ids

START, SUBMIT, ME = "Start click", "check-in submission", "/palier me"
DEADLINE = 3.0  # seconds Slack waits for an answer; a trigger_id's life


@dataclass(frozen=True)
class Behaviour:
    """How people answer, in real seconds (already scaled)."""

    start_share: float  # of those prompted, who click Start
    me_share: float  # who type /palier me
    click_mean: float  # seconds from the prompt to the click (exponential)
    fill: tuple[float, float]  # seconds from the modal opened to the submission (uniform)
    me_mean: float  # seconds from the prompt to /palier me (exponential)
    peak: int  # interactions sent at once at the peak
    peak_at: float  # share of the prompts out when the peak leaves
    seed: int = 13


@dataclass(frozen=True)
class Answer:
    kind: str
    user: str
    sent: float  # monotonic
    elapsed: float
    status: int
    refused: bool  # a submission answered with errors
    peak: bool


@dataclass
class Seen:
    """What the emulator saw, read as it came."""

    prompts: dict[str, float] = field(default_factory=dict)  # user → delivered (monotonic)
    opened: dict[str, str] = field(default_factory=dict)  # trigger → "ok" or the error
    trigger_ages: list[float] = field(default_factory=list)  # seconds, modals opened
    refused: Counter[str] = field(default_factory=Counter)  # 429s by method
    limited: list[tuple[str, float]] = field(default_factory=list)  # 429s: method, clock
    calls: Counter[str] = field(default_factory=Counter)  # ok calls by method
    last_call: float = 0.0


class Crowd:
    """N people on one workspace; :meth:`run` until everybody's done what they meant to."""

    def __init__(
        self, emulator: SlackEmulator, url: str, secret: str, users: list[str], how: Behaviour
    ) -> None:
        self.emulator = emulator
        self.driver = SlackDriver(url, secret, emulator, timeout=60.0)
        self.users = users
        self.how = how
        self.rng = random.Random(how.seed)
        self.seen = Seen()
        self.answers: list[Answer] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self.peak_sent_at: float | None = None
        self._lock = threading.Lock()
        self._plan: list[tuple[float, int, str, str]] = []  # (when, seq, kind, user)
        self._seq = itertools.count()
        self._state: dict[str, str] = {}  # user → what they are doing
        self._calls_read = 0
        self._pool = ThreadPoolExecutor(max(how.peak, 16) + 50, thread_name_prefix="person")
        self.pending = 0  # actions planned or in flight

    # -- reading Slack -------------------------------------------------------------------

    def poll(self) -> None:
        calls = self.emulator.calls_since(self._calls_read)
        self._calls_read += len(calls)
        for call in calls:
            self.seen.last_call = time.monotonic()
            if call.status == 429:
                self.seen.refused[call.method] += 1
                self.seen.limited.append((call.method, call.clock))
                continue
            if call.ok:
                self.seen.calls[call.method] += 1
            if call.method == "chat.postMessage" and call.ok:
                if ids.START_CHECKIN in str(call.params.get("blocks", "")):
                    self._prompted(str(call.params.get("channel")), call.finished)
            elif call.method == "views.open":
                self._modal(str(call.params.get("trigger_id")), call.ok, str(call.error))
        if self.peak_sent_at is None and len(self.seen.prompts) >= self.how.peak_at * len(
            self.users
        ):
            self.peak_sent_at = time.monotonic()
            self._peak()

    def _modal(self, trigger_id: str, ok: bool, error: str) -> None:
        """A Start click's modal opened (its submission planned) or refused."""
        self.seen.opened[trigger_id] = "ok" if ok else error
        trigger = self.emulator.trigger(trigger_id)
        if trigger is None:
            return
        user = trigger.user_id
        if ok and trigger.used_at is not None:
            self.seen.trigger_ages.append(trigger.used_at - trigger.issued_at)
        with self._lock:
            if self._state.get(user) != "clicked":
                return
            if ok:
                self._state[user] = "open"
                self._schedule(time.monotonic() + self.rng.uniform(*self.how.fill), SUBMIT, user)
            else:
                self._state[user] = "refused"

    def _prompted(self, user: str, at: float) -> None:
        if user in self.seen.prompts:
            return
        self.seen.prompts[user] = at
        with self._lock:
            if self.rng.random() < self.how.start_share:
                self._state[user] = "prompted"
                self._schedule(at + self._delay(self.how.click_mean), START, user)
            if self.rng.random() < self.how.me_share:
                self._schedule(at + self._delay(self.how.me_mean), ME, user)

    def _delay(self, mean: float) -> float:
        """Exponential, without its long tail (at most 3 × the mean: the Thursday ends)."""
        while (delay := self.rng.expovariate(1 / mean)) > 3 * mean:
            pass
        return delay

    def _schedule(self, when: float, kind: str, user: str) -> None:
        heapq.heappush(self._plan, (when, next(self._seq), kind, user))
        self.pending += 1

    # -- acting ---------------------------------------------------------------------------

    def _peak(self) -> None:
        """A third Start clicks (people prompted who have not clicked), a third
        submissions (modals open), the rest /palier me: all at once."""
        third = self.how.peak // 3
        with self._lock:
            openers = [u for u, s in self._state.items() if s == "open"][:third]
            clickers = [u for u in self.seen.prompts if self._state.get(u) in (None, "prompted")]
            clickers = clickers[: third + (third - len(openers))]
            for user in openers:
                self._state[user] = "submitting"
            for user in clickers:
                self._state[user] = "clicking"
            mes = list(self.seen.prompts)[: self.how.peak - len(openers) - len(clickers)]
            actions = [(SUBMIT, u) for u in openers] + [(START, u) for u in clickers]
            actions += [(ME, u) for u in mes]
            self.pending += len(actions)
        barrier = threading.Barrier(len(actions))
        for kind, user in actions:
            self._pool.submit(self._act, kind, user, barrier)

    def dispatch(self) -> None:
        """Send every planned action that is due."""
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._plan or self._plan[0][0] > now:
                    return
                _, _, kind, user = heapq.heappop(self._plan)
                state = self._state.get(user)
                stale = (kind == START and state != "prompted") or (
                    kind == SUBMIT and state != "open"
                )
                if stale:  # the peak took it, or the modal was refused
                    self.pending -= 1
                    continue
                if kind == START:
                    self._state[user] = "clicking"
                elif kind == SUBMIT:
                    self._state[user] = "submitting"
            self._pool.submit(self._act, kind, user, None)

    def _act(self, kind: str, user: str, barrier: threading.Barrier | None) -> None:
        try:
            action: Callable[[], Any] = {
                START: lambda: self._click(user),
                SUBMIT: lambda: self._submit(user),
                ME: lambda: self.driver.slash_command(user, ids.COMMAND, "me"),
            }[kind]
            if barrier is not None:
                barrier.wait()
            with self._lock:
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            sent = time.monotonic()
            try:
                response = action()
            finally:
                with self._lock:
                    self.in_flight -= 1
            refused = kind == SUBMIT and response.response_action == "errors"
            answer = Answer(
                kind, user, sent, response.elapsed, response.status, refused, barrier is not None
            )
            with self._lock:
                self.answers.append(answer)
                if kind == SUBMIT:
                    self._state[user] = "submitted" if response.ok and not refused else "failed"
        finally:
            with self._lock:
                self.pending -= 1

    def _click(self, user: str) -> Any:
        prompt = self._prompt(user)
        with self._lock:
            self._state[user] = "clicked"
        return self.driver.click(user, prompt, ids.START_CHECKIN)

    def _prompt(self, user: str) -> Message:
        for message in reversed(self.emulator.dm_messages(user)):
            if ids.START_CHECKIN in str(message.blocks):
                return message
        raise AssertionError(f"no prompt for {user}")

    def _submit(self, user: str) -> Any:
        modal: View = self.emulator.open_views(user)[-1]
        values: dict[str, Any] = {}
        for block in modal.blocks:
            element = block.get("element") or {}
            if str(block.get("block_id", "")).startswith("level:") and element.get("options"):
                values[block["block_id"]] = self.rng.choice(element["options"])["value"]
        return self.driver.submit_view(user, modal, values)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def ack_lines(answers: list[Answer]) -> list[str]:
    """p50 / p99 / max per kind, how many after 3 s or not 200, and the peak's."""
    lines = []
    for kind in (START, SUBMIT, ME):
        for label, mine in (
            (kind, [a for a in answers if a.kind == kind]),
            (f"{kind} (at the peak)", [a for a in answers if a.kind == kind and a.peak]),
        ):
            if not mine:
                continue
            elapsed = [a.elapsed for a in mine]
            late = sum(1 for a in mine if a.elapsed > DEADLINE or a.status != 200)
            lines.append(
                f"  {label:32} {len(mine):5}  p50 {statistics.median(elapsed):5.2f} s  "
                f"p99 {percentile(elapsed, 0.99):5.2f} s  max {max(elapsed):5.2f} s  "
                f"over 3 s or not 200: {late}"
            )
    return lines
