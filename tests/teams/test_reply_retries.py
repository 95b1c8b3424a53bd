"""What Palier's listeners send, when the Bot Framework Connector says "not now": a 429
(or a 503 with ``Retry-After``) is waited out as the header says, then sent again, a
bounded number of times within a bounded wait; a message the Connector took is never
sent twice; one person's wait holds nobody else's reply. Through the real Teams SDK and
the emulator; the waits are the world's injected sleep (no real time), which moves the
emulator's clock on (its rate limits count on it). SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from emulators.teams import User
from tests.teams.conftest import TeamsWorld, enrol
from tests.teams.managers import check_in

HELP_FR = "Commandes"


def _replies(world: TeamsWorld, user: User) -> list[str]:
    teams = world.teams
    return [teams.render(m) for m in teams.messages(user) if m.from_bot]


def _statuses(world: TeamsWorld) -> list[int]:
    return [call.status for call in world.emulator.calls_to("send")]


def _installed(world: TeamsWorld, user: User) -> int:
    """``user`` has Palier, their welcome sent; the Connector's calls forgotten."""
    world.teams.install(user)
    world.emulator.clear_calls()
    return len(_replies(world, user))


def test_a_reply_met_with_429_waits_its_retry_after_and_goes_out_once(world: TeamsWorld) -> None:
    alice = world.alice
    before = _installed(world, alice)
    world.emulator.inject("send", status=429, retry_after=7)
    assert world.teams.send_message(alice, "aide").status == 200
    assert world.naps.waits == [7.0]
    assert _statuses(world) == [429, 201]
    [answer] = _replies(world, alice)[before:]
    assert HELP_FR in answer
    first, second = world.emulator.calls_to("send")
    assert second.clock - first.clock >= 7  # on the emulator's clock: Retry-After honoured


def test_a_503_saying_when_to_come_back_is_waited_out_too(world: TeamsWorld) -> None:
    alice = world.alice
    before = _installed(world, alice)
    world.emulator.inject("send", status=503, retry_after=2)
    world.teams.send_message(alice, "aide")
    assert world.naps.waits == [2.0]
    assert _statuses(world) == [503, 201]
    assert len(_replies(world, alice)[before:]) == 1


def test_a_503_without_retry_after_is_not_sent_again(world: TeamsWorld) -> None:
    alice = world.alice
    before = _installed(world, alice)
    world.emulator.inject("send", status=503)
    world.teams.send_message(alice, "aide")
    assert world.naps.waits == [] and _statuses(world) == [503]
    assert _replies(world, alice)[before:] == []


def test_retries_are_bounded_in_number(world: TeamsWorld) -> None:
    alice = world.alice
    before = _installed(world, alice)
    world.emulator.inject("send", status=429, retry_after=1, times=10)
    world.teams.send_message(alice, "aide")
    assert world.naps.waits == [1.0, 1.0, 1.0]  # three more tries, then it gives up
    assert _statuses(world) == [429, 429, 429, 429]
    assert _replies(world, alice)[before:] == []
    world.emulator.clear_faults()
    world.teams.send_message(alice, "aide")  # nothing stays closed afterwards
    assert len(_replies(world, alice)[before:]) == 1


def test_a_wait_longer_than_the_bound_is_not_cut_short(world: TeamsWorld) -> None:
    """Teams waits about 15 s for a listener's answer: a Retry-After of a minute is not
    waited here, and not sent before it either."""
    alice = world.alice
    before = _installed(world, alice)
    world.emulator.inject("send", status=429, retry_after=60)
    world.teams.send_message(alice, "aide")
    assert world.naps.waits == [] and _statuses(world) == [429]
    assert _replies(world, alice)[before:] == []


def test_waits_add_up_within_the_bound(world: TeamsWorld) -> None:
    alice = world.alice
    before = _installed(world, alice)
    world.emulator.inject("send", status=429, retry_after=6, times=2)
    world.teams.send_message(alice, "aide")
    assert world.naps.waits == [6.0]  # 6 + 6 would pass the 10 s bound: no second wait
    assert _statuses(world) == [429, 429]
    assert _replies(world, alice)[before:] == []


def test_a_reply_the_connector_took_is_not_sent_twice(world: TeamsWorld) -> None:
    """The Connector posted it, then the connection dropped: Palier cannot know it went
    out, so it does not send it again."""
    alice = world.alice
    before = _installed(world, alice)
    world.emulator.inject("send", lose_answer=True)
    world.teams.send_message(alice, "aide")
    assert _statuses(world) == [201]
    assert world.naps.waits == []
    [answer] = _replies(world, alice)[before:]
    assert HELP_FR in answer


def test_one_persons_wait_holds_nobody_elses_reply(world: TeamsWorld) -> None:
    alice = world.alice
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    world.teams.install(bob)
    before_alice, before_bob = _installed(world, alice), len(_replies(world, bob))
    world.naps.hold.clear()  # Alice's wait lasts until the test says
    world.emulator.inject("send", status=429, retry_after=5)
    alices = threading.Thread(target=world.teams.send_message, args=(alice, "aide"))
    alices.start()
    try:
        assert world.naps.waiting.wait(30)  # Alice's reply is waiting its Retry-After
        assert world.teams.send_message(bob, "help").status == 200
        [bobs] = _replies(world, bob)[before_bob:]
        assert "Commands" in bobs  # Bob was answered meanwhile
        assert _replies(world, alice)[before_alice:] == []
    finally:
        world.naps.hold.set()
        alices.join(30)
    assert not alices.is_alive()
    [alices_answer] = _replies(world, alice)[before_alice:]
    assert HELP_FR in alices_answer
    assert _statuses(world) == [429, 201, 201]


def test_a_card_updated_after_a_dialog_is_retried_too(world: TeamsWorld) -> None:
    """Any request of a listener, not only a new message: a check-in submitted from its
    dialog turns the week's prompt into "done" (a PUT of that activity)."""
    alice = world.alice
    world.teams.install(alice)
    assert world.tick().sent == 1  # the week's prompt
    world.emulator.clear_calls()
    world.emulator.inject("update", status=429, retry_after=2)
    check_in(world, alice, "intermediaire")
    assert world.naps.waits == [2.0]
    assert [c.status for c in world.emulator.calls_to("update")][:2] == [429, 200]
    prompt = next(m for m in world.teams.messages(alice) if m.from_bot and m.edits)
    assert prompt.edits == 1  # updated once, not twice
