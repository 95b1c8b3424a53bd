"""What goes wrong when the tick writes to people in Teams (Slack's
``tests/slack/test_tick_isolation.py`` and ``test_tick_journeys.py``, for Teams): Teams'
rate limit answered with ``Retry-After`` and honoured, the Connector's 5xx, someone who
removed the app (403/404 as the Connector answers) — that person set aside as not
installed, the others sent theirs, the admin told who and how to install the app for
everyone — and the bot's credential refused by Entra ID, which pauses sending without
using anyone's attempts, Slack's workspaces going on. Through the real Teams SDK and the
emulator (its own rate limits on its clock), SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.delivery.tick import Ticker
from bot.domain.people import Profile, ensure_tenant, upsert_person
from emulators.slack import SlackEmulator
from emulators.teams import ManualClock, RateLimits, TeamsEmulator, User
from handlers.slack.client import make_client
from handlers.slack.messenger import SlackMessenger
from handlers.teams.refs import ConversationRef
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, Platform, PromptStatus, Role, Tenant
from tests.teams.conftest import NOW, TeamsWorld, enrol

ADMIN_ID = "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
# One send per minute per app and tenant: the emulator's own limit answers the second
# prompt of a tick 429, Retry-After: 60 (Teams' published limits are per second; a
# minute keeps the test's steps apart from the SDK's checks of tokens on the wall clock).
ONE_A_MINUTE = RateLimits(per_app_per_tenant=((60, 1),))


@pytest.fixture
def emulator() -> Iterator[TeamsEmulator]:
    """The Teams emulator, with ``ONE_A_MINUTE`` as its limits once a test enforces them."""
    clock = ManualClock(start=float(int(time.time())))
    with TeamsEmulator(clock=clock, rate_limits=ONE_A_MINUTE) as emu:
        yield emu


@pytest.fixture
def paul(emulator: TeamsEmulator, monkeypatch: pytest.MonkeyPatch) -> User:
    """Paul administers Palier (PALIER_ADMIN_USER_IDS, read when the world is built)."""
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", ADMIN_ID)
    return emulator.add_user("Paul Durand", "paul.durand@example.fr", aad_object_id=ADMIN_ID)


@pytest.fixture
def bob(world: TeamsWorld) -> User:
    """Followed like Alice, in Paris too: both are due at the world's time."""
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    return bob


def _advance(world: TeamsWorld, seconds: float) -> None:
    """Palier's clock and the emulator's move together."""
    world.clock.now += timedelta(seconds=seconds)
    world.emulator.clock.advance(seconds)  # type: ignore[attr-defined]


def _prompt(world: TeamsWorld, user: User) -> CheckinPrompt:
    return world.prompt(user)


def _say(world: TeamsWorld, user: User, text: str) -> str:
    before = len(world.teams.messages(user))
    assert world.teams.send_message(user, text).ok
    answer = world.teams.latest_message(user)
    assert answer is not None and len(world.teams.messages(user)) == before + 2
    return world.teams.render(answer)


def _prompted(world: TeamsWorld, user: User) -> int:
    """How many prompts Palier posted to ``user`` (in French or English)."""
    starts = {"Faire mon check-in", "Start my check-in"}
    teams = world.teams
    return sum(1 for m in teams.messages(user) if m.from_bot and starts & set(teams.buttons(m)))


# -- Teams' rate limit ------------------------------------------------------------------------


def _one_message_in_flight(world: TeamsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests follow each send's answer to the next: one message in flight per
    tenant (on PostgreSQL a lane has several; a 429 holds the sends after it, not those
    already on their way — the dispatch's own tests and benchmarks cover the width)."""
    ticker = world.ticker
    lanes = replace(ticker.policy.lanes, width=1)
    monkeypatch.setattr(ticker, "policy", replace(ticker.policy, lanes=lanes))


def test_a_429_is_honoured_nothing_is_sent_before_retry_after(world: TeamsWorld, bob: User) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.install(bob)
    world.emulator.enforce_rate_limits = True  # from now on (the welcomes went out before)
    world.emulator.clear_calls()
    report = world.tick()
    # The first prompt went out; the second met Teams' limit (429, Retry-After: 60) and
    # was given back without using an attempt.
    assert report.sent == 1 and report.failed == 0
    sends = world.emulator.calls_to("send")
    assert [call.status for call in sends] == [201, 429]
    assert sends[1].headers["Retry-After"] == "60"
    waiting = [p for p in (_prompt(world, alice), _prompt(world, bob)) if p.sent_at is None]
    assert [(p.status, p.attempts) for p in waiting] == [(PromptStatus.PENDING, 0)]
    # A tick before Retry-After has elapsed sends nothing to Teams at all.
    _advance(world, 59)
    assert world.tick().sent == 0
    assert len(world.emulator.calls_to("send")) == 2
    # Once it has, the prompt goes out; Teams never had to refuse a second time.
    _advance(world, 1)
    assert world.tick().sent == 1
    sends = world.emulator.calls_to("send")
    assert [call.status for call in sends] == [201, 429, 201]
    assert sends[2].clock - sends[1].clock >= 60  # on the emulator's own clock
    assert _prompted(world, alice) == 1 and _prompted(world, bob) == 1


def test_an_injected_429_holds_every_send_to_that_tenant_until_it_elapses(
    world: TeamsWorld, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _one_message_in_flight(world, monkeypatch)
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.install(bob)
    world.emulator.clear_calls()
    world.emulator.inject("send", status=429, retry_after=120)
    report = world.tick()
    assert report.sent == 0 and report.failed == 0
    # The other person's prompt waits for Retry-After too, within this tick and the next.
    assert len(world.emulator.calls_to("send")) == 1
    _advance(world, 119)
    assert world.tick().sent == 0
    assert len(world.emulator.calls_to("send")) == 1
    prompts = [_prompt(world, alice), _prompt(world, bob)]
    assert all(p.status is PromptStatus.PENDING and p.attempts == 0 for p in prompts)
    _advance(world, 1)
    assert world.tick().sent == 2
    assert len(world.emulator.calls_to("send")) == 3


def test_the_tick_waits_no_retry_after_in_place_it_defers(world: TeamsWorld, bob: User) -> None:
    """The tick's sends keep their own ways with a 429 (deferred, the tenant held): the
    listeners' retry in place (handlers.teams.throttle.ConnectorRetries) is not theirs."""
    world.teams.install(world.alice)
    world.emulator.clear_calls()
    world.emulator.inject("send", status=429, retry_after=3)
    world.tick()
    assert world.naps.waits == []
    assert [c.status for c in world.emulator.calls_to("send")][:1] == [429]


def test_a_503_with_retry_after_holds_the_tenant_until_it_elapses(
    world: TeamsWorld, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 503 that says when to come back is a passing failure (an attempt used) and, as a
    429, nothing more goes to the tenant before then."""
    _one_message_in_flight(world, monkeypatch)
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.install(bob)
    world.emulator.clear_calls()
    world.emulator.inject("send", status=503, retry_after=90)
    report = world.tick()
    assert report.sent == 0 and "503" in report.errors[0]
    assert "deferred" in report.errors[1]  # the other prompt waited for the tenant
    assert len(world.emulator.calls_to("send")) == 1
    _advance(world, 89)
    assert world.tick().sent == 0
    assert len(world.emulator.calls_to("send")) == 1
    _advance(world, 1)
    assert world.tick().sent == 2
    assert [c.status for c in world.emulator.calls_to("send")] == [503, 201, 201]
    # the refused prompt used one attempt more than the other
    assert sorted(p.attempts for p in (_prompt(world, alice), _prompt(world, bob))) == [1, 2]
    assert world.naps.waits == []


# -- the Connector failing ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_retried_at_the_next_tick_and_sent_once(
    world: TeamsWorld, bob: User, status: int
) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.install(bob)
    world.emulator.clear_calls()
    world.emulator.inject("send", status=status, times=1)
    report = world.tick()
    assert report.sent == 1 and len(report.errors) == 1  # the other one went out
    failed = [p for p in (_prompt(world, alice), _prompt(world, bob)) if p.sent_at is None]
    assert [(p.status, p.attempts) for p in failed] == [(PromptStatus.PENDING, 1)]
    _advance(world, 60)
    assert world.tick().sent == 1
    assert _prompted(world, alice) == 1 and _prompted(world, bob) == 1
    assert [c.status for c in world.emulator.calls_to("send")] == [status, 201, 201]


def test_a_lasting_outage_leaves_the_prompts_pending_for_a_later_tick(
    world: TeamsWorld, bob: User
) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.install(bob)
    world.emulator.inject("send", status=503, times=4)
    for _ in range(2):
        report = world.tick()
        assert report.sent == 0 and len(report.errors) == 2
        _advance(world, 60)
    assert all(
        p.status is PromptStatus.PENDING for p in (_prompt(world, alice), _prompt(world, bob))
    )
    assert world.tick().sent == 2
    assert _prompted(world, alice) == 1 and _prompted(world, bob) == 1


# -- someone who removed the app ------------------------------------------------------------------


def test_someone_who_removed_the_app_is_set_aside_and_the_admin_is_told_how_to_fix_it(
    paul: User, world: TeamsWorld, bob: User
) -> None:
    teams, alice = world.teams, world.alice
    for user in (alice, bob, paul):
        teams.install(user)
    # Bob removes Palier while Palier is down: the event never reaches it.
    world.emulator.uninstall(bob)
    report = world.tick()
    assert report.sent == 1  # Alice's
    assert _prompted(world, alice) == 1
    [refused] = [c for c in world.emulator.calls_to("send") if c.status != 201]
    assert (refused.status, refused.error_code) == (403, "BotNotInConversationRoster")
    # Teams said the app is not installed for him: Palier forgets that conversation and
    # holds him as it holds anyone the app is not installed for.
    person = world.person(bob)
    assert person.conversation_ref is None and person.active
    assert _prompt(world, bob).status is PromptStatus.PENDING
    _advance(world, 60)
    before = len(world.emulator.calls)
    world.tick()
    assert world.emulator.calls_to("send")[before:] == []  # not written to again

    status = _say(world, paul, "admin status")
    assert "1 personne inscrite ne peut pas encore recevoir de message" in status
    assert "• Bob Stone" in status and "Alice Martin" not in status
    assert "centre d'administration Teams" in status

    # He adds the app again: welcomed, and his prompt of the week goes out.
    teams.install(bob)
    assert world.person(bob).conversation_ref is not None
    _advance(world, 60)
    assert world.tick().sent == 1
    assert _prompted(world, bob) == 1
    assert "ne peu" not in _say(world, paul, "admin status")


def test_removing_the_app_is_heard_and_nothing_is_sent_to_them_any_more(
    paul: User, world: TeamsWorld, bob: User
) -> None:
    teams, alice = world.teams, world.alice
    for user in (alice, bob, paul):
        teams.install(user)
    assert all(r.status == 200 for r in teams.uninstall(bob))
    assert world.person(bob).conversation_ref is None
    world.emulator.clear_calls()
    assert world.tick().sent == 1
    assert [c.status for c in world.emulator.calls_to("send")] == [201]  # Alice only
    assert "• Bob Stone" in _say(world, paul, "admin status")


def test_a_conversation_teams_no_longer_knows_is_forgotten(world: TeamsWorld, bob: User) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.install(bob)
    gone = ConversationRef(world.emulator.service_url, "a:gone-conversation").dump()
    with session_scope(world.core.sessions) as session:
        session.execute(
            update(Person)
            .where(Person.platform_user_id == bob.aad_object_id)
            .values(conversation_ref=gone)
        )
    assert world.tick().sent == 1
    [refused] = [c for c in world.emulator.calls_to("send") if c.status != 201]
    assert (refused.status, refused.error_code) == (404, "ConversationNotFound")
    assert world.person(bob).conversation_ref is None


def test_someone_who_blocked_palier_keeps_their_conversation_and_is_not_deactivated_at_once(
    paul: User, world: TeamsWorld, bob: User
) -> None:
    teams, alice = world.teams, world.alice
    for user in (alice, bob, paul):
        teams.install(user)
    world.emulator.block(bob)
    assert world.tick().sent == 1
    [refused] = [c for c in world.emulator.calls_to("send") if c.status != 201]
    assert (refused.status, refused.error_code) == (403, "ConversationBlockedByUser")
    person = world.person(bob)
    # Blocking is not removing the app: the conversation stays (unblocked, he is
    # reachable there again); one refusal deactivates nobody.
    assert person.conversation_ref is not None and person.active
    assert "Bob Stone" not in _say(world, paul, "admin status")


def test_someone_not_installed_for_days_is_still_named_to_the_admin(
    paul: User, world: TeamsWorld, bob: User
) -> None:
    teams = world.teams
    teams.install(world.alice)
    teams.install(paul)  # Bob never installs the app
    for day in range(3):
        world.clock.now = NOW + timedelta(days=day, minutes=1)
        world.tick()
    person = world.person(bob)
    assert not person.active and person.inactive_reason == "not_installed"
    status = _say(world, paul, "admin status")
    assert "• Bob Stone" in status and "centre d'administration Teams" in status
    # Installing it brings him back: the next week's prompt reaches him.
    teams.install(bob)
    assert world.person(bob).active
    world.clock.now = NOW + timedelta(days=7)
    world.tick()
    assert _prompted(world, bob) == 1


def test_installing_late_in_the_week_brings_this_week_s_check_in(
    paul: User, world: TeamsWorld, bob: User
) -> None:
    teams = world.teams
    teams.install(paul)  # Bob has not installed the app yet
    for day in range(3):
        world.clock.now = NOW + timedelta(days=day, minutes=1)
        world.tick()
    assert _prompted(world, bob) == 0
    teams.install(bob)  # on the third day: this week's check-in is not lost
    world.clock.now = NOW + timedelta(days=2, minutes=2)
    world.tick()
    assert _prompted(world, bob) == 1
    world.tick()
    assert _prompted(world, bob) == 1  # once


# -- the bot's credential refused --------------------------------------------------------------


def _refuse_the_credential(emulator: TeamsEmulator) -> None:
    """The app's client secret expires: Entra ID refuses it, and the tokens it issued
    no longer open the Connector."""
    emulator.identity.rotate_secret(emulator.app_id, "a-secret-palier-does-not-have")
    emulator.identity.revoke_tokens()


def _restore_the_credential(emulator: TeamsEmulator) -> None:
    emulator.identity.rotate_secret(emulator.app_id, emulator.client_secret)


def test_a_refused_credential_pauses_the_tenant_without_using_attempts_then_resumes(
    paul: User, world: TeamsWorld, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _one_message_in_flight(world, monkeypatch)
    teams, alice = world.teams, world.alice
    for user in (alice, bob, paul):
        teams.install(user)  # Palier holds a token from these installs
    _refuse_the_credential(world.emulator)
    world.emulator.clear_calls()
    report = world.tick()
    assert report.sent == 0 and report.failed == 0
    assert any("sending paused (token_invalid_client)" in e for e in report.errors), report
    # The Connector refused the token Palier held; a new one was asked for and refused
    # (the secret): the first refusal paused the tenant, the other person not even tried.
    assert [(c.operation, c.status) for c in world.emulator.calls] == [
        ("send", 401),
        ("token", 401),
    ]
    world.emulator.clear_calls()
    with session_scope(world.core.sessions) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.platform == Platform.TEAMS)).one()
        assert tenant.delivery_paused_at == NOW
        assert tenant.delivery_error == "token_invalid_client"
    # Hours of refusals, probed every 5 minutes, use no prompt's attempts and reach no
    # one: the Connector is not called with a token it refused.
    for minutes in range(1, 2 * 60):
        world.clock.now = NOW + timedelta(minutes=minutes)
        assert world.tick().failed == 0
    assert [(c.operation, c.status) for c in world.emulator.calls] == [("token", 401)] * 23
    prompts = [_prompt(world, u) for u in (alice, bob)]
    assert all(p.status is PromptStatus.PENDING and p.attempts == 0 for p in prompts)

    # The secret works again: the admin still sees the pause until the probe…
    _restore_the_credential(world.emulator)
    status = _say(world, paul, "admin status")
    assert "Envois en pause" in status and "token_invalid_client" in status
    # …which resumes sending: the week's prompts go out.
    world.clock.now = NOW + timedelta(hours=2)
    report = world.tick()
    assert report.sent == 2 and report.errors == []
    assert _prompted(world, alice) == 1 and _prompted(world, bob) == 1
    assert "Envois en pause" not in _say(world, paul, "admin status")


def test_a_refused_credential_pauses_teams_and_slack_goes_on(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    with SlackEmulator(clock=ManualClock(NOW.timestamp())) as slack:
        slack.add_user("U0ALICE", "alice", "Alice Slack", "alice@example.fr")
        with session_scope(world.core.sessions) as session:
            tenant = ensure_tenant(session, Platform.SLACK, "T0PALIER", "Palier Demo")
            person, _ = upsert_person(
                session, tenant, Profile("U0ALICE", "Alice Slack", timezone="Europe/Paris")
            )
            person.referentiel_id = "account-executive"
            person.role = Role.MEMBER
        client = make_client(slack.bot_token, slack.api_url)
        messengers = {
            **world.ticker.messengers,
            Platform.SLACK: SlackMessenger(lambda _workspace: client),
        }
        both = Ticker(
            world.core.sessions,
            world.core.referentiels,
            messengers,
            world.ticker.policy,
            "worker-2",
            world.clock,
        )
        _refuse_the_credential(world.emulator)
        report = both.tick(world.clock.now)
        assert report.sent == 1  # Slack's Alice
        assert len(slack.dm_messages("U0ALICE")) == 1
        assert any("sending paused (token_invalid_client)" in e for e in report.errors)
    assert _prompted(world, alice) == 0
    with session_scope(world.core.sessions) as session:
        paused = {
            t.platform: t.delivery_paused_at is not None for t in session.scalars(select(Tenant))
        }
    assert paused == {Platform.TEAMS: True, Platform.SLACK: False}


def test_a_revoked_token_is_replaced_and_the_prompt_goes_out(
    world: TeamsWorld, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _one_message_in_flight(world, monkeypatch)
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.install(bob)
    world.emulator.identity.revoke_tokens()  # the token Palier holds no longer opens anything
    world.emulator.clear_calls()
    report = world.tick()
    # Refused once, a new token asked for (the secret still works), the send done again.
    assert report.sent == 2 and report.errors == []
    assert [(c.operation, c.status) for c in world.emulator.calls] == [
        ("send", 401),
        ("token", 200),
        ("send", 201),
        ("send", 201),
    ]
