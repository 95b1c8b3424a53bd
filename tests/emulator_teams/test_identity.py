"""The identity side over plain HTTP: OpenID metadata, keys, the token endpoint, the Connector's 401."""

from __future__ import annotations

import httpx
import jwt
import pytest

from emulators.teams import ManualClock, SigningKey, TeamsEmulator
from tests.emulator_teams import bot_token

SCOPE = "https://api.botframework.com/.default"


def token_form(emulator: TeamsEmulator, **changes: str) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": emulator.app_id,
        "client_secret": emulator.client_secret,
        "scope": SCOPE,
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v != ""}


def test_openid_metadata_names_the_key_set_that_verifies_activity_tokens(
    emulator: TeamsEmulator, clock: ManualClock
) -> None:
    metadata = httpx.get(emulator.openid_metadata_url).json()
    assert metadata["issuer"] == "https://api.botframework.com"
    assert metadata["jwks_uri"] == f"{emulator.base_url}/v1/.well-known/keys"
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    keys = httpx.get(metadata["jwks_uri"]).json()["keys"]
    assert [k["endorsements"] for k in keys] == [["msteams"]]

    token = emulator.identity.sign_activity(emulator.app_id, emulator.service_url)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == keys[0]["kid"]
    signing_key = jwt.PyJWKClient(metadata["jwks_uri"]).get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        audience=emulator.app_id,
        issuer="https://api.botframework.com",
    )
    assert claims["serviceurl"] == emulator.service_url
    assert claims["nbf"] == int(clock()) and claims["exp"] == int(clock()) + 3600


def test_a_foreign_key_does_not_verify_against_the_published_set(emulator: TeamsEmulator) -> None:
    forged = emulator.identity.sign_activity(
        emulator.app_id, emulator.service_url, key=SigningKey()
    )
    client = jwt.PyJWKClient(f"{emulator.base_url}/v1/.well-known/keys")
    with pytest.raises(jwt.PyJWKClientError):
        client.get_signing_key_from_jwt(forged)


@pytest.mark.parametrize("tenant", ["botframework.com", "home"])
def test_client_credentials_get_a_bot_framework_token(
    emulator: TeamsEmulator, clock: ManualClock, tenant: str
) -> None:
    tenant_path = emulator.tenant_id if tenant == "home" else tenant
    answer = httpx.post(emulator.token_url(tenant_path), data=token_form(emulator))
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == body["ext_expires_in"] == 3599
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["aud"] == "https://api.botframework.com"
    assert claims["appid"] == emulator.app_id
    assert claims["exp"] == int(clock()) + 3599
    expected_tid = (
        emulator.tenant_id if tenant == "home" else "d6d49420-f39b-4df7-a1dc-d59a935871db"
    )
    assert claims["tid"] == expected_tid
    assert claims["iss"] == f"https://sts.windows.net/{expected_tid}/"


def test_client_secret_basic_authentication_works_too(emulator: TeamsEmulator) -> None:
    answer = httpx.post(
        emulator.token_url(),
        data={"grant_type": "client_credentials", "scope": SCOPE},
        auth=(emulator.app_id, emulator.client_secret),
    )
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("changes", "tenant", "status", "error", "code"),
    [
        ({"client_secret": "wrong"}, "botframework.com", 401, "invalid_client", 7000215),
        ({"client_id": "0000-unknown"}, "botframework.com", 400, "unauthorized_client", 700016),
        ({"grant_type": "password"}, "botframework.com", 400, "unsupported_grant_type", 70003),
        (
            {"scope": "https://graph.microsoft.com/User.Read"},
            "botframework.com",
            400,
            "invalid_scope",
            1002012,
        ),
        ({"scope": ""}, "botframework.com", 400, "invalid_request", 900144),
        ({}, "contoso.onmicrosoft.com", 400, "invalid_request", 90002),
    ],
)
def test_the_token_endpoint_refuses_as_entra_id_does(
    emulator: TeamsEmulator,
    changes: dict[str, str],
    tenant: str,
    status: int,
    error: str,
    code: int,
) -> None:
    answer = httpx.post(emulator.token_url(tenant), data=token_form(emulator, **changes))
    assert answer.status_code == status
    body = answer.json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert {"timestamp", "trace_id", "correlation_id", "error_uri"} <= set(body)
    assert "access_token" not in body


def test_a_rotated_secret_is_refused(emulator: TeamsEmulator) -> None:
    old = emulator.client_secret
    emulator.identity.rotate_secret(emulator.app_id, "new-secret")
    refused = httpx.post(emulator.token_url(), data=token_form(emulator, client_secret=old))
    accepted = httpx.post(
        emulator.token_url(), data=token_form(emulator, client_secret="new-secret")
    )
    assert (refused.status_code, accepted.status_code) == (401, 200)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"],
    ids=["absent", "empty", "unknown", "basic"],
)
def test_the_connector_denies_calls_without_an_issued_token(
    emulator: TeamsEmulator, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    answer = httpx.post(
        f"{emulator.service_url}v3/conversations", json={"members": []}, headers=headers
    )
    assert answer.status_code == 401
    assert answer.json() == {"message": "Authorization has been denied for this request."}
    assert emulator.calls_to("create_conversation")[-1].status == 401


def test_an_expired_token_is_denied_and_a_fresh_one_accepted(
    emulator: TeamsEmulator, clock: ManualClock
) -> None:
    alice = emulator.add_user("Alice Martin", "alice@example.fr")
    conversation = emulator.install(alice)
    url = f"{emulator.service_url}v3/conversations/{conversation.id}/activities"
    token = bot_token(emulator)
    first = httpx.post(url, json={"type": "message", "text": "one"}, headers=_bearer(token))
    clock.advance(3599)
    expired = httpx.post(url, json={"type": "message", "text": "two"}, headers=_bearer(token))
    fresh = httpx.post(
        url, json={"type": "message", "text": "three"}, headers=_bearer(bot_token(emulator))
    )
    assert (first.status_code, expired.status_code, fresh.status_code) == (201, 401, 201)
    assert [m.text for m in emulator.messages_in(conversation.id)] == ["one", "three"]


def test_revoked_tokens_are_denied(emulator: TeamsEmulator) -> None:
    alice = emulator.add_user("Alice Martin", "alice@example.fr")
    conversation = emulator.install(alice)
    token = bot_token(emulator)
    emulator.identity.revoke_tokens()
    answer = httpx.get(
        f"{emulator.service_url}v3/conversations/{conversation.id}/members", headers=_bearer(token)
    )
    assert answer.status_code == 401


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
