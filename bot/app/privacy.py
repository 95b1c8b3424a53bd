"""The privacy flow: a person's own data out (a JSON file and its summary), or erased.

In chat, a person asks for their own data (``send_my_data``: two files go to them
privately as two :class:`~bot.app.outcome.DeliverFile` — a summary anyone can read, in
their language (:mod:`bot.views.my_data`), then the complete JSON; both named in their
language and dated: ``palier-mes-donnees-2026-12-06.txt``) or for its erasure, which the
front end has them confirm first (``ask_erasure``, then ``erase_mine``). At the
command line an :class:`~bot.app.operator.Operator` does the same for anyone of a
workspace (``data_of``, ``erase``). What is gathered and what is erased is
:mod:`bot.domain.privacy`'s.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

from bot.app.actor import ActorRef
from bot.app.exports import local_day
from bot.app.flow import Flow
from bot.app.operator import Operator, operator_work
from bot.app.outcome import DeliverFile, FileKind, Outcome
from bot.domain.csv_safe import BOM
from bot.domain.people import Directory, find_person, find_tenant
from bot.domain.privacy import erase_person, export_person
from bot.i18n import Translator, to_locale
from bot.views.my_data import WORDS, summary_text


class PrivacyRefusal(enum.StrEnum):
    NOTHING = "nothing"  # Palier holds nothing about the actor
    USAGE = "usage"  # neither export nor delete
    UNKNOWN = "unknown"  # the operator named nobody Palier follows
    NEEDS_CONFIRMATION = "needs_confirmation"  # the operator did not confirm the erasure


@dataclass(frozen=True)
class PersonalData:
    """Everything Palier holds about one person, JSON-ready (:func:`bot.domain.privacy.export_person`),
    and the same as the text a person reads, in their language (:mod:`bot.views.my_data`)."""

    data: dict[str, Any]
    summary: str


@dataclass(frozen=True)
class Erased:
    """What an erasure removed, by kind (empty: there was nothing left to erase)."""

    counts: dict[str, int]


class PrivacyFlow(Flow):
    def usage(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        with self.work.begin(ref, directory) as (_session, actor):
            return Outcome.refused(actor.locale, PrivacyRefusal.USAGE.value)

    def send_my_data(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        """The actor's data, delivered to them privately: the summary to read, then the
        complete JSON, named in their language and dated in their zone."""
        with self.work.begin(ref, directory) as (session, actor):
            if actor.person is None:
                return Outcome.refused(actor.locale, PrivacyRefusal.NOTHING.value)
            t, now = actor.t, self.clock()
            data = export_person(session, actor.person, self.catalog, t)
            name = t(f"{WORDS}.filename", date=local_day(now, actor.timezone))
            summary = DeliverFile(
                user_id=ref.user_id,
                filename=f"{name}.txt",
                # A BOM: a browser (OneDrive) or an old Notepad then reads it as UTF-8.
                content=BOM + summary_text(data, t, self.catalog, now),
                title=t(f"{WORDS}.summary_title"),
                comment=t(f"{WORDS}.comment"),
                kind=FileKind.MY_DATA_SUMMARY,
            )
            complete = DeliverFile(
                user_id=ref.user_id,
                filename=f"{name}.json",
                content=json.dumps(data, ensure_ascii=False, indent=2),
                title=t(f"{WORDS}.data_title"),
                kind=FileKind.MY_DATA,
            )
            return Outcome(actor.locale, effects=(summary, complete))

    def ask_erasure(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        """Whether there is anything to erase: the front end then asks for confirmation."""
        with self.work.begin(ref, directory) as (_session, actor):
            if actor.person is None:
                return Outcome.refused(actor.locale, PrivacyRefusal.NOTHING.value)
            return Outcome(actor.locale)

    def erase_mine(self, ref: ActorRef) -> Outcome[Erased]:
        """The confirmed erasure of the actor's own data (nothing left: nothing to do)."""
        with self.work.begin(ref) as (session, actor):
            if actor.person is None:
                return Outcome(actor.locale, Erased({}))
            return Outcome(
                actor.locale, Erased(erase_person(session, actor.person, "self", self.clock()))
            )

    # -- the operator's ------------------------------------------------------------------------

    def data_of(self, operator: Operator, person: ActorRef) -> Outcome[PersonalData]:
        """Everything Palier holds about ``person`` (a platform identity), for an operator."""
        with operator_work(self.work) as session:
            tenant = find_tenant(session, person.platform, person.workspace_id)
            found = find_person(session, tenant.id, person.user_id) if tenant else None
            if found is None:
                return Outcome.refused(operator.locale, PrivacyRefusal.UNKNOWN.value)
            data = export_person(session, found, self.catalog, operator.t)
            theirs = Translator(to_locale(found.locale, operator.locale))
            summary = summary_text(data, theirs, self.catalog, self.clock())
            return Outcome(operator.locale, PersonalData(data, summary))

    def erase(self, operator: Operator, person: ActorRef, *, confirmed: bool) -> Outcome[Erased]:
        """Erase ``person``'s data at an operator's request, once they have confirmed."""
        with operator_work(self.work) as session:
            tenant = find_tenant(session, person.platform, person.workspace_id)
            found = find_person(session, tenant.id, person.user_id) if tenant else None
            if found is None:
                return Outcome.refused(operator.locale, PrivacyRefusal.UNKNOWN.value)
            if not confirmed:
                return Outcome.refused(operator.locale, PrivacyRefusal.NEEDS_CONFIRMATION.value)
            counts = erase_person(session, found, operator.requested_by, self.clock())
            return Outcome(operator.locale, Erased(counts))
