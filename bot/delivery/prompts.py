"""Sending the week's prompts: claimed at clock time, the person's profile read again,
sent with its marker, recorded.

A prompt is the one message whose loss matters: it is sent with a marker, so one whose
post's answer never came is looked for before it is sent again (never posted twice),
and a transient failure is retried at later ticks up to :data:`MAX_ATTEMPTS`. The
claim's time is when it is taken (a tick can last): the lease of
:mod:`bot.delivery.planning`'s recovery runs from it, renewed by the heartbeat.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot.delivery.claims import Claimed, Failed, Failure
from bot.delivery.messenger import UNKNOWN_OUTCOME, Marker, Messenger, Recipient
from bot.delivery.policy import MAX_ATTEMPTS, TickPolicy, TickReport
from bot.delivery.views import PROMPT_MARKER, PromptMessage
from bot.delivery.workspaces import Workspaces
from bot.domain.checkin import CheckinForm, build_form
from bot.domain.people import apply_profile, reachable, zone_of
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, PromptStatus
from storage.repositories import PromptRepository

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

    def claim(self, prompt_id: int, now: datetime) -> Claimed | None:
        excluded = self.prompts.workspaces.excluded
        with session_scope(self.prompts.sessions) as session:
            # The claim's time is when it is taken (a tick can last): the lease runs from it.
            claimed = PromptRepository(session).claim(
                prompt_id, self.worker, self.clock(), tenants_excluded=excluded
            )
            if not claimed:
                return None  # another process has it, or its workspace paused meanwhile
            prompt = session.get(
                CheckinPrompt, prompt_id, options=[joinedload(CheckinPrompt.person)]
            )
            assert prompt is not None
            zone = self.prompts.policy.planning.default_timezone
            held = held_back(prompt.person, now, zone)
            if held is not None:
                # Deactivated or paused since the prompt was planned: nothing to send.
                prompt.status = PromptStatus.SKIPPED
                prompt.claimed_by = None
                prompt.last_error = held
                return None
            message = self.message(session, prompt)
        if message is None:
            self._give_up(prompt_id, "unknown_referentiel")
        return message

    def message(self, session: Session, prompt: CheckinPrompt) -> Claimed | None:
        """The prompt as a message to send; None when its référentiel is unknown."""
        address = self.prompts.address(session, prompt)
        if address is None:
            return None
        recipient = address.recipient
        return Claimed(
            item_id=prompt.id,
            tenant_id=prompt.tenant_id,
            recipient=recipient,
            view=PromptMessage(address.form, recipient.timezone),
            marker=Marker(PROMPT_MARKER, prompt.id),
            uncertain=(prompt.last_error or "").startswith(UNKNOWN_OUTCOME),
            person_id=prompt.person_id,
        )

    def prepare(self, claimed: Claimed, messenger: Messenger, now: datetime) -> Claimed | None:
        """The person as the platform sees them now: their language, zone, and whether
        they can still be written to."""
        profile = messenger.profile(claimed.recipient)
        if profile is None:
            return claimed
        with session_scope(self.prompts.sessions) as session:
            person = session.get(Person, claimed.person_id)
            assert person is not None
            apply_profile(person, profile)
            recipient = self.prompts.recipient(person, session) if person.active else None
        if recipient is None:
            self._give_up(claimed.item_id, "deactivated")
            return None
        assert isinstance(claimed.view, PromptMessage)
        view = replace(claimed.view, timezone=recipient.timezone)
        return replace(claimed, recipient=recipient, view=view)

    def sent(self, claimed: Claimed, ref: str, now: datetime) -> None:
        def record(prompt: CheckinPrompt, person: Person) -> None:
            reachable(person)
            prompt.message_ref = ref
            if prompt.status is not PromptStatus.SENDING:
                return  # answered meanwhile ("check in now"): keep its status
            prompt.status = PromptStatus.SENT
            prompt.sent_at = now
            prompt.last_error = None

        self.prompts.change(claimed.item_id, record)
        self.report.sent += 1

    def failed(self, claimed: Claimed, failed: Failed, now: datetime) -> None:
        prompt_id, reason = claimed.item_id, failed.reason
        if failed.failure is Failure.UNREACHABLE:
            self.prompts.change(prompt_id, lambda prompt, _person: _fail(reason, prompt))
            self.report.failed += 1
        elif failed.failure in (Failure.PAUSED, Failure.DEFERRED):
            self.prompts.change(prompt_id, lambda prompt, _person: _give_back(reason, prompt))
        else:
            self.prompts.change(prompt_id, lambda prompt, _person: _retry_later(reason, prompt))

    def _give_up(self, prompt_id: int, reason: str) -> None:
        self.prompts.change(prompt_id, lambda prompt, _person: _fail(reason, prompt))
        self.report.failed += 1
        self.report.errors.append(f"prompt {prompt_id}: {reason}")
        log.warning("prompt %s not delivered: %s", prompt_id, reason)


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
