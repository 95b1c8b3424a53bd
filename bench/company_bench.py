"""Sending a company's Thursday: many workspaces due in the same minute, each at its
own Slack limits, from one process.

The Slack emulator runs in a process of its own with Slack's latency (a delay on every
call) and its rate limits enforced, including the workspace-wide ``chat.postMessage``
limit it models (``post_message_per_minute``). W workspaces of P people are all due at
once; one real tick (real SDK clients over HTTP, the real dispatch) sends them. For each
workspace it compares the time its posts took with the time its own cap allows
(P / cap minutes): the fraction of the allowance used; it counts the 429s met and the
calls made before a Retry-After elapsed (must be 0). Results: bench/RESULTS.md.

    .venv/bin/python bench/company_bench.py --postgres SERVER_URL [--workspaces 10]
        [--people 300] [--cap 600] [--latency 0.15] [--lanes 10] [--width 4] [--quick]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

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


def serve(workspaces: int, people: int, cap: int, latency: float, pipe: Connection) -> None:
    """The emulator's process; on "report", per workspace: (first post, last post, 429s)."""
    with SlackEmulator(enforce_rate_limits=True, post_message_per_minute=cap) as emulator:
        made = []
        for w in range(workspaces):
            team = f"T{w:04d}"
            workspace = emulator.add_workspace(team, f"Company {w}")
            users = [f"U{w:04d}{n:05d}" for n in range(people)]
            for user in users:
                emulator.add_user(user, user.lower(), user, None, team_id=team)
            made.append(Workspace(team, workspace.bot_token, users))
        if latency:
            emulator.inject("*", delay=latency, times=10**9)
        pipe.send((emulator.api_url, made))
        while pipe.recv() == "report":
            posts: dict[str, list[float]] = {}
            refused: dict[str, int] = {}
            for call in emulator.calls_to("chat.postMessage"):
                team = call.team_id or "?"
                if call.ok:
                    posts.setdefault(team, []).append(call.finished)
                elif call.status == 429:
                    refused[team] = refused.get(team, 0) + 1
            spans = {t: (min(p), max(p), len(p), refused.get(t, 0)) for t, p in posts.items()}
            pipe.send((spans, len(emulator.early_calls)))


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True, help="a PostgreSQL server URL")
    parser.add_argument("--workspaces", type=int, default=10)
    parser.add_argument("--people", type=int, default=300, help="per workspace")
    parser.add_argument("--cap", type=int, default=600, help="chat.postMessage a minute")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds a call")
    parser.add_argument("--lanes", type=int, default=10)
    parser.add_argument("--width", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="3 workspaces of 20: seconds")
    args = parser.parse_args()
    if args.quick:
        args.workspaces, args.people = 3, 20
    context = mp.get_context("fork")
    ours, theirs = context.Pipe()
    emulator = context.Process(
        target=serve,
        args=(args.workspaces, args.people, args.cap, args.latency, theirs),
        daemon=True,
    )
    emulator.start()
    api_url, workspaces = ours.recv()
    tokens = {w.team_id: w.token for w in workspaces}
    with fresh_database(args.postgres) as url:
        enrol(url, workspaces)
        settings = load_settings(env_file=None, DATABASE_URL=url)
        core = build_core(settings)
        clients = {team: make_client(token, api_url) for team, token in tokens.items()}
        messenger = SlackMessenger(clients.__getitem__, Pacer(args.cap))
        policy = tick_policy(core, build_services(core).planning)
        policy = replace(policy, lanes=Lanes(lanes=args.lanes, width=args.width))
        ticker = Ticker(
            core.sessions,
            core.referentiels,
            {Platform.SLACK: messenger},
            policy,
            "bench",
            lambda: DUE,
        )
        ticker.tick(DUE.replace(hour=14))  # plans the week: nothing due yet
        cpu, wall = time.process_time(), time.perf_counter()
        report = ticker.tick(DUE)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        core.close()
    ours.send("report")
    spans, early = ours.recv()
    ours.send("stop")
    emulator.join(timeout=10)
    allowance = (args.people - 1) / args.cap * 60  # first post to last
    used = [allowance / max(last - first, 1e-9) for first, last, _, _ in spans.values()]
    refused = sum(r for *_, r in spans.values())
    total = args.workspaces * args.people
    print(
        f"{args.workspaces} workspaces × {args.people} people, cap {args.cap}/min, "
        f"latency {args.latency * 1000:.0f} ms, lanes {args.lanes} × width {args.width}:"
    )
    print(
        f"  sent {report.sent}/{total} in {wall:.1f} s; each workspace's own allowance "
        f"{allowance:.1f} s; share of the allowance used per workspace: median "
        f"{statistics.median(used):.0%}, worst {min(used):.0%}"
    )
    print(
        f"  CPU {cpu / max(report.sent, 1) * 1000:.2f} ms per prompt; 429s met: {refused}; "
        f"calls before a Retry-After elapsed: {early}"
    )
    assert report.sent == total and early == 0


if __name__ == "__main__":
    main()
