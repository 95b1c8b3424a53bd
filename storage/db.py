"""Engines and sessions.

The caller (a request handler or a scheduled job) opens one session per unit of
work with :func:`session_scope`; services take that session, repositories never
commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# Imported for their flush hooks, which keep the planning marks and the rating tracks true.
import storage.planning_marks
import storage.rating_tracks  # noqa: F401


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite begins transactions lazily, on the first DML statement, so a SAVEPOINT
    # issued first would run outside any transaction and its RELEASE would commit.
    # SQLAlchemy's documented recipe: turn the driver's handling off, emit BEGIN
    # ourselves (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets several processes read
    # while one writes; the busy timeout makes writers wait instead of failing.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# An execution option of a connection that only reads (storage.referentiel_store): its
# transaction begins deferred, so it reads beside a writer holding the lock (WAL)
# instead of queuing behind it — it may be opened while that writer is this very thread.
READ_ONLY = "palier_read_only"


def _sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
        return
    # IMMEDIATE takes the write lock up front: a transaction that read first and
    # writes later would otherwise fail at once with "database is locked" when
    # another writer holds it (SQLite cannot wait there without risking a
    # deadlock). Writers queue on busy_timeout instead; WAL readers are not blocked.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the settings Palier relies on for its database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        # psycopg 3 is the driver Palier ships with.
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    # One process has up to PALIER_HTTP_THREADS + PALIER_SLACK_WORKERS + the tick's lanes
    # working at once, most of them waiting on a platform rather than on the database:
    # 10 connections kept, up to 40 (a process never waits long for one; PostgreSQL's
    # max_connections must cover 40 per process — README, "Sizing").
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 30)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
