"""What an idle tick costs when a whole company is enrolled: SQL statements and time.

Enrols N people (one workspace, two référentiels, a manager per 10 reports) directly
in the database, lets one tick plan everybody's week, then measures the ticks that
follow in the same week, when nobody is due: the statements the database sees and the
wall time, the median of several ticks. The messenger sends nothing (no platform): what
is measured is Palier's own cost of a tick with nothing to do, the every-minute case.
Targets and results: bench/RESULTS.md.

    .venv/bin/python bench/idle_tick_bench.py [--people 1000 10000 100000] [--postgres SERVER_URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, text

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench.tick_bench import fresh_database
from bot.bootstrap import build_core, build_services
from bot.delivery.tick import Ticker, TickPolicy
from bot.settings import load_settings
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Person, Platform, Tenant
from tests.delivery.support import FakeMessenger

MONDAY = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # the week opens for everybody
IDLE = MONDAY + timedelta(days=1)  # Tuesday: nobody due (check-ins are on Thursday)


def _enrol(core_sessions: object, people: int) -> None:
    with session_scope(core_sessions) as session:  # type: ignore[arg-type]
        tenant = Tenant(platform=Platform.SLACK, external_id="TBENCH")
        session.add(tenant)
        session.flush()
        rows = [
            {
                "tenant_id": tenant.id,
                "platform_user_id": f"U{n:07d}",
                "timezone": "Europe/Paris",
                "referentiel_id": "account-executive" if n % 2 else "business-developer",
                "active": True,
                "locale_chosen": False,
                "timezone_chosen": False,
                "delivery_failures": 0,
                # Read at enrolment (an import reads each profile): none due a background
                # read this week, as in the steady state of a tick with nothing to do.
                "profile_checked_at": MONDAY,
            }
            for n in range(people)
        ]
        for start in range(0, people, 5000):
            session.execute(insert(Person), rows[start : start + 5000])


def run(
    people: int, database_url: str, ticks: int = 5, slowest: int = 0
) -> tuple[float, int, float]:
    """Planning the week (s), statements per idle tick, median idle tick (ms)."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    core = build_core(load_settings(env_file=None), engine=engine)
    _enrol(core.sessions, people)
    policy = TickPolicy(planning=build_services(core).planning)
    messengers = {Platform.SLACK: FakeMessenger()}
    ticker = Ticker(core.sessions, core.referentiels, messengers, policy, "bench", lambda: IDLE)
    started = time.perf_counter()
    report = ticker.tick(MONDAY)
    planning = time.perf_counter() - started
    assert report.planned == people, report
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:  # as autovacuum keeps them after a big change
            connection.execute(text("ANALYZE"))
            connection.commit()
    seen: list[str] = []
    timed: list[tuple[float, str]] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(sql)  # SQLite's BEGIN IMMEDIATE is a transaction, not a query
            timed.append((time.perf_counter(), sql))

    def done(*_args: object) -> None:
        if timed and isinstance(timed[-1][0], float) and timed[-1][0] > 0:
            started, sql = timed[-1]
            timed[-1] = (-(time.perf_counter() - started), sql)

    durations = []
    for _ in range(ticks):
        seen.clear()
        timed.clear()
        event.listen(engine, "before_cursor_execute", count)
        event.listen(engine, "after_cursor_execute", done)
        started = time.perf_counter()
        idle = ticker.tick(IDLE)
        durations.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "after_cursor_execute", done)
        assert idle.planned == 0 and idle.sent == 0, idle
    for took, sql in sorted(timed)[:slowest]:  # the last tick's slowest statements
        print(f"    {-took * 1000:6.1f} ms  {' '.join(sql.split())[:110]}")
    core.close()
    engine.dispose()
    return planning, len(seen), statistics.median(durations) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database per size)")
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest statements")
    args = parser.parse_args()
    for size in args.people:
        with fresh_database(args.postgres) as url:
            planning, statements, idle = run(size, url, slowest=args.slowest)
        print(
            f"{size:>7} people: planning the week {planning:7.2f} s, "
            f"idle tick {statements:3d} statements, {idle:7.1f} ms"
        )


if __name__ == "__main__":
    main()
