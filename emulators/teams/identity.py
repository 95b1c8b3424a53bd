"""The identity side of a local Teams: Bot Framework's signing keys, Entra ID's token endpoint.

Two Microsoft services sign tokens in a Teams conversation, and the emulator plays both:

- **Bot Framework** (``login.botframework.com``) signs every activity Teams sends to the
  bot. The bot finds the key through the OpenID metadata document
  (``/v1/.well-known/openidconfiguration``), whose ``jwks_uri`` names the key set
  (``/v1/.well-known/keys``). The token is RS256, carries ``kid``/``x5t`` in its header
  and ``iss=https://api.botframework.com``, ``aud=<bot app id>``, ``serviceurl``, ``nbf``,
  ``exp`` in its claims ("Authenticate requests from the Bot Connector service to your
  bot", learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication).
- **Entra ID** (``login.microsoftonline.com``) issues the bot's own access token for the
  Connector: ``POST /{tenant}/oauth2/v2.0/token`` with ``grant_type=client_credentials``,
  the app's id and secret and ``scope=https://api.botframework.com/.default``. The answer
  is ``{token_type, expires_in, ext_expires_in, access_token}``; a refusal is Entra's
  error body (``error``, ``error_description`` starting ``AADSTS<code>:``,
  ``error_codes``, ``timestamp``, ``trace_id``, ``correlation_id``, ``error_uri``).

The same token endpoint gives the app a **Microsoft Graph** token for a customer's tenant
(``scope=https://graph.microsoft.com/.default`` asked of that tenant, "Get access without a
user", learn.microsoft.com/graph/auth-v2-service): its ``aud`` is
``https://graph.microsoft.com`` and its ``roles`` the application permissions an admin of
that tenant consented to (:meth:`Identity.consent`). A tenant where the app has no service
principal (nobody consented, or ``botframework.com``) refuses with ``AADSTS7000229``.

Keys are fresh RSA-2048 pairs made per emulator; times come from the emulator's clock.
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

JsonDict = dict[str, Any]

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
"""``iss`` of the tokens Bot Framework signs for activities sent to bots."""
BOT_FRAMEWORK_RESOURCE = "https://api.botframework.com"
"""The Connector's resource: ``aud`` of the bot's access tokens."""
BOT_FRAMEWORK_SCOPE = f"{BOT_FRAMEWORK_RESOURCE}/.default"
"""The only scope the token endpoint grants here (client credentials need ``/.default``)."""
BOTFRAMEWORK_TENANT = "botframework.com"
"""The tenant name multi-tenant bots ask their token from."""
BOTFRAMEWORK_TENANT_ID = "d6d49420-f39b-4df7-a1dc-d59a935871db"
"""``tid`` of tokens issued through the ``botframework.com`` tenant."""
GRAPH_RESOURCE = "https://graph.microsoft.com"
"""Microsoft Graph: ``aud`` of the app's Graph tokens."""
GRAPH_SCOPE = f"{GRAPH_RESOURCE}/.default"
"""What client credentials ask for a Graph token (the permissions consented, as ``roles``)."""
GRAPH_PERMISSIONS = frozenset({"User.Read.All", "MailboxSettings.Read"})
"""The application permissions an admin grants by default here (Palier's directory needs)."""
ACTIVITY_TOKEN_LIFETIME = 3600.0
"""Seconds an activity's token is valid (Bot Framework's tokens last an hour)."""
ACCESS_TOKEN_LIFETIME = 3599
"""``expires_in`` of the bot's access token, as Entra ID answers client credentials."""


class SigningKey:
    """An RSA key pair with a key id: signs tokens, publishes its public half as a JWK."""

    def __init__(self, kid: str | None = None) -> None:
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = kid or secrets.token_urlsafe(20)

    def jwk(self, **extra: Any) -> JsonDict:
        """The public key as a JWK (``kty``, ``n``, ``e``, ``kid``, ``x5t``, ``use``, ``alg``)."""
        data: JsonDict = json.loads(RSAAlgorithm.to_jwk(self._private.public_key()))
        return {**data, "kid": self.kid, "x5t": self.kid, "use": "sig", "alg": "RS256", **extra}

    def sign(self, claims: Mapping[str, Any]) -> str:
        """An RS256 JWT of ``claims`` with ``kid`` and ``x5t`` in its header."""
        return jwt.encode(
            dict(claims),
            self._private,
            algorithm="RS256",
            headers={"kid": self.kid, "x5t": self.kid, "typ": "JWT"},
        )


@dataclass(frozen=True)
class BotCredentials:
    """A bot's app registration: what the token endpoint checks."""

    app_id: str
    client_secret: str
    tenant_id: str
    """The app's home tenant (single-tenant bots ask their tokens there)."""


@dataclass(frozen=True)
class IssuedToken:
    """An access token the token endpoint handed out."""

    value: str
    app_id: str
    tenant_id: str
    issued_at: float
    expires_at: float
    audience: str = BOT_FRAMEWORK_RESOURCE
    roles: tuple[str, ...] = ()


class AadError(Exception):
    """A refusal of the token endpoint, as Entra ID words it."""

    def __init__(self, status: int, error: str, code: int, description: str) -> None:
        super().__init__(f"AADSTS{code}: {description}")
        self.status = status
        self.error = error
        self.code = code
        self.description = description

    def body(self, now: float) -> JsonDict:
        """Entra ID's error body at POSIX time ``now``."""
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        return {
            "error": self.error,
            "error_description": (
                f"AADSTS{self.code}: {self.description} Trace ID: {trace} "
                f"Correlation ID: {correlation} Timestamp: {stamp}"
            ),
            "error_codes": [self.code],
            "timestamp": stamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": f"https://login.microsoftonline.com/error?code={self.code}",
        }


class Identity:
    """Bot Framework's OpenID metadata and key set, Entra ID's token endpoint and its tokens.

    Thread-safe. ``clock`` gives POSIX seconds (the emulator's clock).
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.bot_framework_key = SigningKey()
        """Signs activities (Teams → bot); published at ``/v1/.well-known/keys``."""
        self.entra_key = SigningKey()
        """Signs the bots' access tokens; published at ``/{tenant}/discovery/v2.0/keys``."""
        self.access_token_lifetime = ACCESS_TOKEN_LIFETIME
        self._lock = threading.Lock()
        self._bots: dict[str, BotCredentials] = {}
        self._tokens: dict[str, IssuedToken] = {}
        self._consents: dict[str, frozenset[str]] = {}  # tenant id -> Graph permissions

    # -- registrations -----------------------------------------------------------------

    def register(self, bot: BotCredentials) -> None:
        """Know ``bot``'s app id and secret (an app registration in Entra ID)."""
        with self._lock:
            self._bots[bot.app_id] = bot

    def consent(self, tenant_id: str, permissions: frozenset[str] = GRAPH_PERMISSIONS) -> None:
        """An admin of ``tenant_id`` grants the app these Microsoft Graph application
        permissions (the app has a service principal there: tokens are issued for it)."""
        with self._lock:
            self._consents[tenant_id] = frozenset(permissions)

    def withdraw_consent(self, tenant_id: str) -> None:
        """The app's service principal is removed from ``tenant_id``."""
        with self._lock:
            self._consents.pop(tenant_id, None)

    def rotate_secret(self, app_id: str, secret: str) -> None:
        """Replace the app's client secret (the old one is refused from now on)."""
        with self._lock:
            bot = self._bots[app_id]
            self._bots[app_id] = BotCredentials(bot.app_id, secret, bot.tenant_id)

    # -- Bot Framework: OpenID metadata and keys -------------------------------------------

    @staticmethod
    def openid_configuration(base_url: str) -> JsonDict:
        """``/v1/.well-known/openidconfiguration`` (the fields login.botframework.com serves)."""
        root = base_url.rstrip("/")
        return {
            "issuer": BOT_FRAMEWORK_ISSUER,
            "authorization_endpoint": "https://invalid.botframework.com",
            "jwks_uri": f"{root}/v1/.well-known/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def bot_framework_keys(self) -> JsonDict:
        """``/v1/.well-known/keys``: the key set, each key endorsed for the ``msteams`` channel."""
        return {"keys": [self.bot_framework_key.jwk(endorsements=["msteams"])]}

    def entra_keys(self) -> JsonDict:
        """``/{tenant}/discovery/v2.0/keys``: the key that signs access tokens."""
        return {"keys": [self.entra_key.jwk()]}

    def sign_activity(
        self,
        app_id: str,
        service_url: str,
        *,
        audience: str | None = None,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        not_before: float | None = None,
        lifetime: float = ACTIVITY_TOKEN_LIFETIME,
        key: SigningKey | None = None,
        service_url_claim: str | None = None,
    ) -> str:
        """The ``Authorization: Bearer`` token Bot Framework puts on an activity for ``app_id``.

        The keyword arguments exist for negative tests: another audience or issuer, a
        token already expired (``not_before`` in the past), a key not in the key set,
        a ``serviceurl`` claim other than the activity's.
        """
        start = self.clock() if not_before is None else not_before
        claims = {
            "serviceurl": service_url if service_url_claim is None else service_url_claim,
            "nbf": int(start),
            "exp": int(start + lifetime),
            "iss": issuer,
            "aud": app_id if audience is None else audience,
        }
        return (key or self.bot_framework_key).sign(claims)

    # -- Entra ID: the token endpoint ---------------------------------------------------------

    def issue_token(
        self, tenant: str, form: Mapping[str, str], basic: tuple[str, str] | None = None
    ) -> JsonDict:
        """Answer ``POST /{tenant}/oauth2/v2.0/token``; raises :class:`AadError` on refusal.

        The client authenticates with ``client_id``/``client_secret`` in the form, or with
        ``Authorization: Basic`` (``basic``).
        """
        grant = form.get("grant_type", "")
        if not grant:
            raise _missing("grant_type")
        if grant != "client_credentials":
            raise AadError(
                400,
                "unsupported_grant_type",
                70003,
                f"The app requested an unsupported grant type '{grant}'.",
            )
        client_id, secret = basic if basic is not None else ("", "")
        client_id = form.get("client_id", client_id)
        secret = form.get("client_secret", secret)
        if not client_id:
            raise _missing("client_id")
        with self._lock:
            bot = self._bots.get(client_id)
            known = {BOTFRAMEWORK_TENANT, BOTFRAMEWORK_TENANT_ID}
            known.update(b.tenant_id for b in self._bots.values())
            known.update(self._consents)
            if tenant not in known:
                raise AadError(400, "invalid_request", 90002, f"Tenant '{tenant}' not found.")
            if bot is None:
                raise AadError(
                    400,
                    "unauthorized_client",
                    700016,
                    f"Application with identifier '{client_id}' was not found in the "
                    f"directory '{tenant}'.",
                )
            if not secret:
                raise _missing("client_assertion' or 'client_secret")
            if not secrets.compare_digest(secret, bot.client_secret):
                raise AadError(
                    401,
                    "invalid_client",
                    7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the "
                    "request is the client secret value, not the client secret ID, for a "
                    f"secret added to app '{client_id}'.",
                )
            scope = form.get("scope", "")
            if not scope:
                raise _missing("scope")
            if scope == GRAPH_SCOPE:
                token = self._issue_graph(bot, tenant)
            elif scope != BOT_FRAMEWORK_SCOPE:
                raise AadError(
                    400,
                    "invalid_scope",
                    1002012,
                    f"The provided value for scope {scope} is not valid. Client credential "
                    "flows must have a scope value with /.default suffixed to the resource "
                    "identifier (application ID URI). This emulator grants only "
                    f"{BOT_FRAMEWORK_SCOPE} and {GRAPH_SCOPE}.",
                )
            else:
                token = self._issue(bot, tenant)
        return {
            "token_type": "Bearer",
            "expires_in": self.access_token_lifetime,
            "ext_expires_in": self.access_token_lifetime,
            "access_token": token.value,
        }

    def _issue_graph(self, bot: BotCredentials, tenant: str) -> IssuedToken:
        """A Graph token in a customer's tenant, with the permissions consented there."""
        roles = self._consents.get(tenant)
        if roles is None:
            raise AadError(
                401,
                "invalid_client",
                7000229,
                f"The client application {bot.app_id} is missing service principal in the "
                f"tenant {tenant}.",
            )
        now = self.clock()
        expires = now + self.access_token_lifetime
        sts = f"https://sts.windows.net/{tenant}/"
        service_principal = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sp:{bot.app_id}:{tenant}"))
        claims = {
            "aud": GRAPH_RESOURCE,
            "iss": sts,
            "iat": int(now),
            "nbf": int(now),
            "exp": int(expires),
            "appid": bot.app_id,
            "appidacr": "1",
            "idtyp": "app",
            "oid": service_principal,
            "sub": service_principal,
            "roles": sorted(roles),
            "tid": tenant,
            "uti": secrets.token_urlsafe(16),
            "ver": "1.0",
        }
        token = IssuedToken(
            self.entra_key.sign(claims),
            bot.app_id,
            tenant,
            now,
            expires,
            audience=GRAPH_RESOURCE,
            roles=tuple(sorted(roles)),
        )
        self._tokens[token.value] = token
        return token

    def _issue(self, bot: BotCredentials, tenant: str) -> IssuedToken:
        now = self.clock()
        tid = BOTFRAMEWORK_TENANT_ID if tenant == BOTFRAMEWORK_TENANT else tenant
        expires = now + self.access_token_lifetime
        sts = f"https://sts.windows.net/{tid}/"
        service_principal = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sp:{bot.app_id}:{tid}"))
        claims = {
            "aud": BOT_FRAMEWORK_RESOURCE,
            "iss": sts,
            "iat": int(now),
            "nbf": int(now),
            "exp": int(expires),
            "appid": bot.app_id,
            "appidacr": "1",
            "idp": sts,
            "oid": service_principal,
            "sub": service_principal,
            "tid": tid,
            "uti": secrets.token_urlsafe(16),
            "ver": "1.0",
        }
        token = IssuedToken(self.entra_key.sign(claims), bot.app_id, tid, now, expires)
        self._tokens[token.value] = token
        return token

    # -- checking what the bot presents to the Connector ----------------------------------------

    def check_bearer(
        self, token: str | None, audience: str = BOT_FRAMEWORK_RESOURCE
    ) -> IssuedToken | None:
        """The issued, unexpired token ``token`` is, for ``audience`` (None if unknown,
        revoked, expired, or for another service: a Graph token is no use to the Connector)."""
        if not token:
            return None
        with self._lock:
            issued = self._tokens.get(token)
        if issued is None or self.clock() >= issued.expires_at or issued.audience != audience:
            return None
        return issued

    def find_token(self, token: str | None) -> IssuedToken | None:
        """The token as issued, whatever its state (to tell why it is refused)."""
        with self._lock:
            return self._tokens.get(token or "")

    def revoke_tokens(self) -> None:
        """Forget every token issued so far (the next Connector call with one gets 401)."""
        with self._lock:
            self._tokens.clear()

    @property
    def issued(self) -> list[IssuedToken]:
        """Every access token issued so far, oldest first."""
        with self._lock:
            return list(self._tokens.values())


def _missing(parameter: str) -> AadError:
    return AadError(
        400,
        "invalid_request",
        900144,
        f"The request body must contain the following parameter: '{parameter}'.",
    )
