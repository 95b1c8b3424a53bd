"""What sending a Thursday's prompts costs Palier, and whether processes share it.

The Slack emulator runs in a process of its own, so the CPU measured here is Palier's:
its tick plans, claims, renders, posts over local HTTP and records. For one workspace
whose N people are all due at once, it prints the SQL statements and the CPU per prompt
of the sending tick; then the same prompts sent by 1, 2 and 4 processes ticking at the
same instant against the same database (PostgreSQL: ``FOR UPDATE SKIP LOCKED``), with
the messages each person received: never two. Results: bench/RESULTS.md.

    .venv/bin/python bench/dispatch_bench.py [--people 2000] [--postgres SERVER_URL]
        [--latency 0.15] [--quick]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tick_bench import fresh_database
from bot.domain.people import ensure_tenant, upsert_person
from bot.settings import load_settings
from emulators.slack import ManualClock, SlackEmulator
from handlers.slack.app import build_app
from handlers.slack.profiles import to_profile
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import CheckinPrompt, Platform, PromptStatus

DUE = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris


@dataclass(frozen=True)
class Slack:
    api_url: str
    bot_token: str
    team_id: str
    users: list[dict[str, Any]]


def serve_emulator(people: int, latency: float, pipe: Connection) -> None:
    """The emulator's process: N people, then serve until told; answer the DMs' counts."""
    with SlackEmulator(clock=ManualClock(DUE.timestamp())) as emulator:
        users = [
            emulator.add_user(f"U{n:06d}", f"p{n}", f"Person {n}", f"p{n}@example.fr").to_api(0)
            for n in range(people)
        ]
        if latency:
            emulator.inject("*", delay=latency, times=10**9)  # Slack's, on every call
        pipe.send(Slack(emulator.api_url, emulator.bot_token, emulator.workspace.team_id, users))
        while pipe.recv() == "count":
            posts = emulator.calls_to("chat.postMessage")
            pipe.send(Counter(str(c.response.get("channel")) for c in posts if c.ok))
            emulator.clear_calls()


def palier_for(slack: Slack, database_url: str) -> Any:
    settings = load_settings(
        env_file=None,
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET="bench",
        SLACK_API_URL=slack.api_url,
        SLACK_POST_MESSAGES_PER_MINUTE="0",  # Palier's own cost: no pacing
    )
    return build_app(settings, engine=make_engine(database_url), clock=lambda: DUE)


def enrol(slack: Slack, database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    palier = palier_for(slack, database_url)
    with session_scope(palier.core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, slack.team_id)
        for n, user in enumerate(slack.users):
            person, _ = upsert_person(session, tenant, to_profile(user))
            person.referentiel_id = "account-executive" if n % 2 else "business-developer"
            person.profile_checked_at = DUE  # read at enrolment: no background read now
    palier.ticker.tick(DUE.replace(hour=14))  # plans the week (nothing due yet)
    palier.close()
    engine.dispose()


def one_tick(slack: Slack, database_url: str) -> tuple[int, int, float, float]:
    """One sending tick: (prompts sent, SQL statements, CPU s, wall s)."""
    palier = palier_for(slack, database_url)
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(palier.core.engine, "before_cursor_execute", count)
    cpu, wall = time.process_time(), time.perf_counter()
    report = palier.ticker.tick(DUE)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    palier.close()
    return report.sent, statements, cpu, wall


def tick_in_process(slack: Slack, database_url: str, start: Any, out: Any) -> None:
    start.wait()
    out.put(one_tick(slack, database_url))


def reset(database_url: str) -> int:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            update(CheckinPrompt).values(
                status=PromptStatus.PENDING,
                claimed_by=None,
                claimed_at=None,
                attempts=0,
                message_ref=None,
                sent_at=None,
            )
        )
        due = connection.scalar(select(func.count()).select_from(CheckinPrompt))
    engine.dispose()
    return int(due or 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is created)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds a Web API call")
    parser.add_argument("--quick", action="store_true", help="60 people: runs in seconds")
    args = parser.parse_args()
    people = 60 if args.quick else args.people
    context = mp.get_context("fork")
    ours, theirs = context.Pipe()
    emulator = context.Process(
        target=serve_emulator, args=(people, args.latency, theirs), daemon=True
    )
    emulator.start()
    slack: Slack = ours.recv()
    with fresh_database(args.postgres) as url:
        enrol(slack, url)
        database = "PostgreSQL" if args.postgres else "SQLite"
        sent, statements, cpu, wall = one_tick(slack, url)
        ours.send("count")
        received = ours.recv()
        assert sent == people and max(received.values()) == 1, (sent, received.most_common(1))
        print(f"{database}, {people} people due, Web API latency {args.latency * 1000:.0f} ms:")
        print(
            f"  one process: {statements / sent:.3f} SQL statements and "
            f"{cpu / sent * 1000:.2f} ms CPU per prompt; {sent / wall:.0f} prompts/s"
        )
        for processes in (1, 2, 4):
            due = reset(url)
            start, out = context.Event(), context.Queue()
            workers = [
                context.Process(target=tick_in_process, args=(slack, url, start, out))
                for _ in range(processes)
            ]
            for worker in workers:
                worker.start()
            began = time.perf_counter()
            start.set()
            results = [out.get() for _ in workers]
            wall = time.perf_counter() - began
            for worker in workers:
                worker.join()
            ours.send("count")
            received = ours.recv()
            total = sum(r[0] for r in results)
            twice = sum(1 for n in received.values() if n > 1)
            print(
                f"  {processes} process(es): {total}/{due} sent in {wall:.2f} s "
                f"({total / wall:.0f}/s), split {[r[0] for r in results]}, "
                f"people messaged twice: {twice}"
            )
            assert total == due and twice == 0
    ours.send("stop")
    emulator.join(timeout=10)


if __name__ == "__main__":
    main()
