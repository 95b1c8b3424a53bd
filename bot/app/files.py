"""Files built again when the person says yes, for a front end that asks before it sends.

Slack delivers a file at once: the :class:`~bot.app.outcome.DeliverFile` carries its bytes.
Teams sends one only once the person has accepted it in a file consent card, perhaps
much later; the card carries which file it is (its :class:`~bot.app.outcome.FileKind`),
never its content — content kept in a card would go stale, and whoever held the card
would hold the data. :meth:`FileFlow.build` builds the file again through the flow that
built it the first time, for whoever accepts, so the access policy
(:mod:`bot.domain.access`) decides again: a report never gets a team's export, and
nobody gets someone else's data. :meth:`FileFlow.claim` makes a consent delivered twice
deliver once (:mod:`bot.domain.file_claims`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.app.actor import ActorRef
from bot.app.exports import ExportFlow
from bot.app.outcome import DeliverFile, FileKind, Outcome
from bot.app.privacy import PrivacyFlow
from bot.app.team import TeamFlow
from bot.app.unit_of_work import UnitOfWork
from bot.domain import file_claims
from bot.domain.people import Directory
from bot.domain.team import TeamOverview
from bot.i18n import Translator
from bot.views.team_files import TeamFile, files_comment, map_file, table_file
from storage.db import session_scope

TEAM_FILES = (FileKind.TEAM_TABLE, FileKind.TEAM_MAP)


def team_delivery(
    overview: TeamOverview, t: Translator, user_id: str, kind: FileKind
) -> DeliverFile:
    """One file of a large team's summary (its table or its map) as a delivery."""
    file: TeamFile = (
        table_file(overview, t) if kind is FileKind.TEAM_TABLE else map_file(overview, t)
    )
    comment = files_comment(overview, t).plain()
    return DeliverFile(user_id, file.filename, file.content, file.title, comment, kind)


def team_deliveries(overview: TeamOverview, t: Translator, user_id: str) -> tuple[DeliverFile, ...]:
    """Both files of a large team's summary, the table first."""
    return tuple(team_delivery(overview, t, user_id, kind) for kind in TEAM_FILES)


def _without_view(outcome: Outcome[Any]) -> Outcome[None]:
    return Outcome(outcome.locale, refusal=outcome.refusal, effects=outcome.effects)


def _only(outcome: Outcome[None], kind: FileKind) -> Outcome[None]:
    """``outcome`` with the one file of ``kind`` among those its flow delivers."""
    files = tuple(e for e in outcome.effects if isinstance(e, DeliverFile) and e.kind is kind)
    return Outcome(outcome.locale, refusal=outcome.refusal, effects=files)


class FileFlow:
    def __init__(
        self,
        work: UnitOfWork,
        clock: Callable[[], datetime],
        export: ExportFlow,
        privacy: PrivacyFlow,
        team: TeamFlow,
    ) -> None:
        self.work = work
        self.clock = clock
        self.export = export
        self.privacy = privacy
        self.team = team

    def build(
        self, ref: ActorRef, kind: FileKind, directory: Directory | None = None
    ) -> Outcome[None]:
        """The file of ``kind`` as the actor may have it now: a refusal (the flow's own
        code: ``not_allowed``, ``nothing``, ``no_reports``), or its one
        :class:`~bot.app.outcome.DeliverFile` in ``effects``."""
        if kind is FileKind.EXPORT:
            return _without_view(self.export.team_ratings(ref, directory))
        if kind in (FileKind.MY_DATA, FileKind.MY_DATA_SUMMARY):
            return _only(self.privacy.send_my_data(ref, directory), kind)
        outcome = self.team.overview(ref, directory)
        if outcome.view is None:
            return Outcome.refused(outcome.locale, outcome.refusal or "no_reports")
        delivery = team_delivery(outcome.view, outcome.t, ref.user_id, kind)
        return Outcome(outcome.locale, effects=(delivery,))

    def claim(self, key: str) -> bool:
        """Whether this is the first claim of ``key`` (an opaque key of one consent, at most
        64 characters): then deliver, else it was delivered already (or is being)."""
        try:
            with session_scope(self.work.sessions) as session:
                file_claims.take(session, key, self.clock())
        except IntegrityError:
            return False
        return True

    def release(self, key: str) -> None:
        """Give ``key``'s claim back: the delivery failed, nothing was delivered."""
        with session_scope(self.work.sessions) as session:
            file_claims.release(session, key)
