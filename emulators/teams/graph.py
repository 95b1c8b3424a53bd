"""Microsoft Graph's users, as an app sees them with an app-only token.

What a bot needs to find the people of a customer's tenant (Microsoft Graph REST API v1.0,
learn.microsoft.com/graph/api/resources/user):

- ``GET /v1.0/users/{id | userPrincipalName}`` ("Get user", graph/api/user-get): the user
  resource. Without ``$select`` the default properties (``businessPhones``,
  ``displayName``, ``givenName``, ``id``, ``jobTitle``, ``mail``, ``mobilePhone``,
  ``officeLocation``, ``preferredLanguage``, ``surname``, ``userPrincipalName``); with it,
  only those named. ``accountEnabled`` is "returned only on $select"; ``mailboxSettings``
  too, and only on this single-user read.
- ``GET /v1.0/users?$filter=mail eq '…'`` ("List users", graph/api/user-list): a
  collection ``{"@odata.context", "value": [...]}``. String values are in single quotes,
  a quote inside doubled (``'o''brien@…'``); ``eq`` on ``mail`` and ``userPrincipalName``
  ignores case. Filters joined by ``or`` are understood here; other query shapes answer
  ``400 Request_UnsupportedQuery``.
- ``GET /v1.0/users/{id | userPrincipalName}/mailboxSettings`` ("Get user mailbox
  settings", graph/api/user-get-mailboxsettings): ``timeZone`` is the mailbox's zone,
  "the preferred time zone", which Exchange holds as a Windows name ("Pacific Standard
  Time") or an IANA one, as the user or an admin set it; a user without an Exchange Online
  mailbox gets ``404 MailboxNotEnabledForRESTAPI``.

Authorization ("Get access without a user", graph/auth-v2-service): a bearer token of the
token endpoint for ``https://graph.microsoft.com/.default``, issued in the tenant whose
users are read, carrying the application permissions consented there as ``roles``:
``User.Read.All`` (or ``Directory.Read.All``) for users, ``MailboxSettings.Read`` for
mailbox settings. Errors are Graph's body ("Microsoft Graph error responses",
graph/errors): ``{"error": {"code", "message", "innerError": {"date", "request-id",
"client-request-id"}}}`` — 401 ``InvalidAuthenticationToken``, 403
``Authorization_RequestDenied`` (directory) or ``ErrorAccessDenied`` (mailbox), 404
``Request_ResourceNotFound``, 400 ``Request_BadRequest`` / ``Request_UnsupportedQuery``.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from emulators.teams.identity import IssuedToken
from emulators.teams.model import JsonDict, User
from emulators.teams.store import Store

METADATA = "https://graph.microsoft.com/v1.0/$metadata"
DEFAULT_PROPERTIES = (
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
)
SELECT_ONLY = ("accountEnabled", "mailboxSettings")
USER_PERMISSIONS = frozenset(
    {"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)
MAILBOX_PERMISSIONS = frozenset({"MailboxSettings.Read", "MailboxSettings.ReadWrite"})
FILTERABLE = {"mail", "userPrincipalName", "displayName", "id", "givenName", "surname"}
_CLAUSE = re.compile(r"\s*(?P<property>\w+)\s+eq\s+'(?P<value>(?:[^']|'')*)'\s*", re.IGNORECASE)


class GraphError(Exception):
    """A refusal, as Graph words it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def body(self, now: float) -> JsonDict:
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        request_id = str(uuid.uuid4())
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": stamp,
                    "request-id": request_id,
                    "client-request-id": request_id,
                },
            }
        }


def unauthorized(message: str) -> GraphError:
    return GraphError(401, "InvalidAuthenticationToken", message)


class Graph:
    """The users of each tenant in :class:`~.store.Store`, for the token's tenant."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def user(self, token: IssuedToken, key: str, query: dict[str, str]) -> tuple[int, JsonDict]:
        """``GET /v1.0/users/{key}``."""
        _require(token, USER_PERMISSIONS, directory=True)
        user = self._find(token, key)
        select = _select(query, single=True)
        context = f"{METADATA}#users/$entity"
        if select is not None:
            context = f"{METADATA}#users({','.join(select)})/$entity"
        return 200, {"@odata.context": context, **self._resource(token, user, select)}

    def users(self, token: IssuedToken, query: dict[str, str]) -> tuple[int, JsonDict]:
        """``GET /v1.0/users[?$filter=…][&$select=…]``."""
        _require(token, USER_PERMISSIONS, directory=True)
        select = _select(query, single=False)
        clauses = _filter(query.get("$filter"))
        found = [
            user
            for user in self.store.users.values()
            if user.tenant_id == token.tenant_id
            and (clauses is None or any(_matches(user, p, v) for p, v in clauses))
        ]
        context = f"{METADATA}#users" + (f"({','.join(select)})" if select else "")
        value = [self._resource(token, user, select) for user in found]
        return 200, {"@odata.context": context, "value": value}

    def mailbox_settings(self, token: IssuedToken, key: str) -> tuple[int, JsonDict]:
        """``GET /v1.0/users/{key}/mailboxSettings``."""
        user = self._find(token, key, permissions=MAILBOX_PERMISSIONS)
        return 200, {
            "@odata.context": f"{METADATA}#users('{user.aad_object_id}')/mailboxSettings",
            **_mailbox(user),
        }

    # -- helpers -----------------------------------------------------------------------------

    def _find(
        self, token: IssuedToken, key: str, permissions: frozenset[str] = USER_PERMISSIONS
    ) -> User:
        _require(token, permissions, directory=permissions is USER_PERMISSIONS)
        folded = key.casefold()
        for user in self.store.users.values():
            if user.tenant_id != token.tenant_id:
                continue
            if key == user.aad_object_id or folded == user.user_principal_name.casefold():
                return user
        raise GraphError(
            404,
            "Request_ResourceNotFound",
            f"Resource '{key}' does not exist or one of its queried reference-property "
            "objects are not present.",
        )

    def _resource(self, token: IssuedToken, user: User, select: list[str] | None) -> JsonDict:
        every: JsonDict = {
            "businessPhones": [],
            "displayName": user.name,
            "givenName": user.given_name,
            "jobTitle": None,
            "mail": user.email,
            "mobilePhone": None,
            "officeLocation": None,
            "preferredLanguage": user.preferred_language,
            "surname": user.surname,
            "userPrincipalName": user.user_principal_name,
            "id": user.aad_object_id,
            "accountEnabled": user.account_enabled,
        }
        if select is None:
            return {name: every[name] for name in DEFAULT_PROPERTIES}
        resource: JsonDict = {}
        for name in select:
            if name == "mailboxSettings":
                _require(token, MAILBOX_PERMISSIONS, directory=False)
                if user.mailbox_timezone is None:
                    raise _no_mailbox()
                resource[name] = _mailbox(user)
            else:
                resource[name] = every[name]
        return resource


def _require(token: IssuedToken, permissions: frozenset[str], *, directory: bool) -> None:
    if set(token.roles) & permissions:
        return
    if directory:
        raise GraphError(
            403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
        )
    raise GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")


def _no_mailbox() -> GraphError:
    return GraphError(
        404,
        "MailboxNotEnabledForRESTAPI",
        "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
    )


def _mailbox(user: User) -> JsonDict:
    if user.mailbox_timezone is None:
        raise _no_mailbox()
    zone = user.mailbox_timezone
    return {
        "archiveFolder": f"AAMkA{uuid.uuid5(uuid.NAMESPACE_URL, user.aad_object_id).hex}",
        "timeZone": zone,
        "automaticRepliesSetting": {
            "status": "disabled",
            "externalAudience": "all",
            "internalReplyMessage": "",
            "externalReplyMessage": "",
        },
        "dateFormat": "dd/MM/yyyy",
        "timeFormat": "HH:mm",
        "delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
        "userPurpose": "user",
        "language": {"locale": user.preferred_language or user.locale, "displayName": ""},
        "workingHours": {
            "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            "startTime": "08:00:00.0000000",
            "endTime": "17:00:00.0000000",
            "timeZone": {"name": zone},
        },
    }


def _select(query: dict[str, str], *, single: bool) -> list[str] | None:
    text = query.get("$select")
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    known = {*DEFAULT_PROPERTIES, *SELECT_ONLY}
    for name in names:
        if name not in known or (name == "mailboxSettings" and not single):
            raise GraphError(
                400,
                "Request_BadRequest",
                f"Could not find a property named '{name}' on type 'microsoft.graph.user'.",
            )
    return names


def _filter(text: str | None) -> list[tuple[str, str]] | None:
    """``prop eq 'value' [or prop eq 'value' …]`` as (property, value) pairs."""
    if text is None:
        return None
    clauses = []
    for part in re.split(r"\s+or\s+", text.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.fullmatch(part)
        if match is None or match["property"] not in FILTERABLE:
            name = match["property"] if match else part.split(" ", 1)[0]
            raise GraphError(
                400,
                "Request_UnsupportedQuery",
                f"Unsupported or invalid query filter clause specified for property '{name}' "
                "of resource 'User'.",
            )
        clauses.append((match["property"], match["value"].replace("''", "'")))
    return clauses


def _matches(user: User, name: str, value: str) -> bool:
    actual: Any = {
        "mail": user.email,
        "userPrincipalName": user.user_principal_name,
        "displayName": user.name,
        "id": user.aad_object_id,
        "givenName": user.given_name,
        "surname": user.surname,
    }[name]
    return isinstance(actual, str) and actual.casefold() == value.casefold()
