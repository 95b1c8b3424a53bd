"""The Web API client Palier uses: Slack's SDK, with its retry handlers switched on.

Rate limits (429) wait ``Retry-After``; connection errors and every 5xx answer are
retried with exponential backoff. The SDK's own server-error handler covers 500
and 503 only, and Slack answers 502/504 from its edge too, hence the subclass.
"""

from __future__ import annotations

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


def retry_handlers() -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        AnyServerErrorRetryHandler(max_retry_count=3),
    ]


def make_client(token: str, base_url: str, *, timeout: int = 10) -> WebClient:
    """A WebClient on ``base_url`` (Slack's, or the emulator's) with Palier's retries."""
    return WebClient(
        token=token, base_url=base_url, timeout=timeout, retry_handlers=retry_handlers()
    )
