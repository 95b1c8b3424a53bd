"""One process at a time sends a workspace's prompts: its sending lease.

The platform's limits are per workspace (Slack's ``chat.postMessage`` rate, a
``Retry-After``), and a process paces its posts and keeps the waits it was asked for in
memory. With several ``palier run`` processes sharing the work, two sending the same
workspace would each use the whole rate. So a lane (:mod:`bot.delivery.dispatch`) first
takes its workspace's lease, a conditional UPDATE of the tenant's row naming the tick's
worker: a workspace another live process holds is left to it, and different processes
take different workspaces (they split a company's Thursday by workspace, each workspace
at its full rate from one process). The lease runs for ``term`` and the claims'
heartbeat renews it while its holder works, so a process that dies leaves its
workspaces to others once it expires — the same term after which its claimed prompts
are recovered. The tick's other messages (reminders, 1:1 briefs, weekly reviews) go out
one at a time after the prompts, each in a workspace whose lease the process takes for
the rest of the tick (:meth:`SendingLeases.keep`): one another process is sending is
given back for a later tick. A workspace asked to wait (its hold, :meth:`Workspaces.hold
<bot.delivery.workspaces.Workspaces.hold>`) or paused cannot be taken before it may be
sent to again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_scope
from storage.repositories import WorkspaceLeases


class SendingLeases:
    """The leases of one worker (a tick's process), on its clock."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        worker: str,
        clock: Callable[[], datetime],
        term: timedelta,
    ) -> None:
        self.sessions = sessions
        self.worker = worker
        self.clock = clock
        self.term = term
        self._lock = threading.Lock()
        self._kept: set[int] = set()  # taken by :meth:`keep`, until :meth:`release_kept`

    def take(self, tenant_id: int) -> bool:
        """Take or keep the workspace's lease; False: another process sends it, or it
        may not be sent to now (held or paused)."""
        now = self.clock()
        with session_scope(self.sessions) as session:
            return WorkspaceLeases(session).take(tenant_id, self.worker, now, now + self.term)

    def release(self, tenant_id: int) -> None:
        with session_scope(self.sessions) as session:
            WorkspaceLeases(session).release(tenant_id, self.worker)

    def keep(self, tenant_id: int) -> bool:
        """The workspace's lease for the rest of the tick (its reminders, briefs and
        reviews, one at a time): taken once, kept until :meth:`release_kept`."""
        with self._lock:
            if tenant_id in self._kept:
                return True
        if not self.take(tenant_id):
            return False
        with self._lock:
            self._kept.add(tenant_id)
        return True

    def release_kept(self) -> None:
        with self._lock:
            kept, self._kept = self._kept, set()
        for tenant_id in sorted(kept):
            self.release(tenant_id)
