"""HTTP mode on the production server (waitress), and one tick from a fresh process."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import waitress
from waitress.server import BaseWSGIServer

from emulators.slack import SlackDriver
from handlers.slack.runner import EVENTS_PATH, run_tick, wsgi_app
from tests.slack.conftest import ALICE, SIGNING_SECRET, World


@pytest.fixture
def served(world: World) -> Iterator[str]:
    server = waitress.create_server(wsgi_app(world.palier), host="127.0.0.1", port=0)
    assert isinstance(server, BaseWSGIServer)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


def test_slack_requests_are_served_by_waitress(world: World, served: str) -> None:
    driver = SlackDriver(served + EVENTS_PATH, SIGNING_SECRET, world.emulator)
    answer = driver.slash_command(ALICE, "/palier", "help")
    assert answer.ok and answer.headers.get("Server", "").startswith("waitress")
    messages = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(ALICE) or None)
    assert "/palier me" in (messages[-1].text or "") or messages[-1].blocks


def test_a_badly_signed_request_is_refused(world: World, served: str) -> None:
    forger = SlackDriver(served + EVENTS_PATH, "not-the-secret", world.emulator)
    assert forger.slash_command(ALICE, "/palier", "me").status == 401
    assert world.emulator.ephemerals_for(ALICE) == []


def test_health_check_and_unknown_paths(world: World, served: str) -> None:
    with urllib.request.urlopen(served + "/healthz") as answer:
        assert answer.status == 200 and answer.read() == b"ok"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(served + "/admin")
    assert refused.value.code == 404


def test_run_tick_sends_due_prompts_from_its_own_process(world: World) -> None:
    world.enrol(ALICE)
    settings = world.settings(DATABASE_URL=world.engine.url.render_as_string(hide_password=False))
    report = run_tick(settings, datetime(2026, 11, 26, 15, 0, tzinfo=UTC), clock=world.now)
    assert report.sent == 1
    assert len(world.dms(ALICE)) == 1
    # The same instant again: nothing more.
    assert run_tick(settings, datetime(2026, 11, 26, 15, 0, tzinfo=UTC), clock=world.now).sent == 0


def test_the_scheduler_ticks_on_its_own(world: World) -> None:
    world.enrol(ALICE)
    world.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    scheduler = world.palier.start_scheduler()
    job = scheduler.get_job("palier-tick")
    assert job is not None and job.trigger.interval.total_seconds() == 60
    assert job.max_instances == 1 and job.coalesce
    # The first tick runs at once (no waiting a minute after a restart).
    message = world.emulator.wait_for(lambda: world.driver.latest_dm(ALICE), timeout=10)
    assert "semaine 48" in (message.text or "")
    world.palier.close()
    assert not scheduler.running
