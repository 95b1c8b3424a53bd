"""Shared fixtures.

Database tests take the ``database_url`` fixture: SQLite always, and PostgreSQL
too when ``TEST_DATABASE_URL`` names a server (``.ci/run`` sets it). Each
PostgreSQL test gets a database of its own, created and dropped around it.

The suite passes on any date; check it with the system clock shifted, for example
``FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f '+45d' .venv/bin/python -m pytest``.
The monotonic clock must stay real: libfaketime 0.9.10 fakes it for clock_gettime
but not for sem_clockwait, so every timed lock wait would last 45 days
(libfaketime#390). Left real, it breaks Python 3.11's ``time.sleep`` instead
(EINVAL from clock_nanosleep, libfaketime#426): :func:`pytest_configure` swaps in
a sleep on a timed wait when libfaketime is preloaded.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import SupportsIndex

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import make_engine

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def _sleep(seconds: float | SupportsIndex) -> None:
    """``time.sleep`` without clock_nanosleep: a timed wait on an event nobody sets."""
    delay = float(seconds)
    if delay < 0:
        raise ValueError("sleep length must be non-negative")
    threading.Event().wait(delay)


def pytest_configure(config: pytest.Config) -> None:
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        time.sleep = _sleep


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", BACKENDS, indirect=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'palier.db'}"
        return
    assert POSTGRES_URL is not None
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"palier_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's .env or Palier variables from the shell."""
    for variable in list(os.environ):
        if variable.startswith(("PALIER_", "SLACK_")) or variable == "DATABASE_URL":
            monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def migrated_engine(database_url: str) -> Iterator[Engine]:
    """An engine on a fresh database at the latest migration."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
