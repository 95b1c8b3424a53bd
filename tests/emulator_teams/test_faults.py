"""Faults on demand, Teams' rate limits on the emulator's clock, and waiting on events."""

from __future__ import annotations

import threading

import httpx
import pytest

from emulators.teams import ManualClock, RateLimits, TeamsEmulator, User
from tests.emulator_teams import bot_token


def client(emulator: TeamsEmulator) -> httpx.Client:
    return httpx.Client(headers={"Authorization": f"Bearer {bot_token(emulator)}"})


def send(
    http: httpx.Client, emulator: TeamsEmulator, conversation: str, text: str
) -> httpx.Response:
    return http.post(
        f"{emulator.service_url}v3/conversations/{conversation}/activities",
        json={"type": "message", "text": text},
    )


def test_an_injected_429_carries_retry_after_then_calls_go_through(
    emulator: TeamsEmulator, alice: User
) -> None:
    conversation = emulator.install(alice).id
    http = client(emulator)
    emulator.inject("send", status=429, retry_after=7)
    throttled = send(http, emulator, conversation, "first try")
    retried = send(http, emulator, conversation, "second try")
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "7"
    assert throttled.json() == {"error": {"code": "Throttled", "message": "Too many requests."}}
    assert retried.status_code == 201
    assert [m.text for m in emulator.messages_in(conversation)] == ["second try"]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_on_demand_change_nothing(
    emulator: TeamsEmulator, alice: User, status: int
) -> None:
    conversation = emulator.install(alice).id
    http = client(emulator)
    emulator.inject("*", status=status)
    answer = send(http, emulator, conversation, "x")
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == "ServiceError"
    assert emulator.messages_in(conversation) == []


def test_faults_apply_to_the_token_endpoint_too(emulator: TeamsEmulator) -> None:
    emulator.inject("token", status=503)
    with pytest.raises(httpx.HTTPStatusError):
        bot_token(emulator)
    assert bot_token(emulator)


def test_a_reset_drops_the_connection_and_carries_nothing_out(
    emulator: TeamsEmulator, alice: User
) -> None:
    conversation = emulator.install(alice).id
    http = client(emulator)
    emulator.inject("send", reset=True)
    with pytest.raises(httpx.TransportError):
        send(http, emulator, conversation, "lost")
    assert emulator.messages_in(conversation) == []
    assert emulator.calls_to("send")[-1].status == 0


def test_a_lost_answer_carries_the_call_out_then_drops_the_connection(
    emulator: TeamsEmulator, alice: User
) -> None:
    """The case a sender must not retry: the message is in the chat, the answer never came."""
    conversation = emulator.install(alice).id
    http = client(emulator)
    emulator.inject("send", lose_answer=True)
    with pytest.raises(httpx.TransportError):
        send(http, emulator, conversation, "went out")
    assert [m.text for m in emulator.messages_in(conversation)] == ["went out"]
    assert emulator.calls_to("send")[-1].status == 201
    assert send(http, emulator, conversation, "next").status_code == 201  # once only


def test_an_injected_503_says_when_to_come_back_and_carries_nothing_out(
    emulator: TeamsEmulator, alice: User
) -> None:
    conversation = emulator.install(alice).id
    http = client(emulator)
    emulator.inject("reply", status=503, retry_after=4)
    first = emulator.post_user_message(alice, "hello")
    answer = http.post(
        f"{emulator.service_url}v3/conversations/{conversation}/activities/{first.id}",
        json={"type": "message", "text": "a reply"},
    )
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "4"
    assert answer.json()["error"]["code"] == "ServiceError"
    assert [m.text for m in emulator.messages_in(conversation)] == ["hello"]


def test_a_held_call_answers_once_released(emulator: TeamsEmulator, alice: User) -> None:
    conversation = emulator.install(alice).id
    http = client(emulator)
    release = threading.Event()
    fault = emulator.inject("send", hold=release)
    answers: list[httpx.Response] = []
    sender = threading.Thread(
        target=lambda: answers.append(send(http, emulator, conversation, "slow"))
    )
    sender.start()
    assert fault.held.wait(10)  # the call is in, waiting
    assert emulator.messages_in(conversation) == []
    release.set()
    sender.join(10)
    assert answers[0].status_code == 201
    assert [m.text for m in emulator.messages_in(conversation)] == ["slow"]


def test_a_slow_answer_takes_its_delay_and_then_goes_through(
    emulator: TeamsEmulator, alice: User
) -> None:
    conversation = emulator.install(alice).id
    http = client(emulator)
    emulator.inject("send", delay=0.2)
    assert send(http, emulator, conversation, "slow").status_code == 201
    call = emulator.calls_to("send")[-1]
    assert call.finished - call.started >= 0.2


def test_the_per_thread_send_limits_on_the_emulators_clock(clock: ManualClock) -> None:
    with TeamsEmulator(clock=clock, enforce_rate_limits=True) as emulator:
        alice = emulator.add_user("Alice Martin", "alice@example.fr")
        bob = emulator.add_user("Bob Stone", "bob@example.com")
        to_alice, to_bob = emulator.install(alice).id, emulator.install(bob).id
        http = client(emulator)
        statuses = [send(http, emulator, to_alice, f"m{i}").status_code for i in range(8)]
        assert statuses == [201] * 7 + [429]  # 7 per second per conversation
        throttled = emulator.calls_to("send")[-1]
        assert throttled.headers["Retry-After"] == "1"
        assert throttled.error_code == "Throttled"
        assert send(http, emulator, to_bob, "other thread").status_code == 201
        clock.advance(1)
        assert send(http, emulator, to_alice, "m8").status_code == 201  # 8 per 2 s
        assert send(http, emulator, to_alice, "m9").status_code == 429
        clock.advance(1)
        assert send(http, emulator, to_alice, "m10").status_code == 201


def test_the_global_limit_per_app_per_tenant(clock: ManualClock) -> None:
    limits = RateLimits(per_app_per_tenant=((1, 3),))
    with TeamsEmulator(clock=clock, enforce_rate_limits=True, rate_limits=limits) as emulator:
        people = [emulator.add_user(f"P{i} X", f"p{i}@example.fr") for i in range(4)]
        conversations = [emulator.install(p).id for p in people]
        http = client(emulator)
        statuses = [send(http, emulator, c, "hi").status_code for c in conversations]
        assert statuses == [201, 201, 201, 429]
        clock.advance(1)
        assert send(http, emulator, conversations[3], "hi").status_code == 201


def test_rate_limits_are_off_by_default(emulator: TeamsEmulator, alice: User) -> None:
    conversation = emulator.install(alice).id
    http = client(emulator)
    assert {send(http, emulator, conversation, str(i)).status_code for i in range(20)} == {201}


def test_wait_for_wakes_on_a_call_from_another_thread(emulator: TeamsEmulator, alice: User) -> None:
    conversation = emulator.install(alice).id
    http = client(emulator)
    sender = threading.Thread(target=lambda: send(http, emulator, conversation, "from afar"))
    sender.start()
    messages = emulator.wait_for(lambda: emulator.messages_in(conversation))
    sender.join(10)
    assert [m.text for m in messages] == ["from afar"]


def test_wait_for_gives_up_after_its_timeout(emulator: TeamsEmulator) -> None:
    with pytest.raises(TimeoutError):
        emulator.wait_for(lambda: None, timeout=0.05)
