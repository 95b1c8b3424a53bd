"""Waiting without racing: atomic bookkeeping, and listeners drained instead of polled.

A test reads the emulator while Bolt's listener threads and the emulator's HTTP
threads work; on a busy machine any gap between "done" and "visible" shows up as a
flaky test. These pin the two guarantees: a Web API call is recorded in the same
step as its effects, and ``wait_for`` and the driver's helpers first wait for every
listener the requests so far started.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from emulators.slack import SlackDriver, SlackEmulator
from emulators.slack.driver import BoltAppServer
from emulators.slack.listeners import ListenerExecutor
from tests.emulator import ALICE, SIGNING_SECRET, client, home, modal, section


def _probe_while_recording(emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Whenever a call is about to be recorded, another thread looks at the emulator:
    it may not get in (the call is not over), or must see the call's effects and the
    call together. Returns what it saw each time: "locked" or what it could read."""
    seen: list[str] = []
    record = emulator._record

    def look() -> None:
        if not emulator._lock.acquire(blocking=False):
            seen.append("locked")
            return
        try:
            methods = {c.method for c in emulator.calls}
            state = {
                "views.publish": emulator.home_view(ALICE) is not None,
                "chat.postMessage": bool(emulator.dm_messages(ALICE)),
                "views.open": bool(emulator.open_views(ALICE)),
            }
            seen.extend(
                f"{method} visible before it was recorded"
                for method, visible in state.items()
                if visible and method not in methods
            )
        finally:
            emulator._lock.release()

    def probed(*args: Any, **kwargs: Any) -> None:
        probe = threading.Thread(target=look)
        probe.start()
        probe.join()
        record(*args, **kwargs)

    monkeypatch.setattr(emulator, "_record", probed)
    return seen


@pytest.mark.parametrize(
    "call",
    [
        lambda web: web.views_publish(user_id=ALICE, view=home([section("Accueil")])),
        lambda web: web.chat_postMessage(channel=ALICE, text="Bonjour"),
        lambda web, emulator: web.views_open(
            trigger_id=emulator.issue_trigger(ALICE), view=modal("Check-in", [section("x")])
        ),
    ],
    ids=["views.publish", "chat.postMessage", "views.open"],
)
def test_a_call_and_its_effects_become_visible_in_one_step(
    emulator: SlackEmulator,
    web: WebClient,
    monkeypatch: pytest.MonkeyPatch,
    call: Callable[..., Any],
) -> None:
    seen = _probe_while_recording(emulator, monkeypatch)
    if call.__code__.co_argcount == 2:
        call(web, emulator)
    else:
        call(web)
    assert seen == ["locked"]


def test_drain_waits_for_the_work_started_so_far_and_what_it_started() -> None:
    executor = ListenerExecutor()
    gate, done = threading.Event(), []

    def second() -> None:
        done.append("second")

    def first() -> None:
        gate.wait()
        executor.submit(second)
        done.append("first")

    try:
        executor.submit(first)
        assert executor.busy == 1
        gate.set()
        executor.drain()
        assert sorted(done) == ["first", "second"] and executor.busy == 0
    finally:
        executor.shutdown(wait=True)


def test_drain_reraises_what_escaped_a_listener_once() -> None:
    executor = ListenerExecutor()

    def broken() -> None:
        raise ValueError("listener bug")

    try:
        executor.submit(broken)
        with pytest.raises(ValueError, match="listener bug"):
            executor.drain()
        executor.drain()  # reported once
    finally:
        executor.shutdown(wait=True)


def test_drain_is_a_no_op_inside_the_pool_and_times_out_as_a_safety_net() -> None:
    executor = ListenerExecutor()
    gate = threading.Event()

    def from_inside() -> str:
        executor.drain(timeout=60)
        return "returned"

    try:
        assert executor.submit(from_inside).result() == "returned"
        executor.submit(gate.wait)
        with pytest.raises(TimeoutError, match="1 listener"):
            executor.drain(timeout=0)
    finally:
        gate.set()
        executor.shutdown(wait=True)


@pytest.fixture
def slow_app(emulator: SlackEmulator, listeners: ListenerExecutor) -> App:
    """Bolt's default mode: ack first, then a listener whose Web API calls are slow."""
    app = App(signing_secret=SIGNING_SECRET, client=client(emulator), listener_executor=listeners)

    @app.command("/palier")
    def answer(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal("Check-in", [section("x")]))
        client.chat_postMessage(channel=body["user_id"], text="Bonjour")

    return app


def test_wait_for_checks_only_once_the_listeners_are_done(
    emulator: SlackEmulator, slow_app: App
) -> None:
    emulator.inject("chat.postMessage", delay=0.3)
    checks = []

    def posted() -> list[Any] | None:
        checks.append(1)
        return emulator.dm_messages(ALICE) or None

    with BoltAppServer(slow_app) as server:
        assert SlackDriver(server.url, SIGNING_SECRET, emulator).slash_command(ALICE).ok
        assert [m.text for m in emulator.wait_for(posted)] == ["Bonjour"]
    assert len(checks) == 1


def test_the_drivers_helpers_show_what_the_listeners_did(
    emulator: SlackEmulator, slow_app: App
) -> None:
    emulator.inject("views.open", delay=0.3)
    with BoltAppServer(slow_app) as server:
        driver = SlackDriver(server.url, SIGNING_SECRET, emulator)
        assert driver.slash_command(ALICE).ok
        shown = driver.modal(ALICE)
        assert shown is not None and shown.title == "Check-in"
        latest = driver.latest_dm(ALICE)
        assert latest is not None and latest.text == "Bonjour"
