"""A call that met a 429 is retried only once every Retry-After of its token and method
has elapsed — its own, and those other threads met meanwhile (bench/thursday_bench.py:
at a workspace's peak, clicks' views.open and check-ins' chat.update met 429s one after
the other, and the SDK sent each retry after its own Retry-After only)."""

from __future__ import annotations

from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from handlers.slack.client import GatedRateLimitRetryHandler, RateLimitGate

TOKEN = "xoxb-test"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _request(method: str) -> HttpRequest:
    return HttpRequest(
        method="POST",
        url=f"https://slack.com/api/{method}",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


def _too_many(retry_after: int) -> HttpResponse:
    return HttpResponse(status_code=429, headers={"Retry-After": [str(retry_after)]})


def _retry(handler: GatedRateLimitRetryHandler, request: HttpRequest, answer: HttpResponse) -> None:
    state = RetryState()
    assert handler.can_retry(state=state, request=request, response=answer)
    handler.prepare_for_next_attempt(state=state, request=request, response=answer)
    assert state.next_attempt_requested and state.current_attempt == 1


def test_a_retry_waits_for_a_later_429_of_the_same_method_and_token() -> None:
    clock = Clock()
    gate = RateLimitGate(clock=clock)
    handler = GatedRateLimitRetryHandler(gate, sleep=clock.sleep)
    began = clock.now
    # Another thread's views.open met a 429 with Retry-After 5 a moment ago.
    gate.close(TOKEN, "views.open", 5)
    _retry(handler, _request("views.open"), _too_many(1))
    assert clock.now - began >= 5  # not 1 (and up to a second more): the SDK's own wait
    assert gate.wait_left(TOKEN, "views.open") == 0


def test_a_retry_waits_its_own_retry_after_when_nothing_else_closed_the_gate() -> None:
    clock = Clock()
    gate = RateLimitGate(clock=clock)
    handler = GatedRateLimitRetryHandler(gate, sleep=clock.sleep)
    gate.close(TOKEN, "chat.postMessage", 30)  # another method: no wait for it
    began = clock.now
    _retry(handler, _request("chat.update"), _too_many(2))
    assert 2 <= clock.now - began < 3
    assert len(clock.slept) == 1
