"""How fast Palier acknowledges Slack's requests under load, beside a bare Bolt app.

Slack waits 3 seconds for the answer to a slash command, a click or a modal's
submission, and a click's ``trigger_id`` opens a modal only within 3 seconds of the
click. This sends N interactions of each kind at once — ``/palier me``, the Start
button of the weekly prompt (which opens the check-in modal), the check-in
submission — then N of the three kinds together (a third each), signed, over HTTP, as
Slack sends them, to two servers of the same kind (waitress with ``PALIER_HTTP_THREADS``, as
``palier run`` serves Slack, each in a process of its own): a bare Bolt app (Bolt's
defaults) whose listeners only acknowledge, and Palier's real Slack app. Palier's Web
API calls and ``response_url`` posts go to the project's Slack emulator, which answers
each after ``--latency`` seconds (Slack's round trip) and refuses a trigger used more
than 3 seconds after the click, on the real clock.

Printed per kind: p50, p99 and max seconds to the HTTP answer, how many came after 3 s
(or not 200), p99 as a multiple of the bare app's, when the work the burst started was
all done, and the server's CPU time per request of the burst (user + system, from
/proc); for the Start clicks how many modals opened and the oldest trigger used. Targets
and results: bench/RESULTS.md.

    .venv/bin/python bench/acks_bench.py [--quick] [--people 100] [--postgres SERVER_URL]
        [--bursts me start submit mixed] [--set PALIER_HTTP_THREADS=8 ...]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from tick_bench import fresh_database  # the script's own folder is on sys.path

from bot.domain.people import ensure_tenant, upsert_person
from bot.settings import load_settings
from emulators.slack import DriverResponse, SlackDriver, SlackEmulator
from emulators.slack.server import CallRecord, Message, View
from handlers.slack import ids
from handlers.slack.app import build_app
from handlers.slack.profiles import to_profile
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Platform

DUE = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris: prompts sent
SECRET = "bench-signing-secret"
DEADLINE = 3.0  # seconds Slack waits for an answer; a trigger_id's life
ME, START, SUBMIT, MIXED = "/palier me", "Start click", "check-in submission", "all three"
BURSTS = {"me": ME, "start": START, "submit": SUBMIT, "mixed": MIXED}
WORK_TIMEOUT = 300.0  # seconds the work of a burst may take before the bench gives up
STALL_TIMEOUT = 15.0  # seconds without any more work done: what is left failed


# -- the servers, each in a process of its own (its own interpreter lock, as in production)


def _quiet_waitress() -> None:
    # waitress warns at every queued request ("Task queue depth is 12"): the burst's point.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def _serve_palier(env: dict[str, str], ready: Queue[int]) -> None:
    """What ``palier run`` does in HTTP mode, on a free port (no tick)."""
    from handlers.slack.runner import http_server

    _quiet_waitress()
    palier = build_app(load_settings(env_file=None, **env), clock=lambda: DUE)
    palier.start_workers()
    server = http_server(palier, host="127.0.0.1", port=0)
    assert server.socket is not None
    ready.put(server.socket.getsockname()[1])
    server.run()


def _serve_bare(env: dict[str, str], ready: Queue[int]) -> None:
    """Bolt's defaults, listeners that only acknowledge, on the same server as Palier's."""
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient
    from waitress.server import create_server

    from handlers.slack.runner import waitress_options

    _quiet_waitress()
    settings = load_settings(env_file=None, **env)
    token = settings.slack_bot_token
    assert token is not None
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=token.get_secret_value(), base_url=settings.slack_api_url),
        token_verification_enabled=False,
    )

    def acknowledge(ack: Ack) -> None:
        ack()

    app.command(ids.COMMAND)(acknowledge)
    app.action(ids.START_CHECKIN)(acknowledge)
    app.view(ids.CHECKIN_VIEW)(acknowledge)
    options = waitress_options(settings)
    server: Any = create_server(SlackRequestHandler(app), host="127.0.0.1", port=0, **options)
    ready.put(server.socket.getsockname()[1])
    server.run()


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu(self) -> float:
        """Seconds of CPU the server's process used so far (Linux; 0 elsewhere)."""
        stat = Path(f"/proc/{self.pid}/stat")
        if not stat.exists():
            return 0.0
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(
    target: Callable[[dict[str, str], Queue[int]], None], env: dict[str, str]
) -> Iterator[Server]:
    """Start ``target`` in a new process; yield it; stop it."""
    context = multiprocessing.get_context("spawn")
    ready: Queue[int] = context.Queue()
    process = context.Process(target=target, args=(env, ready), daemon=True)
    process.start()
    try:
        port = ready.get(timeout=120)
        assert process.pid is not None
        yield Server(f"http://127.0.0.1:{port}/slack/events", process.pid)
    finally:
        process.terminate()
        process.join(timeout=10)


# -- the requests, recorded once and sent to both apps


@dataclass(frozen=True)
class Request:
    """One interaction as Slack sends it; its trigger_id is renewed when it is sent."""

    kind: str
    user: str
    body: bytes
    content_type: str
    trigger_id: str
    response_url: str | None = None


class Recorder(SlackDriver):
    """The driver, recording the signed request instead of sending it."""

    def __init__(self, emulator: SlackEmulator) -> None:
        super().__init__("http://unused", SECRET, emulator)
        self.recorded: list[tuple[bytes, str]] = []

    def post(self, body: bytes, content_type: str, **_: Any) -> DriverResponse:
        self.recorded.append((body, content_type))
        return DriverResponse(status=0, headers={}, body="", elapsed=0.0, kind="recorded")

    def record(self, kind: str, user: str, send: Callable[[], DriverResponse]) -> Request:
        response = send()
        body, content_type = self.recorded.pop()
        assert response.trigger_id is not None
        return Request(kind, user, body, content_type, response.trigger_id, response.response_url)


@dataclass(frozen=True)
class Result:
    request: Request
    trigger_id: str  # the one it was sent with
    elapsed: float
    status: int
    body: str


def burst(emulator: SlackEmulator, url: str, requests: Sequence[Request]) -> list[Result]:
    """Send every request at once (a thread each), each with a trigger issued as it
    leaves, as Slack issues one at the click; wait for every answer."""
    driver = SlackDriver(url, SECRET, emulator, timeout=60.0)
    barrier = threading.Barrier(len(requests))

    def send(request: Request) -> Result:
        barrier.wait()
        trigger = emulator.issue_trigger(request.user)
        body = request.body.replace(request.trigger_id.encode(), trigger.encode())
        answer = driver.post(body, request.content_type, kind=request.kind)
        return Result(request, trigger, answer.elapsed, answer.status, answer.body)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


# -- the work a burst started, as the emulator saw it


class Watcher:
    """What the work of a burst left in the emulator, read as it comes: each request's
    work done, by key, at the emulator's clock (``time.time()``).

    ``/palier me`` ends with its response_url post, a Start click with its views.open
    (opened or refused), a check-in submission with its Home published.
    """

    def __init__(self, emulator: SlackEmulator) -> None:
        self.emulator = emulator
        self.seen = len(emulator.calls_since(0))
        self.done: dict[str, float] = {}
        self.opened: dict[str, CallRecord] = {}  # views.open by trigger_id

    def poll(self, since: float) -> dict[str, float]:
        calls = self.emulator.calls_since(self.seen)
        self.seen += len(calls)
        for call in calls:
            if call.method == "views.open":
                trigger = str(call.params.get("trigger_id"))
                self.opened[trigger] = call
                self.done[trigger] = call.clock
            elif call.method == "views.publish":
                self.done[str(call.params.get("user_id"))] = call.clock
        for post in self.emulator.response_url_posts:
            if post.time >= since:
                self.done[post.url] = post.time
        return self.done


def _key(result: Result) -> str:
    request = result.request
    return {ME: request.response_url, START: result.trigger_id}.get(request.kind) or request.user


def wait_for_work(watcher: Watcher, results: Sequence[Result], wall: float) -> tuple[float, int]:
    """Seconds from ``wall`` (``time.time()``, the emulator's clock) until the work of
    every request was done, and how many requests' work never finished."""
    deadline = time.monotonic() + WORK_TIMEOUT
    last, stalled = -1, deadline
    while True:
        done = watcher.poll(wall)
        times = [done[_key(r)] for r in results if _key(r) in done]
        missing = len(results) - len(times)
        if not missing:
            return max(times) - wall, 0
        if missing != last:
            last, stalled = missing, time.monotonic() + STALL_TIMEOUT
        if time.monotonic() > min(deadline, stalled):  # failed: the server's log says why
            return max(times, default=time.time()) - wall, missing
        time.sleep(0.1)


@dataclass
class Figures:
    p50: float
    p99: float
    max: float
    late: int
    count: int
    work: float | None = None
    cpu_ms: float | None = None  # the server's CPU per request of the burst
    notes: list[str] = field(default_factory=list)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def figures(results: Sequence[Result]) -> Figures:
    elapsed = [r.elapsed for r in results]
    return Figures(
        p50=statistics.median(elapsed),
        p99=percentile(elapsed, 0.99),
        max=max(elapsed),
        late=sum(1 for r in results if r.elapsed > DEADLINE or r.status != 200),
        count=len(results),
    )


def start_notes(emulator: SlackEmulator, watcher: Watcher, results: Sequence[Result]) -> list[str]:
    """How many modals opened, how old the oldest trigger used was, how many expired."""
    ages, expired = [], 0
    for result in results:
        call = watcher.opened.get(result.trigger_id)
        trigger = emulator.trigger(result.trigger_id)
        if call is not None and call.error == "expired_trigger_id":
            expired += 1
        if trigger is not None and trigger.used_at is not None:
            ages.append(trigger.used_at - trigger.issued_at)
    oldest = f", oldest trigger used at {max(ages):.2f} s" if ages else ""
    return [f"modals opened {len(ages)}/{len(results)}{oldest}, {expired} expired"]


def submission_notes(results: Sequence[Result]) -> list[str]:
    refused = [r for r in results if r.status == 200 and "response_action" in r.body]
    return [f"{len(refused)} answered with errors"] if refused else []


# -- the run


class Bench:
    """The emulator, the database, the people, and the requests of each burst."""

    def __init__(
        self, emulator: SlackEmulator, database_url: str, people: int, bursts: Sequence[str]
    ) -> None:
        self.emulator = emulator
        self.bursts = {BURSTS[b] for b in bursts}
        self.database_url = database_url
        self.env = {
            "SLACK_BOT_TOKEN": emulator.bot_token,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": emulator.api_url,
            "DATABASE_URL": database_url,
        }
        # B: /palier me, Start, then submit; C: Start and D: submit, beside B's /palier me in
        # the three at once (a third of N each); W: the warm-up.
        self.groups = {name: [f"U{name}{n:05d}" for n in range(people)] for name in "BCD"}
        self.groups["W"] = ["UW00000"]
        self.recorded: dict[str, list[Request]] = {}

    def prepare(self) -> None:
        """Everybody enrolled and prompted (one tick at DUE)."""
        engine = make_engine(self.database_url)
        migrate.upgrade(engine)
        palier = build_app(load_settings(env_file=None, **self.env), clock=lambda: DUE)
        with session_scope(palier.core.sessions) as session:
            tenant = ensure_tenant(session, Platform.SLACK, self.emulator.workspace.team_id)
            for user_id in (u for group in self.groups.values() for u in group):
                user = self.emulator.add_user(user_id, user_id.lower(), user_id, f"{user_id}@x.fr")
                person, _ = upsert_person(session, tenant, to_profile(user.to_api(0)))
                person.referentiel_id = "account-executive"
        report = palier.ticker.tick(DUE)
        assert report.sent == sum(len(g) for g in self.groups.values()), report
        palier.close()
        engine.dispose()

    # The requests (built against Palier, sent to both apps)

    def prompt(self, user: str) -> Message:
        for message in reversed(self.emulator.dm_messages(user)):
            if any(b.get("type") == "actions" for b in message.blocks or []):
                return message
        raise AssertionError(f"no prompt for {user}")

    def commands(self, users: Sequence[str]) -> list[Request]:
        recorder = Recorder(self.emulator)
        requests = []
        for user in users:
            send = lambda: recorder.slash_command(user, ids.COMMAND, "me")  # noqa: B023, E731
            requests.append(recorder.record(ME, user, send))
        return requests

    def clicks(self, users: Sequence[str]) -> list[Request]:
        recorder = Recorder(self.emulator)
        requests = []
        for user in users:
            prompt = self.prompt(user)
            send = lambda: recorder.click(user, prompt, ids.START_CHECKIN)  # noqa: B023, E731
            requests.append(recorder.record(START, user, send))
        return requests

    def submissions(self, url: str, users: Sequence[str]) -> list[Request]:
        """Each person's check-in filled in (a modal a Start click did not open, opened)."""
        self.open_modals(url, users)
        recorder = Recorder(self.emulator)
        requests = []
        for user in users:
            modal = self.modal(user)
            levels = {
                b["block_id"]: "junior"
                for b in modal.blocks
                if str(b.get("block_id", "")).startswith("level:")
            }
            send = lambda: recorder.submit_view(user, modal, levels)  # noqa: B023, E731
            requests.append(recorder.record(SUBMIT, user, send))
        return requests

    def modal(self, user: str) -> View:
        views = self.emulator.open_views(user)
        if views:
            return views[-1]
        raise AssertionError(f"no modal open for {user}")

    def open_modals(self, url: str, users: Sequence[str]) -> None:
        """Open each person's check-in modal, one click at a time, without latency (not
        measured)."""
        latency, self.emulator.latency = self.emulator.latency, 0.0
        driver = SlackDriver(url, SECRET, self.emulator, timeout=60.0)
        try:
            for user in users:
                if not self.emulator.open_views(user):
                    driver.click(user, self.prompt(user), ids.START_CHECKIN)
                    self.emulator.wait_for(partial(self.emulator.open_views, user), 30.0)
        finally:
            self.emulator.latency = latency

    def requests(self, url: str, burst: str) -> list[Request]:
        """The burst's requests: built the first time (against Palier), then the same."""
        if burst not in self.recorded:
            b, c, d = self.groups["B"], self.groups["C"], self.groups["D"]
            build: dict[str, Callable[[], list[Request]]] = {
                "warm-up": lambda: [
                    *self.submissions(url, self.groups["W"]),
                    *self.commands(self.groups["W"]),
                ],
                ME: lambda: self.commands(b),
                START: lambda: self.clicks(b),
                SUBMIT: lambda: self.submissions(url, b),
                MIXED: lambda: [
                    *self.commands(b[: len(b) // 3]),
                    *self.clicks(c[: len(c) // 3]),
                    *self.submissions(url, d[: len(d) - 2 * (len(d) // 3)]),
                ],
            }
            self.recorded[burst] = build[burst]()
        return self.recorded[burst]

    # The bursts

    def run(self, server: Server, palier: bool) -> dict[str, Figures]:
        """Each burst against ``server``; Palier's work is waited for (the bare app has none)."""
        for request in self.requests(server.url, "warm-up"):
            self.fire(server, [request], Watcher(self.emulator) if palier else None)
        out: dict[str, Figures] = {}
        for name in (ME, START, SUBMIT, MIXED):
            if name not in self.bursts:
                continue
            watcher = Watcher(self.emulator)
            results, work, unfinished, cpu = self.fire(
                server, self.requests(server.url, name), watcher if palier else None
            )
            kinds = (ME, START, SUBMIT) if name == MIXED else (name,)
            for kind in kinds:
                mine = [r for r in results if r.request.kind == kind]
                label = f"{kind} ({MIXED} at once)" if name == MIXED else kind
                out[label] = figures(mine)
                out[label].work, out[label].cpu_ms = work, cpu * 1000 / len(results)
                if palier and kind == START:
                    out[label].notes += start_notes(self.emulator, watcher, mine)
                if kind == SUBMIT:
                    out[label].notes += submission_notes(mine)
            if unfinished:
                out[label].notes.append(f"the work of {unfinished} requests never finished")
        return out

    def fire(
        self, server: Server, requests: Sequence[Request], watcher: Watcher | None
    ) -> tuple[list[Result], float | None, int, float]:
        """The burst's results; with a ``watcher``, when its work was done and how much of
        it never was; the CPU seconds the server used meanwhile."""
        cpu, wall = server.cpu(), time.time()
        results = burst(self.emulator, server.url, requests)
        work, unfinished = wait_for_work(watcher, results, wall) if watcher else (None, 0)
        return results, work, unfinished, server.cpu() - cpu


def report(title: str, bare: Mapping[str, Figures], palier: Mapping[str, Figures]) -> None:
    print(title)
    print(
        f"{'request':40} {'app':6} {'p50':>5} {'p99':>5} {'max':>5} {'>3 s':>7} "
        f"{'p99/bare':>8} {'work done':>9} {'CPU/req':>8}"
    )
    for name, ours in palier.items():
        base = bare[name]
        for app, f in (("bare", base), ("Palier", ours)):
            ratio = f"{f.p99 / base.p99:7.1f}×" if app == "Palier" else ""
            work = f"{f.work:8.2f}s" if f.work is not None else ""
            cpu = f"{f.cpu_ms:6.1f}ms" if f.cpu_ms is not None else ""
            print(
                f"{name:40} {app:6} {f.p50:5.2f} {f.p99:5.2f} {f.max:5.2f} "
                f"{f.late:3}/{f.count:<3} {ratio:>8} {work:>9} {cpu:>8}"
            )
        for note in ours.notes:
            print(f"{'':40} {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100, help="requests of each kind at once")
    parser.add_argument("--quick", action="store_true", help="10 of each kind: a few seconds")
    parser.add_argument("--latency", type=float, default=0.15, help="Web API latency, seconds")
    parser.add_argument("--postgres", metavar="SERVER_URL", help="PostgreSQL instead of SQLite")
    parser.add_argument("--bursts", nargs="*", choices=list(BURSTS), default=list(BURSTS))
    parser.add_argument(
        "--set", nargs="*", default=[], metavar="VARIABLE=VALUE", help="both servers' settings"
    )
    args = parser.parse_args()
    people = 10 if args.quick else args.people
    with fresh_database(args.postgres) as url, SlackEmulator() as emulator:
        bench = Bench(emulator, url, people, args.bursts)
        bench.env.update(item.split("=", 1) for item in args.set)
        bench.prepare()
        emulator.latency = args.latency
        with serving(_serve_palier, bench.env) as server:
            palier = bench.run(server, palier=True)
        with serving(_serve_bare, bench.env) as server:
            bare = bench.run(server, palier=False)
    settings = load_settings(env_file=None, **bench.env)
    report(
        f"{people} at once, Web API latency {args.latency * 1000:.0f} ms, "
        f"{'PostgreSQL' if args.postgres else 'SQLite'}, {os.cpu_count()} cores "
        f"(load {os.getloadavg()[0]:.1f}), PALIER_HTTP_THREADS={settings.http_threads}, "
        f"PALIER_SLACK_WORKERS={settings.slack_workers}",
        bare,
        palier,
    )


if __name__ == "__main__":
    main()
