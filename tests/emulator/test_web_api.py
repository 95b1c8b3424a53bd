"""The emulator's Web API through slack_sdk's WebClient: shapes, state, errors, recording."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emulators.slack import ManualClock, SlackEmulator
from tests.emulator import (
    ALICE,
    BOB,
    CAROL,
    actions,
    add_people,
    button,
    client,
    home,
    input_block,
    modal,
    section,
    text,
)

WINTER = datetime(2026, 1, 15, 9, 0, tzinfo=UTC).timestamp()
SUMMER = datetime(2026, 7, 15, 9, 0, tzinfo=UTC).timestamp()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(WINTER)


def error_of(call: object) -> str:
    """Run a WebClient call expected to fail; return Slack's error code."""
    with pytest.raises(SlackApiError) as failure:
        assert callable(call)
        call()
    return str(failure.value.response["error"])


def test_api_url_ends_with_a_slash_and_binds_to_loopback(emulator: SlackEmulator) -> None:
    assert emulator.api_url.startswith("http://127.0.0.1:")
    assert emulator.api_url.endswith("/api/")


def test_auth_test_answers_like_slack_for_a_bot_token(
    emulator: SlackEmulator, web: WebClient
) -> None:
    answer = web.auth_test()

    assert answer["ok"] is True
    assert answer["team_id"] == emulator.workspace.team_id
    assert answer["user_id"] == emulator.workspace.bot_user_id
    assert answer["bot_id"] == emulator.workspace.bot_id
    assert answer["url"] == "https://palier-demo.slack.com/"


def test_every_call_is_recorded_with_params_outcome_and_times(
    emulator: SlackEmulator, web: WebClient, clock: ManualClock
) -> None:
    web.users_info(user=ALICE)
    with pytest.raises(SlackApiError):
        web.users_info(user="U0NOBODY")

    first, second = emulator.calls_to("users.info")
    assert first.params == {"user": ALICE}
    assert (first.ok, first.error, first.status) == (True, None, 200)
    assert (second.ok, second.error) == (False, "user_not_found")
    assert first.started <= first.finished <= second.started
    assert first.clock == clock()
    assert first.team_id == emulator.workspace.team_id
    assert [c.method for c in emulator.calls] == ["users.info", "users.info"]


def test_missing_token_is_not_authed_and_a_wrong_one_invalid_auth(
    emulator: SlackEmulator,
) -> None:
    assert error_of(WebClient(base_url=emulator.api_url).auth_test) == "not_authed"
    wrong = WebClient(token="xoxb-not-a-token", base_url=emulator.api_url)
    assert error_of(wrong.auth_test) == "invalid_auth"


def test_unknown_method(web: WebClient) -> None:
    with pytest.raises(SlackApiError) as failure:
        web.api_call("chat.scheduleTeleport")
    assert failure.value.response["error"] == "unknown_method"
    assert failure.value.response["req_method"] == "chat.scheduleTeleport"


def test_token_and_params_in_a_form_body_work_too(emulator: SlackEmulator) -> None:
    """slack_sdk sends most methods form-encoded; the token may be a POST field."""
    anonymous = WebClient(base_url=emulator.api_url)
    answer = anonymous.api_call(
        "users.info", params={"token": emulator.bot_token, "user": ALICE, "include_locale": "1"}
    )

    assert answer["user"]["locale"] == "fr-FR"
    record = emulator.calls_to("users.info")[-1]
    assert record.content_type.startswith("application/x-www-form-urlencoded")
    assert "token" not in record.params


def test_blocks_sent_as_json_text_in_a_form_are_parsed(
    emulator: SlackEmulator, web: WebClient
) -> None:
    blocks = [section("*Bonjour*")]
    answer = web.api_call(
        "chat.postMessage",
        params={"channel": ALICE, "text": "Bonjour", "blocks": json.dumps(blocks)},
    )

    assert answer["message"]["blocks"][0]["text"]["text"] == "*Bonjour*"
    assert emulator.calls_to("chat.postMessage")[-1].params["blocks"] == json.dumps(blocks)


def test_users_info_gives_tz_and_locale_only_when_asked(web: WebClient) -> None:
    plain = web.users_info(user=ALICE)["user"]
    with_locale = web.users_info(user=ALICE, include_locale=True)["user"]

    assert plain["tz"] == "Europe/Paris"
    assert "locale" not in plain
    assert with_locale["locale"] == "fr-FR"
    assert with_locale["profile"]["email"] == "alice.martin@example.fr"
    assert (with_locale["deleted"], with_locale["is_admin"]) == (False, False)


def test_tz_offset_follows_dst_and_tz_can_change_later(
    emulator: SlackEmulator, web: WebClient, clock: ManualClock
) -> None:
    assert web.users_info(user=ALICE)["user"]["tz_offset"] == 3600
    clock.set(SUMMER)
    assert web.users_info(user=ALICE)["user"]["tz_offset"] == 7200

    emulator.update_user(ALICE, tz="Asia/Tokyo", locale="en-GB")

    moved = web.users_info(user=ALICE, include_locale=True)["user"]
    assert (moved["tz"], moved["tz_offset"], moved["locale"]) == ("Asia/Tokyo", 32400, "en-GB")


def test_users_info_errors_and_deleted_users(web: WebClient) -> None:
    assert error_of(lambda: web.users_info(user="U0NOBODY")) == "user_not_found"
    assert web.users_info(user=CAROL)["user"]["deleted"] is True


def test_users_from_another_workspace_are_not_found(emulator: SlackEmulator) -> None:
    other = emulator.add_workspace("T0OTHER", "Other Co")
    emulator.add_user("U0OTTO", "otto", "Otto", "otto@other.example", team_id="T0OTHER")
    other_web = WebClient(token=other.bot_token, base_url=emulator.api_url)

    assert other_web.users_info(user="U0OTTO")["user"]["team_id"] == "T0OTHER"
    assert error_of(lambda: other_web.users_info(user=ALICE)) == "user_not_found"
    assert other_web.auth_test()["team_id"] == "T0OTHER"


def test_lookup_by_email(web: WebClient) -> None:
    assert web.users_lookupByEmail(email="Alice.Martin@example.fr")["user"]["id"] == ALICE
    assert error_of(lambda: web.users_lookupByEmail(email="x@example.fr")) == "users_not_found"


def test_users_list_pages_with_a_cursor(web: WebClient) -> None:
    first = web.users_list(limit=2)
    second = web.users_list(limit=2, cursor=first["response_metadata"]["next_cursor"])

    ids = [u["id"] for u in first["members"] + second["members"]]
    assert {ALICE, BOB, CAROL} <= set(ids)
    assert second["response_metadata"]["next_cursor"] == ""


def test_conversations_open_gives_a_stable_dm_per_user(
    emulator: SlackEmulator, web: WebClient
) -> None:
    first = web.conversations_open(users=ALICE)
    again = web.conversations_open(users=[ALICE])

    assert first["channel"]["id"] == again["channel"]["id"] == emulator.dm_channel_id(ALICE)
    assert first["channel"]["id"].startswith("D")
    assert (first["already_open"], again["already_open"]) == (False, True)
    assert web.conversations_open(users=BOB)["channel"]["id"] != first["channel"]["id"]
    full = web.conversations_open(users=ALICE, return_im=True)["channel"]
    assert (full["is_im"], full["user"]) == (True, ALICE)


def test_conversations_open_errors(emulator: SlackEmulator, web: WebClient) -> None:
    assert error_of(lambda: web.conversations_open(users="U0NOBODY")) == "user_not_found"
    assert error_of(lambda: web.conversations_open(users=CAROL)) == "user_disabled"
    bot = emulator.workspace.bot_user_id
    assert error_of(lambda: web.conversations_open(users=bot)) == "cannot_dm_bot"


def test_post_message_returns_slack_shape_and_is_stored(
    emulator: SlackEmulator, web: WebClient
) -> None:
    channel = web.conversations_open(users=ALICE)["channel"]["id"]
    blocks = [section("C'est l'heure de votre *check-in*"), actions(button("Commencer", "start"))]
    metadata = {"event_type": "checkin_prompt", "event_payload": {"cycle": "2026-W03"}}

    answer = web.chat_postMessage(
        channel=channel, text="Check-in", blocks=blocks, metadata=metadata
    )

    assert answer["channel"] == channel
    assert answer["message"]["ts"] == answer["ts"]
    assert answer["message"]["bot_id"] == emulator.workspace.bot_id
    assert answer["message"]["metadata"] == metadata
    (stored,) = emulator.dm_messages(ALICE)
    assert (stored.ts, stored.text, stored.metadata) == (answer["ts"], "Check-in", metadata)
    # Slack fills in the block_ids and action_ids an app leaves out; so does the emulator.
    assert all(b["block_id"] for b in stored.blocks or [])
    assert emulator.messages_in(channel) == [stored]


def test_posting_to_a_user_id_lands_in_their_dm(emulator: SlackEmulator, web: WebClient) -> None:
    answer = web.chat_postMessage(channel=BOB, text="Hello Bob")

    assert answer["channel"] == emulator.dm_channel_id(BOB)
    assert [m.text for m in emulator.dm_messages(BOB)] == ["Hello Bob"]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_errors(emulator: SlackEmulator, web: WebClient) -> None:
    emulator.add_channel("C0SALES", "sales", members=[ALICE], bot_member=False)

    assert error_of(lambda: web.chat_postMessage(channel="C0NOPE", text="x")) == "channel_not_found"
    assert error_of(lambda: web.chat_postMessage(channel="C0SALES", text="x")) == "not_in_channel"
    assert error_of(lambda: web.chat_postMessage(channel=ALICE, text="")) == "no_text"
    assert (
        error_of(lambda: web.chat_postMessage(channel=ALICE, text="x" * 40_001)) == "msg_too_long"
    )
    assert web.chat_postMessage(channel=ALICE, text="x" * 40_000)["ok"]
    bad_metadata: dict[str, Any] = {"event_payload": {}}
    assert (
        error_of(lambda: web.chat_postMessage(channel=ALICE, text="x", metadata=bad_metadata))
        == "invalid_metadata_format"
    )


def test_posting_to_a_deactivated_users_dm(emulator: SlackEmulator, web: WebClient) -> None:
    dm = emulator.dm_channel_id(CAROL)

    assert error_of(lambda: web.chat_postMessage(channel=dm, text="x")) == "user_disabled"
    emulator.deleted_user_post_error = None  # what real Slack does: accept it silently
    assert web.chat_postMessage(channel=dm, text="x")["ok"]


def test_chat_update_changes_the_stored_message(emulator: SlackEmulator, web: WebClient) -> None:
    posted = web.chat_postMessage(channel=ALICE, text="v1", blocks=[section("v1")])
    dm = posted["channel"]

    updated = web.chat_update(channel=dm, ts=posted["ts"], text="v2", blocks=[section("v2")])

    assert (updated["ts"], updated["text"]) == (posted["ts"], "v2")
    (current,) = emulator.dm_messages(ALICE)
    assert current.text == "v2"
    assert current.blocks is not None
    assert current.blocks[0]["text"]["text"] == "v2"
    assert current.versions[0]["text"] == "v1"


def test_chat_update_with_text_only_drops_the_blocks(
    emulator: SlackEmulator, web: WebClient
) -> None:
    """Documented: text without blocks removes the previous blocks."""
    posted = web.chat_postMessage(channel=ALICE, text="v1", blocks=[section("v1")])

    web.chat_update(channel=posted["channel"], ts=posted["ts"], text="plain now")

    (current,) = emulator.dm_messages(ALICE)
    assert (current.text, current.blocks, current.edited) == ("plain now", None, True)


def test_chat_update_errors(emulator: SlackEmulator, web: WebClient) -> None:
    dm = emulator.dm_channel_id(ALICE)
    theirs = emulator.post_user_message(ALICE, "a message Alice wrote")

    assert (
        error_of(lambda: web.chat_update(channel=dm, ts="1.000001", text="x"))
        == "message_not_found"
    )
    assert (
        error_of(lambda: web.chat_update(channel=dm, ts=theirs.ts, text="x"))
        == "cant_update_message"
    )
    assert (
        error_of(lambda: web.chat_update(channel="C0NOPE", ts=theirs.ts, text="x"))
        == "channel_not_found"
    )


def test_ephemeral_is_only_for_its_user(emulator: SlackEmulator, web: WebClient) -> None:
    emulator.add_channel("C0TEAM", "team", members=[ALICE, BOB])

    answer = web.chat_postEphemeral(channel="C0TEAM", user=ALICE, text="Pour vous seulement")

    (seen,) = emulator.ephemerals_for(ALICE)
    assert (seen.ts, seen.text, seen.channel) == (
        answer["message_ts"],
        "Pour vous seulement",
        "C0TEAM",
    )
    assert emulator.ephemerals_for(BOB) == []
    assert emulator.messages_in("C0TEAM") == []
    assert error_of(lambda: web.chat_postEphemeral(channel="C0TEAM", user=CAROL, text="x")) == (
        "user_not_in_channel"
    )


def test_get_permalink(emulator: SlackEmulator, web: WebClient) -> None:
    posted = web.chat_postMessage(channel=ALICE, text="x")

    answer = web.chat_getPermalink(channel=posted["channel"], message_ts=posted["ts"])

    digits = posted["ts"].replace(".", "")
    assert answer["permalink"].endswith(f"/archives/{posted['channel']}/p{digits}")
    assert (
        error_of(lambda: web.chat_getPermalink(channel=posted["channel"], message_ts="9.9"))
        == "message_not_found"
    )


def test_history_returns_metadata_only_when_asked(web: WebClient) -> None:
    metadata = {"event_type": "checkin_prompt", "event_payload": {"prompt_id": 7}}
    first = web.chat_postMessage(channel=ALICE, text="first", metadata=metadata)
    web.chat_postMessage(channel=ALICE, text="second")
    dm = first["channel"]

    plain = web.conversations_history(channel=dm)["messages"]
    full = web.conversations_history(channel=dm, include_all_metadata=True)["messages"]

    assert [m["text"] for m in plain] == ["second", "first"]  # newest first
    assert "metadata" not in plain[1]
    assert full[1]["metadata"] == metadata


def test_history_pages(web: WebClient) -> None:
    for n in range(5):
        web.chat_postMessage(channel=ALICE, text=f"m{n}")
    dm = web.conversations_open(users=ALICE)["channel"]["id"]

    page = web.conversations_history(channel=dm, limit=3)
    rest = web.conversations_history(
        channel=dm, limit=3, cursor=page["response_metadata"]["next_cursor"]
    )

    assert [m["text"] for m in page["messages"]] == ["m4", "m3", "m2"]
    assert page["has_more"] is True
    assert [m["text"] for m in rest["messages"]] == ["m1", "m0"]
    assert rest["has_more"] is False


def test_views_publish_needs_the_home_tab(clock: ManualClock) -> None:
    with SlackEmulator(clock=clock, home_tab_enabled=False) as emulator:
        add_people(emulator)
        with pytest.raises(SlackApiError) as failure:
            client(emulator).views_publish(user_id=ALICE, view=home([section("x")]))
    assert failure.value.response["error"] == "not_enabled"


def test_chat_delete(emulator: SlackEmulator, web: WebClient) -> None:
    posted = web.chat_postMessage(channel=ALICE, text="x")

    web.chat_delete(channel=posted["channel"], ts=posted["ts"])

    assert emulator.dm_messages(ALICE) == []


def test_views_open_update_and_publish(emulator: SlackEmulator, web: WebClient) -> None:
    form = modal(
        "Check-in",
        [input_block("Preuve", {"type": "plain_text_input", "action_id": "evidence"}, "ev")],
        external_id="checkin-alice",
    )

    opened = web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=form)["view"]
    (shown,) = emulator.open_views(ALICE)
    assert (shown.id, shown.title, shown.callback_id) == (opened["id"], "Check-in", "checkin")
    assert opened["root_view_id"] == opened["id"]

    by_external = web.views_update(
        external_id="checkin-alice", view=modal("Check-in 2", form["blocks"])
    )["view"]
    assert by_external["id"] == opened["id"]
    assert by_external["hash"] != opened["hash"]
    assert emulator.open_views(ALICE)[0].title == "Check-in 2"

    published = web.views_publish(user_id=ALICE, view=home([section("Votre progression")]))["view"]
    assert emulator.home_view(ALICE) is not None
    assert emulator.home_view(BOB) is None
    republished = web.views_publish(
        user_id=ALICE, view=home([section("v2")]), hash=published["hash"]
    )
    assert republished["view"]["id"] == published["id"]


def test_views_update_errors(emulator: SlackEmulator, web: WebClient) -> None:
    opened = web.views_open(
        trigger_id=emulator.issue_trigger(ALICE), view=modal("A", [section("a")], submit=None)
    )["view"]

    assert error_of(lambda: web.views_update(view_id="V0NOPE", view=modal("B", []))) == "not_found"
    assert (
        error_of(lambda: web.views_update(view_id=opened["id"], hash="stale", view=modal("B", [])))
        == "hash_conflict"
    )
    fresh = web.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("B", []))
    assert fresh["view"]["title"]["text"] == "B"
    web.views_publish(user_id=ALICE, view=home([section("x")]))
    assert (
        error_of(lambda: web.views_publish(user_id=ALICE, view=home([]), hash="stale"))
        == "hash_conflict"
    )


def test_views_update_keeps_what_was_typed_in_surviving_inputs(
    emulator: SlackEmulator, web: WebClient
) -> None:
    field = input_block("Preuve", {"type": "plain_text_input", "action_id": "evidence"}, "ev")
    opened = web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=modal("A", [field]))
    typed = {"ev": {"evidence": {"type": "plain_text_input", "value": "Démo client"}}}
    emulator.set_view_state(opened["view"]["id"], typed)

    updated = web.views_update(view_id=opened["view"]["id"], view=modal("A", [section("x"), field]))

    assert updated["view"]["state"]["values"] == typed


def test_files_upload_v2_end_to_end(emulator: SlackEmulator, web: WebClient) -> None:
    dm = web.conversations_open(users=ALICE)["channel"]["id"]

    answer = web.files_upload_v2(
        channel=dm,
        content=b"competence;niveau\nprospection;Senior\n",
        filename="bilan.csv",
        title="Bilan 1:1",
        initial_comment="Votre bilan",
    )

    assert answer["file"]["title"] == "Bilan 1:1"
    (stored,) = emulator.files
    assert (stored.name, stored.title, stored.channels) == ("bilan.csv", "Bilan 1:1", [dm])
    assert stored.content == b"competence;niveau\nprospection;Senior\n"
    (shared,) = emulator.dm_messages(ALICE)
    assert shared.text == "Votre bilan"
    assert shared.files is not None
    assert shared.files[0]["id"] == stored.id
    methods = [c.method for c in emulator.calls]
    assert methods[-3:] == [
        "files.getUploadURLExternal",
        "files.upload_url",
        "files.completeUploadExternal",
    ]


def test_complete_upload_of_an_unknown_file_fails(web: WebClient) -> None:
    files: list[dict[str, str | None]] = [{"id": "F0NOPE", "title": "x"}]
    assert error_of(lambda: web.files_completeUploadExternal(files=files)) == "file_not_found"


def test_accessors_return_copies(emulator: SlackEmulator, web: WebClient) -> None:
    web.chat_postMessage(channel=ALICE, text="original", blocks=[section("x")])

    emulator.dm_messages(ALICE)[0].text = "changed by a test"

    assert emulator.dm_messages(ALICE)[0].text == "original"


def test_input_block_text_helper_shape() -> None:
    assert text("a") == {"type": "plain_text", "text": "a"}
