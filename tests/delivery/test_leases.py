"""Several processes on one database: each workspace's prompts are sent by one process
at a time (its sending lease), a dead holder's workspace is taken over once its lease
expires, and a wait the platform asked of one process holds every process — two tickers
(two worker ids, one database, the test's clock) on fake messengers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.bootstrap import build_services
from bot.delivery.messenger import DeliveryDeferred, Marker, Recipient
from bot.delivery.policy import Lanes
from bot.delivery.tick import Ticker, TickPolicy, TickReport
from bot.delivery.views import ReminderMessage
from bot.domain.people import Profile, ensure_tenant, upsert_person
from storage.db import session_scope
from storage.models import CheckinPrompt, Platform, PromptStatus, Tenant
from storage.repositories import PromptRepository, WorkspaceLeases
from tests.delivery.conftest import NOW, Delivery
from tests.delivery.support import FakeMessenger

ACME = ["U0ALICE", "U0CHLOE"]  # Alice is enrolled by the fixture
BETA = ["U0DAN"]


@dataclass
class HookedMessenger(FakeMessenger):
    """A fake messenger that runs ``before_send`` (once) as a send begins: what another
    process does while this one is sending."""

    before_send: list[Callable[[], None]] = field(default_factory=list)

    def send(
        self,
        recipient: Recipient,
        view: object,
        *,
        marker: Marker | None = None,
        near: str | None = None,
    ) -> str:
        while self.before_send:
            self.before_send.pop(0)()
        return super().send(recipient, view, marker=marker, near=near)


def _enrol(delivery: Delivery, team: str, user: str) -> None:
    with session_scope(delivery.core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, team)
        person, _ = upsert_person(session, tenant, Profile(user, user, timezone="Europe/Paris"))
        person.referentiel_id = "account-executive"


def _ticker(delivery: Delivery, messenger: FakeMessenger, worker: str) -> Ticker:
    """Another process's ticker: its own worker id and messenger, the same database and
    clock; one workspace at a time, one message claimed and sent at a time (so the order
    is known, and another process would find the next prompt pending)."""
    policy = TickPolicy(
        planning=build_services(delivery.core).planning, lanes=Lanes(lanes=1, width=1, batch=1)
    )
    return Ticker(
        delivery.core.sessions,
        delivery.core.referentiels,
        {Platform.SLACK: messenger},
        policy,
        worker,
        delivery.clock,
    )


def _posted_to(messenger: FakeMessenger) -> list[str]:
    return [p.recipient.user_id for p in messenger.posted]


@pytest.fixture
def company(delivery: Delivery) -> Delivery:
    """Alice and Chloé in T0ACME, Dan in T0BETA; the fixture's ticker one message at a time."""
    _enrol(delivery, "T0ACME", ACME[1])
    _enrol(delivery, "T0BETA", BETA[0])
    ticker = delivery.ticker
    ticker.policy = replace(ticker.policy, lanes=Lanes(lanes=1, width=1))
    assert delivery.tick(NOW - timedelta(minutes=1)).sent == 0  # planned, none due yet
    delivery.clock.now = NOW
    return delivery


def test_two_processes_never_send_one_workspace_at_the_same_time(company: Delivery) -> None:
    first = HookedMessenger()
    one = _ticker(company, first, "worker-one")
    second = FakeMessenger()
    other = _ticker(company, second, "worker-two")
    reports = []
    # While the first process sends T0ACME's first prompt, the second one ticks.
    first.before_send.append(lambda: reports.append(other.tick(NOW)))
    report = one.tick(NOW)
    # The second left T0ACME to the first (its lease) and sent the other workspace.
    assert sorted(_posted_to(first)) == sorted(ACME) and report.sent == 2
    assert _posted_to(second) == BETA and reports[0].sent == 1
    assert all(company.prompt(user).status is PromptStatus.SENT for user in ACME + BETA)
    with session_scope(company.core.sessions) as session:
        leases = session.scalars(select(Tenant.send_lease_owner)).all()
        assert leases == [None] * len(leases)  # each lane gave its lease up when done


def test_a_workspace_being_sent_by_another_process_is_left_to_it(company: Delivery) -> None:
    with session_scope(company.core.sessions) as session:
        acme = session.scalars(select(Tenant.id).where(Tenant.external_id == "T0ACME")).one()
        assert WorkspaceLeases(session).take(acme, "elsewhere", NOW, NOW + timedelta(minutes=5))
    report = company.tick(NOW)
    assert _posted_to(company.messenger) == BETA and report.sent == 1
    assert all(company.prompt(user).status is PromptStatus.PENDING for user in ACME)
    assert all(company.prompt(user).attempts == 0 for user in ACME)  # never claimed


def test_a_dead_holder_s_lease_expires_and_another_process_sends_each_prompt_once(
    company: Delivery,
) -> None:
    # A process took T0ACME's lease, claimed one of its prompts, posted it and died
    # (kill -9: no lease given up, nothing recorded).
    dead = FakeMessenger()
    with session_scope(company.core.sessions) as session:
        acme = session.scalars(select(Tenant.id).where(Tenant.external_id == "T0ACME")).one()
        assert WorkspaceLeases(session).take(acme, "dead", NOW, NOW + timedelta(minutes=5))
        [claimed] = PromptRepository(session).claim_due(acme, "dead", NOW, 1)
        prompt = session.get(CheckinPrompt, claimed)
        assert prompt is not None
        message = company.ticker.prompt_job(TickReport()).message(session, prompt)
    assert message is not None
    dead.send(message.recipient, message.view, marker=message.marker)
    [pending] = [u for u in ACME if u != message.recipient.user_id]
    # Within the lease, the live process leaves T0ACME alone, its pending prompt
    # included (and sends T0BETA).
    assert company.tick(NOW + timedelta(minutes=1)).sent == 1
    assert _posted_to(company.messenger) == BETA
    assert company.prompt(pending).status is PromptStatus.PENDING
    # Past it, it takes the workspace over: the posted prompt found by its marker (not
    # sent again), the other sent, once each.
    company.messenger.posted.extend(dead.posted)  # the same platform
    report = company.tick(NOW + timedelta(minutes=6))
    assert report.recovered == 1 and report.sent == 1
    assert sorted(_posted_to(company.messenger)) == sorted([*BETA, *ACME])
    assert all(company.prompt(user).status is PromptStatus.SENT for user in ACME)


def test_a_wait_asked_of_one_process_holds_every_process(company: Delivery) -> None:
    first = FakeMessenger(faults=[DeliveryDeferred("ratelimited", timedelta(seconds=120))])
    one = _ticker(company, first, "worker-one")
    second = FakeMessenger()
    other = _ticker(company, second, "worker-two")
    report = one.tick(NOW)
    assert any("deferred" in e for e in report.errors)
    assert company.tenant("T0ACME").send_hold_until == NOW + timedelta(seconds=120)
    # Neither process sends to T0ACME before the wait elapsed.
    for seconds in (0, 60, 119):
        company.clock.now = NOW + timedelta(seconds=seconds)
        other.tick(company.clock.now)
        one.tick(company.clock.now)
    assert "U0ALICE" not in _posted_to(first) + _posted_to(second)
    assert all(company.prompt(user).status is PromptStatus.PENDING for user in ACME)
    assert all(company.prompt(user).attempts == 0 for user in ACME)
    company.clock.now = NOW + timedelta(seconds=120)
    assert other.tick(company.clock.now).sent == 2
    assert sorted(u for u in _posted_to(second) if u in ACME) == sorted(ACME)


def test_a_deferral_without_a_wait_holds_nobody(company: Delivery) -> None:
    company.messenger.faults.append(DeliveryDeferred("ratelimited"))
    company.tick(NOW)
    assert company.tenant("T0ACME").send_hold_until is None
    assert company.tick(NOW + timedelta(minutes=1)).sent == 2


def test_a_lease_taken_by_another_process_while_sending_stops_the_lane(
    company: Delivery,
) -> None:
    # This process stalled past its lease (a long pause), and another took the
    # workspace: before its next batch it finds the lease gone and stops.
    messenger = HookedMessenger()
    one = _ticker(company, messenger, "worker-one")
    one.policy = replace(one.policy, lanes=Lanes(lanes=1, width=1, batch=1))

    def taken_over() -> None:
        with session_scope(company.core.sessions) as session:
            acme = session.scalars(select(Tenant.id).where(Tenant.external_id == "T0ACME")).one()
            session.execute(
                update(Tenant)
                .where(Tenant.id == acme)
                .values(send_lease_owner="elsewhere", send_lease_until=NOW + timedelta(minutes=9))
            )

    messenger.before_send.append(taken_over)
    report = one.tick(NOW)
    assert _posted_to(messenger).count("U0ALICE") + _posted_to(messenger).count("U0CHLOE") == 1
    assert report.sent == 2  # one of T0ACME's, and T0BETA's
    with session_scope(company.core.sessions) as session:
        owner = session.scalars(
            select(Tenant.send_lease_owner).where(Tenant.external_id == "T0ACME")
        ).one()
    assert owner == "elsewhere"  # not given up by the process that lost it


def test_a_paused_workspace_s_lease_cannot_be_taken(company: Delivery) -> None:
    with session_scope(company.core.sessions) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.external_id == "T0ACME")).one()
        tenant.delivery_paused_at = NOW
        acme = tenant.id
    with session_scope(company.core.sessions) as session:
        leases = WorkspaceLeases(session)
        assert not leases.take(acme, "worker", NOW, NOW + timedelta(minutes=5))


def test_a_reminder_in_a_workspace_another_process_is_sending_waits_for_it(
    company: Delivery,
) -> None:
    assert company.tick(NOW).sent == 3
    later = NOW + timedelta(hours=24)
    with session_scope(company.core.sessions) as session:
        acme = session.scalars(select(Tenant.id).where(Tenant.external_id == "T0ACME")).one()
        assert WorkspaceLeases(session).take(acme, "elsewhere", later, later + timedelta(minutes=5))
    report = company.tick(later)
    assert report.reminded == 1  # Dan's; T0ACME's wait for the process sending there
    reminded = [
        p.recipient.user_id for p in company.messenger.posted if isinstance(p.view, ReminderMessage)
    ]
    assert reminded == BETA
    assert company.tick(later + timedelta(minutes=6)).reminded == 2  # its lease expired
    reminded = [
        p.recipient.user_id for p in company.messenger.posted if isinstance(p.view, ReminderMessage)
    ]
    assert sorted(reminded) == sorted(BETA + ACME)
    with session_scope(company.core.sessions) as session:
        owners = session.scalars(select(Tenant.send_lease_owner)).all()
    assert set(owners) == {None}  # every lease taken for the reminders given up at the end
