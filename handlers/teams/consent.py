"""What Palier writes in a Teams file consent card, and reads back from the answer.

Teams sends a file in a personal chat only once the person has accepted it ("Send and
receive files using bot", learn.microsoft.com/microsoftteams/platform/bots/how-to/
bots-filesv4): the bot sends a file consent card — the file's name, a description, its
size, and two contexts that Teams gives back, silently, with the person's yes or no;
the yes comes as ``fileConsent/invoke`` with the upload session Teams opened in their
OneDrive (``uploadInfo``); once the bytes are there, a file card shows the file. The
SDK has the models (``FileConsentCard``, ``FileUploadInfo``, ``FileInfoCard``) but not
the attachments' content types, which are here.

The contexts say which file (the core's :class:`~bot.app.outcome.FileKind`) and nothing
else — for a livret someone shared, under which consent (its ``grant``, checked again
when the file is built); for a report's chart, whose (that person's id) — never its
content, which is built again for whoever accepts
(:class:`bot.app.files.FileFlow`). An answer's claim key is a digest of the card it
answers (its chat and message), so Teams delivering a yes twice uploads once.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

from bot.app.outcome import DeliverFile, FileKind

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.activities.message.message import MessageActivityInput
    from microsoft_teams.api.models.attachment import Attachment
    from microsoft_teams.api.models.file import FileConsentCard, FileInfoCard, FileUploadInfo

FILE_CONSENT_CONTENT_TYPE = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO_CONTENT_TYPE = "application/vnd.microsoft.teams.card.file.info"
CONTEXT_KEY = "palierFile"  # the field of both contexts: the file's kind
PART_KEY = "palierPart"  # ... and which of several of that kind (a team's map), if so
GRANT_KEY = "palierGrant"  # ... and, for someone else's file, what lets it be built again
SUBJECT_KEY = "palierSubject"  # ... and whose, when it is someone else's (a report's chart)


def content_bytes(content: str | bytes) -> bytes:
    """A file's bytes as uploaded: text in UTF-8, as Slack receives it too."""
    return content.encode("utf-8") if isinstance(content, str) else content


def consent_message(file: DeliverFile, kind: FileKind) -> MessageActivityInput:
    """The message asking the person to accept ``file``: its name, what it is (the title
    the core worded), its size, and which file it is (``kind``, to build it again) —
    nothing more."""
    context: dict[str, Any] = {CONTEXT_KEY: kind.value}
    if file.part:
        context[PART_KEY] = file.part
    if file.grant:
        context[GRANT_KEY] = file.grant
    if file.subject:
        context[SUBJECT_KEY] = file.subject
    card = FileConsentCard(
        description=file.title,
        size_in_bytes=len(content_bytes(file.content)),
        accept_context=context,
        decline_context=dict(context),
    )
    attachment = Attachment(
        content_type=FILE_CONSENT_CONTENT_TYPE, name=file.filename, content=card
    )
    return MessageActivityInput(summary=file.title, attachments=[attachment])


def requested(context: Any) -> FileKind | None:
    """The file a consent's context names (None: not one Palier builds)."""
    value = context.get(CONTEXT_KEY) if isinstance(context, dict) else None
    try:
        return FileKind(value) if isinstance(value, str) else None
    except ValueError:
        return None


def requested_part(context: Any) -> int:
    """Which of several files of its kind a consent's context names (0: the only one)."""
    value = context.get(PART_KEY) if isinstance(context, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def requested_grant(context: Any) -> str | None:
    """The grant a consent's context carries (a livret shared with the person), if any:
    a claim only, which the core checks again."""
    value = context.get(GRANT_KEY) if isinstance(context, dict) else None
    return value if isinstance(value, str) and len(value) <= 1_000 else None


def requested_subject(context: Any) -> str | None:
    """Whose file a consent's context names, when someone else's (a report's chart): only
    a claim — the flow building it decides again whether the accepting person may have it."""
    value = context.get(SUBJECT_KEY) if isinstance(context, dict) else None
    return value if isinstance(value, str) and value else None


def file_message(info: FileUploadInfo, comment: str | None) -> MessageActivityInput:
    """The file, once in the person's OneDrive, as Teams shows it (a file card), with the
    words the core put beside it."""
    card = FileInfoCard(unique_id=info.unique_id, file_type=info.file_type)
    attachment = Attachment(
        content_type=FILE_INFO_CONTENT_TYPE,
        content_url=info.content_url,
        name=info.name,
        content=card,
    )
    if comment:
        return MessageActivityInput(text=comment, text_format="plain", attachments=[attachment])
    return MessageActivityInput(attachments=[attachment])


def claim_key(conversation_id: str, card_id: str) -> str:
    """The key that makes a consent deliver once: its card, as an opaque digest."""
    return hashlib.sha256(f"teams-consent|{conversation_id}|{card_id}".encode()).hexdigest()
