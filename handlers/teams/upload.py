"""A file's bytes into the person's OneDrive, through the upload session Teams opened
when they accepted it.

As "Upload bytes to the upload session" says (learn.microsoft.com/onedrive/developer/
rest-api/api/driveitem_createuploadsession): ``PUT`` to ``uploadUrl`` with
``Content-Length`` and ``Content-Range: bytes {first}-{last}/{total}``, fragments in
order, each under 60 MiB and, but the last, a multiple of 320 KiB; ``202`` and the next
expected range until the last byte, then ``200``/``201``. The URL is pre-authenticated
and must get no ``Authorization`` header, so a plain HTTP client is used, not the SDK's
(which adds the bot's token). Any other answer, a broken connection or no answer in
:data:`TIMEOUT` fails the upload, which then cancels the session (``DELETE``): nothing is
left half-written, and the caller says so.
"""

from __future__ import annotations

import contextlib

import httpx

FRAGMENT = 10 * 320 * 1024  # 3.2 MiB: a multiple of 320 KiB, far under 60 MiB
TIMEOUT = 10.0  # seconds per request: the person is waiting (Teams gives an invoke ~15 s)


class UploadFailed(Exception):
    """The bytes did not all reach the person's OneDrive (the session was cancelled)."""


async def upload(
    url: str,
    data: bytes,
    *,
    fragment: int = FRAGMENT,
) -> None:
    """Put ``data`` in the upload session at ``url``; :class:`UploadFailed` if it did not
    all get there."""
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        try:
            await _put_all(client, url, data, fragment)
        except (httpx.HTTPError, UploadFailed) as error:
            with contextlib.suppress(httpx.HTTPError):  # else the session expires on its own
                await client.delete(url)
            raise UploadFailed(str(error) or type(error).__name__) from error


async def _put_all(client: httpx.AsyncClient, url: str, data: bytes, fragment: int) -> None:
    total, first = len(data), 0
    if not total:
        raise UploadFailed("an empty file cannot be uploaded in a session")
    while True:
        chunk = data[first : first + fragment]
        last = first + len(chunk) - 1
        headers = {
            "Content-Length": str(len(chunk)),
            "Content-Range": f"bytes {first}-{last}/{total}",
        }
        answer = await client.put(url, content=chunk, headers=headers)
        if answer.status_code in (200, 201) and last + 1 == total:
            return
        if answer.status_code != 202:
            raise UploadFailed(f"the upload session answered {answer.status_code}")
        following = _next_expected(answer)
        if following is None or not first < following < total:
            raise UploadFailed(f"the upload session expects {following!r} after {last}")
        first = following


def _next_expected(answer: httpx.Response) -> int | None:
    """Where the session wants the next fragment to start (``nextExpectedRanges``)."""
    try:
        ranges = answer.json()["nextExpectedRanges"]
        return int(str(ranges[0]).split("-", 1)[0])
    except (ValueError, KeyError, IndexError, TypeError):
        return None
