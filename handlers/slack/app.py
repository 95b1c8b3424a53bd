"""The composition root of Palier on Slack: :func:`build_app`.

Wires the core (engine, sessions, référentiels), the Web API client (with its
retry handlers), the services, the Bolt app and its listeners, the tick and its
scheduler; in OAuth mode (several workspaces) Slack's install flow too
(:mod:`handlers.slack.oauth`). Nothing is a module global: each process, and each
test, builds its own, and closes it.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.bootstrap import Core, build_core, build_flows, tick_policy
from bot.delivery.messenger import Messenger
from bot.delivery.tick import Ticker, TickReport
from bot.settings import Settings
from handlers.slack import (
    actions,
    commands,
    events,
    home,
    one_on_one_commands,
    referentiel_upload,
    shortcuts,
    topic_commands,
    vae_commands,
    views,
)
from handlers.slack.client import make_client
from handlers.slack.context import SlackDeps
from handlers.slack.directory import ProfileCache
from handlers.slack.edge import EdgeMiddleware, PalierBolt, language_of, on_error
from handlers.slack.messenger import SlackMessenger
from handlers.slack.oauth import OAuthWiring, build_oauth, oauth_client
from handlers.slack.pacing import Pacer
from handlers.slack.workers import Answering, WorkerPool
from storage.models import Platform

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class MissingSettingError(Exception):
    """A setting Slack needs is not set; ``variable`` names it."""

    def __init__(self, variable: str) -> None:
        super().__init__(variable)
        self.variable = variable


class _BoltEnvTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and, given the client
    Palier builds from its settings, warns at every start that the client wins: a stray
    line on standard error for each `palier tick`. The settings chose; drop that line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_BOLT_ENV_TOKEN_WARNING = _BoltEnvTokenWarning()


def system_clock() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """Who claims prompts: host, process and a random part (a restarted process is new)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class PalierSlack:
    """A wired Palier: the Bolt app to serve, the ticker to run, and what they share."""

    core: Core
    client: WebClient
    bolt: PalierBolt
    ticker: Ticker
    clock: Clock
    settings: Settings
    scheduler: BackgroundScheduler | None = field(default=None)
    workers: Executor | None = field(default=None)  # the pool it built, shut down at close
    # Stores the check-ins acknowledged by a process that died before storing them.
    recover_checkins: Callable[[], int] = field(default=lambda: 0)

    def tick(self, now: datetime | None = None) -> TickReport:
        """One tick now (or at ``now``): plan, close, send, remind; and the check-ins a
        process acknowledged but did not store (it died), stored."""
        report = self.ticker.tick(now or self.clock())
        try:
            recovered = self.recover_checkins()
        except Exception as error:  # the next tick tries again
            log.exception("tick: recovering check-ins failed")
            report.errors.append(f"check-in inbox: {type(error).__name__}: {error}"[:255])
        else:
            if recovered:
                log.info("tick: %s acknowledged check-ins stored after their process", recovered)
        log.info(
            "tick: %s planned, %s sent, %s reminded, %s missed, %s failed",
            report.planned,
            report.sent,
            report.reminded,
            report.missed,
            report.failed,
        )
        return report

    def start_workers(self) -> None:
        """Start the threads that carry out what follows Slack's acknowledgements, before
        the first request (``palier run`` does)."""
        if isinstance(self.workers, WorkerPool):
            self.workers.start()

    def start_scheduler(self) -> BackgroundScheduler:
        """Tick every ``PALIER_TICK_SECONDS``, starting now; one tick at a time per process."""
        scheduler = BackgroundScheduler(timezone=UTC)
        scheduler.add_job(
            self._scheduled_tick,
            IntervalTrigger(seconds=self.settings.tick_seconds),
            id="palier-tick",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        scheduler.start()
        self.scheduler = scheduler
        return scheduler

    def _scheduled_tick(self) -> None:
        try:
            self.tick()
        except Exception:  # a bad tick must not stop the next ones
            log.exception("tick failed")

    def close(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.workers is not None:
            self.workers.shutdown(wait=True)  # what was acknowledged is carried out
        self.core.close()


def build_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    worker: str | None = None,
    listener_executor: Executor | None = None,
    core: Core | None = None,
    messengers: Mapping[Platform, Messenger] | None = None,
) -> PalierSlack:
    """Wire Palier for one Slack workspace (the bot token's), or, with
    ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET``, for every workspace that installs
    it through Slack's OAuth flow (each with the token of its own installation).

    Raises :class:`MissingSettingError` without ``SLACK_SIGNING_SECRET``, or without
    ``SLACK_BOT_TOKEN`` outside OAuth mode. ``clock`` replaces the system clock (tests,
    the demo). ``listener_executor`` runs what listeners do after their acknowledgement
    (a :class:`~handlers.slack.workers.WorkerPool` of ``PALIER_SLACK_WORKERS`` threads by
    default, shut down with the app); tests give one they can drain
    (:class:`emulators.slack.listeners.ListenerExecutor`). ``core`` is one built already
    (Palier serving other platforms beside Slack); ``messengers`` the tick's messengers of
    those platforms, so that one tick sends on all of them.
    """
    if settings.slack_bot_token is None and not settings.oauth_enabled:
        raise MissingSettingError("SLACK_BOT_TOKEN")
    if settings.slack_signing_secret is None:
        raise MissingSettingError("SLACK_SIGNING_SECRET")
    core = core or build_core(settings, engine=engine)
    clock = clock or system_clock
    client, oauth = _web_api(settings, core.engine)
    flows = build_flows(core, clock)
    services = flows.services
    deps = SlackDeps(
        flows=flows,
        default_locale=settings.default_locale,
        tick_seconds=settings.tick_seconds,
        profiles=ProfileCache(clock),
    )
    logging.getLogger("slack_bolt.App").addFilter(_BOLT_ENV_TOKEN_WARNING)  # once: same filter
    answering = Answering()
    workers = listener_executor or WorkerPool(settings.slack_workers, answering=answering)
    signing_secret = settings.slack_signing_secret.get_secret_value()
    language = language_of(deps)
    bolt = PalierBolt(
        language=language,  # every listener guarded: a failure is logged and the person told
        signing_secret=signing_secret,
        # Slack's signature check (a malformed timestamp a 401, not a 500), then the
        # payload parsed, before authorization: Bolt's own check is off, ours takes its place.
        request_verification_enabled=False,
        before_authorize=EdgeMiddleware(signing_secret, language),
        client=client,
        # OAuth mode: the install flow, and each request authorized with its workspace's
        # installation (refreshed when its token rotates).
        oauth_settings=oauth.settings if oauth else None,
        # No auth.test at construction: `palier check` and the first call say if the token is bad.
        token_verification_enabled=False,
        workers=workers,
        answering=answering,
    )
    bolt.error(on_error)
    commands.register(bolt, deps)
    for kind in (
        actions,
        views,
        events,
        shortcuts,
        home,
        one_on_one_commands,
        topic_commands,
        vae_commands,
        referentiel_upload,
    ):
        kind.register(bolt, deps)
    policy = tick_policy(core, services.planning)
    ticker = Ticker(
        core.sessions,
        core.referentiels,
        {
            **(messengers or {}),
            Platform.SLACK: SlackMessenger(
                oauth.clients if oauth else lambda _workspace_id: client,
                Pacer(settings.slack_post_messages_per_minute),
            ),
        },
        policy,
        worker or worker_name(),
        clock,
    )
    owned = workers if listener_executor is None else None
    client_of = oauth.clients if oauth else lambda _workspace_id: client
    return PalierSlack(
        core,
        client,
        bolt,
        ticker,
        clock,
        settings,
        workers=owned,
        recover_checkins=lambda: views.recover_checkins(deps, client_of),
    )


def _web_api(settings: Settings, engine: Engine) -> tuple[WebClient, OAuthWiring | None]:
    """The app's Web API client, and the OAuth wiring when several workspaces install Palier."""
    client_id, client_secret = settings.slack_client_id, settings.slack_client_secret
    if client_id is None or client_secret is None:
        token = settings.slack_bot_token
        if token is None:
            raise MissingSettingError("SLACK_BOT_TOKEN")
        return make_client(token.get_secret_value(), settings.slack_api_url), None
    if settings.slack_bot_token is not None:
        log.warning("SLACK_BOT_TOKEN is not used: in OAuth mode each workspace's token is its own")
    client = oauth_client(settings.slack_api_url)
    oauth = build_oauth(
        client_id=client_id,
        client_secret=client_secret.get_secret_value(),
        engine=engine,
        client=client,
    )
    return client, oauth
