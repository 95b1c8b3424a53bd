"""Palier on every platform the settings configure: ``palier run`` and ``palier tick``.

Slack is configured by its token or signing secret (or OAuth client, or app-level
token), Microsoft Teams by ``TEAMS_APP_ID`` and ``TEAMS_APP_SECRET``; one process serves
both, and its tick sends through a messenger per configured platform (a workspace of a
platform this process does not serve is left to one that does: the database decides who
sends what, so several processes may run side by side).

Where each listens: Slack in Socket Mode needs no port, else HTTP on ``PORT``
(``/slack/events``); Teams on ``TEAMS_HOST``:``TEAMS_PORT`` (``/api/messages``), or on
``PORT`` when Slack does not listen there — one ``web: palier run`` line of a Procfile
serves either platform, or both with Slack in Socket Mode.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.bootstrap import (
    Core,
    build_core,
    build_flows,
    build_services,
    settle_start_up,
    tick_policy,
)
from bot.delivery.messenger import Messenger
from bot.delivery.tick import Ticker, TickReport
from bot.settings import Settings
from storage.models import Platform

if TYPE_CHECKING:
    from handlers.teams.app import PalierTeams

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class NoPlatformError(Exception):
    """Neither Slack nor Teams is configured."""


class PortTakenError(Exception):
    """Teams would listen where something else does (``port``: the one it would take)."""

    def __init__(self, port: int, problem: str) -> None:
        super().__init__(f"{port}: {problem}")
        self.port = port
        self.problem = problem


def system_clock() -> datetime:
    return datetime.now(UTC)


def configured(settings: Settings) -> list[Platform]:
    """The platforms the settings configure; NoPlatformError when none is."""
    found = [
        platform
        for platform, enabled in (
            (Platform.SLACK, settings.slack_enabled),
            (Platform.TEAMS, settings.teams_enabled),
        )
        if enabled
    ]
    if not found:
        raise NoPlatformError()
    return found


def teams_port(settings: Settings) -> int:
    """Where Teams listens: TEAMS_PORT, else PORT unless Slack listens there over HTTP."""
    slack_http = settings.slack_enabled and settings.slack_app_token is None
    port = settings.teams_port or settings.port
    if slack_http and port == settings.port:
        raise PortTakenError(port, "slack")
    return port


def worker_name() -> str:
    """Who claims messages: host, process and a random part (a restarted process is new)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _ticker(
    core: Core, settings: Settings, messengers: Mapping[Platform, Messenger], clock: Clock
) -> Ticker:
    policy = tick_policy(core, build_services(core).planning)
    return Ticker(core.sessions, core.referentiels, messengers, policy, worker_name(), clock)


def _logged(report: TickReport) -> TickReport:
    log.info(
        "tick: %s planned, %s sent, %s reminded, %s missed, %s failed",
        report.planned,
        report.sent,
        report.reminded,
        report.missed,
        report.failed,
    )
    return report


def run_tick(
    settings: Settings, now: datetime | None = None, *, clock: Clock | None = None
) -> TickReport:
    """One tick on every configured platform, at ``now`` (else ``clock()``)."""
    platforms = configured(settings)
    clock = clock or system_clock
    if Platform.TEAMS not in platforms:
        from handlers.slack.runner import run_tick as slack_tick

        return slack_tick(settings, now, clock=clock)
    from handlers.teams.app import build_teams

    core = build_core(settings)
    try:
        core.require_current_schema()
        teams = build_teams(settings, clock).start()  # sends only
        try:
            if Platform.SLACK in platforms:
                from handlers.slack.app import build_app

                slack = build_app(
                    settings, clock=clock, core=core, messengers={Platform.TEAMS: teams.messenger}
                )
                return slack.tick(now)
            ticker = _ticker(core, settings, {Platform.TEAMS: teams.messenger}, clock)
            return _logged(ticker.tick(now or clock()))
        finally:
            teams.stop()
    finally:
        core.close()


def serve(
    settings: Settings,
    *,
    clock: Clock | None = None,
    until: threading.Event | None = None,
    ready: threading.Event | None = None,
) -> None:
    """Serve every configured platform and tick until interrupted (or ``until`` is set,
    when only Teams is served: tests); ``ready`` is set once Teams listens."""
    platforms = configured(settings)
    clock = clock or system_clock
    if Platform.TEAMS not in platforms:
        from handlers.slack.runner import serve as serve_slack

        serve_slack(settings, clock=clock)
        return
    from handlers.teams.app import build_teams

    port = teams_port(settings)
    core = build_core(settings)
    try:
        core.require_current_schema()
        flows = build_flows(core, clock)
        try:
            teams = build_teams(settings, clock, flows, port=port)
        except OSError as error:  # the port is taken, or the address is not this host's
            raise PortTakenError(port, error.strerror or type(error).__name__) from error
        try:
            if Platform.SLACK in platforms:
                _serve_with_slack(settings, core, clock, teams, ready)
            else:
                teams.start()
                settle_start_up()  # everything is built: out of the garbage collector's sight
                if ready is not None:
                    ready.set()
                _tick_until(settings, core, clock, teams.messenger, until or threading.Event())
        finally:
            teams.stop()
    finally:
        core.close()


def _serve_with_slack(
    settings: Settings,
    core: Core,
    clock: Clock,
    teams: PalierTeams,
    ready: threading.Event | None,
) -> None:
    """Slack's app (its settings checked before Teams serves anything), Teams, one tick for
    both, then Slack's requests until interrupted."""
    from handlers.slack.app import build_app
    from handlers.slack.runner import listen

    messengers: dict[Platform, Messenger] = {Platform.TEAMS: teams.messenger}
    slack = build_app(settings, clock=clock, core=core, messengers=messengers)
    teams.start()
    if ready is not None:
        ready.set()
    try:
        slack.start_scheduler()
        listen(slack)
    finally:
        if slack.scheduler is not None and slack.scheduler.running:
            slack.scheduler.shutdown(wait=True)


def _tick_until(
    settings: Settings, core: Core, clock: Clock, teams: Messenger, until: threading.Event
) -> None:
    ticker = _ticker(core, settings, {Platform.TEAMS: teams}, clock)

    def tick() -> None:
        try:
            _logged(ticker.tick(clock()))
        except Exception:  # a bad tick must not stop the next ones
            log.exception("tick failed")

    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        IntervalTrigger(seconds=settings.tick_seconds),
        id="palier-tick",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    try:
        until.wait()
    finally:
        scheduler.shutdown(wait=True)
