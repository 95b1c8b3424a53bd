"""The welcome of someone enrolled: sent by the tick once, whoever ticks and however often
(SQLite, and PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from bot.bootstrap import build_services
from bot.delivery.messenger import DeliveryDeferred, DeliveryUncertain
from bot.delivery.tick import Ticker, TickPolicy
from bot.delivery.views import PromptMessage, WelcomeMessage
from bot.delivery.welcomes import POLL
from bot.domain.access import Reader
from bot.domain.people import Profile, ensure_tenant, find_person, upsert_person, welcome_due
from bot.domain.welcome import MAX_WELCOME_ATTEMPTS, RETRY_AFTER
from storage.db import session_scope
from storage.models import Platform
from tests.delivery.conftest import NOW, Delivery
from tests.delivery.support import FakeMessenger

BEFORE_SLOT = NOW - timedelta(hours=2)  # Thursday 14:00 in Paris: the slot is at 16:00


def _enrolled(delivery: Delivery, user_id: str, *, team: str = "T0ACME") -> None:
    """Someone enrolled as every way in enrols them (admin, CSV import): welcome due."""
    platform = Platform.TEAMS if team.startswith("M") else Platform.SLACK
    with session_scope(delivery.core.sessions) as session:
        tenant = ensure_tenant(session, platform, team)
        profile = Profile(user_id, user_id.title(), timezone="Europe/Paris")
        person, _ = upsert_person(session, tenant, profile)
        person.referentiel_id = "account-executive"
        welcome_due(person)


def _welcomes(messenger: FakeMessenger) -> list[str]:
    return [p.recipient.user_id for p in messenger.posted if isinstance(p.view, WelcomeMessage)]


def _second_ticker(delivery: Delivery, messenger: FakeMessenger) -> Ticker:
    policy = TickPolicy(planning=build_services(delivery.core).planning)
    return Ticker(
        delivery.core.sessions,
        delivery.core.referentiels,
        {Platform.SLACK: messenger},
        policy,
        "worker-2",
        delivery.clock,
    )


def test_someone_enrolled_is_welcomed_once_before_their_first_check_in(
    delivery: Delivery,
) -> None:
    _enrolled(delivery, "U0CLARA")
    report = delivery.tick(BEFORE_SLOT)
    assert report.welcomed == 1
    assert _welcomes(delivery.messenger) == ["U0CLARA"]
    welcome = delivery.messenger.views(WelcomeMessage)[0]
    assert isinstance(welcome, WelcomeMessage)
    greeting = welcome.greeting
    # The day and time of their first check-in: this Thursday, 16:00 in Paris.
    assert greeting.schedule.next_at == NOW
    assert (greeting.schedule.weekday, greeting.schedule.local_time.hour) == (3, 16)
    assert greeting.timezone == "Europe/Paris"
    assert greeting.referentiel_title
    assert greeting.readers == (Reader.SELF, Reader.ADMINS)  # no manager, no indirect
    # Its direct conversation is kept from the welcome, as from a prompt.
    assert delivery.person("U0CLARA").conversation_ref == "D-U0CLARA"
    # Ticks go on: no second welcome, the prompt at its time.
    delivery.tick(BEFORE_SLOT + timedelta(minutes=1))
    delivery.tick(NOW)
    assert _welcomes(delivery.messenger) == ["U0CLARA"]
    clara = [p.view for p in delivery.messenger.posted if p.recipient.user_id == "U0CLARA"]
    assert [type(view) for view in clara] == [WelcomeMessage, PromptMessage]


def test_enrolled_just_at_their_slot_the_welcome_comes_before_the_prompt(
    delivery: Delivery,
) -> None:
    _enrolled(delivery, "U0CLARA")
    delivery.tick(NOW)
    clara = [p.view for p in delivery.messenger.posted if p.recipient.user_id == "U0CLARA"]
    assert [type(view) for view in clara] == [WelcomeMessage, PromptMessage]
    welcome = clara[0]
    assert isinstance(welcome, WelcomeMessage) and welcome.greeting.soon


def test_two_tickers_on_the_same_database_welcome_each_person_once(delivery: Delivery) -> None:
    names = [f"U0P{index:02d}" for index in range(12)]
    for name in names:
        _enrolled(delivery, name)
    other = FakeMessenger()
    second = _second_ticker(delivery, other)
    start = threading.Barrier(2)

    def run(ticker: Ticker) -> None:
        start.wait()
        ticker.tick(BEFORE_SLOT)

    threads = [threading.Thread(target=run, args=(ticker,)) for ticker in (delivery.ticker, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    second.tick(BEFORE_SLOT + timedelta(minutes=1))
    delivery.tick(BEFORE_SLOT + timedelta(minutes=1))
    sent = Counter(_welcomes(delivery.messenger) + _welcomes(other))
    assert sent == Counter(names)


def test_enrolled_again_or_moved_nobody_is_welcomed_twice(delivery: Delivery) -> None:
    _enrolled(delivery, "U0CLARA")
    delivery.tick(BEFORE_SLOT)
    _enrolled(delivery, "U0CLARA")  # the same enrolment again (a file imported twice)
    with session_scope(delivery.core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, "T0ACME")
        clara = find_person(session, tenant.id, "U0CLARA")
        assert clara is not None
        clara.referentiel_id = "business-developer"  # moved to another référentiel
        welcome_due(clara)
    delivery.tick(BEFORE_SLOT + timedelta(minutes=1))
    assert _welcomes(delivery.messenger) == ["U0CLARA"]


def test_people_never_enrolled_through_enrolment_get_no_welcome(delivery: Delivery) -> None:
    """Alice was followed before welcomes existed (the migration marks such people)."""
    delivery.tick(NOW)
    assert _welcomes(delivery.messenger) == []


def test_a_passing_failure_gives_the_welcome_back_for_a_later_tick(delivery: Delivery) -> None:
    _enrolled(delivery, "U0CLARA")
    delivery.messenger.faults = [RuntimeError("boom")]
    report = delivery.tick(BEFORE_SLOT)
    assert report.welcomed == 0 and any("welcome" in error for error in report.errors)
    delivery.tick(BEFORE_SLOT + RETRY_AFTER - timedelta(minutes=1))
    assert _welcomes(delivery.messenger) == []  # not straight away
    delivery.tick(BEFORE_SLOT + RETRY_AFTER)
    assert _welcomes(delivery.messenger) == ["U0CLARA"]


def test_a_welcome_failing_every_time_is_given_up(delivery: Delivery) -> None:
    _enrolled(delivery, "U0CLARA")
    delivery.messenger.faults = [RuntimeError("boom")] * (MAX_WELCOME_ATTEMPTS + 2)
    at = BEFORE_SLOT - timedelta(hours=1)
    for _ in range(MAX_WELCOME_ATTEMPTS + 2):
        delivery.tick(at)
        at += RETRY_AFTER
    assert len(delivery.messenger.faults) == 2  # tried MAX_WELCOME_ATTEMPTS times, no more
    assert _welcomes(delivery.messenger) == []


def test_a_welcome_that_may_have_gone_out_is_never_sent_again(delivery: Delivery) -> None:
    _enrolled(delivery, "U0CLARA")
    delivery.messenger.faults = [DeliveryUncertain("timeout")]
    delivery.tick(BEFORE_SLOT)
    delivery.tick(BEFORE_SLOT + RETRY_AFTER * 2)
    assert _welcomes(delivery.messenger) == []


def test_a_workspace_asking_to_wait_gets_its_welcomes_later_without_using_attempts(
    delivery: Delivery,
) -> None:
    _enrolled(delivery, "U0CLARA")
    _enrolled(delivery, "U0DAVID")
    delivery.messenger.faults = [DeliveryDeferred("rate limited")]
    delivery.tick(BEFORE_SLOT)
    assert _welcomes(delivery.messenger) == []  # the second waited too: same workspace
    delivery.tick(BEFORE_SLOT + timedelta(minutes=1))
    assert sorted(_welcomes(delivery.messenger)) == ["U0CLARA", "U0DAVID"]
    assert delivery.person("U0CLARA").welcome_attempts == 1


def test_in_teams_the_welcome_waits_for_a_conversation(delivery: Delivery) -> None:
    teams = FakeMessenger()
    delivery.ticker.messengers = {Platform.SLACK: delivery.messenger, Platform.TEAMS: teams}
    delivery.ticker.workspaces.messengers = delivery.ticker.messengers
    _enrolled(delivery, "M0CAMILLE", team="M0TEAMS")
    delivery.tick(BEFORE_SLOT)
    assert _welcomes(teams) == []  # the app is not installed for her: nowhere to write
    assert delivery.person("M0CAMILLE").welcome_after is not None  # still due
    # Installed before being enrolled, Dora has a conversation: welcomed by the tick.
    with session_scope(delivery.core.sessions) as session:
        tenant = ensure_tenant(session, Platform.TEAMS, "M0TEAMS")
        dora, _ = upsert_person(session, tenant, Profile("M0DORA", "Dora"))
        dora.conversation_ref = "conversation-of-dora"
    _enrolled(delivery, "M0DORA", team="M0TEAMS")
    delivery.tick(BEFORE_SLOT + timedelta(minutes=1))
    assert _welcomes(teams) == ["M0DORA"]


def test_an_idle_tick_looks_for_welcomes_only_every_few_minutes(delivery: Delivery) -> None:
    """Someone enrolled is planned at the next tick, which looks for welcomes at once;
    otherwise a tick looks every POLL (a welcome given back is due again after as long)."""
    delivery.tick(BEFORE_SLOT)  # a first look, and the week planned
    _enrolled(delivery, "U0CLARA")
    delivery.tick(BEFORE_SLOT + timedelta(minutes=1))  # planning sees her: welcomed now
    assert _welcomes(delivery.messenger) == ["U0CLARA"]
    with session_scope(delivery.core.sessions) as session:  # due, and nothing planned
        tenant = ensure_tenant(session, Platform.SLACK, "T0ACME")
        alice = find_person(session, tenant.id, "U0ALICE")
        assert alice is not None
        alice.welcome_after = BEFORE_SLOT
    delivery.tick(BEFORE_SLOT + timedelta(minutes=2))
    assert _welcomes(delivery.messenger) == ["U0CLARA"]
    delivery.tick(BEFORE_SLOT + timedelta(minutes=1) + POLL)
    assert _welcomes(delivery.messenger) == ["U0CLARA", "U0ALICE"]
