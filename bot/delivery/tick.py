"""The tick: what Palier does every minute, whichever process runs it.

One tick reads the workspaces (probing the paused ones), plans the current cycles'
prompts, closes the cycles that ended (unanswered prompts become *missed*), recovers
prompts whose sender died, then sends what is due: the welcomes of people just enrolled,
prompts, reminders, 1:1 briefs and the managers' weekly reviews. Each goes out the one way of
:mod:`bot.delivery.claims` — claimed by one conditional UPDATE, sent, recorded — so
two processes ticking at once, or one tick repeated, never message anyone twice.
Network calls happen between short transactions, never inside one.

Sending goes through each workspace's platform's messenger
(:class:`bot.delivery.messenger.Messenger`): the Ticker is given one per platform and
a workspace of a platform it has none for is skipped. One person's failure never
stops the tick for the others: it is logged and reported against that person.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.briefs import BriefJob
from bot.delivery.claims import Job, Sender, claims_heartbeat
from bot.delivery.digests import DigestJob
from bot.delivery.dispatch import PromptDispatch
from bot.delivery.leases import SendingLeases
from bot.delivery.messenger import Messenger
from bot.delivery.planning import PromptBookkeeping
from bot.delivery.policy import TickPolicy, TickReport
from bot.delivery.profiles import Profiles
from bot.delivery.prompts import PromptJob, Prompts
from bot.delivery.reminders import ReminderJob
from bot.delivery.welcomes import POLL as WELCOME_POLL
from bot.delivery.welcomes import WelcomeJob
from bot.delivery.workspaces import Workspaces
from bot.domain.review import ReviewService
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import Platform
from storage.repositories import PromptRepository, WorkspaceLeases

__all__ = ["TickPolicy", "TickReport", "Ticker"]

log = logging.getLogger(__name__)

Item = TypeVar("Item")


class Ticker:
    """Runs ticks: one session per step, opened here (the scheduled job is the caller)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        catalog: ReferentielCatalog,
        messengers: Mapping[Platform, Messenger],
        policy: TickPolicy,
        worker: str,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sessions = sessions
        self.catalog = catalog
        self.messengers = messengers
        self.policy = policy
        self.worker = worker
        self.workspaces = Workspaces(sessions, messengers, self.clock)
        self.leases = SendingLeases(sessions, worker, self.clock, policy.claim_lease)
        self.reviews = ReviewService(catalog)
        self._welcomes_at = datetime.min.replace(tzinfo=UTC)  # when to look for welcomes

    def tick(self, now: datetime) -> TickReport:
        """One tick at ``now``; never raises for one person's failure."""
        report = TickReport()
        policy = self.policy
        self.leases.term = policy.claim_lease
        self.workspaces.refresh(now, policy.workspace_probe, report.errors)
        prompts = Prompts(self.sessions, self.catalog, policy, self.workspaces)
        sender = Sender(
            self.sessions, self.workspaces, policy.confirmation, report.errors, self.leases
        )
        bookkeeping = PromptBookkeeping(prompts, report)
        bookkeeping.plan(now)
        bookkeeping.close_ended(now)
        bookkeeping.recover_stale(now)
        with claims_heartbeat(self._renew_claims, self.clock, policy.claim_heartbeat):
            try:
                self._welcome(sender, report, now)
                job = self.prompt_job(report, prompts)
                PromptDispatch(self.sessions, job, sender, policy.lanes, self.leases).run(now)
                self._send_the_rest(sender, prompts, report, now)
            finally:
                self.leases.release_kept()
        return report

    def _welcome(self, sender: Sender, report: TickReport, now: datetime) -> None:
        """Welcomes first: someone enrolled just before their slot reads it before the
        prompt. Looked for when planning saw someone (an enrolment is planned at the next
        tick), else every few minutes: an idle tick reads no more than before. Like every
        send, under the workspace's lease (released with the others at the tick's end)."""
        if not (report.planned or now >= self._welcomes_at):
            return
        welcomes = WelcomeJob(self.sessions, self.catalog, self.policy, self.workspaces, report)
        self._each(sender, welcomes, ((i, i) for i in welcomes.due(now)), now, report)
        self._welcomes_at = now if welcomes.again_next_tick else now + WELCOME_POLL

    def _send_the_rest(
        self, sender: Sender, prompts: Prompts, report: TickReport, now: datetime
    ) -> None:
        """After the prompts: profiles read again, reminders, 1:1 briefs, weekly reviews,
        one at a time, each in a workspace whose lease this process holds or takes."""
        policy = self.policy
        profiles = Profiles(
            self.sessions, self.workspaces, policy.profile_refresh, prompts.recipient
        )
        profiles.refresh_oldest(now, report.errors)
        reminders = ReminderJob(prompts, report)
        due = reminders.due(now)
        self._each(sender, reminders, ((r.prompt_id, r) for r in due), now, report)
        briefs = BriefJob(self.sessions, self.catalog, policy, self.workspaces, report)
        self._each(sender, briefs, ((i, i) for i in briefs.due(now)), now, report)
        digests = DigestJob(
            self.sessions, self.reviews, policy, self.workspaces, self.worker, report
        )
        self._each(sender, digests, ((i, i) for i in digests.due(now)), now, report)

    def prompt_job(self, report: TickReport, prompts: Prompts | None = None) -> PromptJob:
        """How this process claims and sends prompts (also to build one by hand, in tests)."""
        prompts = prompts or Prompts(self.sessions, self.catalog, self.policy, self.workspaces)
        return PromptJob(prompts, self.worker, self.clock, report)

    def _renew_claims(self, at: datetime) -> None:
        """The heartbeat: this process's claimed prompts and its workspaces' leases."""
        with session_scope(self.sessions) as session:
            PromptRepository(session).renew_claims(self.worker, at)
            WorkspaceLeases(session).renew(self.worker, at + self.leases.term)

    @staticmethod
    def _each(
        sender: Sender,
        job: Job[Item],
        items: Iterable[tuple[int, Item]],
        now: datetime,
        report: TickReport,
    ) -> None:
        """Deliver each item; an unexpected failure is logged against that item and
        reported, and the tick goes on with everyone else."""
        for item_id, item in items:
            what = f"{job.kind} {item_id}"
            try:
                sender.deliver(job, item, now)
            except Exception as error:
                log.exception("tick: %s failed", what)
                report.errors.append(f"{what}: {type(error).__name__}: {error}"[:255])
