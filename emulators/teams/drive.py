"""The person's OneDrive as a Teams bot meets it: the upload session of an accepted file.

A bot sends a file in a personal chat by asking first (a file consent card, :mod:`.files`);
when the person accepts, Teams creates the file's upload session in their OneDrive for
Business, in ``Documents/Applications``, and gives the bot its ``uploadInfo``: ``name``,
``uploadUrl``, ``contentUrl``, ``uniqueId``, ``fileType`` ("Send and receive files using
bot", learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4). The bot then
transfers the bytes as "Upload bytes to the upload session" says
(learn.microsoft.com/onedrive/developer/rest-api/api/driveitem_createuploadsession):

- ``PUT uploadUrl`` with ``Content-Length`` and ``Content-Range: bytes {first}-{last}/{total}``,
  the whole file or fragments sent in order, each under 60 MiB and, when it is not the
  last, a multiple of 320 KiB; ``202 Accepted`` with ``expirationDateTime`` and
  ``nextExpectedRanges`` until the last byte, then ``201 Created`` with the ``driveItem``,
  after which the session is gone;
- no ``Authorization`` header: the URL is pre-authenticated, and "including the
  Authorization header when issuing the PUT call may result in an HTTP 401 Unauthorized";
- ``GET uploadUrl``: where the session stands; ``DELETE uploadUrl``: cancel it (``204``);
- a session not written to expires (``expirationDateTime``; each fragment extends it).

Refusals are OneDrive's ``{"error": {"code", "message"}}``: ``400 invalidRequest``,
``401 unauthenticated``, ``404 itemNotFound``, ``416 invalidRange``. The upload URL Teams
hands out says ``rename=True``: a file named as one already in the folder becomes
``name 1.ext``.

The other way, a file the person sends the bot in their personal chat (the app's manifest
says ``supportsFiles``): Teams puts it in their OneDrive's ``Microsoft Teams Chat Files``
and the message carries an attachment of ``contentType``
``application/vnd.microsoft.teams.file.download.info``, ``name``, ``contentUrl`` and
``content`` ``{downloadUrl, uniqueId, fileType, etag}`` (:meth:`Drive.receive`).
``downloadUrl`` is short-lived and pre-authorized (its ``tempauth``): a plain ``GET`` with
no bearer token (one sent is refused, ``401``), the file's bytes as they were sent; past
:data:`DOWNLOAD_LIFETIME` on the emulator's clock ``401``. Storage may answer with a
redirect to the host holding the bytes (:attr:`Drive.redirect_downloads`). Runs under the
emulator's lock.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from emulators.teams.model import JsonDict, User

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
FRAGMENT_UNIT = 320 * 1024
"""A fragment that is not the last is a multiple of this (320 KiB)."""
MAX_FRAGMENT = 60 * 1024 * 1024
"""A request carries less than 60 MiB."""
SESSION_LIFETIME = 15 * 60.0
"""Seconds a session lives without being written to (each fragment extends it)."""
DOWNLOAD_LIFETIME = 60 * 60.0
"""Seconds a ``downloadUrl`` handed to the bot can be fetched ("short-lived")."""
DOWNLOAD_PATH = "/_layouts/15/download.aspx"
"""Where a sent file's ``downloadUrl`` points (SharePoint's download page)."""
STORAGE_PATH = "/storage"
"""Where a redirected download lands (the host actually holding the bytes)."""
CHAT_FOLDER = "Documents/Microsoft Teams Chat Files"
UPLOAD_PATH = "/up"
"""Where upload sessions live on the emulator (``https://sn3302.up.1drv.com/up/…``'s place)."""
FOLDER = "Documents/Applications"

_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


class DriveError(Exception):
    """A OneDrive refusal: HTTP status, error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> JsonDict:
        return {"error": {"code": self.code, "message": self.message}}


@dataclass
class DriveFile:
    """A file in a person's OneDrive, as the upload left it."""

    owner: str  # the person's Teams id (29:…)
    name: str
    unique_id: str
    content_url: str
    content: bytes
    created: float
    etag: str = field(default_factory=lambda: f'"{{{str(uuid.uuid4()).upper()}}},1"')
    download_token: str = ""  # a file the person sent the bot: its downloadUrl's tempauth

    @property
    def file_type(self) -> str:
        return file_type(self.name)


@dataclass
class UploadSession:
    """The upload session Teams opened when the person accepted a file."""

    token: str
    owner: str
    name: str
    unique_id: str
    content_url: str
    upload_url: str
    offered: int  # the consent card's sizeInBytes
    expires: float
    total: int | None = None
    received: bytearray = field(default_factory=bytearray)
    state: str = "open"  # open | done | cancelled | expired

    def upload_info(self) -> JsonDict:
        """What the ``fileConsent/invoke`` of an accepted file carries as ``uploadInfo``."""
        return {
            "contentUrl": self.content_url,
            "name": self.name,
            "uploadUrl": self.upload_url,
            "uniqueId": self.unique_id,
            "fileType": file_type(self.name),
            "etag": "0",
        }


def file_type(name: str) -> str:
    """The file's type as Teams gives it: its extension, without the dot (``csv``)."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Drive:
    """Every person's OneDrive: upload sessions and the files they left."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.sessions: dict[str, UploadSession] = {}
        self.files: list[DriveFile] = []
        self.redirect_downloads = False  # answer a download with 302 to the storage host

    # -- Teams' side: a consent accepted ---------------------------------------------------

    def open(self, owner: User, name: str, size: int, base_url: str) -> UploadSession:
        """The session Teams creates for ``name`` in ``owner``'s folder (renamed when taken)."""
        final = self._free_name(owner.id, name)
        token = secrets.token_urlsafe(32)
        site = re.sub(r"[^A-Za-z0-9]", "_", owner.user_principal_name).lower()
        session = UploadSession(
            token=token,
            owner=owner.id,
            name=final,
            unique_id=str(uuid.uuid4()).upper(),
            content_url=f"{base_url}/sharepoint/personal/{site}/{FOLDER}/{quote(final)}",
            upload_url=f"{base_url}{UPLOAD_PATH}/{token}",
            offered=size,
            expires=self.clock() + SESSION_LIFETIME,
        )
        self.sessions[token] = session
        return session

    def _free_name(self, owner: str, name: str) -> str:
        taken = {f.name.casefold() for f in self.files if f.owner == owner}
        taken |= {
            s.name.casefold()
            for s in self.sessions.values()
            if s.owner == owner and s.state == "open"
        }
        stem, dot, extension = name.rpartition(".")
        if not dot or not stem:
            stem, extension = name, ""
        candidate, number = name, 1
        while candidate.casefold() in taken:
            candidate = f"{stem} {number}" + (f".{extension}" if extension else "")
            number += 1
        return candidate

    # -- the bot's side: the upload URL -------------------------------------------------------

    def _session(self, token: str, headers: dict[str, str]) -> UploadSession:
        if "authorization" in headers:
            raise DriveError(
                401,
                "unauthenticated",
                "The upload URL is pre-authenticated: send no Authorization header.",
            )
        session = self.sessions.get(token)
        if session is not None and session.state == "open" and self.clock() > session.expires:
            session.state = "expired"
        if session is None or session.state != "open":
            raise DriveError(404, "itemNotFound", "The upload session was not found.")
        return session

    def put(self, token: str, headers: dict[str, str], body: bytes) -> tuple[int, JsonDict]:
        """``PUT uploadUrl``: one fragment, in order; 202 until the last byte, then 201."""
        session = self._session(token, headers)
        first, last, total = _content_range(headers.get("content-range"))
        length = headers.get("content-length")
        if length is None or not length.isdigit() or int(length) != len(body):
            raise DriveError(400, "invalidRequest", "Content-Length must give the body's size.")
        if last - first + 1 != len(body):
            raise DriveError(400, "invalidRequest", "Content-Range does not match the body's size.")
        if len(body) >= MAX_FRAGMENT:
            raise DriveError(400, "invalidRequest", "A fragment must be smaller than 60 MiB.")
        if session.total is not None and total != session.total:
            raise DriveError(400, "invalidRequest", "The file's total size changed mid-upload.")
        if first != len(session.received):
            raise DriveError(
                416,
                "invalidRange",
                f"Fragments must come in order: expected bytes from {len(session.received)}.",
            )
        if last + 1 < total and len(body) % FRAGMENT_UNIT:
            raise DriveError(
                400, "invalidRequest", "A fragment that is not the last is a multiple of 320 KiB."
            )
        session.total = total
        session.received.extend(body)
        session.expires = self.clock() + SESSION_LIFETIME
        if len(session.received) < total:
            return 202, self._status(session)
        session.state = "done"
        stored = DriveFile(
            owner=session.owner,
            name=session.name,
            unique_id=session.unique_id,
            content_url=session.content_url,
            content=bytes(session.received),
            created=self.clock(),
        )
        self.files.append(stored)
        return 201, _drive_item(stored)

    def status(self, token: str, headers: dict[str, str]) -> tuple[int, JsonDict]:
        """``GET uploadUrl``: the session's expiry and the bytes still expected."""
        return 200, self._status(self._session(token, headers))

    def cancel(self, token: str, headers: dict[str, str]) -> tuple[int, None]:
        """``DELETE uploadUrl``: the session and its bytes are dropped."""
        session = self._session(token, headers)
        session.state = "cancelled"
        session.received.clear()
        return 204, None

    def _status(self, session: UploadSession) -> JsonDict:
        return {
            "expirationDateTime": iso(session.expires),
            "nextExpectedRanges": [f"{len(session.received)}-"],
        }

    # -- a file the person sends the bot -----------------------------------------------------------

    def receive(self, owner: User, name: str, data: bytes, base_url: str) -> JsonDict:
        """The person sends ``name`` in their chat with the bot: stored in their OneDrive's
        chat files, and the ``file.download.info`` attachment the bot's message carries."""
        final = self._free_name(owner.id, name)
        site = re.sub(r"[^A-Za-z0-9]", "_", owner.user_principal_name).lower()
        stored = DriveFile(
            owner=owner.id,
            name=final,
            unique_id=str(uuid.uuid4()).upper(),
            content_url=f"{base_url}/sharepoint/personal/{site}/{CHAT_FOLDER}/{quote(final)}",
            content=bytes(data),
            created=self.clock(),
            download_token=secrets.token_urlsafe(24),
        )
        self.files.append(stored)
        query = urlencode(
            {
                "UniqueId": stored.unique_id,
                "Translate": "false",
                "tempauth": stored.download_token,
                "ApiVersion": "2.0",
            }
        )
        return {
            "contentType": FILE_DOWNLOAD_INFO,
            "contentUrl": stored.content_url,
            "name": stored.name,
            "content": {
                "downloadUrl": f"{base_url}/sharepoint/personal/{site}{DOWNLOAD_PATH}?{query}",
                "uniqueId": stored.unique_id,
                "fileType": stored.file_type,
                "etag": stored.etag,
            },
        }

    def download(
        self, query: dict[str, str], headers: dict[str, str], base_url: str, *, storage: bool
    ) -> tuple[int, dict[str, str], bytes | JsonDict]:
        """``GET downloadUrl`` (or, redirected, the storage host's URL): the bytes."""
        if "authorization" in headers:
            raise DriveError(
                401, "unauthenticated", "The download URL is pre-authorized: send no bearer token."
            )
        token = query.get("tempauth", "")
        found = next((f for f in self.files if token and f.download_token == token), None)
        if found is None:
            raise DriveError(401, "unauthenticated", "The tempauth token is not valid.")
        if self.clock() > found.created + DOWNLOAD_LIFETIME:
            raise DriveError(401, "unauthenticated", "The tempauth token has expired.")
        if self.redirect_downloads and not storage:
            location = f"{base_url}{STORAGE_PATH}?{urlencode({'tempauth': token})}"
            return 302, {"Location": location}, {}
        return 200, {"Content-Type": "application/octet-stream"}, found.content

    # -- reading back ---------------------------------------------------------------------------

    def files_of(self, owner: str) -> list[DriveFile]:
        return [f for f in self.files if f.owner == owner]

    def by_url(self, content_url: str) -> DriveFile | None:
        for stored in self.files:
            if stored.content_url == content_url:
                return stored
        return None


def _content_range(header: str | None) -> tuple[int, int, int]:
    match = _RANGE.fullmatch((header or "").strip())
    if match is None:
        raise DriveError(
            400, "invalidRequest", "Content-Range must read 'bytes {first}-{last}/{total}'."
        )
    first, last, total = (int(group) for group in match.groups())
    if first > last or last >= total:
        raise DriveError(416, "invalidRange", f"The range {first}-{last}/{total} is not valid.")
    return first, last, total


def _drive_item(stored: DriveFile) -> JsonDict:
    """The ``driveItem`` of a completed upload (its default properties)."""
    return {
        "id": stored.unique_id,
        "name": stored.name,
        "size": len(stored.content),
        "eTag": stored.etag,
        "webUrl": stored.content_url,
        "createdDateTime": iso(stored.created),
        "file": {},
    }
