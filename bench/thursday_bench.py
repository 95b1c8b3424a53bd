"""A 5,000-person workspace's Thursday 16:00, served by one ``palier run`` process.

Three processes, as in production: Palier (``handlers.platforms.serve``, what ``palier
run`` runs: the Slack app over HTTP on waitress with ``PALIER_HTTP_THREADS``, the
``PALIER_SLACK_WORKERS``, and the minute's ticker, in one process, its clock starting at
Thursday 16:00 Paris and running at the real pace); Slack (the project's emulator with
Slack's latency on every call, its tiers and its workspace-wide ``chat.postMessage`` cap
enforced, on the real clock) with the workspace's people (:mod:`bench.thursday_crowd`),
who answer their prompts as they arrive; and this one, which enrols them, watches and
reports. All N people are due at 16:00. The first tick sends their prompts; while they go
out, people click Start, submit, type ``/palier me``, and at the peak a burst of them do
at once.

Printed: the time the prompts took against the time the cap allows ((N − 1) / cap) and
the share of the allowance used; 429s and calls made before a ``Retry-After`` elapsed;
each kind's answer times and answers over 3 s; modals opened, refused, never asked for;
check-ins submitted, stored, stored twice; Palier's CPU, peak threads, peak RSS, peak
database connections (``pg_stat_activity``), and its CPU per prompt and per interaction
of each kind (least squares over 5-second windows). Results and the sizing derived from
them: bench/RESULTS.md.

Slack's limits are per real minute, so 5,000 prompts take ~8.5 real minutes. ``--people``
runs a smaller workspace with the same shape: people act after delays scaled by
``--scale`` (N / 5,000 by default), so Start clicks, submissions and commands come at the
same rate a minute as for 5,000, over a shorter Thursday.

    .venv/bin/python bench/thursday_bench.py [--people 5000] [--postgres SERVER_URL]
        [--scale S] [--start-share 0.4] [--click-minutes 3] [--me-share 0.1] [--peak 100]
        [--quick]
        [--set PALIER_SLACK_WORKERS=32 ...]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.thursday_crowd import ME, START, SUBMIT, Behaviour, Crowd, ack_lines
from bench.tick_bench import fresh_database
from bot.domain.people import ensure_tenant
from bot.settings import load_settings
from emulators.slack import SlackEmulator
from handlers.slack.app import build_app
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import CheckinPrompt, Person, Platform, Submission

DUE = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris
SECRET = "thursday-bench-secret"
WINDOW = 5.0  # seconds of each window of the CPU's least squares


# -- Palier: what `palier run` does, in a process of its own


def serve_palier(env: dict[str, str], started: float, log_path: str) -> None:
    """``palier run``'s serving, its clock at Thursday 16:00 when ``started`` (time.time())."""
    from handlers.platforms import serve

    logging.basicConfig(
        filename=log_path, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # the bursts' queue: expected
    settings = load_settings(env_file=None, **env)
    serve(settings, clock=lambda: DUE + timedelta(seconds=time.time() - started))


@dataclass(frozen=True)
class Proc:
    pid: int

    def stat(self) -> tuple[float, int, int, int]:
        """(CPU seconds, threads, RSS kB, peak RSS kB) of the process (Linux)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{self.pid}/status").read_text().splitlines()
        )
        rss, peak = (int(status.get(key, "0 kB").split()[0]) for key in ("VmRSS", "VmHWM"))
        return cpu, int(status["Threads"]), rss, peak


@dataclass
class Sample:
    at: float
    cpu: float
    threads: int
    rss: int
    connections: int
    active: int
    prompts: int
    done: Counter[str] = field(default_factory=Counter)  # answers by kind


class Sampler:
    """Every second: Palier's CPU, threads, memory, database connections, and what the
    people saw done."""

    def __init__(self, palier: Proc, crowd: Crowd, database_url: str) -> None:
        self.palier = palier
        self.crowd = crowd
        self.samples: list[Sample] = []
        self.hwm = 0
        self.engine = make_engine(database_url) if "postgresql" in database_url else None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _connections(self) -> tuple[int, int]:
        if self.engine is None:
            return 0, 0
        with self.engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT count(*), count(*) FILTER (WHERE state <> 'idle') FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).one()
        return int(row[0]), int(row[1])

    def sample(self) -> None:
        cpu, threads, rss, hwm = self.palier.stat()
        self.hwm = max(self.hwm, hwm)
        connections, active = self._connections()
        done = Counter(a.kind for a in list(self.crowd.answers))
        prompts = len(self.crowd.seen.prompts)
        self.samples.append(
            Sample(time.monotonic(), cpu, threads, rss, connections, active, prompts, done)
        )

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def start(self) -> None:
        self.sample()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        if self.engine is not None:
            self.engine.dispose()


# -- setting up


def enrol(env: dict[str, str], team_id: str, users: list[str]) -> None:
    """Everybody enrolled (half on each référentiel, in Paris, profiles read) and the
    week planned: everybody due at Thursday 16:00."""
    engine = make_engine(env["DATABASE_URL"])
    migrate.upgrade(engine)
    palier = build_app(load_settings(env_file=None, **env), engine=engine, clock=lambda: DUE)
    with session_scope(palier.core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, team_id)
        session.flush()
        rows = [
            {
                "tenant_id": tenant.id,
                "platform_user_id": user,
                "display_name": user,
                "referentiel_id": "account-executive" if n % 2 else "business-developer",
                "timezone": "Europe/Paris",
                "profile_checked_at": DUE,
            }
            for n, user in enumerate(users)
        ]
        session.execute(insert(Person), rows)
    palier.ticker.tick(DUE - timedelta(hours=1))  # plans the week: nothing due yet
    palier.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(port: int, process: Any) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not process.is_alive():
            raise RuntimeError("Palier's process ended before serving")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("Palier did not serve within 120 s")


# -- the figures


def cpu_costs(samples: list[Sample]) -> dict[str, float]:
    """Palier's CPU seconds per prompt, per interaction of each kind, and per second idle,
    by least squares over windows of WINDOW seconds (in ms, except idle: % of a core)."""
    names = ["prompt", START, SUBMIT, ME, "idle"]
    rows: list[list[float]] = []
    targets: list[float] = []
    begin = samples[0]
    for sample in samples[1:]:
        if sample.at - begin.at < WINDOW:
            continue
        rows.append(
            [
                sample.prompts - begin.prompts,
                *(sample.done[k] - begin.done[k] for k in (START, SUBMIT, ME)),
                sample.at - begin.at,
            ]
        )
        targets.append(sample.cpu - begin.cpu)
        begin = sample
    solution = least_squares(rows, targets)
    if solution is None:
        return {}
    out = {name: value * 1000 for name, value in zip(names[:-1], solution[:-1], strict=True)}
    out["idle"] = solution[-1] * 100
    return out


def least_squares(rows: list[list[float]], targets: list[float]) -> list[float] | None:
    """x minimising |A x − b| (normal equations, Gauss–Jordan); None if singular."""
    if not rows:
        return None
    n = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) for j in range(n)] for i in range(n)]
    b = [sum(r[i] * t for r, t in zip(rows, targets, strict=True)) for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-9:
            return None
        a[col], a[pivot] = a[pivot], a[col]
        b[col], b[pivot] = b[pivot], b[col]
        for r in range(n):
            if r != col:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col], strict=True)]
                b[r] -= f * b[col]
    return [b[i] / a[i][i] for i in range(n)]


def stored(database_url: str) -> tuple[int, int, Counter[str]]:
    """(check-ins stored, prompts stored twice, prompts by status)."""
    engine = make_engine(database_url)
    with engine.connect() as connection:
        checkins = connection.execute(
            select(func.count(), func.count(func.distinct(Submission.prompt_id))).where(
                Submission.kind == "checkin"
            )
        ).one()
        statuses = connection.execute(
            select(CheckinPrompt.status, func.count()).group_by(CheckinPrompt.status)
        ).all()
    engine.dispose()
    return (
        int(checkins[0]),
        int(checkins[0]) - int(checkins[1]),
        Counter({str(s): int(n) for s, n in statuses}),
    )


def early_calls(emulator: SlackEmulator, crowd: Crowd, latency: float) -> tuple[Counter[str], int]:
    """The calls made before a Retry-After elapsed, by method, and how many of them
    reached Slack less than its latency after the 429 was answered: they left before
    Palier could know (the emulator counts a call when it arrives, after the latency)."""
    early = emulator.early_calls
    in_flight = 0
    for call in early:
        answered = [at for method, at in crowd.seen.limited if method == call.method]
        before = [at for at in answered if at <= call.at]
        if before and call.at - max(before) < latency + 0.05:
            in_flight += 1
    return Counter(call.method for call in early), in_flight


def log_summary(path: Path) -> list[str]:
    """Palier's warnings and errors, counted by their first words."""
    kinds: Counter[str] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith(("WARNING", "ERROR", "CRITICAL")):
            kinds[" ".join(line.split()[:6])[:110]] += 1
    return [f"    {n:5} × {kind}" for kind, n in kinds.most_common(8)]


# -- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--postgres", metavar="SERVER_URL", help="PostgreSQL (else SQLite)")
    parser.add_argument("--cap", type=int, default=600, help="chat.postMessage a minute")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds a Web API call")
    parser.add_argument("--scale", type=float, help="people's delays × this (N / 5000)")
    parser.add_argument("--start-share", type=float, default=0.4)
    parser.add_argument("--me-share", type=float, default=0.1)
    parser.add_argument("--click-minutes", type=float, default=3.0, help="mean, prompt → Start")
    parser.add_argument("--peak", type=int, default=100, help="interactions at once")
    parser.add_argument("--peak-at", type=float, default=0.5, help="share of prompts out")
    parser.add_argument("--quick", action="store_true", help="60 people: seconds")
    parser.add_argument("--set", nargs="*", default=[], metavar="VARIABLE=VALUE")
    args = parser.parse_args()
    if args.quick:
        args.people, args.peak = 60, 12
    scale = args.scale if args.scale is not None else args.people / 5000
    how = Behaviour(
        start_share=args.start_share,
        me_share=args.me_share,
        click_mean=args.click_minutes * 60 * scale,
        fill=(60 * scale, 180 * scale),
        me_mean=300 * scale,
        peak=args.peak,
        peak_at=args.peak_at,
    )
    users = [f"U{n:06d}" for n in range(args.people)]
    emulator = SlackEmulator(
        enforce_rate_limits=True, post_message_per_minute=args.cap, latency=args.latency
    )
    with fresh_database(args.postgres) as url, emulator:
        for user in users:
            emulator.add_user(user, user.lower(), user, f"{user.lower()}@example.fr")
        port = free_port()
        env = {
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": emulator.bot_token,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": emulator.api_url,
            "PORT": str(port),
            **dict(item.split("=", 1) for item in args.set),
        }
        enrol(env, emulator.workspace.team_id, users)
        emulator.clear_calls()
        run(args, how, scale, env, emulator, users, url, port)


def run(
    args: argparse.Namespace,
    how: Behaviour,
    scale: float,
    env: dict[str, str],
    emulator: SlackEmulator,
    users: list[str],
    url: str,
    port: int,
) -> None:
    settings = load_settings(env_file=None, **env)
    log_file = Path(tempfile.gettempdir()) / f"thursday-{uuid.uuid4().hex[:8]}.log"
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=serve_palier, args=(env, time.time(), str(log_file)), daemon=True
    )
    process.start()
    assert process.pid is not None
    crowd = Crowd(emulator, f"http://127.0.0.1:{port}/slack/events", SECRET, users, how)
    sampler = Sampler(Proc(process.pid), crowd, url)
    try:
        wait_healthy(port, process)
        sampler.start()
        began = time.monotonic()
        allowance = (len(users) - 1) / args.cap * 60
        deadline = began + allowance * 3 + 600 * max(scale, 0.1)
        while time.monotonic() < deadline:
            crowd.poll()
            crowd.dispatch()
            everybody = len(crowd.seen.prompts) == len(users)
            quiet = time.monotonic() - crowd.seen.last_call > 3.0
            if everybody and crowd.pending == 0 and quiet:
                break
            time.sleep(0.05)
        sampler.stop()
        checkins, twice, statuses = stored(url)
    finally:
        process.terminate()
        process.join(timeout=20)
        crowd.close()
    db = (checkins, twice, statuses)
    report(args, how, scale, settings, crowd, sampler, db, emulator)
    print("  Palier's warnings and errors:")
    print("\n".join(log_summary(log_file)) or "    none")
    log_file.unlink(missing_ok=True)
    assert len(crowd.seen.prompts) == len(users), "not every prompt went out"
    accepted = [a for a in crowd.answers if a.kind == SUBMIT and a.status == 200 and not a.refused]
    checkins, twice, _ = db
    assert checkins == len(accepted) and twice == 0, "a check-in lost or stored twice"
    # Calls made before a Retry-After are reported, not asserted: the in-flight split is
    # measured at the emulator, and a call checked against the gate a moment before
    # another thread's 429 reached Palier still leaves (see the report).


def report(
    args: argparse.Namespace,
    how: Behaviour,
    scale: float,
    settings: Any,
    crowd: Crowd,
    sampler: Sampler,
    db: tuple[int, int, Counter[str]],
    emulator: SlackEmulator,
) -> None:
    people = len(crowd.users)
    times = sorted(crowd.seen.prompts.values())
    allowance = (people - 1) / args.cap * 60
    took = times[-1] - times[0]
    answers = crowd.answers
    samples = sampler.samples
    print(
        f"Thursday 16:00, {people} people due in one workspace, "
        f"{'PostgreSQL' if 'postgresql' in settings.database_url else 'SQLite'}, "
        f"Slack {args.latency * 1000:.0f} ms away, cap {args.cap}/min, tiers enforced; "
        f"people's delays × {scale:.3g} (start {how.start_share:.0%} after "
        f"{how.click_mean / 60:.1f} min on average, /palier me "
        f"{how.me_share:.0%}, peak {how.peak} at once at {how.peak_at:.0%} of the prompts); "
        f"PALIER_HTTP_THREADS={settings.http_threads} PALIER_SLACK_WORKERS="
        f"{settings.slack_workers} PALIER_SEND_LANES={settings.send_lanes}×"
        f"{settings.send_width}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the end"
    )
    print(
        f"  prompts: {len(times)}/{people} out in {took:.1f} s; the cap allows {allowance:.1f} s: "
        f"{allowance / max(took, 1e-9):.0%} of the allowance used"
    )
    minutes = Counter(int((t - times[0]) // 60) for t in times)
    print(f"    a minute at a time: {[minutes[m] for m in range(max(minutes) + 1)]}")
    late = [t for t in times if t - times[0] > allowance * 1.05]
    if late:
        body = times[-len(late) - 1] - times[0]
        print(
            f"    {people - len(late)} out in {body:.1f} s ({allowance * (people - len(late)) / people / max(body, 1e-9):.0%} of "
            f"their allowance); the last {len(late)} after the allowance (a slower pace, or deferred to a later tick)"
        )
    early, in_flight = early_calls(emulator, crowd, args.latency)
    refused = ", ".join(f"{m} {n}" for m, n in crowd.seen.refused.most_common()) or "none"
    print(
        f"  429s: {refused}; calls before a Retry-After elapsed: {early.total()} "
        f"{dict(early) if early else ''}, of which {in_flight} were sent before the 429 "
        f"was answered (on their way during Slack's {args.latency * 1000:.0f} ms)"
    )
    print(f"  answers ({len(answers)}; peak in flight {crowd.peak_in_flight}):")
    print("\n".join(ack_lines(answers)))
    clicks = [a for a in answers if a.kind == START and a.status == 200]
    outcomes = Counter(crowd.seen.opened.values())
    never = len(clicks) - sum(outcomes.values())
    oldest = max(crowd.seen.trigger_ages, default=0.0)
    print(
        f"  modals: {len(clicks)} Start clicks answered; opened {outcomes.pop('ok', 0)} "
        f"(oldest trigger {oldest:.2f} s); refused {dict(outcomes) or 0}; never asked for {never}"
    )
    submitted = [a for a in answers if a.kind == SUBMIT]
    accepted = sum(1 for a in submitted if a.status == 200 and not a.refused)
    checkins, twice, statuses = db
    print(
        f"  check-ins: {len(submitted)} submitted, {accepted} accepted, {checkins} stored, "
        f"{twice} stored twice; prompts {dict(statuses)}"
    )
    cpu = samples[-1].cpu - samples[0].cpu
    wall = samples[-1].at - samples[0].at
    print(
        f"  Palier's process: {cpu:.1f} s CPU in {wall:.0f} s ({cpu / wall:.0%} of a core); "
        f"peak threads {max(s.threads for s in samples)}; RSS peak {sampler.hwm / 1024:.0f} MB; "
        f"database connections peak {max(s.connections for s in samples)} "
        f"(active at once {max(s.active for s in samples)})"
    )
    busiest = max(
        (
            (later.cpu - early.cpu) / (later.at - early.at)
            for early, later in zip(samples, samples[int(WINDOW) :], strict=False)
        ),
        default=0.0,
    )
    print(f"  busiest {WINDOW:.0f} s: {busiest:.0%} of a core")
    costs = cpu_costs(samples)
    if costs:
        print(
            "  CPU (least squares over 5 s windows): "
            + ", ".join(f"{k} {v:.2f} ms" for k, v in costs.items() if k != "idle")
            + f"; idle {costs['idle']:.1f} % of a core"
        )
    sending = [s for s in samples if s.prompts < people]
    if len(sending) > 1:
        print(
            f"  while sending: {(sending[-1].cpu - sending[0].cpu) / max(sending[-1].prompts, 1) * 1000:.2f}"
            " ms CPU per prompt out, interactions included"
        )


if __name__ == "__main__":
    main()
