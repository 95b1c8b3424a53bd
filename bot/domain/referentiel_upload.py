"""What an upload of a référentiel's export is answered (bot.app.referentiel_upload):
the review waiting for its admin's confirmation, the refusals that keep nothing, the
référentiel added; and the id an upload is given. Plain data, for the flow to return
and the views to word (bot.views.referentiel_upload).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

from referentiels.importers import Note
from referentiels.importers.ids import slug
from referentiels.loader import MAX_FILE_BYTES, Problem

# The largest seed export is 34 kB; a file past this is not a référentiel's table.
MAX_UPLOAD_BYTES = MAX_FILE_BYTES
PENDING_FOR = timedelta(days=1)  # an upload not confirmed by then is dropped
IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_TYPED_ID = re.compile(r"(?:id\s*[:=]\s*)?(\S+)", re.IGNORECASE)


class Refusal:
    """Why an upload was not kept or added (``referentiel_upload.refused.<code>``)."""

    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"  # the importer could not read it (``problems``)
    INVALID = "invalid"  # read, but the loader refuses it (``invalid``)
    INSTALLED = "installed"  # the id is a built-in référentiel's or the operator's
    TAKEN = "taken"  # a workspace added a référentiel by that id already
    EXPIRED = "expired"  # the pending upload is gone (cancelled, or older than a day)


@dataclass(frozen=True)
class UploadPreview:
    """The review report of an upload waiting for its admin's Add or Cancel."""

    pending_id: str
    referentiel_id: str
    title: str
    shape: str
    competencies: int
    counts: tuple[tuple[str, int], ...]
    decisions: tuple[Note, ...]
    filename: str


@dataclass(frozen=True)
class UploadRefused:
    """Nothing was kept: ``code`` (:class:`Refusal`) and what it names."""

    code: str
    referentiel_id: str = ""
    filename: str = ""
    problems: tuple[Note, ...] = ()
    invalid: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class UploadAdded:
    """The référentiel is the workspace's; ``already``: an earlier click had added it."""

    referentiel_id: str
    title: str
    already: bool = False


@dataclass(frozen=True)
class UploadCancelled:
    referentiel_id: str


@dataclass(frozen=True)
class UploadSeen:
    """The platform delivered this upload again: it was reviewed already, nothing to say."""


UploadView = UploadPreview | UploadRefused | UploadAdded | UploadCancelled | UploadSeen


def chosen_id(typed: str | None, filename: str) -> str:
    """The id typed with the file when it is a valid one, else a slug of the file name."""
    match = _TYPED_ID.fullmatch((typed or "").strip())
    if match and IDENTIFIER.fullmatch(match.group(1)):
        return match.group(1)
    stem = PurePath(filename).stem
    return slug(stem) if slug(stem) != "x" else "referentiel"
