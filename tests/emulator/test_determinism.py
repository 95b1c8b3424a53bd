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
from slack_sdk import WebClient

from handlers.slack.emulator import SlackEmulator
from tests.emulator import ALICE, home, modal, section


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
