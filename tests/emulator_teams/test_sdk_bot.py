"""End to end: the driver plays Teams toward a bot on the real Teams SDK, the emulator answers it.

The bot (:mod:`.sdk_bot`) validates every activity's token against the emulator's keys,
gets its own tokens from the emulator's token endpoint and calls the emulator's
Connector. The SDK handles an activity before answering it, so what the bot did is in
the emulator when the driver's call returns.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from emulators.teams import (
    DriverError,
    ManualClock,
    SigningKey,
    TeamsDriver,
    TeamsEmulator,
    User,
)
from tests.emulator_teams.sdk_bot import MessageActivityInput, SdkBot

# The SDK's own ApiClient builds its deprecated BotClient on every turn.
pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")


def test_install_sends_the_events_teams_sends_and_the_bot_welcomes(
    emulator: TeamsEmulator, driver: TeamsDriver, bot: SdkBot, alice: User
) -> None:
    responses = driver.install(alice)
    assert [(r.kind, r.status) for r in responses] == [
        ("installationUpdate", 200),
        ("conversationUpdate", 200),
    ]
    welcome = driver.latest_message(alice)
    assert welcome is not None and welcome.text == "Welcome to Palier, Alice Martin!"
    conversation_id = emulator.personal_conversation_id(alice)
    assert bot.seen.references == {alice.aad_object_id: conversation_id}
    install, update = (r.activity for r in responses)
    assert install is not None and update is not None
    assert install["action"] == "add"
    assert update["membersAdded"] == [{"id": f"28:{emulator.app_id}"}]
    sent = emulator.calls_to("send")
    assert [c.status for c in sent] == [201]
    assert sent[0].app_id == emulator.app_id  # with a token the token endpoint issued
    assert emulator.calls_to("token")[-1].status == 200


def test_activities_have_teams_shape_and_the_persons_time(
    emulator: TeamsEmulator, driver: TeamsDriver, clock: ManualClock, bob: User
) -> None:
    driver.install(bob)
    response = driver.send_message(bob, "hello")
    assert response.status == 200
    latest = driver.latest_message(bob)
    assert latest is not None and latest.text == "You said: hello (America/New_York)"
    activity = response.activity
    assert activity is not None
    assert activity["channelId"] == "msteams"
    assert activity["serviceUrl"] == emulator.service_url
    assert activity["from"] == {"id": bob.id, "name": "Bob Stone", "aadObjectId": bob.aad_object_id}
    assert activity["from"]["id"].startswith("29:")
    assert activity["recipient"] == {"id": f"28:{emulator.app_id}", "name": "Palier"}
    assert activity["conversation"] == {
        "conversationType": "personal",
        "tenantId": emulator.tenant_id,
        "id": emulator.personal_conversation_id(bob),
    }
    assert activity["channelData"] == {"tenant": {"id": emulator.tenant_id}}
    assert activity["locale"] == "en-US"
    assert activity["localTimezone"] == "America/New_York"
    assert activity["entities"] == [
        {
            "type": "clientInfo",
            "locale": "en-US",
            "country": "US",
            "platform": "Web",
            "timezone": "America/New_York",
        }
    ]
    moment = datetime.fromtimestamp(clock(), ZoneInfo("America/New_York"))
    assert datetime.fromisoformat(activity["localTimestamp"]) == moment
    assert activity["localTimestamp"].endswith(
        moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]
    )
    assert datetime.fromisoformat(activity["timestamp"].replace("Z", "+00:00")) == moment
    assert [m.text for m in driver.messages(bob)][-2:] == [
        "hello",
        "You said: hello (America/New_York)",
    ]


def test_action_execute_replaces_the_card_as_teams_does(
    emulator: TeamsEmulator, driver: TeamsDriver, alice: User
) -> None:
    driver.install(alice)
    driver.send_message(alice, "card")
    message = driver.latest_message(alice)
    assert message is not None
    assert driver.buttons(message) == ["Approve", "Send", "Add a note"]
    assert "Weekly check-in" in driver.screen(alice)

    response = driver.click(alice, message, "Approve", {"comment": "solid discovery call"})

    assert (response.status, response.outcome, response.late) == (200, "card", False)
    activity = response.activity
    assert activity is not None
    assert activity["name"] == "adaptiveCard/action" and activity["replyToId"] == message.id
    assert activity["value"] == {
        "action": {
            "type": "Action.Execute",
            "verb": "approve",
            "data": {"action": "approve", "week": 7, "comment": "solid discovery call"},
        },
        "trigger": "manual",
    }
    refreshed = emulator.message(message.conversation_id, message.id)
    assert refreshed is not None
    assert driver.card_texts(refreshed) == [
        "Approved by Alice Martin",
        "Week 7: solid discovery call",
    ]
    assert refreshed.versions[0]["attachments"][0]["content"] == message.card
    assert driver.buttons(refreshed) == []
    assert emulator.calls_to("update") == []  # Teams refreshed the card itself


def test_a_late_invoke_answer_changes_nothing(
    emulator: TeamsEmulator, bot: SdkBot, alice: User
) -> None:
    with TeamsDriver(bot.url, emulator, invoke_deadline=0.0) as impatient:
        impatient.install(alice)
        impatient.send_message(alice, "card")
        message = impatient.latest_message(alice)
        assert message is not None
        response = impatient.click(alice, message, "Approve", {"comment": "late"})
    assert (response.status, response.outcome, response.late) == (200, "timeout", True)
    assert emulator.inbound[-1].late
    current = emulator.message(message.conversation_id, message.id)
    assert current is not None and current.card == message.card


def test_action_submit_is_a_message_with_the_inputs_in_value(
    driver: TeamsDriver, alice: User
) -> None:
    driver.install(alice)
    driver.send_message(alice, "card")
    message = driver.latest_message(alice)
    assert message is not None
    response = driver.click(alice, message, "send", {"comment": "typed"})  # case-insensitive
    assert response.status == 200
    assert response.activity is not None and "text" not in response.activity
    reply = driver.latest_message(alice)
    expected = json.dumps({"comment": "typed", "kind": "submit"}, sort_keys=True)
    assert reply is not None and reply.text == f"Received {expected}"


def test_im_back_and_message_back_speak_for_the_person(driver: TeamsDriver, alice: User) -> None:
    driver.install(alice)
    driver.send_message(alice, "menu")
    menu = driver.latest_message(alice)
    assert menu is not None
    driver.click(alice, menu, "Yes")
    assert [m.text for m in driver.messages(alice)][-2:] == ["yes", "You said: yes (Europe/Paris)"]
    later = driver.click(alice, menu, "Later")
    assert later.activity is not None and later.activity["text"] == "later"
    assert [m.text for m in driver.messages(alice)][-2:] == [
        "Remind me later",
        'Received {"snooze": 60}',
    ]


def test_buttons_and_inputs_that_are_not_there_cannot_be_used(
    driver: TeamsDriver, alice: User
) -> None:
    driver.install(alice)
    driver.send_message(alice, "card")
    message = driver.latest_message(alice)
    assert message is not None
    with pytest.raises(DriverError, match="no button 'Reject'"):
        driver.click(alice, message, "Reject")
    with pytest.raises(DriverError, match="no input"):
        driver.click(alice, message, "Send", {"rating": "5"})


def test_a_dialog_round_trip_refuses_a_missing_required_input_like_the_client(
    emulator: TeamsEmulator, driver: TeamsDriver, bot: SdkBot, alice: User
) -> None:
    driver.install(alice)
    driver.send_message(alice, "card")
    message = driver.latest_message(alice)
    assert message is not None

    opened = driver.open_dialog(alice, message, "Add a note")
    assert (opened.status, opened.outcome) == (200, "continue")
    assert opened.activity is not None and opened.activity["name"] == "task/fetch"
    assert opened.activity["value"]["data"]["dialog_id"] == "note"
    dialog = driver.dialog(alice)
    assert dialog is not None and dialog.title == "Add a note"

    delivered = len(emulator.inbound)
    refused = driver.submit_dialog(alice, {"level": "Confirmed"})
    assert (refused.outcome, refused.sent, refused.input_errors) == (
        "refused",
        False,
        {"note": "Write a note"},
    )
    assert len(emulator.inbound) == delivered  # nothing reached the bot
    assert bot.seen.notes == []
    assert "! Write a note" in driver.screen(alice)
    with pytest.raises(DriverError, match="no choice 'Expert'"):
        driver.submit_dialog(alice, {"note": "x", "level": "Expert"})

    saved = driver.submit_dialog(alice, {"note": "Great questions", "level": "Confirmed"})
    assert (saved.status, saved.outcome, saved.notice) == (200, "message", "Note saved")
    assert bot.seen.notes == [{"action": "save_note", "note": "Great questions", "level": "2"}]
    assert driver.dialog(alice) is None
    assert driver.notice(alice) == "Note saved"


def test_a_message_action_quotes_the_message_and_logs_it(
    emulator: TeamsEmulator, driver: TeamsDriver, bot: SdkBot, alice: User
) -> None:
    driver.install(alice)
    driver.send_message(alice, "I closed the Acme deal <today>")
    written = [m for m in driver.messages(alice) if not m.from_bot][-1]

    fetched = driver.message_action(alice, written, "logEvidence")
    assert (fetched.status, fetched.outcome) == (200, "continue")
    assert fetched.deadline == 5.0  # a message extension's invoke gets five seconds
    assert fetched.activity is not None
    payload = fetched.activity["value"]["messagePayload"]
    assert payload["body"] == {
        "contentType": "html",
        "content": "<p>I closed the Acme deal &lt;today&gt;</p>",
    }
    assert payload["from"]["user"]["id"] == alice.aad_object_id
    dialog = driver.dialog(alice)
    assert dialog is not None and dialog.card is not None

    assert driver.submit_dialog(alice).outcome == "refused"  # "Why" is required
    logged = driver.submit_dialog(alice, {"why": "a signed deal"})
    assert (logged.status, logged.outcome, logged.notice) == (200, "message", "Logged")
    assert (
        logged.activity is not None and logged.activity["name"] == "composeExtension/submitAction"
    )
    assert bot.seen.evidence == [
        {
            "command": "logEvidence",
            "message_id": written.id,
            "link": payload["linkToMessage"],
            "data": {"why": "a signed deal"},
        }
    ]
    assert payload["linkToMessage"].startswith(
        f"https://teams.microsoft.com/l/message/{written.conversation_id}/{written.id}?"
    )


def test_a_message_action_on_the_bots_own_message_names_the_app(
    emulator: TeamsEmulator, driver: TeamsDriver, alice: User
) -> None:
    driver.install(alice)
    welcome = driver.latest_message(alice)
    assert welcome is not None
    fetched = driver.message_action(alice, welcome, "logEvidence")
    assert fetched.activity is not None
    author = fetched.activity["value"]["messagePayload"]["from"]
    assert author["user"] is None
    assert author["application"] == {
        "applicationIdentityType": "bot",
        "id": emulator.app_id,
        "displayName": "Palier",
    }


def test_a_proactive_send_by_stored_conversation_id_then_an_update(
    emulator: TeamsEmulator, driver: TeamsDriver, bot: SdkBot, alice: User
) -> None:
    driver.install(alice)
    conversation_id = bot.seen.references[alice.aad_object_id]

    sent = bot.run(bot.app.send(conversation_id, "Time for your weekly check-in"))
    latest = driver.latest_message(alice)
    assert latest is not None and (latest.id, latest.text) == (
        sent.id,
        "Time for your weekly check-in",
    )

    done = MessageActivityInput(text="Check-in done").with_id(sent.id)
    bot.run(bot.app.send(conversation_id, done))
    updated = emulator.message(conversation_id, sent.id)
    assert updated is not None and updated.text == "Check-in done"
    assert [v["text"] for v in updated.versions] == ["Time for your weekly check-in"]
    assert [c.operation for c in emulator.calls if c.operation in ("send", "update")][-2:] == [
        "send",
        "update",
    ]


def test_a_proactive_send_after_uninstall_is_refused(
    emulator: TeamsEmulator, driver: TeamsDriver, bot: SdkBot, alice: User
) -> None:
    driver.install(alice)
    conversation_id = bot.seen.references[alice.aad_object_id]
    driver.uninstall(alice)
    with pytest.raises(httpx.HTTPStatusError) as refused:
        bot.run(bot.app.send(conversation_id, "Are you there?"))
    assert refused.value.response.status_code == 403
    assert refused.value.response.json()["error"]["code"] == "BotNotInConversationRoster"


def test_the_sdk_does_not_retry_a_429_its_caller_must(
    emulator: TeamsEmulator, driver: TeamsDriver, bot: SdkBot, alice: User
) -> None:
    driver.install(alice)
    conversation_id = bot.seen.references[alice.aad_object_id]
    emulator.inject("send", status=429, retry_after=3)
    with pytest.raises(httpx.HTTPStatusError) as throttled:
        bot.run(bot.app.send(conversation_id, "Reminder"))
    assert throttled.value.response.headers["Retry-After"] == "3"
    assert [c.status for c in emulator.calls_to("send")][-1:] == [429]  # one try, no retry
    bot.run(bot.app.send(conversation_id, "Reminder"))  # a retry by the caller goes through
    latest = driver.latest_message(alice)
    assert latest is not None and latest.text == "Reminder"


def test_a_bad_card_from_the_sdk_is_a_400(
    emulator: TeamsEmulator, driver: TeamsDriver, bot: SdkBot, alice: User
) -> None:
    driver.install(alice)
    driver.send_message(alice, "bad card")
    assert [status for status, _ in bot.seen.refusals] == [400]
    assert bot.seen.refusals[0][1]["error"]["code"] == "BadArgument"
    latest = driver.latest_message(alice)
    assert latest is not None and latest.text == "Sorry, that card was refused."
    assert [c.status for c in emulator.calls_to("send")][-2:] == [400, 201]


@pytest.mark.parametrize(
    "forgery",
    ["audience", "issuer", "foreign key", "expired", "service url", "unsigned"],
)
def test_the_sdk_rejects_a_token_teams_would_not_sign(
    emulator: TeamsEmulator,
    driver: TeamsDriver,
    clock: ManualClock,
    alice: User,
    forgery: str,
) -> None:
    driver.install(alice)
    conversation = emulator.conversation(emulator.personal_conversation_id(alice) or "")
    assert conversation is not None
    before = len(driver.messages(alice))
    activity = driver.factory.message(alice, conversation, clock(), "let me in", "1")
    forgeries: dict[str, dict[str, Any]] = {
        "audience": {"audience": "api://someone-else"},
        "issuer": {"issuer": "https://api.botframework.us"},  # another cloud's
        "foreign key": {"key": SigningKey()},
        "expired": {"not_before": clock() - 7200},  # past the SDK's 5 min leeway
        "service url": {"service_url_claim": "https://smba.trafficmanager.net/teams/"},
        "unsigned": {"authorization": ""},
    }
    response = driver.deliver(activity, **forgeries[forgery])
    assert response.status == 401
    assert len(driver.messages(alice)) == before  # the bot did nothing
    assert driver.deliver(activity).status == 200  # the genuine article goes through
