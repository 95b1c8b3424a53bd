"""Sending the week's prompts: claimed in batches at clock time, read as messages in a
few statements per batch (the people's current levels in one query), sent with their
marker, recorded in a few statements per batch.

A prompt is the one message whose loss matters: it is sent with a marker, so one whose
post's answer never came is looked for before it is sent again (never posted twice),
and a transient failure is retried at later ticks up to :data:`MAX_ATTEMPTS`. The
claim's time is when it is taken (a tick can last): the lease of
:mod:`bot.delivery.planning`'s recovery runs from it, renewed by the heartbeat.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot.delivery.claims import Claimed, Failed, Failure
from bot.delivery.messenger import UNKNOWN_OUTCOME, Marker, Messenger, Recipient
from bot.delivery.policy import MAX_ATTEMPTS, TickPolicy, TickReport
from bot.delivery.views import PROMPT_MARKER, PromptMessage
from bot.delivery.workspaces import Workspaces
from bot.domain.checkin import CheckinForm, build_form, form_of, latest_levels_of
from bot.domain.people import zone_of
from bot.domain.snooze import snooze_options
from referentiels.loader import ReferentielCatalog
from referentiels.models import Level, Referentiel
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, PromptStatus
from storage.repositories import PeopleRepository, PromptRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PromptAddress:
    """Who a prompt's messages go to and the form they show."""

    recipient: Recipient
    form: CheckinForm


class Prompts:
    """Reading a prompt as delivery needs it, and changing it in a short transaction."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        catalog: ReferentielCatalog,
        policy: TickPolicy,
        workspaces: Workspaces,
    ) -> None:
        self.sessions = sessions
        self.catalog = catalog
        self.policy = policy
        self.workspaces = workspaces

    def recipient(self, person: Person, session: Session | None = None) -> Recipient | None:
        workspace = self.workspaces.get(person.tenant_id, session)
        if workspace is None:
            return None
        policy = self.policy
        return Recipient.of(
            person, workspace.external_id, policy.default_locale, policy.planning.default_timezone
        )

    def address(self, session: Session, prompt: CheckinPrompt) -> PromptAddress | None:
        """None when the person's référentiel is no longer known."""
        person = prompt.person
        referentiel = self.catalog.get(person.referentiel_id or "")
        recipient = self.recipient(person, session)
        if referentiel is None or recipient is None:
            return None
        return PromptAddress(recipient, build_form(session, person, prompt, referentiel))

    def change(self, prompt_id: int, change: Callable[[CheckinPrompt, Person], None]) -> None:
        with session_scope(self.sessions) as session:
            prompt = session.get(
                CheckinPrompt, prompt_id, options=[joinedload(CheckinPrompt.person)]
            )
            if prompt is not None:
                change(prompt, prompt.person)


class PromptJob:
    """The prompts' part in :class:`bot.delivery.claims.Sender` (``kind`` "prompt")."""

    kind = "prompt"

    def __init__(
        self, prompts: Prompts, worker: str, clock: Callable[[], datetime], report: TickReport
    ) -> None:
        self.prompts = prompts
        self.worker = worker
        self.clock = clock
        self.report = report
        self._lock = threading.Lock()  # the tick's lanes report from several threads
        self.returned: set[int] = set()  # prompts this tick tried and gave back

    def claim(self, prompt_id: int, now: datetime) -> Claimed | None:
        """Claim one prompt (the tick claims in batches: :meth:`claim_batch`)."""
        excluded = self.prompts.workspaces.excluded
        with session_scope(self.prompts.sessions) as session:
            claimed = PromptRepository(session).claim(
                prompt_id, self.worker, self.clock(), tenants_excluded=excluded
            )
            if not claimed:
                return None  # another process has it, or its workspace paused meanwhile
            return next(iter(self._messages(session, [prompt_id], now)), None)

    def claim_batch(self, tenant_id: int, now: datetime, limit: int) -> list[Claimed]:
        """Claim up to ``limit`` of the workspace's due prompts and read them as messages,
        in one transaction of a few statements whatever ``limit`` is."""
        if tenant_id in self.prompts.workspaces.excluded:
            return []
        with session_scope(self.prompts.sessions) as session:
            # The claim's time is when it is taken (a tick can last): the lease runs from it.
            with self._lock:
                returned = set(self.returned)
            ids = PromptRepository(session).claim_due(
                tenant_id, self.worker, now, limit, exclude=returned, claimed_at=self.clock()
            )
            return self._messages(session, ids, now) if ids else []

    def _messages(self, session: Session, prompt_ids: list[int], now: datetime) -> list[Claimed]:
        """The claimed prompts as messages; those held back (deactivated or paused since
        planning) are skipped, those whose référentiel is gone failed, one that cannot be
        read is tried again later without stopping the others."""
        prompts = session.scalars(
            select(CheckinPrompt)
            .where(CheckinPrompt.id.in_(prompt_ids))
            .options(joinedload(CheckinPrompt.person))
            .order_by(CheckinPrompt.scheduled_at, CheckinPrompt.id)
        ).all()
        ready: dict[int, tuple[CheckinPrompt, Referentiel]] = {}
        for prompt in prompts:
            referentiel = self._ready(prompt, now)
            if referentiel is not None:
                ready[prompt.person_id] = (prompt, referentiel)
        levels = latest_levels_of(
            session, {person_id: referentiel for person_id, (_, referentiel) in ready.items()}
        )
        messages = []
        for person_id, (prompt, referentiel) in ready.items():
            try:
                message = self.message(session, prompt, levels[person_id], referentiel, now)
            except Exception as error:
                self._unreadable(prompt, error)
                continue
            if message is None:  # its workspace is gone
                _unclaim(prompt, PromptStatus.FAILED, "unknown_workspace")
            else:
                messages.append(message)
        return messages

    def _ready(self, prompt: CheckinPrompt, now: datetime) -> Referentiel | None:
        """The prompt's référentiel when it is to be sent; otherwise recorded why not."""
        try:
            held = held_back(prompt.person, now, self.prompts.policy.planning.default_timezone)
        except Exception as error:
            self._unreadable(prompt, error)
            return None
        referentiel = self.prompts.catalog.get(prompt.person.referentiel_id or "")
        if held is not None:  # deactivated or paused since it was planned: nothing to send
            _unclaim(prompt, PromptStatus.SKIPPED, held)
        elif referentiel is None:
            _unclaim(prompt, PromptStatus.FAILED, "unknown_referentiel")
            self._count_failure(prompt.id, "unknown_referentiel")
        return referentiel if held is None else None

    def _unreadable(self, prompt: CheckinPrompt, error: Exception) -> None:
        log.exception("prompt %s could not be read for sending", prompt.id)
        _retry_later(f"{type(error).__name__}: {error}"[:255], prompt)
        self.report.errors.append(f"prompt {prompt.id}: {type(error).__name__}: {error}"[:255])
        with self._lock:
            self.returned.add(prompt.id)

    def message(
        self,
        session: Session,
        prompt: CheckinPrompt,
        levels: Mapping[str, Level] | None = None,
        referentiel: Referentiel | None = None,
        now: datetime | None = None,
    ) -> Claimed | None:
        """The prompt as a message to send (None: its référentiel or workspace is gone);
        ``levels`` and ``referentiel`` when read already for a batch; ``now``: when it is
        sent (the snooze choices it offers), else the job's clock."""
        now = now or self.clock()
        referentiel = referentiel or self.prompts.catalog.get(prompt.person.referentiel_id or "")
        recipient = self.prompts.recipient(prompt.person, session)
        if referentiel is None or recipient is None:
            return None
        if levels is None:
            levels = latest_levels_of(session, {prompt.person_id: referentiel})[prompt.person_id]
        form = form_of(prompt, referentiel, levels)
        return Claimed(
            item_id=prompt.id,
            tenant_id=prompt.tenant_id,
            recipient=recipient,
            view=PromptMessage(
                form, recipient.timezone, snooze_options(now, recipient.timezone, form.closes_at)
            ),
            marker=Marker(PROMPT_MARKER, prompt.id),
            uncertain=(prompt.last_error or "").startswith(UNKNOWN_OUTCOME),
            person_id=prompt.person_id,
        )

    def sent(self, claimed: Claimed, ref: str, now: datetime) -> None:
        self.sent_batch([(claimed, ref)], None, now)

    def sent_batch(
        self,
        sent: Sequence[tuple[Claimed, str]],
        messenger: Messenger | None,
        now: datetime,
    ) -> None:
        """Record sent prompts in a few statements: each prompt's message (a prompt
        answered meanwhile — "check in now" — keeps its status), the people reached,
        and the direct conversation of those Palier had none stored for."""
        if not sent:
            return
        with session_scope(self.prompts.sessions) as session:
            PromptRepository(session).record_sent(
                [(claimed.item_id, ref) for claimed, ref in sent], now
            )
            people = [claimed.person_id for claimed, _ in sent if claimed.person_id is not None]
            learnt = {
                claimed.person_id: conversation
                for claimed, ref in sent
                if claimed.person_id is not None
                and claimed.recipient.conversation is None
                and messenger is not None
                and (conversation := messenger.conversation_of(ref)) is not None
            }
            PeopleRepository(session).reached(people, learnt)
        with self._lock:
            self.report.sent += len(sent)

    def failed(self, claimed: Claimed, failed: Failed, now: datetime) -> None:
        prompt_id, reason = claimed.item_id, failed.reason
        if failed.failure is not Failure.UNREACHABLE:
            with self._lock:
                self.returned.add(prompt_id)
        if failed.failure is Failure.UNREACHABLE:
            self.prompts.change(prompt_id, lambda prompt, _person: _fail(reason, prompt))
            with self._lock:
                self.report.failed += 1
        elif failed.failure in (Failure.PAUSED, Failure.DEFERRED):
            self.prompts.change(prompt_id, lambda prompt, _person: _give_back(reason, prompt))
        else:
            self.prompts.change(prompt_id, lambda prompt, _person: _retry_later(reason, prompt))

    def give_back(self, claimed: Sequence[Claimed], reason: str) -> None:
        """Hand claimed prompts back unsent (their workspace paused, or asked to wait),
        without using one of their attempts: one statement."""
        if claimed:
            with self._lock:
                self.returned.update(message.item_id for message in claimed)
            with session_scope(self.prompts.sessions) as session:
                PromptRepository(session).give_back(
                    [message.item_id for message in claimed], reason
                )

    def _count_failure(self, prompt_id: int, reason: str) -> None:
        with self._lock:
            self.report.failed += 1
        self.report.errors.append(f"prompt {prompt_id}: {reason}")
        log.warning("prompt %s not delivered: %s", prompt_id, reason)


def _unclaim(prompt: CheckinPrompt, status: PromptStatus, reason: str) -> None:
    prompt.status = status
    prompt.claimed_by = None
    prompt.last_error = reason


def _fail(reason: str, prompt: CheckinPrompt) -> None:
    if prompt.status is not PromptStatus.SENDING:
        return  # answered meanwhile: the person's answer stands
    prompt.status = PromptStatus.FAILED
    prompt.last_error = reason
    prompt.claimed_by = None


def _retry_later(reason: str, prompt: CheckinPrompt) -> None:
    """Back to pending for a later tick, or failed once its attempts are used up."""
    if prompt.status is not PromptStatus.SENDING:
        return
    last = prompt.attempts >= MAX_ATTEMPTS
    prompt.status = PromptStatus.FAILED if last else PromptStatus.PENDING
    prompt.claimed_by = None
    prompt.last_error = reason
    log.warning("prompt %s will be retried (attempt %s): %s", prompt.id, prompt.attempts, reason)


def _give_back(reason: str, prompt: CheckinPrompt) -> None:
    """Hand a claimed prompt back for a later tick without using one of its attempts."""
    if prompt.status is not PromptStatus.SENDING:
        return
    prompt.status = PromptStatus.PENDING
    prompt.claimed_by = None
    prompt.attempts = max(prompt.attempts - 1, 0)
    prompt.last_error = reason[:255]


def held_back(person: Person, now: datetime, default_timezone: str) -> str | None:
    """Why nothing is sent to ``person`` now (inactive, paused), or None."""
    if not person.active:
        return person.inactive_reason or "inactive"
    if person.paused_until is not None:
        local_day = now.astimezone(ZoneInfo(zone_of(person, default_timezone))).date()
        if local_day <= person.paused_until:
            return "paused"
    return None
