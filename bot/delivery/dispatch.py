"""Sending the due prompts of many workspaces at once, each in its own lane.

A whole company's Thursday 16:00 is thousands of prompts due in the same minute, in
workspaces that each have their own rate limits. Each workspace with prompts due gets a
lane, which sends only while this process holds the workspace's sending lease
(:mod:`bot.delivery.leases`: one process per workspace at a time, so its pace and the
waits the platform asked for are one process's to keep; several processes split the
company by workspace). The lane claims its prompts in batches (one statement, ``FOR
UPDATE SKIP LOCKED`` on PostgreSQL, so that no two claims overlap), sends them ``width``
at a time (the network's latency, not Palier, would otherwise set the pace; the
platform's messenger spaces them at the workspace's rate, and a ``Retry-After`` met by
one holds for the others, in this process and, through the workspace's row, in every
other), and records what was sent in a few statements per batch. Lanes run side by side
on a bounded pool of threads, so one slow or rate-limited workspace delays nobody
else's. SQLite serialises writers: there, lanes run one after another in the tick's own
thread.

A workspace whose token fails, or that asks to wait past the client's retries, stops its
lane: what it had claimed is handed back in one statement for a later tick.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from threading import Event, Lock

from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.claims import Claimed, Failed, Failure, Sender
from bot.delivery.leases import SendingLeases
from bot.delivery.messenger import Messenger
from bot.delivery.policy import Lanes
from bot.delivery.prompts import PromptJob
from storage.db import session_scope
from storage.repositories import PromptRepository

log = logging.getLogger(__name__)


class PromptDispatch:
    """The tick's sending of due prompts (see the module's docstring)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        job: PromptJob,
        sender: Sender,
        lanes: Lanes,
        leases: SendingLeases,
    ) -> None:
        self.sessions = sessions
        self.job = job
        self.sender = sender
        self.leases = leases
        serial = sessions.kw["bind"].dialect.name == "sqlite"
        self.lanes = lanes.serial if serial else lanes

    def run(self, now: datetime) -> None:
        """Send every prompt due at ``now`` that this tick has not tried yet."""
        workspaces = self.job.prompts.workspaces
        with session_scope(self.sessions) as session:
            tenants = PromptRepository(session).due_tenants(now, workspaces.excluded)
        if not tenants:
            return
        if self.lanes.lanes <= 1 or len(tenants) == 1:
            for tenant_id in tenants:
                self._lane(tenant_id, now)
            return
        with ThreadPoolExecutor(
            max_workers=min(self.lanes.lanes, len(tenants)), thread_name_prefix="lane"
        ) as pool:
            for done in [pool.submit(self._lane, t, now) for t in tenants]:
                done.result()

    def _lane(self, tenant_id: int, now: datetime) -> None:
        """One workspace's prompts, batch after batch, while this process holds the
        workspace's lease, until none is due or it stops."""
        taken = False
        try:
            # Before each batch: the lease taken, or kept (it may have been lost to a
            # long pause of this process, or the workspace held by another meanwhile).
            while self.leases.take(tenant_id):
                taken = True
                claimed = self.job.claim_batch(tenant_id, now, self.lanes.batch)
                if not claimed or not self._send_batch(tenant_id, claimed, now):
                    break
        except Exception as error:  # never the others' trouble
            log.exception("tick: workspace %s's lane failed", tenant_id)
            self.job.report.errors.append(f"workspace {tenant_id}: {type(error).__name__}")
        finally:
            if taken:
                self._release(tenant_id)

    def _release(self, tenant_id: int) -> None:
        try:
            self.leases.release(tenant_id)
        except Exception:  # it expires on its own
            log.exception("tick: workspace %s's lease could not be released", tenant_id)

    def _send_batch(self, tenant_id: int, claimed: Sequence[Claimed], now: datetime) -> bool:
        """Send a claimed batch; False when the workspace stopped (its token fails, or it
        asks to wait): what is left is given back."""
        batch = _Batch(self.job, self.job.prompts.workspaces.messenger(tenant_id), now)

        def one(message: Claimed) -> None:
            if batch.stopped.is_set():
                batch.stop(message)
                return
            sent = self.sender.attempt(self.job, message, now)
            if isinstance(sent, Failed):
                if sent.failure in (Failure.PAUSED, Failure.DEFERRED):
                    batch.stopped.set()  # the message itself was given back by its job
                return
            batch.sent(message, sent, self.lanes.record_every)

        if self.lanes.width <= 1:
            for message in claimed:
                one(message)
        else:
            with ThreadPoolExecutor(self.lanes.width, thread_name_prefix="send") as pool:
                list(pool.map(one, claimed))
        batch.close()
        return not batch.stopped.is_set()


class _Batch:
    """What one batch's senders share: the messages sent and not recorded yet, the
    messages left unsent when the lane stopped."""

    def __init__(self, job: PromptJob, messenger: Messenger | None, now: datetime) -> None:
        self.job = job
        self.messenger = messenger
        self.now = now
        self.stopped = Event()
        self._lock = Lock()
        self._sent: list[tuple[Claimed, str]] = []
        self._unsent: list[Claimed] = []

    def sent(self, message: Claimed, ref: str, record_every: int) -> None:
        with self._lock:
            self._sent.append((message, ref))
            if len(self._sent) < record_every:
                return
            done, self._sent = self._sent, []
        self.job.sent_batch(done, self.messenger, self.now)

    def stop(self, message: Claimed) -> None:
        self.stopped.set()
        with self._lock:
            self._unsent.append(message)

    def close(self) -> None:
        """Record what is left; hand back what was not sent."""
        self.job.sent_batch(self._sent, self.messenger, self.now)
        self.job.give_back(self._unsent, "stopped")
        self._sent, self._unsent = [], []
