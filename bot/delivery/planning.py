"""The tick's bookkeeping around sending: plan the weeks' prompts, close the weeks that
ended, and recover the prompts of senders that died.

Closing is one conditional UPDATE per prompt (a submission landing at the same moment
wins); the messages of a closed prompt then lose their buttons — cosmetic, so a
failure there is only logged. A prompt claimed longer ago than the lease belongs to a
dead sender: it is looked for by its marker (it may have gone out) and recorded as
sent if found, else given back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from bot.delivery.messenger import Marker, Recipient
from bot.delivery.policy import TickReport
from bot.delivery.prompts import Prompts
from bot.delivery.views import PROMPT_MARKER, EarlierPrompt, MissedPrompt
from bot.domain.planning import plan_prompts
from storage.db import session_scope
from storage.models import CheckinPrompt, PromptStatus
from storage.repositories import PromptRepository

log = logging.getLogger(__name__)

OPEN = (PromptStatus.PENDING, PromptStatus.SENDING, PromptStatus.SENT)


@dataclass(frozen=True)
class _Closed:
    prompt_id: int
    tenant_id: int
    recipient: Recipient
    shown: tuple[tuple[str, MissedPrompt | EarlierPrompt], ...]  # each message, its card


@dataclass(frozen=True)
class _Stale:
    prompt_id: int
    tenant_id: int
    claimed_at: datetime | None
    recipient: Recipient


class PromptBookkeeping:
    """Planning, closing and recovering prompts, for one tick."""

    def __init__(self, prompts: Prompts, report: TickReport) -> None:
        self.prompts = prompts
        self.report = report

    def plan(self, now: datetime) -> None:
        prompts = self.prompts
        with session_scope(prompts.sessions) as session:
            self.report.planned = plan_prompts(
                session, prompts.catalog, now, prompts.policy.planning, self.report.errors
            )

    # -- closing ended weeks ---------------------------------------------------------

    def close_ended(self, now: datetime) -> None:
        to_update: list[_Closed] = []
        with session_scope(self.prompts.sessions) as session:
            ended = session.scalars(
                select(CheckinPrompt)
                .options(joinedload(CheckinPrompt.person))
                .where(CheckinPrompt.status.in_(OPEN), CheckinPrompt.closes_at <= now)
            ).all()
            for prompt in ended:
                result = session.execute(
                    update(CheckinPrompt)
                    .where(CheckinPrompt.id == prompt.id, CheckinPrompt.status == prompt.status)
                    .values(status=PromptStatus.MISSED)
                    .execution_options(synchronize_session=False)
                )
                if getattr(result, "rowcount", 0) != 1:
                    continue
                self.report.missed += 1
                closed = self._closed(session, prompt)
                if closed is not None:
                    to_update.append(closed)
        for closed in to_update:
            self._show_missed(closed)

    def _closed(self, session: Session, prompt: CheckinPrompt) -> _Closed | None:
        if not (prompt.message_ref or prompt.reminder_ref):
            return None
        try:
            address = self.prompts.address(session, prompt)
        except Exception:  # cosmetic: the status is recorded already
            log.exception("could not build closed prompt %s", prompt.id)
            return None
        if address is None:
            return None
        # The latest message says the week closed; an earlier one points to it rather
        # than end with the same words (after a reminder, or a snoozed prompt's return).
        missed = MissedPrompt(address.form)
        shown: tuple[tuple[str, MissedPrompt | EarlierPrompt], ...] = tuple(
            (ref, EarlierPrompt(address.form) if prompt.reminder_ref else missed)
            for ref in (prompt.message_ref,)
            if ref and ref != prompt.reminder_ref
        )
        if prompt.reminder_ref:
            shown += ((prompt.reminder_ref, missed),)
        return _Closed(prompt.id, prompt.tenant_id, address.recipient, shown)

    def _show_missed(self, closed: _Closed) -> None:
        messenger = self.prompts.workspaces.messenger(closed.tenant_id)
        if messenger is None:
            log.warning("prompt %s: no messenger to show it closed", closed.prompt_id)
            return
        try:
            for ref, view in closed.shown:  # the prompt and its reminder: no live buttons left
                messenger.update(closed.recipient, ref, view)
        except Exception as error:  # cosmetic: the status is recorded already
            log.warning("could not mark prompt %s missed: %s", closed.prompt_id, error)

    # -- recovering dead senders -------------------------------------------------------

    def recover_stale(self, now: datetime) -> None:
        for stale in self._stale(now):
            messenger = self.prompts.workspaces.messenger(stale.tenant_id)
            if messenger is None:
                continue  # a process serving its platform recovers it
            marker = Marker(PROMPT_MARKER, stale.prompt_id)
            try:
                found = messenger.find(stale.recipient, marker)
            except Exception as error:
                log.warning("could not check prompt %s: %s", stale.prompt_id, error)
                continue  # unsure whether it went out: leave it claimed, try later
            self._recovered(stale, found)
            self.report.recovered += 1

    def _stale(self, now: datetime) -> list[_Stale]:
        lease = self.prompts.policy.claim_lease
        stale: list[_Stale] = []
        with session_scope(self.prompts.sessions) as session:
            for prompt in PromptRepository(session).stale_claims(now, lease):
                recipient = self.prompts.recipient(prompt.person, session)
                if recipient is not None:
                    stale.append(_Stale(prompt.id, prompt.tenant_id, prompt.claimed_at, recipient))
        return stale

    def _recovered(self, stale: _Stale, found: str | None) -> None:
        values: dict[str, object] = {"claimed_by": None}
        if found is not None:
            values.update(status=PromptStatus.SENT, sent_at=stale.claimed_at, message_ref=found)
        else:
            values.update(status=PromptStatus.PENDING)
        with session_scope(self.prompts.sessions) as session:
            session.execute(
                update(CheckinPrompt)
                .where(
                    CheckinPrompt.id == stale.prompt_id,
                    CheckinPrompt.status == PromptStatus.SENDING,
                    CheckinPrompt.claimed_at == stale.claimed_at,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
