"""The export flow: ratings and evidence as CSV, one row per rating.

In chat, a manager exports their team and an admin their workspace (who may see
whom is :mod:`bot.domain.access`'s; a member gets a refusal, their own data going through
the privacy flow): the file is delivered to them privately, its title and comment
worded in their language. At the command line an
:class:`~bot.app.operator.Operator` exports every workspace, or one. The CSV is
:mod:`bot.domain.exports`'s.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app.actor import Actor, ActorRef
from bot.app.operator import Operator, operator_work
from bot.app.outcome import DeliverFile, FileKind, Outcome
from bot.app.unit_of_work import UnitOfWork
from bot.domain.access import Viewer, viewer_for
from bot.domain.exports import exportable_people, ratings_csv
from bot.domain.people import Directory
from referentiels.loader import ReferentielCatalog
from storage.models import Person, Tenant

EXPORT_FILE = "palier-export.csv"


class ExportRefusal(enum.StrEnum):
    NOT_ALLOWED = "not_allowed"  # neither a manager nor an admin


@dataclass(frozen=True)
class RatingsExport:
    """The CSV text and how many people it covers."""

    content: str
    people: int


class ExportFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        *,
        indirect: bool = False,  # PALIER_MANAGERS_SEE_INDIRECT
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.indirect = indirect

    def team_ratings(
        self, ref: ActorRef, directory: Directory | None = None
    ) -> Outcome[RatingsExport]:
        """A manager's team, or an admin's workspace (enrolled or not), delivered privately."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            viewer = self._viewer(session, actor)
            people = exportable_people(session, viewer) if viewer else None
            if people is None:
                return Outcome.refused(actor.locale, ExportRefusal.NOT_ALLOWED.value)
            t = actor.t
            export = RatingsExport(ratings_csv(session, people, self.catalog, t), len(people))
            file = DeliverFile(
                user_id=ref.user_id,
                filename=EXPORT_FILE,
                content=export.content,
                title=t("privacy.export_title"),
                comment=t.plural("privacy.export_comment", export.people),
                kind=FileKind.EXPORT,
            )
            return Outcome(actor.locale, export, effects=(file,))

    def _viewer(self, session: Session, actor: Actor) -> Viewer | None:
        """The actor as the access policy sees them; an admin Palier does not follow is
        one too, of their workspace (looked up only then)."""
        if actor.person is not None:
            return Viewer(actor.person, is_admin=actor.is_admin, indirect=self.indirect)
        if not actor.is_admin:
            return None
        ref = actor.ref
        return viewer_for(
            session,
            ref.platform,
            ref.workspace_id,
            ref.user_id,
            is_admin=True,
            indirect=self.indirect,
        )

    def all_ratings(
        self, operator: Operator, workspace: str | None = None
    ) -> Outcome[RatingsExport]:
        """Every rating of every workspace (or of ``workspace``, by its platform id)."""
        with operator_work(self.work) as session:
            query = select(Person).order_by(Person.tenant_id, Person.id)
            if workspace is not None:
                query = query.join(Tenant).where(Tenant.external_id == workspace)
            people = session.scalars(query).all()
            content = ratings_csv(session, people, self.catalog, operator.t)
            return Outcome(operator.locale, RatingsExport(content, len(people)))
