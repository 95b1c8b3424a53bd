"""What a manager's reads cost for a whole team with years of history: statements and time.

Builds one team in bulk (``tests/support/company.py``: a manager, N reports, W weeks of
check-ins each — self-ratings, evidence, reviews, 1:1s, topics, notes — a recurring
1:1 due within the hour, the manager's weekly review due), then calls each read the
way a front end or the tick does and counts the SQL statements the database sees
(transactions aside) and the wall time, the median of several runs after one warm-up:

* the team view (``/palier team``: ``TeamFlow.overview``);
* the 1:1 brief about one report (``/palier 1on1 @report``: ``OneOnOneFlow.brief``),
  and the one the tick sends before a recurring 1:1 (``BriefJob.claim``, a different
  schedule each run, since a claim moves it on);
* a report's App Home (``HomeFlow.home``);
* the weekly digest, as a page click reads it (``ReviewFlow.digest``) and as the tick
  claims it (``DigestJob.claim``, given back between runs);
* the list of reports awaiting the manager's review (``/palier review``), and one
  report's review with the evidence behind each self-rating (``ReviewFlow.open``).

The time is Palier's whole cost of the read — SQL, Python, domain — without a platform,
in a process settled as ``palier run`` is once started (``bot.bootstrap.settle_start_up``:
what start-up built is out of the garbage collector's sight; ``--no-settle``: not).
On PostgreSQL the statistics are refreshed after the bulk load (``ANALYZE``), as
autovacuum does after such a change. Targets and results: bench/RESULTS.md.

    .venv/bin/python -m bench.reads_bench [--reports 300] [--weeks 104] [--runs 7]
        [--postgres SERVER_URL] [--sqlite] [--quick] [--no-settle]

``--quick``: 10 reports with 8 weeks each, on each database, in seconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, text, update

from bench.tick_bench import fresh_database
from bot.app.actor import ActorRef
from bot.app.one_on_one import BriefRequest
from bot.app.review import DigestPage, OpenReview
from bot.bootstrap import build_core, build_flows, build_services, settle_start_up
from bot.delivery.briefs import BriefJob
from bot.delivery.digests import DigestJob
from bot.delivery.policy import TickPolicy, TickReport
from bot.delivery.workspaces import Workspaces
from bot.domain.review import ReviewService
from bot.settings import load_settings
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Platform, PromptStatus, ReviewDigest
from tests.delivery.support import FakeMessenger
from tests.support.company import MANAGER_USER_ID, build_company, statements

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris


@dataclass(frozen=True)
class Measure:
    read: str
    statements: int
    median_ms: float


def _measure(
    engine: Engine, name: str, read: Callable[[int], Any], runs: int, reset: Callable[[], None]
) -> Measure:
    """One warm-up, then ``runs`` timed runs; the statements of the last one."""
    reset()
    assert read(0) is not None, name
    durations = []
    count = 0
    for run in range(1, runs + 1):
        reset()
        with statements(engine) as seen:
            started = time.perf_counter()
            answer = read(run)
            durations.append(time.perf_counter() - started)
        assert answer is not None and getattr(answer, "refusal", None) is None, (name, answer)
        count = len(seen)
    return Measure(name, count, statistics.median(durations) * 1000)


def run(
    reports: int, weeks: int, database_url: str, runs: int, *, settle: bool = True
) -> tuple[float, list[Measure]]:
    """The seconds the team took to build, and each read's statements and median time;
    ``settle``: as ``palier run`` once started (``bot.bootstrap.settle_start_up``)."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    core = build_core(load_settings(env_file=None), engine=engine)
    started = time.perf_counter()
    company = build_company(core.sessions, core.referentiels, reports=reports, weeks=weeks, now=NOW)
    built = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    flows = build_flows(core, clock=lambda: NOW)
    boss = ActorRef(Platform.SLACK, company.team_id, MANAGER_USER_ID)
    report = company.report_user_ids[0]
    them = ActorRef(Platform.SLACK, company.team_id, report)
    second = OpenReview(company.report_ids[1])  # on the 20-competency certification
    policy = TickPolicy(planning=build_services(core).planning)
    workspaces = Workspaces(core.sessions, {Platform.SLACK: FakeMessenger()})
    workspaces.refresh(NOW, policy.workspace_probe, [])  # as each tick does first
    reviews = ReviewService(core.referentiels)
    schedules = company.schedule_ids
    if settle:
        settle_start_up()

    def brief_claim(run: int) -> Any:
        job = BriefJob(core.sessions, core.referentiels, policy, workspaces, TickReport())
        return job.claim(schedules[run % len(schedules)], NOW)

    def digest_claim(_run: int) -> Any:
        job = DigestJob(core.sessions, reviews, policy, workspaces, "bench", TickReport())
        return job.claim(company.digest_id, NOW)

    def digest_pending() -> None:
        with session_scope(core.sessions) as session:
            session.execute(
                update(ReviewDigest)
                .where(ReviewDigest.id == company.digest_id)
                .values(status=PromptStatus.PENDING)
            )

    def nothing() -> None:
        return None

    reads: list[tuple[str, Callable[[int], Any], Callable[[], None]]] = [
        ("team view", lambda _: flows.team.overview(boss), nothing),
        ("1:1 brief", lambda _: flows.one_on_one.brief(boss, BriefRequest(report)), nothing),
        ("1:1 brief (tick)", brief_claim, nothing),
        ("App Home", lambda _: flows.home.home(them), nothing),
        (
            "weekly digest",
            lambda _: flows.review.digest(boss, DigestPage(company.cycle_key)),
            nothing,
        ),
        ("weekly digest (tick)", digest_claim, digest_pending),
        ("review list", lambda _: flows.review.pending(boss), nothing),
        ("review of one report", lambda _: flows.review.open(boss, second), nothing),
    ]
    measures = [_measure(engine, name, read, runs, reset) for name, read, reset in reads]
    core.close()
    engine.dispose()
    return built, measures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=104, help="weeks of history per report")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per read (median)")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made for it)")
    parser.add_argument("--sqlite", action="store_true", help="SQLite too, with --postgres")
    parser.add_argument("--quick", action="store_true", help="10 reports, 8 weeks: seconds")
    parser.add_argument(
        "--no-settle", action="store_true", help="no gc.freeze() after start-up (as before)"
    )
    args = parser.parse_args()
    reports, weeks = (10, 8) if args.quick else (args.reports, args.weeks)
    servers: list[str | None] = []
    if args.postgres is None or args.sqlite or args.quick:
        servers.append(None)
    if args.postgres:
        servers.append(args.postgres)
    for server in servers:
        with fresh_database(server) as url:
            built, measures = run(reports, weeks, url, args.runs, settle=not args.no_settle)
        name = "PostgreSQL" if server else "SQLite (file)"
        print(f"{name}: {reports} reports x {weeks} weeks, built in {built:.1f} s")
        print(f"  {'read':<22} {'statements':>10} {'median':>10}")
        for measure in measures:
            print(f"  {measure.read:<22} {measure.statements:>10} {measure.median_ms:>7.1f} ms")


if __name__ == "__main__":
    main()
