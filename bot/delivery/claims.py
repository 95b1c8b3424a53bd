"""Claim, send, record: the one way every message the tick sends goes out.

A kind of message (:class:`Job`: prompts, reminders, weekly reviews, 1:1 briefs)
says how to claim one — a conditional UPDATE, so that of two processes exactly one
sends it — and what to record for each outcome. :class:`Sender` does the rest, the
same for all: it sends through the workspace's messenger, outside any transaction,
and turns what went wrong into one :class:`Failure`:

* the person cannot be written to (:class:`~bot.delivery.messenger.PermanentDeliveryError`):
  when the failure is the person's (``Claimed.person_id``) and not confirmed yet, the
  platform's profile or failures persisting across days confirm it
  (:class:`Confirmation`); confirmed, the person is marked inactive; a stored
  conversation the platform says is gone is forgotten first;
* the message may have gone out (:class:`~bot.delivery.messenger.DeliveryUncertain`): a
  marked one (a prompt) is looked for by its marker at its next try, any other is not
  sent again — one may be lost, none is doubled;
* the workspace's token fails: the workspace pauses, the message is given back without
  using an attempt; the platform asks to wait: given back likewise, and the wait it asked
  for is kept on the workspace's row, so that no process sends to it before it elapses;
* anything else passes: tried again at a later tick.

A message is sent only in a workspace whose sending lease this process holds
(:mod:`bot.delivery.leases`): one another process is sending to is given back, no
attempt used. :func:`claims_heartbeat` renews a live sender's claims (and leases) while
it works, so a slow send is never taken for a dead sender's.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.leases import SendingLeases
from bot.delivery.messenger import (
    UNKNOWN_OUTCOME,
    DeliveryDeferred,
    DeliveryUncertain,
    Marker,
    Messenger,
    PermanentDeliveryError,
    Recipient,
    WorkspaceUnavailable,
)
from bot.delivery.workspaces import Workspaces
from bot.domain.people import apply_profile
from storage.db import session_scope
from storage.models import Person

log = logging.getLogger(__name__)

Item = TypeVar("Item", contravariant=True)


class Failure(enum.Enum):
    """What a failed send means for the message (each job records it its own way)."""

    UNREACHABLE = "unreachable"  # the person cannot be written to: this one is lost
    UNCONFIRMED = "unconfirmed"  # it looks so, not confirmed yet: try again later
    LOST = "lost"  # it may have gone out and cannot be looked for: never sent again
    PAUSED = "paused"  # the workspace's token fails: given back, no attempt used
    DEFERRED = "deferred"  # the platform asks to wait: given back, no attempt used
    PASSING = "passing"  # anything else: tried again at a later tick


@dataclass(frozen=True)
class Failed:
    failure: Failure
    reason: str  # for last_error and the tick's report (UNKNOWN_OUTCOME first when unsure)
    uncertain: bool  # it may have been posted: a marked message is looked for next time
    wait: timedelta | None = None  # DEFERRED: how long the platform asked to wait


@dataclass(frozen=True)
class Claimed:
    """A message this process claimed: to whom, what, and how to recover it."""

    item_id: int
    tenant_id: int
    recipient: Recipient
    view: object
    marker: Marker | None = None  # set: a post whose answer never came is looked for
    near: str | None = None  # a message of the same conversation, when known
    uncertain: bool = False  # a previous try may have posted it: look for it first
    person_id: int | None = None  # set: a failure to reach them counts against them


class Job(Protocol[Item]):
    """One kind of message: how it is claimed, and what each outcome records."""

    kind: str  # names it in the tick's report ("prompt", "reminder", …)

    def claim(self, item: Item, now: datetime) -> Claimed | None:
        """Claim one due message; None when there is nothing to send (recorded already)."""
        ...

    def sent(self, claimed: Claimed, ref: str, now: datetime) -> None: ...

    def failed(self, claimed: Claimed, failed: Failed, now: datetime) -> None: ...


@dataclass(frozen=True)
class Confirmation:
    """When a permanent-looking but unconfirmed failure deactivates a person: once it
    happened ``failures`` times over at least ``span`` (or the platform says the
    account is deleted)."""

    failures: int = 3
    span: timedelta = timedelta(days=2)


class Sender:
    """Sends claimed messages through each workspace's messenger and sorts out failures."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        workspaces: Workspaces,
        confirmation: Confirmation,
        errors: list[str],
        leases: SendingLeases | None = None,
    ) -> None:
        self.sessions = sessions
        self.workspaces = workspaces
        self.confirmation = confirmation
        self.errors = errors
        self.leases = leases

    def deliver(self, job: Job[Item], item: Item, now: datetime) -> bool:
        """Claim ``item``, send it, record the outcome; True when it was sent."""
        claimed = job.claim(item, now)
        if claimed is None:
            return False
        if self.leases is not None and not self.leases.keep(claimed.tenant_id):
            # Another process is sending to the workspace (its pace is that process's),
            # or it may not be sent to now: given back, no attempt used.
            job.failed(claimed, Failed(Failure.DEFERRED, "workspace_busy", claimed.uncertain), now)
            return False
        sent = self.attempt(job, claimed, now)
        if isinstance(sent, Failed):
            return False
        job.sent(claimed, sent, now)
        return True

    def attempt(self, job: Job[Item], claimed: Claimed, now: datetime) -> str | Failed:
        """Send one claimed message: its reference, or why it was not sent (recorded by
        ``job.failed`` and reported). The caller records a success (:meth:`Job.sent`,
        or in a batch)."""
        messenger = self.workspaces.messenger(claimed.tenant_id)
        if messenger is None:  # not served here: give it back for a process that serves it
            log.warning("%s %s: no messenger for its workspace", job.kind, claimed.item_id)
            failed = Failed(Failure.DEFERRED, "no_messenger", claimed.uncertain)
            job.failed(claimed, failed, now)
            return failed
        try:
            return self._send(messenger, claimed)
        except Exception as error:
            failed = self._sorted(messenger, claimed, error, now)
            job.failed(claimed, failed, now)
            self._report(job.kind, claimed, failed, now)
            return failed

    @staticmethod
    def _send(messenger: Messenger, claimed: Claimed) -> str:
        marker = claimed.marker
        # The last try's answer never came: if it was posted after all, it is not sent again.
        found = messenger.find(claimed.recipient, marker) if marker and claimed.uncertain else None
        return found or messenger.send(
            claimed.recipient, claimed.view, marker=marker, near=claimed.near
        )

    def _sorted(
        self, messenger: Messenger, claimed: Claimed, error: Exception, now: datetime
    ) -> Failed:
        uncertain = claimed.uncertain or isinstance(error, DeliveryUncertain)
        reason = f"{type(error).__name__}: {error}"
        wait = None
        if isinstance(error, PermanentDeliveryError):
            reason = error.reason
            if error.conversation_gone:
                self._forget_conversation(claimed)
            confirmed = claimed.person_id is None or error.confirmed
            confirmed = confirmed or self._confirmed(messenger, claimed, now)
            failure = Failure.UNREACHABLE if confirmed else Failure.UNCONFIRMED
        elif isinstance(error, WorkspaceUnavailable):
            reason, failure = error.reason, Failure.PAUSED
        elif isinstance(error, DeliveryDeferred):
            failure, wait = Failure.DEFERRED, error.retry_after
        elif isinstance(error, DeliveryUncertain) and claimed.marker is None:
            failure = Failure.LOST
        else:
            failure = Failure.PASSING
        if uncertain:
            reason = f"{UNKNOWN_OUTCOME}: {reason}"
        return Failed(failure, reason[:255], uncertain, wait)

    def _report(self, kind: str, claimed: Claimed, failed: Failed, now: datetime) -> None:
        what = f"{kind} {claimed.item_id}"
        if failed.failure is Failure.UNREACHABLE and claimed.person_id is not None:
            self._deactivate(claimed.person_id, failed.reason)
        if failed.failure is Failure.PAUSED:
            self.workspaces.pause(claimed.tenant_id, failed.reason, now, self.errors)
        elif failed.failure is Failure.DEFERRED:
            if failed.wait:  # no process sends to the workspace before it elapses
                self.workspaces.hold(claimed.tenant_id, failed.wait)
            self.errors.append(f"{what}: deferred: {failed.reason}")
        else:
            self.errors.append(f"{what}: {failed.reason}")
        log.warning("%s not sent (%s): %s", what, failed.failure.value, failed.reason)

    def _confirmed(self, messenger: Messenger, claimed: Claimed, now: datetime) -> bool:
        """Count one unconfirmed failure of the person; True when it is confirmed: the
        platform says the account is deleted, or failures persisted across days."""
        try:
            profile = messenger.profile(claimed.recipient)
        except Exception:
            profile = None  # the platform could not say: only the count decides
        with session_scope(self.sessions) as session:
            person = session.get(Person, claimed.person_id)
            if person is None:
                return True
            if profile is not None and profile.deleted:
                apply_profile(person, profile)  # inactive, as the platform says: deactivated
                return True
            person.delivery_failures = (person.delivery_failures or 0) + 1
            first = person.delivery_failed_at or now
            person.delivery_failed_at = first
            return (
                person.delivery_failures >= self.confirmation.failures
                and now - first >= self.confirmation.span
            )

    def _forget_conversation(self, claimed: Claimed) -> None:
        """The recipient's stored conversation no longer reaches them: forgotten (unless a
        new one was stored meanwhile), so they count as not installed until they are."""
        recipient = claimed.recipient
        if recipient.conversation is None:
            return
        with session_scope(self.sessions) as session:
            session.execute(
                update(Person)
                .where(
                    Person.tenant_id == claimed.tenant_id,
                    Person.platform_user_id == recipient.user_id,
                    Person.conversation_ref == recipient.conversation,
                )
                .values(conversation_ref=None)
                .execution_options(synchronize_session=False)
            )
        log.warning("%s's conversation no longer reaches them: forgotten", recipient.user_id)

    def _deactivate(self, person_id: int, reason: str) -> None:
        with session_scope(self.sessions) as session:
            person = session.get(Person, person_id)
            if person is not None and person.active:
                person.active = False
                person.inactive_reason = reason[:64]


@contextmanager
def claims_heartbeat(
    renew: Callable[[datetime], None], clock: Callable[[], datetime], every: timedelta
) -> Iterator[None]:
    """Call ``renew(clock())`` every ``every`` while the block runs, so that however
    long one send takes (rate limits waited out, a slow platform), no other process
    takes the sender's claims for a dead sender's."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every.total_seconds()):
            try:
                renew(clock())
            except Exception:  # the next beat tries again
                log.exception("could not renew claims")

    thread = threading.Thread(target=beat, name="claims-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
