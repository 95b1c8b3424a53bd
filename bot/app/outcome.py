"""What a flow answers: something to show, why not, what to fix, and what to do next.

Neutral: a front end renders ``view`` (or the catalog message of ``refusal``) with
``Translator(locale)`` in its own markup, puts each of ``problems`` beside the
field it names (a modal's inline error in Slack, a form's error in Teams), and then
carries out ``effects`` in order — the messages to update, a direct message to
send, a file to deliver, a Home to refresh. The flow has committed what it stored
before it answers, so an effect that fails never loses a submission.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from bot.i18n import Locale, Translator

V = TypeVar("V")


@dataclass(frozen=True)
class Problem:
    """Something to fix in one field of a form before anything is stored.

    ``field`` names the form's field in the flow's own words (``level``,
    ``evidence_text`` …); ``item`` which repeated part of the form it belongs to (a
    competency id in a check-in), None for the form as a whole; ``key`` the catalog
    message that says what is wrong.
    """

    field: str
    key: str
    item: str | None = None


class Effect:
    """Something the front end does after answering, on the flow's behalf."""


@dataclass(frozen=True)
class UpdateMessages(Effect):
    """Show ``view`` in place of every message of ``refs`` (opaque message references)."""

    refs: tuple[str, ...]
    view: Any


@dataclass(frozen=True)
class SendDirect(Effect):
    """Send ``view`` to ``user_id`` in their direct conversation with Palier.

    ``near`` is the reference of a message already in that conversation, when the
    flow knows one (a front end may use it to skip opening the conversation);
    ``conversation`` the person's stored direct conversation (``Person.conversation_ref``),
    which a platform that cannot open one itself (Teams) needs.
    """

    user_id: str
    view: Any
    near: str | None = None
    conversation: str | None = None


class FileKind(enum.StrEnum):
    """Which file a :class:`DeliverFile` is, so that a front end that must ask the person
    before it sends (Teams' file consent) can have it built again once they say yes
    (:class:`bot.app.files.FileFlow`) instead of carrying its content meanwhile."""

    EXPORT = "export"  # a manager's team or an admin's workspace, CSV (bot.app.exports)
    MY_DATA = "my_data"  # everything Palier holds about the actor, JSON (bot.app.privacy)
    MY_DATA_SUMMARY = "my_data_summary"  # ... and the same as a text a person reads
    TEAM_TABLE = "team_table"  # a large team's summary as a CSV table (bot.views.team_files)
    TEAM_MAP = "team_map"  # ... and as heatmap pictures (PNG; ``part`` says which)
    PROGRESS_CHART = "progress_chart"  # the actor's own levels over 4 quarters (PNG)
    REPORT_CHART = "report_chart"  # ... someone else's (``subject``), the policy allowing
    LIVRET_PDF = "livret_pdf"  # the actor's own VAE livret de preuves (bot.app.vae)
    LIVRET_DOCX = "livret_docx"  # ... the same as a Word file
    # Someone's livret shared with their manager with their consent (bot.app.vae_share):
    # built again only with that consent (``DeliverFile.grant``), under the policy then.
    SHARED_LIVRET_PDF = "shared_livret_pdf"
    SHARED_LIVRET_DOCX = "shared_livret_docx"


@dataclass(frozen=True)
class DeliverFile(Effect):
    """Give ``user_id`` a file, privately (never in a channel); ``title`` and
    ``comment`` are worded already, in the actor's language; ``kind`` says which file it
    is (None: one that cannot be built again), ``part`` which of several of that kind
    (from 1; 0 when there is one); ``alt`` describes a picture to whoever cannot see it.

    A file for someone other than the actor (a livret shared with a manager) carries
    ``conversation``, the recipient's stored direct conversation (a front end that must
    write first there, Teams, needs it), and ``grant``, what lets the file be built again
    for them (an opaque value the flow that made it checks again). ``subject``: whose
    file it is when it is someone else's (a report's chart: their platform user id), so
    that it is built again for the actor — and only if the access policy still allows."""

    user_id: str
    filename: str
    content: str | bytes
    title: str
    comment: str | None = None
    kind: FileKind | None = None
    part: int = 0
    alt: str | None = None
    conversation: str | None = None
    grant: str | None = None
    subject: str | None = None


@dataclass(frozen=True)
class RefreshHome(Effect):
    """Show ``user_id`` their Home (personal tab) again: what it shows has changed."""

    user_id: str


@dataclass(frozen=True)
class Outcome(Generic[V]):
    locale: Locale
    view: V | None = None
    refusal: str | None = None  # a catalog key, when the flow refused
    problems: tuple[Problem, ...] = ()
    effects: tuple[Effect, ...] = ()
    # When the refusal is of something that closed (a week's check-in): the instant it
    # closed and the time zone to say it in, so that the refusal can say when.
    closed: tuple[datetime, str] | None = None

    @property
    def t(self) -> Translator:
        return Translator(self.locale)

    @property
    def ok(self) -> bool:
        """Neither refused nor sent back with problems."""
        return self.refusal is None and not self.problems

    @classmethod
    def refused(cls, locale: Locale, key: str) -> Outcome[V]:
        return cls(locale, refusal=key)

    @classmethod
    def to_fix(cls, locale: Locale, problems: tuple[Problem, ...]) -> Outcome[V]:
        return cls(locale, problems=problems)
