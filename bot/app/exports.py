"""The export flow: ratings and evidence, one row per rating and per piece of evidence
logged on its own.

In chat, a manager exports their team and an admin their workspace (who may see
whom is :mod:`bot.domain.access`'s; a member gets a refusal, their own data going through
the privacy flow): the file is delivered to them privately as an Excel workbook
(``.xlsx``) — what managers of such products open, the same in every region and in
Teams' Excel — its name, title, header and words in their language, its times in their
zone. At the command line an :class:`~bot.app.operator.Operator` exports every
workspace, or one, as CSV (with a BOM, ``;`` in French: :func:`bot.domain.csv_safe.excel_csv`)
or as a workbook. The table is :mod:`bot.domain.exports`'s.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app.actor import Actor, ActorRef
from bot.app.operator import Operator, operator_work
from bot.app.outcome import DeliverFile, FileKind, Outcome
from bot.app.unit_of_work import UnitOfWork
from bot.domain.access import Viewer, viewer_for
from bot.domain.csv_safe import excel_csv
from bot.domain.exports import WORDS, exportable_people, ratings_table
from bot.domain.people import Directory
from bot.domain.sheets import Table
from bot.domain.xlsx_safe import workbook
from bot.i18n import Translator
from referentiels.loader import ReferentielCatalog
from storage.models import Person, Tenant


class ExportRefusal(enum.StrEnum):
    NOT_ALLOWED = "not_allowed"  # neither a manager nor an admin


class ExportFormat(enum.StrEnum):
    XLSX = "xlsx"  # an Excel workbook: what chat delivers
    CSV = "csv"  # for the command line and scripts: BOM, and ``;`` in French


@dataclass(frozen=True)
class RatingsExport:
    """The table, how many people it covers, and the file written from it."""

    table: Table
    people: int
    filename: str
    content: str | bytes


def export_file(
    table: Table, fmt: ExportFormat, t: Translator, now: datetime, zone: str
) -> tuple[str, str | bytes]:
    """The file's name (in the reader's language, dated in their ``zone``) and its content."""
    name = t(f"{WORDS}.filename", date=local_day(now, zone))
    if fmt is ExportFormat.CSV:
        return f"{name}.csv", excel_csv(table, t.language)
    return f"{name}.xlsx", workbook([(t(f"{WORDS}.sheet"), table)], t.language, now)


def local_day(now: datetime, zone: str) -> str:
    """Today in ``zone`` (``2026-12-06``), as a file's name carries it."""
    aware = now if now.tzinfo else now.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone)).date().isoformat()


def _export(
    table: Table, people: int, fmt: ExportFormat, t: Translator, now: datetime, zone: str
) -> RatingsExport:
    filename, content = export_file(table, fmt, t, now, zone)
    return RatingsExport(table, people, filename, content)


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
            table = ratings_table(session, people, self.catalog, t, actor.timezone)
            now = self.clock()
            export = _export(table, len(people), ExportFormat.XLSX, t, now, actor.timezone)
            file = DeliverFile(
                user_id=ref.user_id,
                filename=export.filename,
                content=export.content,
                title=t(f"{WORDS}.title"),
                comment=t.plural(f"{WORDS}.comment", export.people),
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
        self,
        operator: Operator,
        workspace: str | None = None,
        fmt: ExportFormat = ExportFormat.CSV,
    ) -> Outcome[RatingsExport]:
        """Every rating of every workspace (or of ``workspace``, by its platform id), times
        in UTC."""
        with operator_work(self.work) as session:
            query = select(Person).order_by(Person.tenant_id, Person.id)
            if workspace is not None:
                query = query.join(Tenant).where(Tenant.external_id == workspace)
            people = session.scalars(query).all()
            table = ratings_table(session, people, self.catalog, operator.t, "UTC")
            export = _export(table, len(people), fmt, operator.t, self.clock(), "UTC")
            return Outcome(operator.locale, export)
