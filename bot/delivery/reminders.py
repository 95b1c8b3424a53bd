"""The one reminder of a prompt, and a snoozed prompt coming back.

Claimed by whoever clears the snooze (or first sets ``reminder_sent_at``), sent in
the prompt's conversation, at most once: one whose post's answer never came is not
sent again (a reminder may be lost, never doubled); any other failure gives it back
for a later tick. Once a snoozed prompt came back, its earlier messages say when it was
put off to and lose their buttons: only the new message is live.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload

from bot.delivery.claims import Claimed, Failed, Failure
from bot.delivery.jobs import stays_claimed
from bot.delivery.policy import TickReport
from bot.delivery.prompts import Prompts
from bot.delivery.views import ReminderMessage, SnoozeReturned
from bot.domain.snooze import snooze_options
from storage.db import session_scope
from storage.models import CheckinPrompt, PromptStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueReminder:
    prompt_id: int
    snoozed_until: datetime | None  # set: the return of a snoozed prompt


class ReminderJob:
    """The reminders' part in :class:`bot.delivery.claims.Sender` (``kind`` "reminder")."""

    kind = "reminder"

    def __init__(self, prompts: Prompts, report: TickReport) -> None:
        self.prompts = prompts
        self.report = report
        self.snoozed: dict[int, datetime | None] = {}  # of each claimed reminder, to give back
        # Of each snoozed prompt coming back: what its earlier messages say once it is sent.
        self.returned: dict[int, tuple[SnoozeReturned, tuple[str, ...]]] = {}

    def due(self, now: datetime) -> list[DueReminder]:
        reminder_before = now - timedelta(hours=self.prompts.policy.reminder_hours)
        with session_scope(self.prompts.sessions) as session:
            due: Sequence[tuple[int, datetime | None]] = session.execute(
                select(CheckinPrompt.id, CheckinPrompt.snoozed_until).where(
                    CheckinPrompt.status == PromptStatus.SENT,
                    CheckinPrompt.closes_at > now,
                    CheckinPrompt.tenant_id.not_in(list(self.prompts.workspaces.excluded)),
                    or_(
                        CheckinPrompt.snoozed_until <= now,
                        and_(
                            CheckinPrompt.snoozed_until.is_(None),
                            CheckinPrompt.reminder_sent_at.is_(None),
                            CheckinPrompt.sent_at <= reminder_before,
                        ),
                    ),
                )
            ).all()
        return [DueReminder(prompt_id, snoozed_until) for prompt_id, snoozed_until in due]

    def claim(self, item: DueReminder, now: datetime) -> Claimed | None:
        snoozed_until = item.snoozed_until
        condition = (
            CheckinPrompt.snoozed_until == snoozed_until
            if snoozed_until is not None
            else and_(
                CheckinPrompt.snoozed_until.is_(None), CheckinPrompt.reminder_sent_at.is_(None)
            )
        )
        with session_scope(self.prompts.sessions) as session:
            result = session.execute(
                update(CheckinPrompt)
                .where(
                    CheckinPrompt.id == item.prompt_id,
                    CheckinPrompt.status == PromptStatus.SENT,
                    condition,
                )
                .values(reminder_sent_at=now, snoozed_until=None)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) != 1:
                return None
            prompt = session.get(
                CheckinPrompt, item.prompt_id, options=[joinedload(CheckinPrompt.person)]
            )
            assert prompt is not None
            address = self.prompts.address(session, prompt)
            if address is None:
                return None
            zone = address.recipient.timezone
            view = ReminderMessage(
                address.form,
                zone,
                after_snooze=snoozed_until is not None,
                snooze=snooze_options(now, zone, address.form.closes_at),
            )
            if snoozed_until is not None:  # the messages it comes back after, to update
                earlier = tuple(r for r in (prompt.message_ref, prompt.reminder_ref) if r)
                self.returned[prompt.id] = (
                    SnoozeReturned(address.form, snoozed_until, zone),
                    earlier,
                )
            claimed = Claimed(
                item_id=prompt.id,
                tenant_id=prompt.tenant_id,
                recipient=address.recipient,
                view=view,
                near=prompt.message_ref,
                person_id=prompt.person_id,
            )
        self.snoozed[prompt.id] = snoozed_until
        return claimed

    def sent(self, claimed: Claimed, ref: str, now: datetime) -> None:
        def record(prompt: CheckinPrompt, _person: object) -> None:
            prompt.reminder_ref = ref  # the latest one: the one people see

        self.prompts.change(claimed.item_id, record)
        self.report.reminded += 1
        self._came_back(claimed)

    def _came_back(self, claimed: Claimed) -> None:
        """A snoozed prompt came back: its earlier messages say so and lose their buttons,
        so that only the new one is live (and, once the week closes, says it closed)."""
        returned, earlier = self.returned.pop(claimed.item_id, (None, ()))
        messenger = self.prompts.workspaces.messenger(claimed.tenant_id)
        if returned is None or messenger is None:
            return
        for ref in earlier:
            try:
                messenger.update(claimed.recipient, ref, returned)
            except Exception as error:  # cosmetic: the prompt came back all the same
                log.warning("prompt %s: earlier message not updated: %s", claimed.item_id, error)

    def failed(self, claimed: Claimed, failed: Failed, now: datetime) -> None:
        self.returned.pop(claimed.item_id, None)
        if stays_claimed(failed):  # it may have gone out, or cannot: not sent again
            if failed.failure is Failure.UNREACHABLE:
                self.report.failed += 1  # the person is marked; the prompt stays as it is
            return
        snoozed_until = self.snoozed.get(claimed.item_id)

        def undo(prompt: CheckinPrompt, _person: object) -> None:
            prompt.reminder_sent_at = None
            prompt.snoozed_until = snoozed_until
            prompt.last_error = failed.reason

        self.prompts.change(claimed.item_id, undo)
