"""What keeps one failure from spreading through a tick: workspace pauses, claim
heartbeats, and the failures a front end reports that are nobody's fault in particular.

A workspace whose token fails (:class:`WorkspaceUnavailable`: revoked, account
inactive, app uninstalled) is paused on its tenant row instead of failing its
people one by one; the pause is probed every few minutes and lifted when the token
works. A sender renews its claims while it works (:func:`claims_heartbeat`) so a
slow send is never mistaken for a dead sender's. A post whose answer never came
(:class:`DeliveryUncertain`) is marked so that its next try looks for it first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_scope
from storage.models import Tenant
from storage.repositories import PromptRepository

log = logging.getLogger(__name__)

UNKNOWN_OUTCOME = "unknown_outcome"  # last_error prefix: look for the prompt before re-sending


class DeliveryUncertain(Exception):
    """The message may have been posted or not (the client timed out waiting)."""


class DeliveryDeferred(Exception):
    """Not sent now through nobody's fault (the platform's rate limit): a later tick
    tries again, without using one of the prompt's attempts."""


class WorkspaceUnavailable(Exception):
    """The workspace's token no longer works (``reason``: invalid_auth, token_revoked …)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WorkspacePauses:
    """The workspaces whose sending is paused, as recorded on their tenant rows."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.paused: set[int] = set()  # tenant ids, for the current tick

    def refresh(
        self,
        now: datetime,
        probe_every: timedelta,
        check: Callable[[str], None],
        errors: list[str],
    ) -> None:
        """The tenants still paused at ``now``; a pause due for a probe is probed
        (``check`` raises while the workspace's token fails) and lifted if it works."""
        with session_scope(self.sessions) as session:
            paused = session.execute(
                select(Tenant.id, Tenant.external_id, Tenant.delivery_checked_at).where(
                    Tenant.delivery_paused_at.is_not(None)
                )
            ).all()
        self.paused = set()
        for tenant_id, workspace_id, checked_at in paused:
            if checked_at is not None and now - checked_at < probe_every:
                self.paused.add(tenant_id)
                continue
            try:
                check(workspace_id)
            except Exception as error:
                reason = error.reason if isinstance(error, WorkspaceUnavailable) else None
                self.pause(tenant_id, reason or type(error).__name__, now, errors)
                continue
            with session_scope(self.sessions) as session:
                session.execute(
                    update(Tenant)
                    .where(Tenant.id == tenant_id)
                    .values(delivery_paused_at=None, delivery_error=None, delivery_checked_at=None)
                    .execution_options(synchronize_session=False)
                )
            log.warning("workspace %s: the token works again, sending resumes", workspace_id)

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

    def tenant_of(self, workspace_id: str) -> int | None:
        with session_scope(self.sessions) as session:
            return session.scalar(select(Tenant.id).where(Tenant.external_id == workspace_id))


@contextmanager
def claims_heartbeat(
    sessions: sessionmaker[Session],
    worker: str,
    clock: Callable[[], datetime],
    every: timedelta,
) -> Iterator[None]:
    """Renew ``worker``'s claims every ``every`` while the block runs, so that however
    long one send takes (rate limits waited out, a slow platform), no other process
    takes its prompts for a dead sender's."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every.total_seconds()):
            try:
                with session_scope(sessions) as session:
                    PromptRepository(session).renew_claims(worker, clock())
            except Exception:  # the next beat tries again
                log.exception("could not renew the claims of %s", worker)

    thread = threading.Thread(target=beat, name=f"claims-{worker}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
