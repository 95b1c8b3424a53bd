"""The tick: what Palier does every minute, whichever process runs it.

One tick plans the current cycles' prompts, closes the cycles that ended
(unanswered prompts become *missed*), recovers prompts whose sender died, sends
the prompts that are due and the reminders that are due. The database decides
who does what: each prompt is claimed by one conditional UPDATE before anything
is sent, each reminder likewise, so two processes ticking at once, or one tick
repeated, never message anyone twice. Network calls happen between short
transactions, never inside one.

Sending goes through a :class:`Messenger`, the chat front end's side of the tick
(Slack now, Teams later). It raises :class:`PermanentDeliveryError` when a
person cannot be written to at all (deactivated, DMs closed): that person is
marked and the others carry on; any other exception is transient and the prompt
is retried at a later tick while its cycle is open.

:class:`WorkspaceUnavailable` (the workspace's token fails: revoked, account
inactive …) is nobody's fault in particular: the workspace's sending pauses
(recorded on the tenant, shown by ``/palier admin status``) without using any
prompt's attempts, a probe checks the token again every few minutes, and sending
resumes once it works — the prompts whose week is still open then go out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.checkin_flow import CheckinForm, build_form
from bot.delivery_guards import (
    UNKNOWN_OUTCOME,
    DeliveryDeferred,
    DeliveryUncertain,
    WorkspacePauses,
    WorkspaceUnavailable,
    claims_heartbeat,
)
from bot.i18n import Locale
from bot.one_on_one import Brief, claim_brief, due_briefs, release_brief
from bot.people import Profile, apply_profile, person_locale, reachable, zone_of
from bot.planning import PlanningPolicy, plan_prompts, plan_review_digests
from bot.review import Digest, ReviewService, weekly_digest
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, PromptStatus, ReviewDigest, Tenant
from storage.repositories import PromptRepository

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # transient failures before a prompt is given up as failed
CLAIM_LEASE = timedelta(minutes=5)  # a claim older than this belongs to a dead sender
WORKSPACE_PROBE = timedelta(minutes=5)  # how often a paused workspace's token is tried
BATCH = 100  # prompts read per query while sending


class PermanentDeliveryError(Exception):
    """This person cannot be messaged (``reason``: deactivated, cannot_dm, …).

    ``confirmed=False``: the answer looks permanent but may not be (Slack's
    ``user_not_found`` / ``channel_not_found`` also come from a passing glitch): the
    person is deactivated only if the platform says the account is deleted, or the
    failures persist across days (:class:`TickPolicy` ``confirm_failures``/``confirm_span``).
    """

    def __init__(self, reason: str, *, confirmed: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.confirmed = confirmed


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to, as the front end needs it (no ORM object leaves a session)."""

    workspace_id: str
    user_id: str
    locale: Locale
    timezone: str


@dataclass(frozen=True)
class Delivery:
    channel_id: str
    message_ts: str


@dataclass(frozen=True)
class PromptCard:
    """A prompt as sent: who, which cycle, the form it opens, where it was posted."""

    recipient: Recipient
    form: CheckinForm
    delivery: Delivery | None = None
    reminder: Delivery | None = None  # the reminder message, once sent

    def messages(self) -> list[Delivery]:
        """Every message of this prompt in the DM (the prompt, the reminder)."""
        return [d for d in (self.delivery, self.reminder) if d is not None]


class Messenger(Protocol):
    """The front end's side of the tick."""

    def check_workspace(self, workspace_id: str) -> None:
        """Raise :class:`WorkspaceUnavailable` while the workspace's token fails."""
        ...

    def profile(self, recipient: Recipient) -> Profile | None:
        """The person as the platform sees them now (None: the platform does not know them)."""
        ...

    def send_prompt(self, card: PromptCard) -> Delivery:
        """Post the week's prompt in the person's DM (with the prompt id as message
        metadata, for :meth:`find_prompt`); :class:`DeliveryUncertain` when it may
        have been posted all the same."""
        ...

    def send_reminder(self, card: PromptCard, after_snooze: bool) -> Delivery:
        """Post the one reminder (or the return of a snoozed prompt)."""
        ...

    def find_prompt(self, card: PromptCard) -> Delivery | None:
        """The prompt message if it was posted already (recovering a dead sender's claim)."""
        ...

    def close_prompt(self, card: PromptCard, status: PromptStatus) -> None:
        """Update the posted prompt to show its cycle is over (missed)."""
        ...

    def send_review_digest(self, recipient: Recipient, digest: Digest) -> Delivery:
        """DM a manager their weekly team review."""
        ...

    def send_one_on_one_brief(
        self, recipient: Recipient, brief: Brief, meeting_at: datetime
    ) -> Delivery:
        """DM a manager the brief of a recurring 1:1 that starts at ``meeting_at``."""
        ...


@dataclass(frozen=True)
class _Claimed:
    """A prompt this process claimed, as its sending needs it."""

    prompt_id: int
    tenant_id: int
    attempts: int
    uncertain: bool  # a previous try may have posted it (look for it before sending)
    card: PromptCard | None


@dataclass
class TickReport:
    planned: int = 0
    sent: int = 0
    reminded: int = 0
    missed: int = 0
    failed: int = 0
    recovered: int = 0
    briefs: int = 0  # scheduled 1:1 briefs sent
    digests: int = 0  # managers' weekly reviews sent
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TickPolicy:
    planning: PlanningPolicy
    reminder_hours: float = 24
    default_locale: Locale = "fr"  # for people whose Slack language Palier does not speak
    claim_lease: timedelta = CLAIM_LEASE
    claim_heartbeat: timedelta = CLAIM_LEASE / 3  # how often a live sender renews its claims
    workspace_probe: timedelta = WORKSPACE_PROBE
    # An unconfirmed permanent-looking failure deactivates a person only once it
    # happened this many times over at least this long.
    confirm_failures: int = 3
    confirm_span: timedelta = timedelta(days=2)


class Ticker:
    """Runs ticks: one session per step, opened here (the scheduled job is the caller)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        catalog: ReferentielCatalog,
        messenger: Messenger,
        policy: TickPolicy,
        worker: str,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sessions = sessions
        self.catalog = catalog
        self.messenger = messenger
        self.policy = policy
        self.worker = worker
        self.pauses = WorkspacePauses(sessions)

    def tick(self, now: datetime) -> TickReport:
        """One tick at ``now``; never raises for one person's failure."""
        report = TickReport()
        probe_every = self.policy.workspace_probe
        self.pauses.refresh(now, probe_every, self.messenger.check_workspace, report.errors)
        with session_scope(self.sessions) as session:
            report.planned = plan_prompts(
                session, self.catalog, now, self.policy.planning, report.errors
            )
        self._close_ended(now, report)
        self._recover_stale(now, report)
        every = self.policy.claim_heartbeat
        with claims_heartbeat(self.sessions, self.worker, self.clock, every):
            self._send_due(now, report)
        self._send_reminders(now, report)
        self._send_one_on_one_briefs(now, report)
        self._send_review_digests(now, report)
        return report

    # -- helpers -----------------------------------------------------------------

    def _isolated(self, what: str, report: TickReport, step: Callable[[], None]) -> None:
        """Run one person's step; an unexpected failure is logged against that item
        and reported, and the tick goes on with everyone else."""
        try:
            step()
        except Exception as error:
            log.exception("tick: %s failed", what)
            report.errors.append(f"{what}: {type(error).__name__}: {error}"[:255])

    def _card(self, session: Session, prompt: CheckinPrompt) -> PromptCard | None:
        person = prompt.person
        referentiel = self.catalog.get(person.referentiel_id or "")
        if referentiel is None:
            return None
        tenant = session.get(Tenant, person.tenant_id)
        assert tenant is not None
        recipient = Recipient(
            workspace_id=tenant.external_id,
            user_id=person.platform_user_id,
            locale=person_locale(person.locale, self.policy.default_locale),
            timezone=zone_of(person, self.policy.planning.default_timezone),
        )
        delivery = (
            Delivery(prompt.channel_id, prompt.message_ts)
            if prompt.channel_id and prompt.message_ts
            else None
        )
        reminder = (
            Delivery(prompt.channel_id, prompt.reminder_ts)
            if prompt.channel_id and prompt.reminder_ts
            else None
        )
        form = build_form(session, person, prompt, referentiel)
        return PromptCard(recipient, form, delivery, reminder)

    def _update(self, prompt_id: int, change: Callable[[CheckinPrompt, Person], None]) -> None:
        with session_scope(self.sessions) as session:
            prompt = session.get(CheckinPrompt, prompt_id)
            if prompt is not None:
                change(prompt, prompt.person)

    # -- closing ended cycles -----------------------------------------------------

    def _close_ended(self, now: datetime, report: TickReport) -> None:
        with session_scope(self.sessions) as session:
            ended = session.scalars(
                select(CheckinPrompt).where(
                    CheckinPrompt.status.in_(
                        [PromptStatus.PENDING, PromptStatus.SENDING, PromptStatus.SENT]
                    ),
                    CheckinPrompt.closes_at <= now,
                )
            ).all()
            to_update: list[PromptCard] = []
            for prompt in ended:
                # Conditional, so a submission landing at the same moment wins.
                result = session.execute(
                    update(CheckinPrompt)
                    .where(CheckinPrompt.id == prompt.id, CheckinPrompt.status == prompt.status)
                    .values(status=PromptStatus.MISSED)
                    .execution_options(synchronize_session=False)
                )
                if getattr(result, "rowcount", 0) != 1:
                    continue
                report.missed += 1
                if prompt.message_ts or prompt.reminder_ts:
                    try:
                        card = self._card(session, prompt)
                    except Exception:  # cosmetic: the status is recorded already
                        log.exception("could not build closed prompt %s", prompt.id)
                        continue
                    if card is not None:
                        to_update.append(card)
        for card in to_update:
            try:
                self.messenger.close_prompt(card, PromptStatus.MISSED)
            except Exception as error:  # cosmetic: the status is recorded already
                log.warning("could not mark prompt %s missed: %s", card.form.prompt_id, error)

    # -- recovering dead senders --------------------------------------------------

    def _recover_stale(self, now: datetime, report: TickReport) -> None:
        with session_scope(self.sessions) as session:
            stale = PromptRepository(session).stale_claims(now, self.policy.claim_lease)
            cards = []
            for prompt in stale:
                try:
                    cards.append((prompt.id, prompt.claimed_at, self._card(session, prompt)))
                except Exception as error:
                    log.exception("could not recover prompt %s", prompt.id)
                    report.errors.append(f"prompt {prompt.id}: {type(error).__name__}: {error}")
        for prompt_id, claimed_at, card in cards:
            found = None
            if card is not None:
                try:
                    found = self.messenger.find_prompt(card)
                except Exception as error:
                    log.warning("could not check prompt %s: %s", prompt_id, error)
                    continue  # unsure whether it went out: leave it claimed, try later
            with session_scope(self.sessions) as session:
                values: dict[str, object] = {"claimed_by": None}
                if found is not None:
                    values.update(
                        status=PromptStatus.SENT,
                        sent_at=claimed_at,
                        channel_id=found.channel_id,
                        message_ts=found.message_ts,
                    )
                else:
                    values.update(status=PromptStatus.PENDING)
                session.execute(
                    update(CheckinPrompt)
                    .where(
                        CheckinPrompt.id == prompt_id,
                        CheckinPrompt.status == PromptStatus.SENDING,
                        CheckinPrompt.claimed_at == claimed_at,
                    )
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
            report.recovered += 1

    # -- sending due prompts ------------------------------------------------------

    def _send_due(self, now: datetime, report: TickReport) -> None:
        # In batches, until nothing due is left that this tick has not tried.
        tried: set[int] = set()
        while True:
            with session_scope(self.sessions) as session:
                due = list(
                    PromptRepository(session).due(
                        now, BATCH, exclude=tried, tenants_paused=self.pauses.paused
                    )
                )
            if not due:
                return
            for prompt_id in due:
                tried.add(prompt_id)
                self._isolated(
                    f"prompt {prompt_id}",
                    report,
                    partial(self._send_one, prompt_id, now, report),
                )

    def _send_one(self, prompt_id: int, now: datetime, report: TickReport) -> None:
        claimed = self._claim(prompt_id, now)
        if claimed is None:
            return
        card = claimed.card
        if card is None:
            self._give_up(prompt_id, "unknown_referentiel", report)
            return
        try:
            profile = self.messenger.profile(card.recipient)
            if profile is not None:
                refreshed = self._apply(prompt_id, profile)
                if refreshed is None:
                    self._give_up(prompt_id, "deactivated", report, deactivate=False)
                    return
                card = refreshed
            # The last try timed out: it may have been posted; if so it is not sent again.
            found = self.messenger.find_prompt(card) if claimed.uncertain else None
            delivery = found or self.messenger.send_prompt(card)
        except Exception as error:
            self._send_failed(claimed, card.recipient, error, now, report)
            return

        def sent(prompt: CheckinPrompt, person: Person) -> None:
            reachable(person)
            prompt.channel_id = delivery.channel_id
            prompt.message_ts = delivery.message_ts
            if prompt.status is not PromptStatus.SENDING:
                return  # answered meanwhile ("check in now"): keep its status
            prompt.status = PromptStatus.SENT
            prompt.sent_at = now
            prompt.last_error = None

        self._update(prompt_id, sent)
        report.sent += 1

    def _claim(self, prompt_id: int, now: datetime) -> _Claimed | None:
        """Claim a due prompt and prepare it; None when there is nothing to send."""
        with session_scope(self.sessions) as session:
            tenant_id = session.scalar(
                select(CheckinPrompt.tenant_id).where(CheckinPrompt.id == prompt_id)
            )
            if tenant_id is None or tenant_id in self.pauses.paused:
                return None  # its workspace paused during this tick
            # The claim's time is when it is taken (a tick can last): the lease runs from it.
            if not PromptRepository(session).claim(prompt_id, self.worker, self.clock()):
                return None  # another process has it
            prompt = session.get(CheckinPrompt, prompt_id)
            assert prompt is not None
            session.refresh(prompt)
            held_back = _held_back(prompt.person, now, self.policy.planning.default_timezone)
            if held_back is not None:
                # Deactivated or paused since the prompt was planned: nothing to send.
                prompt.status = PromptStatus.SKIPPED
                prompt.claimed_by = None
                prompt.last_error = held_back
                return None
            return _Claimed(
                prompt_id,
                tenant_id,
                prompt.attempts,
                (prompt.last_error or "").startswith(UNKNOWN_OUTCOME),
                self._card(session, prompt),
            )

    def _send_failed(
        self,
        claimed: _Claimed,
        recipient: Recipient,
        error: Exception,
        now: datetime,
        report: TickReport,
    ) -> None:
        """A step of sending a prompt failed: what happens depends on what the failure says.

        A prompt that may have been posted already stays marked so (its next try
        looks for it first) whatever happens to this try."""
        prompt_id, attempts = claimed.prompt_id, claimed.attempts
        if isinstance(error, PermanentDeliveryError) and (
            error.confirmed or self._confirmed(prompt_id, recipient, now)
        ):
            self._give_up(prompt_id, error.reason, report, deactivate=True)
            return
        uncertain = claimed.uncertain or isinstance(error, DeliveryUncertain)
        reason = (
            error.reason
            if isinstance(error, (PermanentDeliveryError, WorkspaceUnavailable))
            else f"{type(error).__name__}: {error}"
        )
        if uncertain:
            reason = f"{UNKNOWN_OUTCOME}: {reason}"
        if isinstance(error, WorkspaceUnavailable):
            self._update(prompt_id, partial(_give_back, reason))
            self.pauses.pause(claimed.tenant_id, error.reason, now, report.errors)
        elif isinstance(error, DeliveryDeferred):
            self._update(prompt_id, partial(_give_back, reason))
            report.errors.append(f"prompt {prompt_id}: deferred: {error}")
        else:
            self._retry_later(prompt_id, attempts, error, report, reason)

    def _apply(self, prompt_id: int, profile: Profile) -> PromptCard | None:
        """Refresh the person from the platform; None when they can no longer be written to."""
        with session_scope(self.sessions) as session:
            prompt = session.get(CheckinPrompt, prompt_id)
            assert prompt is not None
            apply_profile(prompt.person, profile)
            if not prompt.person.active:
                return None
            return self._card(session, prompt)

    def _give_up(
        self, prompt_id: int, reason: str, report: TickReport, *, deactivate: bool = False
    ) -> None:
        def failed(prompt: CheckinPrompt, person: Person) -> None:
            if deactivate and person.active:
                person.active = False
                person.inactive_reason = reason
            if prompt.status is not PromptStatus.SENDING:
                return  # answered meanwhile: the person's answer stands
            prompt.status = PromptStatus.FAILED
            prompt.last_error = reason
            prompt.claimed_by = None

        self._update(prompt_id, failed)
        report.failed += 1
        report.errors.append(f"prompt {prompt_id}: {reason}")
        log.warning("prompt %s not delivered: %s", prompt_id, reason)

    def _confirmed(self, prompt_id: int, recipient: Recipient, now: datetime) -> bool:
        """Count one unconfirmed failure of the prompt's person; True when it is confirmed:
        the platform says the account is deleted, or failures persisted across days."""
        try:
            profile = self.messenger.profile(recipient)
        except Exception:
            profile = None  # the platform could not say: only the count decides
        if profile is not None and profile.deleted:
            self._apply(prompt_id, profile)  # inactive, as the platform says: deactivated
            return True
        confirmed = False

        def count(_prompt: CheckinPrompt, person: Person) -> None:
            nonlocal confirmed
            person.delivery_failures = (person.delivery_failures or 0) + 1
            first = person.delivery_failed_at or now
            person.delivery_failed_at = first
            confirmed = (
                person.delivery_failures >= self.policy.confirm_failures
                and now - first >= self.policy.confirm_span
            )

        self._update(prompt_id, count)
        return confirmed

    def _retry_later(
        self,
        prompt_id: int,
        attempts: int,
        error: Exception,
        report: TickReport,
        reason: str | None = None,
    ) -> None:
        reason = (reason or f"{type(error).__name__}: {error}")[:255]

        def again(prompt: CheckinPrompt, _person: Person) -> None:
            if prompt.status is not PromptStatus.SENDING:
                return
            prompt.status = (
                PromptStatus.FAILED if attempts >= MAX_ATTEMPTS else PromptStatus.PENDING
            )
            prompt.claimed_by = None
            prompt.last_error = reason

        self._update(prompt_id, again)
        report.errors.append(f"prompt {prompt_id}: {reason}")
        log.warning("prompt %s will be retried (attempt %s): %s", prompt_id, attempts, reason)

    # -- reminders ------------------------------------------------------------------

    def _send_reminders(self, now: datetime, report: TickReport) -> None:
        reminder_before = now - timedelta(hours=self.policy.reminder_hours)
        with session_scope(self.sessions) as session:
            due: Sequence[tuple[int, datetime | None]] = session.execute(
                select(CheckinPrompt.id, CheckinPrompt.snoozed_until).where(
                    CheckinPrompt.status == PromptStatus.SENT,
                    CheckinPrompt.closes_at > now,
                    CheckinPrompt.tenant_id.not_in(list(self.pauses.paused)),
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
        for prompt_id, snoozed_until in due:
            self._isolated(
                f"reminder {prompt_id}",
                report,
                partial(self._remind_one, prompt_id, snoozed_until, now, report),
            )

    def _remind_one(
        self, prompt_id: int, snoozed_until: datetime | None, now: datetime, report: TickReport
    ) -> None:
        with session_scope(self.sessions) as session:
            # The claim: whoever clears the snooze (or first sets reminder_sent_at) sends.
            condition = (
                CheckinPrompt.snoozed_until == snoozed_until
                if snoozed_until is not None
                else and_(
                    CheckinPrompt.snoozed_until.is_(None), CheckinPrompt.reminder_sent_at.is_(None)
                )
            )
            result = session.execute(
                update(CheckinPrompt)
                .where(
                    CheckinPrompt.id == prompt_id,
                    CheckinPrompt.status == PromptStatus.SENT,
                    condition,
                )
                .values(reminder_sent_at=now, snoozed_until=None)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) != 1:
                return
            prompt = session.get(CheckinPrompt, prompt_id)
            assert prompt is not None
            session.refresh(prompt)
            tenant_id = prompt.tenant_id
            card = self._card(session, prompt)
        if card is None:
            return
        try:
            sent = self.messenger.send_reminder(card, after_snooze=snoozed_until is not None)
        except PermanentDeliveryError as error:
            if error.confirmed or self._confirmed(prompt_id, card.recipient, now):
                self._give_up(prompt_id, error.reason, report, deactivate=True)
                return
            self._update(prompt_id, partial(_undo_reminder, snoozed_until, error.reason))
            report.errors.append(f"reminder {prompt_id}: {error.reason}")
            return
        except DeliveryUncertain as error:
            # It may have gone out: a reminder may be lost, never doubled. The claim stays.
            report.errors.append(f"reminder {prompt_id}: {UNKNOWN_OUTCOME}: {error}")
            log.warning("reminder %s may have gone out, not sent again: %s", prompt_id, error)
            return
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"[:255]
            if isinstance(error, WorkspaceUnavailable):
                reason = error.reason
                self.pauses.pause(tenant_id, reason, now, report.errors)
            self._update(prompt_id, partial(_undo_reminder, snoozed_until, reason))
            report.errors.append(f"reminder {prompt_id}: {reason}")
            return

        def remember(prompt: CheckinPrompt, _person: Person) -> None:
            prompt.reminder_ts = sent.message_ts  # the latest one: the one people see
            prompt.channel_id = prompt.channel_id or sent.channel_id

        self._update(prompt_id, remember)
        report.reminded += 1

    # -- scheduled 1:1 briefs ---------------------------------------------------------

    def _send_one_on_one_briefs(self, now: datetime, report: TickReport) -> None:
        """Briefs of recurring 1:1s due within the hour: each claimed, then sent once.

        The claim moves the schedule to its next occurrence before anything is sent
        (see :func:`bot.one_on_one.claim_brief`); a failed send gives it back while
        the meeting is still ahead, so a later tick retries it.
        """
        default_timezone = self.policy.planning.default_timezone
        with session_scope(self.sessions) as session:
            due = due_briefs(session, now)
        for schedule_id in due:
            try:
                with session_scope(self.sessions) as session:
                    claim = claim_brief(
                        session, self.catalog, schedule_id, now, default_timezone=default_timezone
                    )
            except Exception as error:
                log.exception("1:1 brief %s could not be prepared", schedule_id)
                report.errors.append(f"1:1 brief {schedule_id}: {type(error).__name__}: {error}")
                continue
            if claim is None:
                continue
            recipient = Recipient(
                workspace_id=claim.workspace_id,
                user_id=claim.manager_user_id,
                locale=person_locale(claim.manager_locale, self.policy.default_locale),
                timezone=claim.manager_timezone,
            )
            tenant_id = self.pauses.tenant_of(claim.workspace_id)
            if tenant_id in self.pauses.paused:
                with session_scope(self.sessions) as session:
                    release_brief(session, claim, now)
                continue
            try:
                self.messenger.send_one_on_one_brief(recipient, claim.brief, claim.meeting_at)
            except PermanentDeliveryError as error:  # this occurrence is lost; the next may work
                report.errors.append(f"1:1 brief {schedule_id}: {error.reason}")
                continue
            except DeliveryUncertain as error:  # it may have gone out: never sent twice
                report.errors.append(f"1:1 brief {schedule_id}: {UNKNOWN_OUTCOME}: {error}")
                continue
            except Exception as error:
                with session_scope(self.sessions) as session:
                    release_brief(session, claim, now)
                if isinstance(error, WorkspaceUnavailable) and tenant_id is not None:
                    self.pauses.pause(tenant_id, error.reason, now, report.errors)
                report.errors.append(f"1:1 brief {schedule_id}: {type(error).__name__}: {error}")
                log.warning("1:1 brief %s will be retried: %s", schedule_id, error)
                continue
            report.briefs += 1

    # -- the managers' weekly review ---------------------------------------------------

    def _send_review_digests(self, now: datetime, report: TickReport) -> None:
        """Plan this week's digests, then send the due ones, each claimed first.

        A digest whose sender dies between claim and send is lost, never sent twice;
        a transient failure gives it back for the next tick.
        """
        with session_scope(self.sessions) as session:
            plan_review_digests(session, now, self.policy.planning, report.errors)
            due = session.scalars(
                select(ReviewDigest.id).where(
                    ReviewDigest.tenant_id.not_in(list(self.pauses.paused)),
                    ReviewDigest.status == PromptStatus.PENDING,
                    ReviewDigest.scheduled_at <= now,
                    ReviewDigest.closes_at > now,
                )
            ).all()
        for digest_id in due:
            self._isolated(
                f"digest {digest_id}",
                report,
                partial(self._send_review_digest, digest_id, now, report),
            )

    def _send_review_digest(self, digest_id: int, now: datetime, report: TickReport) -> None:
        def finish(status: PromptStatus, error: str | None = None) -> None:
            with session_scope(self.sessions) as session:
                session.execute(
                    update(ReviewDigest)
                    .where(ReviewDigest.id == digest_id)
                    .values(
                        status=status,
                        last_error=error,
                        sent_at=now if status is PromptStatus.SENT else None,
                    )
                    .execution_options(synchronize_session=False)
                )

        with session_scope(self.sessions) as session:
            claimed = session.execute(
                update(ReviewDigest)
                .where(ReviewDigest.id == digest_id, ReviewDigest.status == PromptStatus.PENDING)
                .values(status=PromptStatus.SENDING, claimed_by=self.worker, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                return  # another process has it
            row = session.get(ReviewDigest, digest_id)
            manager = session.get(Person, row.manager_id) if row else None
            digest = (
                weekly_digest(session, ReviewService(self.catalog), manager, row.cycle_key)
                if row and manager and manager.active
                else None
            )
            tenant = session.get(Tenant, manager.tenant_id) if manager else None
        if digest is None or not digest.rows or manager is None or tenant is None:
            finish(PromptStatus.SKIPPED)
            return
        recipient = Recipient(
            workspace_id=tenant.external_id,
            user_id=manager.platform_user_id,
            locale=person_locale(manager.locale, self.policy.default_locale),
            timezone=zone_of(manager, self.policy.planning.default_timezone),
        )
        try:
            self.messenger.send_review_digest(recipient, digest)
        except PermanentDeliveryError as error:
            finish(PromptStatus.FAILED, error.reason)
            report.errors.append(f"digest {digest_id}: {error.reason}")
            return
        except DeliveryUncertain as error:  # it may have gone out: never sent twice
            finish(PromptStatus.FAILED, f"{UNKNOWN_OUTCOME}: {error}"[:255])
            report.errors.append(f"digest {digest_id}: {UNKNOWN_OUTCOME}: {error}")
            return
        except Exception as error:
            finish(PromptStatus.PENDING, f"{type(error).__name__}: {error}"[:255])
            if isinstance(error, WorkspaceUnavailable):
                self.pauses.pause(tenant.id, error.reason, now, report.errors)
            report.errors.append(f"digest {digest_id}: {error}")
            return
        finish(PromptStatus.SENT)
        report.digests += 1


def _give_back(reason: str, prompt: CheckinPrompt, _person: Person) -> None:
    """Hand a claimed prompt back for a later tick without using one of its attempts."""
    if prompt.status is not PromptStatus.SENDING:
        return
    prompt.status = PromptStatus.PENDING
    prompt.claimed_by = None
    prompt.attempts = max(prompt.attempts - 1, 0)
    prompt.last_error = reason[:255]


def _undo_reminder(
    snoozed_until: datetime | None, reason: str, prompt: CheckinPrompt, _person: Person
) -> None:
    """Give a reminder back so a later tick sends it."""
    prompt.reminder_sent_at = None
    prompt.snoozed_until = snoozed_until
    prompt.last_error = reason


def _held_back(person: Person, now: datetime, default_timezone: str) -> str | None:
    if not person.active:
        return person.inactive_reason or "inactive"
    if person.paused_until is not None:
        local_day = now.astimezone(ZoneInfo(zone_of(person, default_timezone))).date()
        if local_day <= person.paused_until:
            return "paused"
    return None
