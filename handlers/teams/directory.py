"""A Microsoft 365 tenant's people, as :class:`bot.domain.people.Directory` describes them:
Microsoft Graph, with an app-only token of that tenant.

Teams tells a bot about a person only when they write to it; enrolling someone by e-mail
address (an admin's command, ``palier people import``) asks Microsoft Graph
(learn.microsoft.com/graph/api/resources/user):

- ``GET /v1.0/users?$filter=mail eq '…'`` finds the account behind an address (a quote in
  it doubled, as OData writes it); an address that is nobody's ``mail`` is tried as a
  user principal name (``GET /v1.0/users/{userPrincipalName}``), which is often the same;
- ``GET /v1.0/users/{id}`` with ``$select`` reads the person (``accountEnabled`` is only
  returned when selected: a disabled account is a deactivated one);
- ``GET /v1.0/users/{id}/mailboxSettings`` gives their zone, which Exchange holds as a
  Windows name ("Romance Standard Time") or an IANA one: a Windows name becomes its IANA
  zone through CLDR's windowsZones table (as ``tzlocal`` ships it; ``zoneinfo`` has none).
  Someone without a mailbox, or a tenant that did not grant ``MailboxSettings.Read``,
  gives no zone: their Teams client tells it the first time they write to Palier.

The token is the app's, for ``https://graph.microsoft.com/.default``, asked of the tenant
itself (an admin of the tenant consented to ``User.Read.All`` and ``MailboxSettings.Read``).
"Nobody by that address or id" is an answer (None); anything else Graph, the token
endpoint or the network does wrong raises :class:`~bot.domain.people.DirectoryError`, so
the caller stops rather than mistake an outage for unknown people.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import httpx
from tzlocal.windows_tz import win_tz

from bot.domain.people import DirectoryError, Profile, known_timezone
from handlers.teams.server import TeamsServer
from handlers.teams.token import TokenError

log = logging.getLogger(__name__)

GRAPH_URL = "https://graph.microsoft.com"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
SELECT = "id,displayName,mail,userPrincipalName,preferredLanguage,accountEnabled"
TIMEOUT = 10.0

Token = Callable[[], str]


def iana_zone(name: str | None) -> str | None:
    """The IANA zone of a mailbox's ``timeZone`` (a Windows name or an IANA one), or None."""
    if not name:
        return None
    return known_timezone(name) or known_timezone(win_tz.get(name.strip()))


class GraphDirectory:
    """The people of one tenant (``tenant_id``), read with ``token()``'s Graph token."""

    def __init__(
        self,
        tenant_id: str,
        token: Token,
        graph_url: str = GRAPH_URL,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self._token = token
        self._base = graph_url.rstrip("/") + "/v1.0"
        self._transport = transport

    def lookup_by_email(self, email: str) -> Profile | None:
        """The person whose mail (else user principal name) is ``email``, or None."""
        address = email.strip()
        found = self._get("/users", {"$filter": f"mail eq '{_quoted(address)}'", "$select": SELECT})
        users = found.get("value") if found is not None else None
        if isinstance(users, list) and users:
            return self._profile(users[0])
        return self.profile(address)  # a user principal name is often the address

    def profile(self, user_id: str) -> Profile | None:
        """The person with this object id (or user principal name), or None."""
        found = self._get(f"/users/{quote(user_id, safe='@')}", {"$select": SELECT})
        return None if found is None else self._profile(found)

    # -- helpers -------------------------------------------------------------------------

    def _profile(self, user: Mapping[str, Any]) -> Profile:
        user_id = str(user["id"]).lower()
        return Profile(
            user_id=user_id,
            display_name=user.get("displayName") or None,
            email=user.get("mail") or user.get("userPrincipalName") or None,
            timezone=self._zone(user_id),
            locale=user.get("preferredLanguage") or None,
            deleted=user.get("accountEnabled") is False,
        )

    def _zone(self, user_id: str) -> str | None:
        settings = self._get(f"/users/{user_id}/mailboxSettings", {}, unknown=(403, 404))
        if settings is None:
            return None
        zone = settings.get("timeZone")
        converted = iana_zone(zone if isinstance(zone, str) else None)
        if zone and converted is None:
            log.info("mailbox time zone %r of %s has no IANA zone", zone, user_id)
        return converted

    def _get(
        self, path: str, params: Mapping[str, str], *, unknown: tuple[int, ...] = (404,)
    ) -> dict[str, Any] | None:
        """Graph's answer, or None when it answers one of ``unknown``."""
        try:
            token = self._token()
        except TokenError as refused:
            raise DirectoryError(f"token: {refused}") from refused
        except (httpx.HTTPError, TimeoutError) as error:
            raise DirectoryError(f"token: {type(error).__name__}") from error
        try:
            with httpx.Client(transport=self._transport, timeout=TIMEOUT) as client:
                response = client.get(
                    self._base + path,
                    params=dict(params),
                    headers={"Authorization": f"Bearer {token}"},
                )
        except httpx.HTTPError as error:
            raise DirectoryError(f"GET {path}: {type(error).__name__}") from error
        if response.status_code in unknown:
            return None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            refusal = body.get("error") if isinstance(body, dict) else None
            code = refusal.get("code") if isinstance(refusal, dict) else None
            raise DirectoryError(f"GET {path}: {code or 'error'} (HTTP {response.status_code})")
        return body


def _quoted(value: str) -> str:
    """A value inside an OData string literal: a quote is written twice."""
    return value.replace("'", "''")


def graph_directories(
    server: TeamsServer, graph_url: str = GRAPH_URL
) -> Callable[[str], GraphDirectory]:
    """Each tenant's directory, with tokens from ``server``'s provider (on its loop)."""

    def directory(tenant_id: str) -> GraphDirectory:
        def token() -> str:
            return server.run(server.tokens(GRAPH_SCOPE, tenant_id))

        return GraphDirectory(tenant_id, token, graph_url)

    return directory
