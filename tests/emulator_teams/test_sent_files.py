"""A file a person sends the bot in their personal chat, as Teams delivers it: the message's
``file.download.info`` attachment (name, contentUrl, downloadUrl, uniqueId, fileType), which
the Teams SDK lists as an uploaded file; its pre-authorized ``downloadUrl`` served by the
emulator with a plain GET (a bearer token refused, expired after its lifetime, optionally
through a redirect to the storage host)."""

from __future__ import annotations

import httpx

from emulators.teams import ManualClock, TeamsDriver, TeamsEmulator, User
from emulators.teams.drive import DOWNLOAD_LIFETIME, FILE_DOWNLOAD_INFO
from tests.emulator_teams.sdk_bot import SdkBot

DATA = b"Bloc\tComp\xc3\xa9tence\nProspection\tCibler\n"


def test_a_sent_file_reaches_the_bot_as_the_sdk_reads_it(
    driver: TeamsDriver, bot: SdkBot, emulator: TeamsEmulator, alice: User
) -> None:
    driver.install(alice)
    answer = driver.send_file(alice, "matrice.tsv", DATA, text="id: ae-2027")
    assert answer.status == 200
    emulator.wait_for(lambda: bot.seen.files or None)
    [seen] = bot.seen.files
    assert seen["name"] == "matrice.tsv"
    [sent] = [m for m in emulator.messages_of(alice) if m.source == "user"][-1:]
    [attachment] = sent.attachments
    assert attachment["contentType"] == FILE_DOWNLOAD_INFO
    assert attachment["content"]["fileType"] == "tsv"
    assert attachment["content"]["uniqueId"] == seen["uniqueId"]
    assert sent.text == "id: ae-2027"
    fetched = httpx.get(seen["downloadUrl"])
    assert (fetched.status_code, fetched.content) == (200, DATA)


def test_the_download_url_takes_no_bearer_token_and_expires(
    emulator: TeamsEmulator, alice: User, clock: ManualClock
) -> None:
    emulator.install(alice)
    message = emulator.send_file(alice, "matrice.xlsx", DATA)
    url = message.attachments[0]["content"]["downloadUrl"]
    refused = httpx.get(url, headers={"Authorization": "Bearer abc"})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    forged = httpx.get(url.replace("tempauth=", "tempauth=x"))
    assert forged.status_code == 401
    assert httpx.get(url).content == DATA
    clock.advance(DOWNLOAD_LIFETIME + 1)
    assert httpx.get(url).status_code == 401


def test_a_download_may_be_redirected_to_the_storage_host(
    emulator: TeamsEmulator, alice: User
) -> None:
    emulator.install(alice)
    emulator.redirect_downloads = True
    url = emulator.send_file(alice, "matrice.csv", DATA).attachments[0]["content"]["downloadUrl"]
    first = httpx.get(url)
    assert first.status_code == 302
    assert first.headers["Location"].startswith(emulator.base_url + "/storage?")
    assert httpx.get(url, follow_redirects=True).content == DATA


def test_two_files_of_one_name_are_both_kept_the_second_renamed(
    emulator: TeamsEmulator, alice: User
) -> None:
    emulator.install(alice)
    first = emulator.send_file(alice, "matrice.csv", b"a").attachments[0]
    second = emulator.send_file(alice, "matrice.csv", b"b").attachments[0]
    assert (first["name"], second["name"]) == ("matrice.csv", "matrice 1.csv")
    assert httpx.get(second["content"]["downloadUrl"]).content == b"b"
