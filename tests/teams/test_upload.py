"""Palier's upload to a OneDrive upload session, against the emulator over HTTP: a file
larger than a fragment goes in order, in 320 KiB multiples, each range said, no
Authorization header; a failed upload cancels the session, leaving nothing behind."""

from __future__ import annotations

import asyncio

import pytest

from emulators.teams import TeamsEmulator
from handlers.teams.upload import UploadFailed, upload

UNIT = 320 * 1024


def test_a_file_in_fragments_each_range_said(emulator: TeamsEmulator) -> None:
    alice = emulator.add_user("Alice Martin", "alice@example.fr")
    data = bytes(range(256)) * (700 * 1024 // 256)
    info = emulator.open_upload(alice, "map.png", len(data))
    asyncio.run(upload(info["uploadUrl"], data, fragment=UNIT))
    [stored] = emulator.drive_files(alice)
    assert stored.content == data
    total = len(data)
    assert [
        (c.status, c.body["contentRange"], c.body["authorization"])
        for c in emulator.calls_to("upload")
    ] == [
        (202, f"bytes 0-{UNIT - 1}/{total}", False),
        (202, f"bytes {UNIT}-{2 * UNIT - 1}/{total}", False),
        (201, f"bytes {2 * UNIT}-{total - 1}/{total}", False),
    ]
    assert emulator.calls_to("upload_cancel") == []


@pytest.mark.parametrize("fault", [{"status": 503}, {"status": 500}, {"reset": True}])
def test_a_failed_upload_cancels_its_session(
    emulator: TeamsEmulator, fault: dict[str, object]
) -> None:
    alice = emulator.add_user("Alice Martin", "alice@example.fr")
    info = emulator.open_upload(alice, "data.json", 2)
    emulator.inject("upload", **fault)
    with pytest.raises(UploadFailed):
        asyncio.run(upload(info["uploadUrl"], b"{}"))
    assert [c.status for c in emulator.calls_to("upload_cancel")] == [204]
    assert emulator.drive_files(alice) == []
    with pytest.raises(UploadFailed):  # the session is gone: nothing half-written to resume
        asyncio.run(upload(info["uploadUrl"], b"{}"))
