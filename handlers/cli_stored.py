"""The référentiels workspaces added, for the operator: ``palier referentiels list
--workspace T`` and ``palier referentiels show ID``.

``list`` gives the installation's files (built-in and ``PALIER_REFERENTIELS_DIR``);
with ``--workspace`` (a Slack team id or a Microsoft 365 tenant id) it also lists what
that workspace's admins added, read from the database: id, title, when and by whom.
``show`` finds a stored référentiel too, when no file has its id: ids are unique across
the installation, so an id names one référentiel whoever added it.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import OperationalError

from bot.bootstrap import SchemaNotCurrentError
from referentiels.loader import ReferentielCatalog
from storage.db import make_engine
from storage.migrate import schema_state
from storage.referentiel_store import DatabaseReferentiels, StoredEntry

if TYPE_CHECKING:
    from handlers.cli import Cli

WORDS = "referentiel_upload_teams.cli."


def stored_entries(cli: Cli, workspace: str) -> list[StoredEntry]:
    """What ``workspace`` added, from a database whose schema is current."""
    settings = cli.settings()
    engine = make_engine(settings.database_url)
    try:
        state = schema_state(engine)
        if not state.up_to_date:
            raise SchemaNotCurrentError(state)
        return DatabaseReferentiels(engine).entries(workspace_id=workspace)
    finally:
        engine.dispose()


def _row(entry: StoredEntry) -> dict[str, Any]:
    return {
        "id": entry.referentiel_id,
        "title": entry.title,
        "platform": entry.platform.value,
        "workspace": entry.workspace_id,
        "source": entry.source_name,
        "added_by": entry.added_by,
        "added_at": entry.added_at.astimezone(UTC).isoformat(),
    }


def list_stored(cli: Cli, workspace: str, rows: list[dict[str, Any]], as_json: bool) -> None:
    """After the installation's own (``rows``, printed already unless ``as_json``)."""
    entries = stored_entries(cli, workspace)
    t = cli.t
    if as_json:
        cli.say(
            json.dumps(
                {"installation": rows, "workspace": [_row(e) for e in entries]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    cli.say("")
    if not entries:
        cli.say(t(WORDS + "none", workspace=workspace))
        return
    cli.say(t.plural(WORDS + "heading", len(entries), workspace=workspace))
    for entry in entries:
        cli.say(
            t(
                WORDS + "line",
                id=entry.referentiel_id,
                at=entry.added_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                by=entry.added_by,
            )
        )
        cli.say(f"  {entry.title}")


def catalog_with_stored(cli: Cli) -> tuple[ReferentielCatalog, Any]:
    """The installation's catalog, reading stored référentiels from the database; and
    the engine to dispose of."""
    settings = cli.settings()
    engine = make_engine(settings.database_url)
    stored = _Tolerant(DatabaseReferentiels(engine))
    return ReferentielCatalog.load(settings.referentiels_dir, stored=stored), engine


class _Tolerant:
    """The database's référentiels; none when there is no database to read (``show``
    of a file's id needs none)."""

    def __init__(self, stored: DatabaseReferentiels) -> None:
        self.stored = stored

    def find(self, referentiel_id: str) -> str | None:
        try:
            return self.stored.find(referentiel_id)
        except OperationalError:
            return None

    def ids_for(self, tenant_id: int) -> list[str]:
        try:
            return self.stored.ids_for(tenant_id)
        except OperationalError:
            return []
