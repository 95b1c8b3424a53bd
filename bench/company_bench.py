"""Sending a company's Thursday: many workspaces due in the same minute, each at its
own Slack limits, from one process or several.

The Slack emulator runs in a process of its own with Slack's latency (a delay on every
call) and its rate limits enforced, including the workspace-wide ``chat.postMessage``
limit it models (``post_message_per_minute``). W workspaces of P people are all due at
once; 1, 2, 4 … ``palier`` processes (each its own core, SDK clients, pacer and worker
id, on one PostgreSQL database) tick at the same instant and send them: each
workspace's sending lease gives it to one process at a time, so the processes split the
company by workspace. Each run has workspaces and a database of its own (the emulator's
rate windows do not carry over). For each workspace it compares the time its posts took
with the time its own cap allows ((P − 1) / cap): the fraction of the allowance used; it
counts the 429s met, the calls made before a Retry-After elapsed (must be 0), the people
messaged twice (must be 0), the run's time and its speed-up over one process. With
``--lanes`` below W a process sends only that many workspaces at a time, so more
processes finish sooner even when the platform's pace, not the CPU, sets each
workspace's time. Results: bench/RESULTS.md.

    .venv/bin/python bench/company_bench.py --postgres SERVER_URL [--workspaces 8]
        [--people 150] [--cap 600] [--latency 0.15] [--lanes 2] [--width 4]
        [--processes 1 2 4] [--quick]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tick_bench import fresh_database
from bot.bootstrap import build_core, build_services, tick_policy
from bot.delivery.policy import Lanes
from bot.delivery.tick import Ticker
from bot.domain.people import ensure_tenant
from bot.settings import load_settings
from emulators.slack import SlackEmulator
from handlers.slack.client import make_client
from handlers.slack.messenger import SlackMessenger
from handlers.slack.pacing import Pacer
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Person, Platform

DUE = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris


@dataclass(frozen=True)
class Workspace:
    team_id: str
    token: str
    users: list[str]


@dataclass(frozen=True)
class Posts:
    """What the emulator saw of one run's workspaces."""

    spans: dict[str, tuple[float, float]]  # team → (first post, last post), real seconds
    refused: int  # 429s answered
    twice: int  # people messaged more than once
    early: int  # calls before a Retry-After elapsed (all runs so far)


def serve(
    runs: int, workspaces: int, people: int, cap: int, latency: float, pipe: Connection
) -> None:
    """The emulator's process: ``runs`` sets of W workspaces of P people; on
    ("report", teams), what it saw of those teams' posts."""
    with SlackEmulator(enforce_rate_limits=True, post_message_per_minute=cap) as emulator:
        made = []
        for r in range(runs):
            run = []
            for w in range(workspaces):
                team = f"T{r:02d}{w:04d}"
                workspace = emulator.add_workspace(team, f"Company {r}.{w}")
                users = [f"U{r:02d}{w:04d}{n:05d}" for n in range(people)]
                for user in users:
                    emulator.add_user(user, user.lower(), user, None, team_id=team)
                run.append(Workspace(team, workspace.bot_token, users))
            made.append(run)
        if latency:
            emulator.inject("*", delay=latency, times=10**9)
        pipe.send((emulator.api_url, made))
        while (message := pipe.recv())[0] == "report":
            teams = set(message[1])
            posts: dict[str, list[float]] = {}
            refused = 0
            channels: Counter[str] = Counter()
            for call in emulator.calls_to("chat.postMessage"):
                team = call.team_id or "?"
                if team not in teams:
                    continue
                if call.ok:
                    posts.setdefault(team, []).append(call.finished)
                    channels[str(call.response.get("channel"))] += 1
                elif call.status == 429:
                    refused += 1
            spans = {t: (min(p), max(p)) for t, p in posts.items()}
            twice = sum(1 for n in channels.values() if n > 1)
            pipe.send(Posts(spans, refused, twice, len(emulator.early_calls)))


def enrol(database_url: str, workspaces: list[Workspace]) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    settings = load_settings(env_file=None, DATABASE_URL=database_url)
    core = build_core(settings, engine=engine)
    with session_scope(core.sessions) as session:
        for n, workspace in enumerate(workspaces):
            tenant = ensure_tenant(session, Platform.SLACK, workspace.team_id)
            session.flush()
            referentiel = "account-executive" if n % 2 else "business-developer"
            session.execute(
                insert(Person),
                [
                    {
                        "tenant_id": tenant.id,
                        "platform_user_id": user,
                        "display_name": user,
                        "referentiel_id": referentiel,
                        "timezone": "Europe/Paris",
                        "profile_checked_at": DUE,
                    }
                    for user in workspace.users
                ],
            )
    core.close()


def ticker_for(url: str, api_url: str, workspaces: list[Workspace], args: Any, name: str) -> Any:
    """A Palier process's ticker: its own core, clients (and their gate), pacer, worker id;
    its clock runs from DUE with real time (leases, holds and claims age as they would)."""
    settings = load_settings(env_file=None, DATABASE_URL=url)
    core = build_core(settings)
    clients = {w.team_id: make_client(w.token, api_url) for w in workspaces}
    messenger = SlackMessenger(clients.__getitem__, Pacer(args.cap))
    policy = tick_policy(core, build_services(core).planning)
    policy = replace(policy, lanes=Lanes(lanes=args.lanes, width=args.width))
    began = time.time()
    clock = lambda: DUE + timedelta(seconds=time.time() - began)  # noqa: E731
    return core, Ticker(
        core.sessions, core.referentiels, {Platform.SLACK: messenger}, policy, name, clock
    )


def one_process(
    url: str, api_url: str, workspaces: list[Workspace], args: Any, name: str, start: Any, out: Any
) -> None:
    """One ``palier`` process's tick at DUE: (sent, CPU seconds, errors)."""
    core, ticker = ticker_for(url, api_url, workspaces, args, name)
    start.wait()
    cpu = time.process_time()
    report = ticker.tick(DUE)
    out.put((report.sent, time.process_time() - cpu, len(report.errors)))
    core.close()


def run(
    processes: int, url: str, api_url: str, workspaces: list[Workspace], args: Any, context: Any
) -> tuple[list[tuple[int, float, int]], float]:
    """``processes`` processes tick at once; (each one's result, wall seconds)."""
    enrol(url, workspaces)
    core, planner = ticker_for(url, api_url, workspaces, args, "planner")
    planner.tick(DUE.replace(hour=14))  # plans the week: nothing due yet
    core.close()
    start, out = context.Barrier(processes + 1), context.Queue()
    workers = [
        context.Process(
            target=one_process, args=(url, api_url, workspaces, args, f"palier-{n}", start, out)
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    start.wait()  # every process built: they tick at once, from now
    began = time.perf_counter()
    results = [out.get() for _ in workers]
    wall = time.perf_counter() - began
    for worker in workers:
        worker.join()
    return results, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True, help="a PostgreSQL server URL")
    parser.add_argument("--workspaces", type=int, default=8)
    parser.add_argument("--people", type=int, default=150, help="per workspace")
    parser.add_argument("--cap", type=int, default=600, help="chat.postMessage a minute")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds a call")
    parser.add_argument("--lanes", type=int, default=2, help="workspaces at a time, per process")
    parser.add_argument("--width", type=int, default=4)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--quick", action="store_true", help="4 workspaces of 10: seconds")
    args = parser.parse_args()
    if args.quick:
        args.workspaces, args.people, args.lanes, args.processes = 4, 10, 1, [1, 2]
    context = mp.get_context("fork")
    ours, theirs = context.Pipe()
    emulator = context.Process(
        target=serve,
        args=(len(args.processes), args.workspaces, args.people, args.cap, args.latency, theirs),
        daemon=True,
    )
    emulator.start()
    api_url, runs = ours.recv()
    total = args.workspaces * args.people
    allowance = (args.people - 1) / args.cap * 60  # first post to last
    print(
        f"{args.workspaces} workspaces × {args.people} people, cap {args.cap}/min, latency "
        f"{args.latency * 1000:.0f} ms, per process {args.lanes} lanes × width {args.width}; "
        f"each workspace's own allowance {allowance:.1f} s:"
    )
    first_wall = None
    failed = False
    for processes, workspaces in zip(args.processes, runs, strict=True):
        with fresh_database(args.postgres) as url:
            results, wall = run(processes, url, api_url, workspaces, args, context)
        ours.send(("report", [w.team_id for w in workspaces]))
        posts: Posts = ours.recv()
        first_wall = first_wall or wall
        sent = sum(r[0] for r in results)
        cpu = sum(r[1] for r in results)
        used = [allowance / max(last - first, 1e-9) for first, last in posts.spans.values()]
        print(
            f"  {processes} process(es): sent {sent}/{total} in {wall:.1f} s "
            f"(speed-up {first_wall / wall:.2f}×), split {sorted(r[0] for r in results)}; "
            f"allowance used per workspace: median {statistics.median(used):.0%}, worst "
            f"{min(used):.0%}; 429s {posts.refused}; early calls {posts.early}; people messaged "
            f"twice {posts.twice}; CPU {cpu / max(sent, 1) * 1000:.2f} ms per prompt"
        )
        failed = failed or sent != total or posts.early != 0 or posts.twice != 0
    ours.send(("stop",))
    emulator.join(timeout=10)
    assert not failed, "a prompt unsent, a call before Retry-After or a person messaged twice"


if __name__ == "__main__":
    main()
