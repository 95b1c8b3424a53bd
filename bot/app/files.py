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
from bot.app.progress import GONE, ChartRequest, ProgressFlow
from bot.app.team import TeamFlow
from bot.app.unit_of_work import UnitOfWork
from bot.app.vae import FORMATS, VaeFlow
from bot.app.vae_share import LivretShareFlow
from bot.domain import file_claims
from bot.domain.people import Directory
from bot.domain.team import TeamOverview
from bot.i18n import Translator
from bot.views.team_files import TeamFile, files_comment, map_file, map_part, table_file
from bot.views.team_heatmap import pages
from storage.db import session_scope


def team_delivery(
    overview: TeamOverview, t: Translator, user_id: str, kind: FileKind, part: int = 0
) -> DeliverFile | None:
    """One file of a large team's summary (its table, or its map's picture ``part``,
    from 1) as a delivery; None for a picture the team no longer has."""
    file: TeamFile | None = (
        table_file(overview, t)
        if kind is FileKind.TEAM_TABLE
        else map_part(overview, t, max(part, 1))
    )
    if file is None:
        return None
    comment = files_comment(overview, t).plain()
    return DeliverFile(
        user_id, file.filename, file.content, file.title, comment, kind, part, file.alt
    )


def team_deliveries(overview: TeamOverview, t: Translator, user_id: str) -> tuple[DeliverFile, ...]:
    """Every file of a large team's summary: the table, then each picture of its map
    (``part`` numbers them when there are several)."""
    comment = files_comment(overview, t).plain()
    table = table_file(overview, t)
    found = [
        DeliverFile(
            user_id, table.filename, table.content, table.title, comment, FileKind.TEAM_TABLE
        )
    ]
    for page in pages(overview):
        picture = map_file(page, t)
        part = page.number if page.count > 1 else 0
        found.append(
            DeliverFile(
                user_id,
                picture.filename,
                picture.content,
                picture.title,
                comment,
                FileKind.TEAM_MAP,
                part,
                picture.alt,
            )
        )
    return tuple(found)


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
        progress: ProgressFlow,
        *,
        vae: VaeFlow | None = None,
        vae_share: LivretShareFlow | None = None,
    ) -> None:
        self.work = work
        self.clock = clock
        self.export = export
        self.privacy = privacy
        self.team = team
        self.progress = progress
        self.vae = vae
        self.vae_share = vae_share

    def build(
        self,
        ref: ActorRef,
        kind: FileKind,
        directory: Directory | None = None,
        part: int = 0,
        grant: str | None = None,
        subject: str | None = None,
    ) -> Outcome[None]:
        """The file of ``kind`` (and ``part``, for a team's map in several pictures) as
        the actor may have it now: a refusal (the flow's own code: ``not_allowed``,
        ``nothing``, ``no_reports``, ``no_data`` …), or its one
        :class:`~bot.app.outcome.DeliverFile` in ``effects``. A progress chart is the
        actor's own; a report's is ``subject``'s, when the policy lets the actor see it
        (no subject: not allowed). A livret is the actor's own — but one shared with the
        actor by its owner, built only under the owner's consent that ``grant`` names
        (:mod:`bot.app.vae_share`)."""
        if kind in FORMATS and self.vae is not None and self.vae_share is not None:
            if kind in (FileKind.SHARED_LIVRET_PDF, FileKind.SHARED_LIVRET_DOCX):
                return self.vae_share.rebuild(ref, FORMATS[kind], grant, directory)
            return _only(self.vae.send_my_livret(ref, directory), kind)
        if kind is FileKind.PROGRESS_CHART:
            return self.progress.chart(ref, ChartRequest(), directory)
        if kind is FileKind.REPORT_CHART:
            if not subject:
                return Outcome.refused(self.progress.usage(ref, directory).locale, "not_allowed")
            return self.progress.chart(ref, ChartRequest(subject), directory)
        if kind is FileKind.EXPORT:
            return _without_view(self.export.team_ratings(ref, directory))
        if kind in (FileKind.MY_DATA, FileKind.MY_DATA_SUMMARY):
            return _only(self.privacy.send_my_data(ref, directory), kind)
        outcome = self.team.overview(ref, directory)
        if outcome.view is None:
            return Outcome.refused(outcome.locale, outcome.refusal or "no_reports")
        delivery = team_delivery(outcome.view, outcome.t, ref.user_id, kind, part)
        if delivery is None:  # a picture the team no longer has: the team changed
            return Outcome.refused(outcome.locale, GONE)
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
