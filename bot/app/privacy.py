"""The privacy flow: a person's own data out (a JSON file), or erased.

In chat, a person asks for their own data (``send_my_data``: the file goes to them
privately, a :class:`~bot.app.outcome.DeliverFile`) or for its erasure, which the
front end has them confirm first (``ask_erasure``, then ``erase_mine``). At the
command line an :class:`~bot.app.operator.Operator` does the same for anyone of a
workspace (``data_of``, ``erase``). What is gathered and what is erased is
:mod:`bot.domain.privacy`'s.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.app.actor import ActorRef
from bot.app.operator import Operator, operator_work
from bot.app.outcome import DeliverFile, FileKind, Outcome
from bot.app.unit_of_work import UnitOfWork
from bot.domain.people import Directory, find_person, find_tenant
from bot.domain.privacy import erase_person, export_person
from referentiels.loader import ReferentielCatalog

DATA_FILE = "palier-mes-donnees.json"


class PrivacyRefusal(enum.StrEnum):
    NOTHING = "nothing"  # Palier holds nothing about the actor
    USAGE = "usage"  # neither export nor delete
    UNKNOWN = "unknown"  # the operator named nobody Palier follows
    NEEDS_CONFIRMATION = "needs_confirmation"  # the operator did not confirm the erasure


@dataclass(frozen=True)
class PersonalData:
    """Everything Palier holds about one person, JSON-ready (:func:`bot.domain.privacy.export_person`)."""

    data: dict[str, Any]


@dataclass(frozen=True)
class Erased:
    """What an erasure removed, by kind (empty: there was nothing left to erase)."""

    counts: dict[str, int]


class PrivacyFlow:
    def __init__(
        self, work: UnitOfWork, catalog: ReferentielCatalog, clock: Callable[[], datetime]
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock

    def usage(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        with self.work.begin(ref, directory) as (_session, actor):
            return Outcome.refused(actor.locale, PrivacyRefusal.USAGE.value)

    def send_my_data(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        """The actor's data as a JSON file, delivered to them privately."""
        with self.work.begin(ref, directory) as (session, actor):
            if actor.person is None:
                return Outcome.refused(actor.locale, PrivacyRefusal.NOTHING.value)
            t = actor.t
            data = export_person(session, actor.person, self.catalog, t)
            file = DeliverFile(
                user_id=ref.user_id,
                filename=DATA_FILE,
                content=json.dumps(data, ensure_ascii=False, indent=2),
                title=t("privacy.data_title"),
                comment=t("privacy.data_comment"),
                kind=FileKind.MY_DATA,
            )
            return Outcome(actor.locale, effects=(file,))

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
            return Outcome(
                operator.locale,
                PersonalData(export_person(session, found, self.catalog, operator.t)),
            )

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
