"""How long one tick takes, and how much memory, for a workspace of N people.

Runs the real tick (plan → claim → chat.postMessage → record, unpaced) against the project's Slack emulator over HTTP, on SQLite or on the
database given, and prints one line per size. Targets and results: bench/RESULTS.md.

    .venv/bin/python bench/tick_bench.py [--people 100 500] [--postgres SERVER_URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.domain.people import ensure_tenant, upsert_person
from bot.settings import load_settings
from emulators.slack import ManualClock, SlackEmulator
from handlers.slack.app import build_app
from handlers.slack.profiles import to_profile
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Platform

DUE = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris


def run(people: int, database_url: str) -> tuple[float, float, float]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    with SlackEmulator(clock=ManualClock(DUE.timestamp())) as emulator:
        settings = load_settings(
            env_file=None,
            SLACK_BOT_TOKEN=emulator.bot_token,
            SLACK_SIGNING_SECRET="bench",
            SLACK_API_URL=emulator.api_url,
            SLACK_POST_MESSAGES_PER_MINUTE="0",  # Palier's own cost: no pacing
        )
        palier = build_app(settings, engine=engine, clock=lambda: DUE)
        with session_scope(palier.core.sessions) as session:
            tenant = ensure_tenant(session, Platform.SLACK, emulator.workspace.team_id)
            for n in range(people):
                user = emulator.add_user(f"U{n:06d}", f"p{n}", f"Person {n}", f"p{n}@example.fr")
                person, _ = upsert_person(session, tenant, to_profile(user.to_api(0)))
                person.referentiel_id = "account-executive" if n % 2 else "business-developer"
        started = time.perf_counter()
        report = palier.ticker.tick(DUE)
        first = time.perf_counter() - started
        assert report.sent == people, report
        tracemalloc.start()
        started = time.perf_counter()
        again = palier.ticker.tick(DUE)  # everything sent already: the steady-state tick
        idle = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert again.sent == 0
        palier.close()
    engine.dispose()
    return first, idle, peak / 1e6


@contextmanager
def fresh_database(server: str | None) -> Iterator[str]:
    if server is None:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"palier_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, nargs="+", default=[100, 500])
    parser.add_argument(
        "--postgres", help="a PostgreSQL server URL: each size runs in a database created for it"
    )
    args = parser.parse_args()
    for size in args.people:
        with fresh_database(args.postgres) as url:
            first, idle, peak = run(size, url)
        print(
            f"{size:>6} people: sending tick {first:6.2f} s ({first / size * 1000:5.1f} ms/person), "
            f"idle tick {idle * 1000:7.1f} ms, idle tick peak memory {peak:6.1f} MB"
        )


if __name__ == "__main__":
    main()
