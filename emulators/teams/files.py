"""Files between a bot and a person in Teams: the consent card, the invoke, the file card.

As "Send and receive files using bot" (learn.microsoft.com/microsoftteams/platform/bots/
how-to/bots-filesv4) publishes them:

- the bot asks first, in a **personal** chat only ("Teams bot APIs work only in the
  ``personal`` context. They do not work in the ``channel`` or ``groupchat`` context"): a
  message with an attachment of ``contentType``
  ``application/vnd.microsoft.teams.card.file.consent``, its ``name`` the file's name, its
  ``content`` ``{description, sizeInBytes, acceptContext, declineContext}``;
- the person's answer is an ``invoke`` named ``fileConsent/invoke`` whose ``value`` is
  ``{type: "fileUpload", action: "accept"|"decline", context}`` — the card's
  ``acceptContext`` or ``declineContext`` — and, when accepted, ``uploadInfo`` (the upload
  session Teams opened in the person's OneDrive, :mod:`.drive`);
- once the bytes are up, the bot sends a message with an attachment of ``contentType``
  ``application/vnd.microsoft.teams.card.file.info``: ``contentUrl`` and ``name`` as
  ``uploadInfo`` gave them, ``content`` ``{uniqueId, fileType}``.

The Connector refuses (``400 BadArgument``) a consent card outside a personal chat or
without its fields, and a file card that does not name a file uploaded to that person's
OneDrive (what a person would otherwise see is a card that opens nothing). A file's name
follows OneDrive's rules: none of ``" * : < > ? / \\ |``, no leading or trailing space.
"""

from __future__ import annotations

import copy
from typing import Any

from emulators.teams.cards import Violation
from emulators.teams.drive import Drive, file_type
from emulators.teams.model import Conversation, JsonDict, Message, User

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
FILE_CONSENT_INVOKE = "fileConsent/invoke"
FORBIDDEN_IN_NAMES = frozenset('"*:<>?/\\|')


def consent_attachment(message: Message) -> JsonDict | None:
    """The message's file consent card (the attachment), if it carries one."""
    for attachment in message.attachments:
        if attachment.get("contentType") == FILE_CONSENT:
            return attachment
    return None


def file_attachments(message: Message) -> list[JsonDict]:
    """The message's file cards (files the bot put in the person's OneDrive)."""
    return [a for a in message.attachments if a.get("contentType") == FILE_INFO]


def consent_value(action: str, context: Any, upload_info: JsonDict | None = None) -> JsonDict:
    """``fileConsent/invoke``'s value: what the person chose, and where to upload."""
    value: JsonDict = {"type": "fileUpload", "action": action, "context": copy.deepcopy(context)}
    if upload_info is not None:
        value["uploadInfo"] = copy.deepcopy(upload_info)
    return value


def name_problem(name: Any) -> str | None:
    """Why OneDrive would refuse ``name`` for a file (None: it would not)."""
    if not isinstance(name, str) or not name.strip():
        return "the file's name is required"
    if name != name.strip():
        return "a file's name cannot start or end with a space"
    bad = sorted(FORBIDDEN_IN_NAMES.intersection(name))
    if bad:
        return f"a file's name cannot hold {' '.join(bad)}"
    return None


def check_files(
    activity: Any, conversation: Conversation, owner: User | None, drive: Drive
) -> list[Violation]:
    """What Teams refuses in the file attachments of a message the bot sends or updates."""
    if not isinstance(activity, dict) or not isinstance(activity.get("attachments"), list):
        return []
    found: list[Violation] = []
    for index, attachment in enumerate(activity["attachments"]):
        if not isinstance(attachment, dict):
            continue
        kind = attachment.get("contentType")
        path = f"$.attachments[{index}]"
        if kind not in (FILE_CONSENT, FILE_INFO):
            continue
        if conversation.conversation_type != "personal" or owner is None:
            found.append(Violation(path, "files can be sent in a personal chat only"))
        elif kind == FILE_CONSENT:
            found.extend(_consent_violations(attachment, path))
        else:
            found.extend(_info_violations(attachment, path, owner, drive))
    return found


def _consent_violations(attachment: JsonDict, path: str) -> list[Violation]:
    found: list[Violation] = []
    problem = name_problem(attachment.get("name"))
    if problem is not None:
        found.append(Violation(f"{path}.name", problem))
    content = attachment.get("content")
    if not isinstance(content, dict):
        return [*found, Violation(f"{path}.content", "a file consent card needs its content")]
    size = content.get("sizeInBytes")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        found.append(
            Violation(f"{path}.content.sizeInBytes", "the file's size in bytes is required")
        )
    description = content.get("description")
    if description is not None and not isinstance(description, str):
        found.append(Violation(f"{path}.content.description", "must be a string"))
    for key in ("acceptContext", "declineContext"):
        if key not in content:
            found.append(
                Violation(f"{path}.content.{key}", "is required (it comes back to the bot)")
            )
    return found


def _info_violations(attachment: JsonDict, path: str, owner: User, drive: Drive) -> list[Violation]:
    url = attachment.get("contentUrl")
    stored = drive.by_url(url) if isinstance(url, str) else None
    if stored is None or stored.owner != owner.id:
        return [Violation(f"{path}.contentUrl", "names no file uploaded to this person's OneDrive")]
    found: list[Violation] = []
    if attachment.get("name") != stored.name:
        found.append(Violation(f"{path}.name", f"the uploaded file is named {stored.name!r}"))
    content = attachment.get("content")
    if not isinstance(content, dict):
        return [*found, Violation(f"{path}.content", "a file card needs {uniqueId, fileType}")]
    if content.get("uniqueId") != stored.unique_id:
        found.append(Violation(f"{path}.content.uniqueId", "is not the uploaded file's"))
    if content.get("fileType") != file_type(stored.name):
        found.append(Violation(f"{path}.content.fileType", f"must be {file_type(stored.name)!r}"))
    return found


def render_file_card(attachment: JsonDict) -> str | None:
    """A file attachment as a person reads it (None for any other attachment)."""
    kind, name = attachment.get("contentType"), attachment.get("name")
    content = attachment.get("content")
    content = content if isinstance(content, dict) else {}
    if kind == FILE_CONSENT:
        description = content.get("description") or ""
        size = content.get("sizeInBytes")
        return f"[file to accept: {name} — {description} ({size} bytes)]\n[ Allow ] [ Decline ]"
    if kind == FILE_INFO:
        return f"[file: {name}]"
    return None
