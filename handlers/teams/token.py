"""Palier's bot tokens for the Bot Framework: the client-credentials grant, cached.

The Teams SDK would get them through MSAL, which refuses a login address that is not
Microsoft's (docs/teams-sdk.md); Palier gives the SDK this provider (``token=``) in
production as in tests, so the path tested is the path shipped. A token is kept until
five minutes before it expires (the SDK does not cache what a provider returns: without
this, every message would cost a round trip to the login service); concurrent callers
wait for one request. A token the Connector refuses is dropped (:meth:`BotTokens.forget`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

LOGIN_URL = "https://login.microsoftonline.com"
BOT_TENANT = "botframework.com"  # a multi-tenant bot's tokens come from this tenant
BOT_SCOPE = "https://api.botframework.com/.default"
MARGIN = timedelta(minutes=5)


class TokenError(Exception):
    """The login service refused Palier's credentials (``reason``: its error code)."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(f"{reason} ({status})")
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class _Token:
    value: str
    renew_at: datetime


class BotTokens:
    """An async token provider for the Teams SDK: ``await tokens(scope, tenant_id)``."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        clock: Callable[[], datetime],
        *,
        login_url: str = LOGIN_URL,
        tenant: str = BOT_TENANT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self._clock = clock
        self._login_url = login_url.rstrip("/")
        self._tenant = tenant
        self._transport = transport
        self._tokens: dict[tuple[str, str], _Token] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def __call__(self, scope: str | list[str], tenant_id: str | None = None) -> str:
        scopes = " ".join(scope) if isinstance(scope, list) else scope or BOT_SCOPE
        key = (scopes, tenant_id or self._tenant)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            token = self._tokens.get(key)
            if token is None or self._clock() >= token.renew_at:
                token = await self._fetch(*key)
                self._tokens[key] = token
            return token.value

    def forget(self) -> None:
        """Drop the tokens kept: the Connector refused one (revoked, or the app's secret
        changed), so the next caller asks the login service, whose answer then says why."""
        self._tokens.clear()

    async def _fetch(self, scope: str, tenant: str) -> _Token:
        async with httpx.AsyncClient(transport=self._transport, timeout=10) as client:
            response = await client.post(
                f"{self._login_url}/{tenant}/oauth2/v2.0/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self._secret,
                    "scope": scope,
                },
            )
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or "access_token" not in body:
            raise TokenError(str(body.get("error") or "no_token"), response.status_code)
        lifetime = timedelta(seconds=int(body.get("expires_in", 3599)))
        return _Token(str(body["access_token"]), self._clock() + lifetime - MARGIN)
