"""The catalog's port onto the référentiels admins added (``workspace_referentiels``):
read by id once per process, listed per workspace, and read from inside another unit of
work that holds SQLite's write lock (the catalog is asked with a session open) — on
SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from bot.domain.people import ensure_tenant
from referentiels.importers import import_file
from referentiels.loader import ReferentielCatalog
from storage.db import make_session_factory, session_scope
from storage.models import Platform, WorkspaceReferentiel
from storage.referentiel_store import DatabaseReferentiels

SEED = Path(__file__).parent / "seeds" / "000_972af00c6a453831.txt"


def _store(engine: Engine, referentiel_id: str, team: str) -> int:
    text = import_file(SEED.read_bytes(), SEED.name, referentiel_id).to_yaml()
    with session_scope(make_session_factory(engine)) as session:
        tenant = ensure_tenant(session, Platform.SLACK, team)
        session.add(
            WorkspaceReferentiel(
                referentiel_id=referentiel_id,
                tenant_id=tenant.id,
                title="Account Executive",
                yaml_text=text,
                source_name=SEED.name,
                sha256="0" * 64,
                added_by="U0BOSS",
                added_at=datetime(2026, 11, 26, tzinfo=UTC),
            )
        )
        session.flush()
        return tenant.id


def test_a_stored_referentiel_is_found_by_id_and_listed_in_its_workspace_only(
    migrated_engine: Engine,
) -> None:
    a = _store(migrated_engine, "ae-a", "T0A")
    b = _store(migrated_engine, "ae-b", "T0B")
    catalog = ReferentielCatalog.load(stored=DatabaseReferentiels(migrated_engine))
    found = catalog.get("ae-a")
    assert found is not None and found.id == "ae-a" and "ae-a" in catalog
    assert catalog.get("nowhere") is None and "nowhere" not in catalog
    assert "ae-a" not in catalog.ids()
    assert catalog.visible_ids(a)[-1] == "ae-a" and "ae-b" not in catalog.visible_ids(a)
    assert catalog.visible("ae-a", a) is found and catalog.visible("ae-a", b) is None
    assert catalog.visible("account-executive", b) is not None
    assert catalog.visible("ae-a", None) is None


def test_the_catalog_reads_beside_a_unit_of_work_that_holds_the_write_lock(
    migrated_engine: Engine,
) -> None:
    _store(migrated_engine, "ae-a", "T0A")
    catalog = ReferentielCatalog.load(stored=DatabaseReferentiels(migrated_engine))
    with session_scope(make_session_factory(migrated_engine)) as session:
        ensure_tenant(session, Platform.SLACK, "T0WRITER")  # a write: the lock is held
        session.flush()
        assert catalog.get("ae-a") is not None
        assert catalog.visible_ids(None)[0] == "account-executive"
    # (Were it queued behind the lock, SQLite would answer "database is locked" after
    # its busy timeout.)
