"""What a tick is told (:class:`TickPolicy`) and what it answers (:class:`TickReport`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.delivery.claims import Confirmation
from bot.delivery.profiles import ProfileRefresh
from bot.domain.planning import PlanningPolicy
from bot.i18n import Locale

MAX_ATTEMPTS = 5  # transient failures before a prompt is given up as failed
CLAIM_LEASE = timedelta(minutes=5)  # a claim older than this belongs to a dead sender
WORKSPACE_PROBE = timedelta(minutes=5)  # how often a paused workspace's token is tried


@dataclass(frozen=True)
class Lanes:
    """How a process sends prompts: ``lanes`` workspaces at a time, ``width`` messages
    in flight in each (the platform's messenger paces them), claimed ``batch`` at a time
    and recorded ``record_every`` at a time (what a process that dies mid-batch leaves
    to the recovery of stale claims)."""

    lanes: int = 8
    width: int = 4
    batch: int = 100
    record_every: int = 25

    @property
    def serial(self) -> Lanes:
        return Lanes(lanes=1, width=1, batch=self.batch, record_every=self.record_every)


@dataclass
class TickReport:
    planned: int = 0
    sent: int = 0
    reminded: int = 0
    missed: int = 0
    failed: int = 0
    recovered: int = 0
    briefs: int = 0  # scheduled 1:1 briefs sent
    digests: int = 0  # managers' weekly reviews sent
    welcomed: int = 0  # welcomes of people enrolled, sent
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TickPolicy:
    planning: PlanningPolicy
    reminder_hours: float = 24
    default_locale: Locale = "fr"  # for people whose platform language Palier does not speak
    claim_lease: timedelta = CLAIM_LEASE
    claim_heartbeat: timedelta = CLAIM_LEASE / 3  # how often a live sender renews its claims
    workspace_probe: timedelta = WORKSPACE_PROBE
    # An unconfirmed permanent-looking failure deactivates a person only once it
    # happened this many times over at least this long.
    confirm_failures: int = 3
    confirm_span: timedelta = timedelta(days=2)
    lanes: Lanes = Lanes()  # how prompts are sent side by side (PostgreSQL)
    profile_refresh: ProfileRefresh = field(default_factory=ProfileRefresh)  # read again, slowly
    # Welcomes of people enrolled claimed per tick and process (bot.delivery.welcomes): a
    # big import is welcomed over a few ticks, at the platform's pace.
    welcomes_per_tick: int = 300
    # PALIER_MANAGERS_SEE_INDIRECT: who sees a person's data, as the welcome says it.
    managers_see_indirect: bool = False

    @property
    def confirmation(self) -> Confirmation:
        return Confirmation(self.confirm_failures, self.confirm_span)
