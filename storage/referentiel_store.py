"""The référentiels admins added to their workspace, as the catalog reads them.

:class:`DatabaseReferentiels` is the catalog's port onto ``workspace_referentiels``
(:class:`referentiels.loader.StoredReferentiels`). The catalog asks it from inside
other units of work (``catalog.get`` is called with a session open), so it reads on a
connection of its own: on SQLite a deferred transaction (``READ_ONLY``, see
:mod:`storage.db`), which a writer holding the lock does not block under WAL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from storage.db import READ_ONLY
from storage.models import Platform, Tenant, WorkspaceReferentiel


@dataclass(frozen=True)
class StoredEntry:
    """A référentiel a workspace added, as the operator lists it."""

    referentiel_id: str
    title: str
    platform: Platform
    workspace_id: str
    source_name: str
    added_by: str
    added_at: datetime


class DatabaseReferentiels:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, referentiel_id: str) -> str | None:
        """The YAML text of a stored référentiel, None when no workspace added it."""
        query = select(WorkspaceReferentiel.yaml_text).where(
            WorkspaceReferentiel.referentiel_id == referentiel_id
        )
        with self.engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            return connection.execute(query).scalar_one_or_none()

    def ids_for(self, tenant_id: int) -> list[str]:
        """The ids a workspace added, oldest first."""
        query = (
            select(WorkspaceReferentiel.referentiel_id)
            .where(WorkspaceReferentiel.tenant_id == tenant_id)
            .order_by(WorkspaceReferentiel.added_at, WorkspaceReferentiel.referentiel_id)
        )
        with self.engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            return list(connection.execute(query).scalars())

    def entries(
        self, ids: Iterable[str] | None = None, workspace_id: str | None = None
    ) -> list[StoredEntry]:
        """Stored référentiels with their workspace: those of ``ids`` (None: any), of the
        workspace ``workspace_id`` (None: every one), oldest first."""
        stored = WorkspaceReferentiel
        query = (
            select(
                stored.referentiel_id,
                stored.title,
                Tenant.platform,
                Tenant.external_id,
                stored.source_name,
                stored.added_by,
                stored.added_at,
            )
            .join(Tenant, Tenant.id == stored.tenant_id)
            .order_by(stored.added_at, stored.referentiel_id)
        )
        if ids is not None:
            query = query.where(stored.referentiel_id.in_(list(ids)))
        if workspace_id is not None:
            query = query.where(Tenant.external_id == workspace_id)
        with self.engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            return [StoredEntry(*row) for row in connection.execute(query).all()]
