"""Fetching a file sent to Palier in Teams from its ``downloadUrl``: no token, bounded,
https only (plain http only when told: the emulator's), redirects followed — against the
emulator's OneDrive over real HTTP."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.referentiel_upload import MAX_UPLOAD_BYTES
from emulators.teams import TeamsEmulator
from handlers.teams.referentiel_upload import DownloadFailed, download


@pytest.fixture
def url(emulator: TeamsEmulator) -> str:
    paul = emulator.add_user("Paul Durand", "paul.durand@example.fr")
    emulator.install(paul)
    sent = emulator.send_file(paul, "matrice.tsv", b"Bloc\tCompetence\n")
    return str(sent.attachments[0]["content"]["downloadUrl"])


def test_the_bytes_come_with_no_token(url: str, emulator: TeamsEmulator) -> None:
    assert asyncio.run(download(url, plain_http=True)) == b"Bloc\tCompetence\n"
    [call] = emulator.calls_to("download")
    assert call.status == 200  # the emulator refuses a bearer token (401)


def test_a_redirect_to_the_storage_host_is_followed(url: str, emulator: TeamsEmulator) -> None:
    emulator.redirect_downloads = True
    assert asyncio.run(download(url, plain_http=True)) == b"Bloc\tCompetence\n"
    assert [c.operation for c in emulator.calls_to("download")] == ["download"]
    assert len(emulator.calls_to("download_storage")) == 1


def test_plain_http_is_refused_unless_told_and_nothing_is_asked(
    url: str, emulator: TeamsEmulator
) -> None:
    with pytest.raises(DownloadFailed, match="http"):
        asyncio.run(download(url))
    assert emulator.calls_to("download") == []
    with pytest.raises(DownloadFailed):
        asyncio.run(download("file:///etc/passwd", plain_http=True))


def test_at_most_one_byte_past_the_limit_is_read(emulator: TeamsEmulator) -> None:
    paul = emulator.add_user("Paul Durand", "paul.durand@example.fr")
    emulator.install(paul)
    big = emulator.send_file(paul, "big.csv", b"x" * (MAX_UPLOAD_BYTES * 2))
    data = asyncio.run(download(big.attachments[0]["content"]["downloadUrl"], plain_http=True))
    assert len(data) == MAX_UPLOAD_BYTES + 1


def test_an_expired_or_failing_url_fails(url: str, emulator: TeamsEmulator) -> None:
    emulator.inject("download", status=503)
    with pytest.raises(DownloadFailed, match="503"):
        asyncio.run(download(url, plain_http=True))
    with pytest.raises(DownloadFailed, match="401"):
        asyncio.run(download(url.replace("tempauth=", "tempauth=x"), plain_http=True))
