"""The workspaces a tick serves: each one's platform (so its messenger) and its pause.

A workspace whose token fails (:class:`~bot.delivery.messenger.WorkspaceUnavailable`:
revoked, account inactive, app uninstalled) is paused on its tenant row instead of
failing its people one by one; the pause is probed every few minutes and lifted when
the token works. A workspace of a platform this process has no messenger for is
skipped (and logged) for the tick: nothing of it is claimed, so a process that does
serve that platform sends it. A workspace whose platform asked to wait (a 429's
``Retry-After``) is held on its tenant row until then: every process skips it. Tenants are read once per tick, so no message needs
its tenant's row read again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.messenger import Messenger, WorkspaceUnavailable
from storage.db import session_scope
from storage.models import Platform, Tenant
from storage.repositories import WorkspaceLeases

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Workspace:
    tenant_id: int
    platform: Platform
    external_id: str  # the platform's id of the workspace


class Workspaces:
    """The tick's view of the tenants: who is served, by which messenger, who is paused."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        messengers: Mapping[Platform, Messenger],
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.sessions = sessions
        self.messengers = messengers
        self.clock = clock or (lambda: datetime.now(UTC))
        self.known: dict[int, Workspace] = {}
        self.paused: set[int] = set()  # tenant ids, for the current tick
        self.held: set[int] = set()  # asked to wait (Retry-After), for the current tick
        self.unserved: set[int] = set()  # no messenger for their platform in this process

    @property
    def excluded(self) -> set[int]:
        """Tenants nothing is claimed for in this tick (paused, held, or not served here)."""
        return self.paused | self.held | self.unserved

    def refresh(self, now: datetime, probe_every: timedelta, errors: list[str]) -> None:
        """Read the tenants; a pause due for a probe is probed and lifted if the token works."""
        with session_scope(self.sessions) as session:
            rows = session.execute(
                select(
                    Tenant.id,
                    Tenant.platform,
                    Tenant.external_id,
                    Tenant.delivery_paused_at,
                    Tenant.delivery_checked_at,
                    Tenant.send_hold_until,
                )
            ).all()
        self.known, self.paused, self.held, self.unserved = {}, set(), set(), set()
        for tenant_id, platform, external_id, paused_at, checked_at, hold in rows:
            workspace = Workspace(tenant_id, platform, external_id)
            self.known[tenant_id] = workspace
            if hold is not None and hold > now:
                self.held.add(tenant_id)  # a process met a Retry-After: nobody sends yet
            messenger = self.messengers.get(platform)
            if messenger is None:
                self.unserved.add(tenant_id)
                log.warning("workspace %s: no %s messenger here, skipped", external_id, platform)
            elif paused_at is not None:
                self._probe(workspace, messenger, checked_at, now, probe_every, errors)

    def _probe(
        self,
        workspace: Workspace,
        messenger: Messenger,
        checked_at: datetime | None,
        now: datetime,
        probe_every: timedelta,
        errors: list[str],
    ) -> None:
        tenant_id = workspace.tenant_id
        if checked_at is not None and now - checked_at < probe_every:
            self.paused.add(tenant_id)
            return
        try:
            messenger.check_workspace(workspace.external_id)
        except Exception as error:
            reason = error.reason if isinstance(error, WorkspaceUnavailable) else None
            self.pause(tenant_id, reason or type(error).__name__, now, errors)
            return
        with session_scope(self.sessions) as session:
            session.execute(
                update(Tenant)
                .where(Tenant.id == tenant_id)
                .values(delivery_paused_at=None, delivery_error=None, delivery_checked_at=None)
                .execution_options(synchronize_session=False)
            )
        log.warning("workspace %s: the token works again, sending resumes", workspace.external_id)

    def get(self, tenant_id: int, session: Session | None = None) -> Workspace | None:
        """The tenant's workspace (read now, in ``session`` if given, if it appeared
        during the tick)."""
        if tenant_id not in self.known:
            workspace = self._read(session, tenant_id) if session else self._read_apart(tenant_id)
            if workspace is None:
                return None
            self.known[tenant_id] = workspace
            if workspace.platform not in self.messengers:
                self.unserved.add(tenant_id)
        return self.known[tenant_id]

    def _read_apart(self, tenant_id: int) -> Workspace | None:
        with session_scope(self.sessions) as session:
            return self._read(session, tenant_id)

    @staticmethod
    def _read(session: Session, tenant_id: int) -> Workspace | None:
        tenant = session.get(Tenant, tenant_id)
        return Workspace(tenant_id, tenant.platform, tenant.external_id) if tenant else None

    def messenger(self, tenant_id: int) -> Messenger | None:
        workspace = self.get(tenant_id)
        return self.messengers.get(workspace.platform) if workspace else None

    def hold(self, tenant_id: int, wait: timedelta) -> None:
        """The platform asked to wait ``wait``: no process sends to the workspace before
        it elapses (kept on its row; this process stops sending to it for the tick)."""
        self.held.add(tenant_id)
        with session_scope(self.sessions) as session:
            WorkspaceLeases(session).hold(tenant_id, self.clock() + wait)
        log.warning(
            "workspace %s: held %.0f s (the platform asked to wait)",
            tenant_id,
            wait.total_seconds(),
        )

    def pause(self, tenant_id: int, reason: str, now: datetime, errors: list[str]) -> None:
        """Record that the workspace's sending is paused (kept: when it began)."""
        with session_scope(self.sessions) as session:
            tenant = session.get(Tenant, tenant_id)
            if tenant is None:
                return
            first = tenant.delivery_paused_at is None
            tenant.delivery_paused_at = tenant.delivery_paused_at or now
            tenant.delivery_error = reason[:64]
            tenant.delivery_checked_at = now
            workspace_id = tenant.external_id
        self.paused.add(tenant_id)
        errors.append(f"workspace {workspace_id}: sending paused ({reason})")
        if first:
            log.warning("workspace %s: sending paused, the token fails (%s)", workspace_id, reason)
