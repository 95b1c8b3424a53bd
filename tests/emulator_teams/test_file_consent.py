"""The driver answering a file consent card as Teams does, to a bot on the real Teams SDK:
Allow opens an upload session in the person's OneDrive and sends ``fileConsent/invoke``
with the card's ``acceptContext`` and ``uploadInfo`` (which the SDK reads as its
``FileConsentInvokeActivity``), Decline sends the ``declineContext``; the bot's upload and
file card land in the person's OneDrive and chat; a replay is the same activity again."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from emulators.teams import (
    FILE_CONSENT,
    FILE_INFO,
    DriverError,
    TeamsDriver,
    TeamsEmulator,
    User,
)
from tests.emulator_teams import bot_token
from tests.emulator_teams.sdk_bot import SdkBot

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.activities.message.message import MessageActivityInput
    from microsoft_teams.api.models.attachment import Attachment

CONTENT = b"name;level\r\nAlice;3\r\n"


@pytest.fixture
def consents(bot: SdkBot) -> Iterator[list[Any]]:
    """On Allow the bot uploads ``CONTENT`` and shows the file; on Decline it says so."""
    seen: list[Any] = []

    @bot.app.on_file_consent
    async def answered(ctx: Any) -> None:
        value = ctx.activity.value
        seen.append(ctx.activity)
        if value.action != "accept":
            await ctx.send("Declined: nothing uploaded.")
            return
        info = value.upload_info
        async with httpx.AsyncClient() as client:
            put = await client.put(
                info.upload_url,
                content=CONTENT,
                headers={"Content-Range": f"bytes 0-{len(CONTENT) - 1}/{len(CONTENT)}"},
            )
        put.raise_for_status()
        file_card = Attachment(
            content_type=FILE_INFO,
            content_url=info.content_url,
            name=info.name,
            content={"uniqueId": info.unique_id, "fileType": info.file_type},
        )
        await ctx.send(MessageActivityInput(attachments=[file_card]))

    yield seen


def _offer(emulator: TeamsEmulator, driver: TeamsDriver, user: User) -> Any:
    """The bot offers ``report.csv`` in the person's chat (a plain Connector call)."""
    driver.install(user)
    card = {
        "description": "Your report",
        "sizeInBytes": len(CONTENT),
        "acceptContext": {"file": "report"},
        "declineContext": {"file": "report", "declined": True},
    }
    activity = {
        "type": "message",
        "attachments": [{"contentType": FILE_CONSENT, "name": "report.csv", "content": card}],
    }
    chat = emulator.personal_conversation_id(user)
    sent = httpx.post(
        f"{emulator.service_url}v3/conversations/{chat}/activities",
        json=activity,
        headers={"Authorization": f"Bearer {bot_token(emulator)}"},
    )
    assert sent.status_code == 201
    offered = driver.latest_message(user)
    assert offered is not None
    return offered


def test_allow_uploads_through_the_session_and_the_file_card_shows(
    emulator: TeamsEmulator, driver: TeamsDriver, consents: list[Any], alice: User
) -> None:
    card = _offer(emulator, driver, alice)
    assert "[file to accept: report.csv — Your report (21 bytes)]" in driver.render(card)
    answer = driver.accept_file(alice, card)
    assert (answer.status, answer.outcome) == (200, None)
    [invoke] = consents
    assert invoke.name == "fileConsent/invoke" and invoke.reply_to_id == card.id
    assert invoke.value.action == "accept" and invoke.value.context == {"file": "report"}
    info = invoke.value.upload_info
    assert (info.name, info.file_type) == ("report.csv", "csv")
    assert answer.activity is not None
    assert answer.activity["value"]["type"] == "fileUpload"

    [stored] = emulator.drive_files(alice)
    assert stored.content == CONTENT and stored.unique_id == info.unique_id
    shown = driver.latest_message(alice)
    assert shown is not None and driver.render(shown) == "[file: report.csv]"

    again = driver.replay(answer)  # Teams delivers the same invoke again
    assert again.activity == answer.activity
    assert len(consents) == 2 and consents[1].id == consents[0].id


def test_decline_sends_the_decline_context_and_opens_no_session(
    emulator: TeamsEmulator, driver: TeamsDriver, consents: list[Any], alice: User, bob: User
) -> None:
    card = _offer(emulator, driver, alice)
    driver.decline_file(alice, card)
    [invoke] = consents
    assert invoke.value.action == "decline" and invoke.value.upload_info is None
    assert invoke.value.context == {"file": "report", "declined": True}
    assert emulator.calls_to("upload") == [] and emulator.drive_files(alice) == []
    with pytest.raises(DriverError, match="not in the chat"):
        driver.accept_file(bob, card)  # Bob cannot see Alice's card

    driver.install(bob)
    forged = driver.file_consent(bob, "accept", {"file": "report"}, name="report.csv")
    assert forged.status == 200
    assert consents[-1].from_.aad_object_id == bob.aad_object_id
    assert [f.name for f in emulator.drive_files(bob)] == ["report.csv"]


def test_a_message_without_a_consent_card_has_nothing_to_answer(
    driver: TeamsDriver, alice: User
) -> None:
    driver.install(alice)
    welcome = driver.latest_message(alice)
    assert welcome is not None
    with pytest.raises(DriverError, match="no file consent card"):
        driver.accept_file(alice, welcome)
