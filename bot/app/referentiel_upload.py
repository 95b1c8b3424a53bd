"""An admin adds a référentiel to their workspace by uploading its export to Palier.

Three steps, each its own unit of work so that any process can take the next one:
:meth:`ReferentielUploadFlow.preview` reads the file (:func:`referentiels.importers.import_file`,
then the loader, as a file on disk would be read), keeps it as a pending upload and
answers the review report with Add / Cancel; :meth:`~ReferentielUploadFlow.confirm`
stores it once (a second click, in this process or another, finds it there and stores
nothing); :meth:`~ReferentielUploadFlow.cancel` drops it. Only an admin of the
workspace may do any of it; anyone else is refused and nothing is kept.

The id is what the admin typed with the file (``id: ntc-2024`` or just ``ntc-2024``)
when it is a valid one, else a slug of the file's name. It must be new to the whole
installation (ids are unique beside the built-in référentiels and the operator's): a
stored référentiel is never replaced, since ratings were given against its words.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.app.actor import Actor, ActorRef
from bot.app.admin import NOT_ADMIN, workspace_of
from bot.app.flow import Flow
from bot.app.outcome import Outcome
from bot.domain.people import Directory, ensure_tenant
from bot.domain.referentiel_upload import (
    MAX_UPLOAD_BYTES,
    PENDING_FOR,
    Refusal,
    UploadAdded,
    UploadCancelled,
    UploadPreview,
    UploadRefused,
    UploadSeen,
    UploadView,
    chosen_id,
)
from referentiels.importers import UnreadableSource, import_file
from referentiels.loader import ReferentielError, parse
from storage.db import session_scope
from storage.models import Platform, ReferentielUpload, WorkspaceReferentiel

# Who added a référentiel from the command line (``added_by``; a platform's user ids
# never hold a space).
OPERATOR = "palier cli"


class ReferentielUploadFlow(Flow):
    def admit(
        self,
        ref: ActorRef,
        filename: str,
        size: int,
        directory: Directory | None = None,
        source_key: str | None = None,
    ) -> Outcome[UploadView]:
        """Whether to fetch a file at all: refused (nothing is read) unless the actor is
        an admin and its size, as the platform states it, is within bounds; an upload
        delivered again (``source_key``) is :class:`UploadSeen`; an outcome with no view
        means go ahead with :meth:`preview`."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            if not actor.is_admin:
                return Outcome.refused(actor.locale, NOT_ADMIN)
            if source_key and _seen(session, workspace_of(session, actor).id, source_key):
                return Outcome(actor.locale, UploadSeen())
            if size > MAX_UPLOAD_BYTES:
                return Outcome(actor.locale, UploadRefused(Refusal.TOO_LARGE, "", filename))
            return Outcome(actor.locale)

    def preview(
        self,
        ref: ActorRef,
        filename: str,
        data: bytes,
        typed_id: str | None = None,
        directory: Directory | None = None,
        source_key: str | None = None,
    ) -> Outcome[UploadView]:
        """Read an uploaded file and keep it for the admin's confirmation; ``source_key``
        names the platform's upload, reviewed once however often it is delivered."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            if not actor.is_admin:
                return Outcome.refused(actor.locale, NOT_ADMIN)
            if source_key and _seen(session, workspace_of(session, actor).id, source_key):
                return Outcome(actor.locale, UploadSeen())
            referentiel_id = chosen_id(typed_id, filename)
            refused = self._refusal(actor, filename, data, referentiel_id)
            if refused is not None:
                return refused
            try:
                imported = import_file(data, filename, referentiel_id)
                text = imported.to_yaml()
                referentiel = parse(f"{referentiel_id}.yaml", text)
            except UnreadableSource as error:
                view = UploadRefused(
                    Refusal.UNREADABLE, referentiel_id, filename, tuple(error.problems)
                )
                return Outcome(actor.locale, view)
            except ReferentielError as error:
                view = UploadRefused(
                    Refusal.INVALID, referentiel_id, filename, invalid=tuple(error.problems)
                )
                return Outcome(actor.locale, view)
            tenant = workspace_of(session, actor)
            now = self.clock()
            session.execute(
                delete(ReferentielUpload).where(ReferentielUpload.uploaded_at < now - PENDING_FOR)
            )
            pending = ReferentielUpload(
                id=secrets.token_hex(16),
                tenant_id=tenant.id,
                referentiel_id=referentiel_id,
                title=referentiel.title,
                yaml_text=text,
                source_name=filename[:255],
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by=ref.user_id,
                uploaded_at=now,
                source_key=source_key,
            )
            try:
                with session.begin_nested():
                    session.add(pending)
            except IntegrityError:  # the same upload, delivered twice at once
                return Outcome(actor.locale, UploadSeen())
            report = imported.report
            view_ = UploadPreview(
                pending.id,
                referentiel_id,
                referentiel.title,
                report.shape,
                len(referentiel.all_competencies()),
                tuple(report.counts),
                tuple(report.decisions),
                filename,
            )
            return Outcome(actor.locale, view_)

    def _refusal(
        self, actor: Actor, filename: str, data: bytes, referentiel_id: str
    ) -> Outcome[UploadView] | None:
        """What refuses a file before it is read: its size, an id already taken."""
        if len(data) > MAX_UPLOAD_BYTES:
            return Outcome(actor.locale, UploadRefused(Refusal.TOO_LARGE, "", filename))
        clash = self.clash(referentiel_id)
        if clash is not None:
            return Outcome(actor.locale, UploadRefused(clash, referentiel_id, filename))
        return None

    def clash(self, referentiel_id: str) -> str | None:
        """Whether the id is taken: by a file of the installation, or by a workspace."""
        if self.catalog.is_installed(referentiel_id):
            return Refusal.INSTALLED
        if self.catalog.get(referentiel_id) is not None:
            return Refusal.TAKEN
        return None

    def confirm(
        self, ref: ActorRef, pending_id: str, directory: Directory | None = None
    ) -> Outcome[UploadView]:
        """Add the pending upload to the workspace, once however often it is confirmed."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            if not actor.is_admin:
                return Outcome.refused(actor.locale, NOT_ADMIN)
            tenant = workspace_of(session, actor)
            pending = self._pending(session, tenant.id, pending_id)
            if pending is None:
                return Outcome(actor.locale, UploadRefused(Refusal.EXPIRED))
            rid = pending.referentiel_id
            stored = session.get(WorkspaceReferentiel, rid)
            if stored is None and self.catalog.is_installed(rid):
                return Outcome(actor.locale, UploadRefused(Refusal.INSTALLED, rid))
            if stored is None:
                stored = self._insert(session, pending, self.clock())
                if stored is not None:
                    return Outcome(actor.locale, UploadAdded(rid, pending.title))
                stored = session.get(WorkspaceReferentiel, rid)
            if stored is not None and _same(stored, pending):
                return Outcome(actor.locale, UploadAdded(rid, stored.title, already=True))
            return Outcome(actor.locale, UploadRefused(Refusal.TAKEN, rid))

    def cancel(
        self, ref: ActorRef, pending_id: str, directory: Directory | None = None
    ) -> Outcome[UploadView]:
        """Drop a pending upload; one already added stays (it is said so)."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            if not actor.is_admin:
                return Outcome.refused(actor.locale, NOT_ADMIN)
            tenant = workspace_of(session, actor)
            pending = self._pending(session, tenant.id, pending_id)
            if pending is None:
                return Outcome(actor.locale, UploadRefused(Refusal.EXPIRED))
            stored = session.get(WorkspaceReferentiel, pending.referentiel_id)
            if stored is not None and _same(stored, pending):
                view: UploadView = UploadAdded(stored.referentiel_id, stored.title, already=True)
                return Outcome(actor.locale, view)
            session.delete(pending)
            return Outcome(actor.locale, UploadCancelled(pending.referentiel_id))

    def _pending(
        self, session: Session, tenant_id: int, pending_id: str
    ) -> ReferentielUpload | None:
        pending = session.get(ReferentielUpload, pending_id)
        if pending is None or pending.tenant_id != tenant_id:
            return None
        if pending.uploaded_at < self.clock() - PENDING_FOR:
            return None
        return pending

    def add_directly(
        self,
        platform: Platform,
        workspace_id: str,
        source_name: str,
        data: bytes,
        yaml_text: str,
        title: str,
        referentiel_id: str,
    ) -> str | None:
        """The operator's command line adds a référentiel to a workspace at once (it
        printed the review itself; there is no admin to ask): a :class:`Refusal` code
        when the id is taken, else None once it is stored. ``yaml_text`` is what the
        loader accepted."""
        clash = self.clash(referentiel_id)
        if clash is not None:
            return clash
        with session_scope(self.work.sessions) as session:
            tenant = ensure_tenant(session, platform, workspace_id)
            row = WorkspaceReferentiel(
                referentiel_id=referentiel_id,
                tenant_id=tenant.id,
                title=title,
                yaml_text=yaml_text,
                source_name=source_name[:255],
                sha256=hashlib.sha256(data).hexdigest(),
                added_by=OPERATOR,
                added_at=self.clock(),
            )
            if self._store(session, row) is None:
                return Refusal.TAKEN
        return None

    @classmethod
    def _insert(
        cls, session: Session, pending: ReferentielUpload, now: datetime
    ) -> WorkspaceReferentiel | None:
        """The stored row, or None when another transaction stored that id first."""
        row = WorkspaceReferentiel(
            referentiel_id=pending.referentiel_id,
            tenant_id=pending.tenant_id,
            title=pending.title,
            yaml_text=pending.yaml_text,
            source_name=pending.source_name,
            sha256=pending.sha256,
            added_by=pending.uploaded_by,
            added_at=now,
        )
        return cls._store(session, row)

    @staticmethod
    def _store(session: Session, row: WorkspaceReferentiel) -> WorkspaceReferentiel | None:
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            return None
        return row


def _same(stored: WorkspaceReferentiel, pending: ReferentielUpload) -> bool:
    """Whether the stored référentiel is this upload's (a second click), not another's."""
    return stored.tenant_id == pending.tenant_id and stored.sha256 == pending.sha256


def _seen(session: Session, tenant_id: int, source_key: str) -> bool:
    """Whether this upload was reviewed already (pending, added or cancelled)."""
    query = select(ReferentielUpload.id).where(
        ReferentielUpload.tenant_id == tenant_id, ReferentielUpload.source_key == source_key
    )
    return session.scalars(query).first() is not None
