"""Alembic environment: runs on the engine handed over by storage.migrate."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, Engine

from storage.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - always set by storage.migrate
    raise RuntimeError("run migrations with 'palier db upgrade'")


def _sqlite_pragma(connection: Connection, pragma: str) -> list[Any]:
    """A pragma on the driver's connection itself, outside any transaction (where the
    foreign-keys pragma has no effect)."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return list(cursor.execute(f"PRAGMA {pragma}").fetchall())
    finally:
        cursor.close()


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode recreates a table (copy, drop, rename): with foreign keys enforced,
        # dropping ``people`` would cascade to every row that refers to it. Alembic's
        # advice: no enforcement while migrating, then a check that every reference
        # still holds.
        _sqlite_pragma(connection, "foreign_keys=OFF")
    with connection.begin():
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite cannot ALTER most things: batch mode recreates tables instead.
            render_as_batch=sqlite,
            compare_type=True,
        )
        context.run_migrations()
    if sqlite:
        broken = _sqlite_pragma(connection, "foreign_key_check")
        _sqlite_pragma(connection, "foreign_keys=ON")
        if broken:  # pragma: no cover - a migration that breaks references is a bug
            raise RuntimeError(f"a migration left broken references: {broken[:5]}")
