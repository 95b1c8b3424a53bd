"""Microsoft Graph's users over plain HTTP: app-only tokens per tenant, the user resource,
``$select`` and ``$filter``, mailbox settings, and Graph's refusals."""

from __future__ import annotations

import httpx
import jwt
import pytest

from emulators.teams import ManualClock, TeamsEmulator, User
from tests.emulator_teams import bot_token

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


def graph_token(emulator: TeamsEmulator, tenant: str | None = None) -> str:
    answer = httpx.post(
        emulator.token_url(tenant or emulator.tenant_id),
        data={
            "grant_type": "client_credentials",
            "client_id": emulator.app_id,
            "client_secret": emulator.client_secret,
            "scope": GRAPH_SCOPE,
        },
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def get(emulator: TeamsEmulator, path: str, token: str | None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{emulator.graph_url}/v1.0{path}", params=params, headers=headers)


def test_a_graph_token_is_for_one_tenant_with_the_permissions_consented_there(
    emulator: TeamsEmulator, clock: ManualClock
) -> None:
    claims = jwt.decode(graph_token(emulator), options={"verify_signature": False})
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["tid"] == emulator.tenant_id
    assert claims["roles"] == ["MailboxSettings.Read", "User.Read.All"]
    assert claims["idtyp"] == "app" and claims["exp"] == int(clock()) + 3599


@pytest.mark.parametrize("tenant", ["botframework.com", "withdrawn"])
def test_no_graph_token_where_the_app_has_no_service_principal(
    emulator: TeamsEmulator, tenant: str
) -> None:
    if tenant == "withdrawn":
        emulator.consent(emulator.tenant_id, None)
        tenant = emulator.tenant_id
    answer = httpx.post(
        emulator.token_url(tenant),
        data={
            "grant_type": "client_credentials",
            "client_id": emulator.app_id,
            "client_secret": emulator.client_secret,
            "scope": GRAPH_SCOPE,
        },
    )
    assert answer.status_code == 401
    assert answer.json()["error_codes"] == [7000229]


def test_get_user_by_id_or_user_principal_name_gives_the_default_properties(
    emulator: TeamsEmulator, alice: User
) -> None:
    token = graph_token(emulator)
    by_id = get(emulator, f"/users/{alice.aad_object_id}", token)
    by_upn = get(emulator, "/users/ALICE.MARTIN@example.fr", token)
    assert by_id.status_code == by_upn.status_code == 200
    assert by_id.json() == by_upn.json()
    body = by_id.json()
    assert body["@odata.context"] == "https://graph.microsoft.com/v1.0/$metadata#users/$entity"
    assert body["id"] == alice.aad_object_id
    assert body["displayName"] == "Alice Martin" and body["mail"] == "alice.martin@example.fr"
    assert body["preferredLanguage"] == "fr-FR"
    assert "accountEnabled" not in body and "mailboxSettings" not in body  # only on $select


def test_select_names_the_properties_returned(emulator: TeamsEmulator, alice: User) -> None:
    emulator.update_user(alice, mailbox_timezone="Romance Standard Time")
    answer = get(
        emulator,
        f"/users/{alice.aad_object_id}",
        graph_token(emulator),
        **{"$select": "id,displayName,accountEnabled,mailboxSettings"},
    )
    body = answer.json()
    assert body["@odata.context"].endswith(
        "#users(id,displayName,accountEnabled,mailboxSettings)/$entity"
    )
    assert set(body) == {"@odata.context", "id", "displayName", "accountEnabled", "mailboxSettings"}
    assert body["accountEnabled"] is True
    assert body["mailboxSettings"]["timeZone"] == "Romance Standard Time"


def test_filter_by_mail_ignores_case_and_reads_doubled_quotes(
    emulator: TeamsEmulator, alice: User
) -> None:
    obrien = emulator.add_user("Pat O'Brien", "pat.o'brien@example.fr")
    token = graph_token(emulator)
    found = get(emulator, "/users", token, **{"$filter": "mail eq 'Alice.Martin@EXAMPLE.fr'"})
    assert found.status_code == 200
    assert found.json()["@odata.context"] == "https://graph.microsoft.com/v1.0/$metadata#users"
    assert [u["id"] for u in found.json()["value"]] == [alice.aad_object_id]
    quoted = get(emulator, "/users", token, **{"$filter": "mail eq 'pat.o''brien@example.fr'"})
    assert [u["id"] for u in quoted.json()["value"]] == [obrien.aad_object_id]
    nobody = get(emulator, "/users", token, **{"$filter": "mail eq 'nobody@example.fr'"})
    assert nobody.json()["value"] == []


def test_people_of_another_tenant_are_not_found(emulator: TeamsEmulator) -> None:
    emulator.add_tenant("b5a1f7a2-0000-4000-8000-000000000002", "Other Org")
    stranger = emulator.add_user(
        "Carol Diaz", "carol@other.example", tenant_id="b5a1f7a2-0000-4000-8000-000000000002"
    )
    token = graph_token(emulator)
    assert get(emulator, f"/users/{stranger.aad_object_id}", token).status_code == 404
    listed = get(emulator, "/users", token, **{"$filter": "mail eq 'carol@other.example'"})
    assert listed.json()["value"] == []
    theirs = graph_token(emulator, "b5a1f7a2-0000-4000-8000-000000000002")
    assert get(emulator, f"/users/{stranger.aad_object_id}", theirs).status_code == 200


def test_mailbox_settings_give_the_zone_as_the_mailbox_holds_it(
    emulator: TeamsEmulator, alice: User, bob: User
) -> None:
    emulator.update_user(alice, mailbox_timezone="Romance Standard Time")
    token = graph_token(emulator)
    answer = get(emulator, f"/users/{alice.aad_object_id}/mailboxSettings", token)
    assert answer.status_code == 200
    assert answer.json()["timeZone"] == "Romance Standard Time"
    assert answer.json()["workingHours"]["timeZone"] == {"name": "Romance Standard Time"}
    iana = get(emulator, f"/users/{bob.aad_object_id}/mailboxSettings", token)
    assert iana.json()["timeZone"] == "America/New_York"
    emulator.update_user(bob, mailbox_timezone=None)
    none = get(emulator, f"/users/{bob.aad_object_id}/mailboxSettings", token)
    assert none.status_code == 404
    assert none.json()["error"]["code"] == "MailboxNotEnabledForRESTAPI"


def test_unknown_user_is_graph_s_404(emulator: TeamsEmulator) -> None:
    answer = get(emulator, "/users/nobody@example.fr", graph_token(emulator))
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["code"] == "Request_ResourceNotFound"
    assert error["message"].startswith("Resource 'nobody@example.fr' does not exist")
    assert {"date", "request-id", "client-request-id"} <= set(error["innerError"])


def test_tokens_refused_by_graph(emulator: TeamsEmulator, alice: User, clock: ManualClock) -> None:
    path = f"/users/{alice.aad_object_id}"
    refused = {
        "absent": get(emulator, path, None),
        "bot framework": get(emulator, path, bot_token(emulator)),
        "unknown": get(emulator, path, "not-a-token"),
    }
    token = graph_token(emulator)
    clock.advance(3600)
    refused["expired"] = get(emulator, path, token)
    messages = {k: r.json()["error"]["message"] for k, r in refused.items()}
    assert {r.status_code for r in refused.values()} == {401}
    assert {r.json()["error"]["code"] for r in refused.values()} == {"InvalidAuthenticationToken"}
    assert messages == {
        "absent": "Access token is empty.",
        "bot framework": "Access token validation failure. Invalid audience.",
        "unknown": "Access token validation failure.",
        "expired": "Lifetime validation failed, the token is expired.",
    }


def test_a_graph_token_is_no_use_to_the_connector(emulator: TeamsEmulator, alice: User) -> None:
    conversation = emulator.install(alice)
    answer = httpx.post(
        f"{emulator.service_url}v3/conversations/{conversation.id}/activities",
        json={"type": "message", "text": "hi"},
        headers={"Authorization": f"Bearer {graph_token(emulator)}"},
    )
    assert answer.status_code == 401


def test_without_the_permissions_graph_refuses(emulator: TeamsEmulator, alice: User) -> None:
    emulator.consent(emulator.tenant_id, frozenset({"User.Read.All"}))
    token = graph_token(emulator)
    assert get(emulator, f"/users/{alice.aad_object_id}", token).status_code == 200
    mailbox = get(emulator, f"/users/{alice.aad_object_id}/mailboxSettings", token)
    assert (mailbox.status_code, mailbox.json()["error"]["code"]) == (403, "ErrorAccessDenied")
    emulator.consent(emulator.tenant_id, frozenset())
    bare = get(emulator, f"/users/{alice.aad_object_id}", graph_token(emulator))
    assert (bare.status_code, bare.json()["error"]["code"]) == (403, "Authorization_RequestDenied")
    assert bare.json()["error"]["message"] == "Insufficient privileges to complete the operation."


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"$filter": "startswith(mail,'a')"}, "Request_UnsupportedQuery"),
        ({"$filter": "jobTitle eq 'x'"}, "Request_UnsupportedQuery"),
        ({"$select": "id,shoeSize"}, "Request_BadRequest"),
        ({"$select": "id,mailboxSettings"}, "Request_BadRequest"),  # not on a list
    ],
)
def test_queries_graph_does_not_take_are_400(
    emulator: TeamsEmulator, params: dict[str, str], code: str
) -> None:
    answer = get(emulator, "/users", graph_token(emulator), **params)
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, code)


def test_graph_calls_are_recorded_and_can_fail_on_demand(
    emulator: TeamsEmulator, alice: User
) -> None:
    token = graph_token(emulator)
    emulator.inject("graph_user", status=503)
    assert get(emulator, f"/users/{alice.aad_object_id}", token).status_code == 503
    assert get(emulator, f"/users/{alice.aad_object_id}", token).status_code == 200
    calls = emulator.calls_to("graph_user")
    assert [c.status for c in calls] == [503, 200]
    assert calls[-1].app_id == emulator.app_id
