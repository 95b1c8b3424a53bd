"""The Web API client Palier uses: Slack's SDK, with its retry handlers switched on.

Rate limits (429) wait ``Retry-After``; connection errors and every 5xx answer are
retried with backoff. The SDK's own server-error handler covers 500
and 503 only, and Slack answers 502/504 from its edge too, hence the subclass.

Slack's ``Retry-After`` holds for every call of that method with that token: the
:class:`RateLimitGate` (one per process, shared by every client, whichever
workspace's token it holds) remembers it per (token, method) from the first 429, and
a client refuses to call that method with that token before it has elapsed
(:class:`RateLimited`) — another thread's call included, while the one that met the
429 waits to retry — instead of hammering Slack and prolonging the limit.

A call that posts a message is never re-sent by the client after a connection error
(:data:`NOT_REPEATABLE`): the connection may have dropped after Slack posted it, and
a second post is a message sent twice. The error reaches the caller, which looks for
the message (its metadata) before posting again.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse


class RateLimited(Exception):
    """Not called: Slack asked for a pause on this method that has not elapsed yet."""

    def __init__(self, method: str, seconds: float) -> None:
        super().__init__(f"{method} rate limited for {seconds:.0f} s more")
        self.method = method
        self.seconds = seconds


class RateLimitGate:
    """ "Not before" times per (token, method), from the ``Retry-After`` of a 429."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._until: dict[tuple[str | None, str], float] = {}

    def close(self, token: str | None, method: str, seconds: float) -> None:
        with self._lock:
            until = self.clock() + seconds
            key = (token, method)
            self._until[key] = max(until, self._until.get(key, until))

    def wait_left(self, token: str | None, method: str) -> float:
        """Seconds before ``method`` may be called with ``token`` again (0: now)."""
        with self._lock:
            until = self._until.get((token, method))
            if until is None:
                return 0.0
            left = until - self.clock()
            if left <= 0:
                del self._until[(token, method)]
                return 0.0
            return left


GATE = RateLimitGate()  # the process's


def _header(headers: dict[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def retry_after_of(headers: dict[str, Any]) -> float:
    """The seconds a 429's ``Retry-After`` asks to wait (1 when it says nothing readable)."""
    try:
        return max(float(_header(headers, "retry-after") or 1), 0.0)
    except ValueError:
        return 1.0


def _retry_after(response: HttpResponse) -> float:
    return retry_after_of(response.headers)


def request_key(request: HttpRequest) -> tuple[str | None, str]:
    """(token, method) of a Web API request: the bearer token, else the ``token`` field."""
    authorization = _header(request.headers, "authorization") or ""
    token = authorization.removeprefix("Bearer ").strip() or None
    if token is None and request.body_params:
        token = request.body_params.get("token")
    return token, urlsplit(request.url).path.rsplit("/", 1)[-1]


# Methods whose repetition is visible to people: a second call posts a second message.
NOT_REPEATABLE = frozenset({"chat.postMessage"})


class PostSafeConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """The SDK's connection-error handler, except for calls that post a message."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request_key(request)[1] in NOT_REPEATABLE:
            return False
        return bool(
            super()._can_retry(state=state, request=request, response=response, error=error)
        )


class GatedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """The SDK's 429 handler; every 429 closes the gate for its ``Retry-After``, so no
    other call of that method with that token (another thread's) goes out before it
    elapses while this one waits to retry.

    The retry itself waits for the gate too: under load several threads meet 429s one
    after the other, each with its own ``Retry-After``, and the SDK would send each retry
    after its own — before a later 429's had elapsed (``bench/thursday_bench.py`` saw it
    at a workspace's Thursday peak).
    """

    def __init__(
        self,
        gate: RateLimitGate,
        max_retry_count: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.gate = gate
        self.sleep = sleep

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            self.gate.close(*request_key(request), _retry_after(response))
        return bool(super().can_retry(state=state, request=request, response=response, error=error))

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Wait as the SDK does (``Retry-After`` and up to a second more), then for as
        long as the gate is still closed for this token and method."""
        if response is None:
            raise error or RuntimeError("no response to retry after")
        state.next_attempt_requested = True
        self.sleep(_retry_after(response) + random.random())
        key = request_key(request)
        while (left := self.gate.wait_left(*key)) > 0:
            self.sleep(left)
        state.increment_current_attempt()


class GatedWebClient(WebClient):
    """A WebClient that consults the gate before each call."""

    gate: RateLimitGate = GATE

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        params = kwargs.get("params") or {}
        data = kwargs.get("data") or {}
        json = kwargs.get("json") or {}
        token = params.get("token") or data.get("token") or json.get("token") or self.token
        left = self.gate.wait_left(token, api_method)
        if left > 0:
            raise RateLimited(api_method, left)
        return super().api_call(api_method, **kwargs)


def gated(client: WebClient) -> WebClient:
    """``client`` as a :class:`GatedWebClient` on the gate its 429 handler closes.

    Bolt builds a plain ``WebClient`` for each request from the app's (same token,
    URL and retry handlers): without this, a listener's calls would skip the gate
    that the app's own 429 handler keeps.
    """
    if isinstance(client, GatedWebClient):
        return client
    handlers = client.retry_handlers or []
    gate = next((h.gate for h in handlers if isinstance(h, GatedRateLimitRetryHandler)), None)
    if gate is None:
        return client
    copy = GatedWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=dict(client.headers),
        logger=client.logger,
        retry_handlers=handlers,
    )
    copy.default_params = dict(client.default_params)  # the request's team_id, if any
    copy.gate = gate
    return copy


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """Retries every 5xx answer, with the SDK's backoff."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code <= 599


def retry_handlers(gate: RateLimitGate = GATE, rate_limit_retries: int = 3) -> list[RetryHandler]:
    return [
        PostSafeConnectionErrorRetryHandler(max_retry_count=2),
        GatedRateLimitRetryHandler(gate, max_retry_count=rate_limit_retries),
        AnyServerErrorRetryHandler(max_retry_count=3),
    ]


def make_client(
    token: str,
    base_url: str,
    *,
    timeout: int = 10,
    gate: RateLimitGate = GATE,
    rate_limit_retries: int = 3,
) -> WebClient:
    """A WebClient on ``base_url`` (Slack's, or the emulator's) with Palier's retries,
    and the process's rate-limit gate (``gate``) consulted before each call."""
    client = GatedWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=retry_handlers(gate, rate_limit_retries),
    )
    client.gate = gate
    return client
