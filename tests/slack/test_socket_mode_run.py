"""Palier in Socket Mode, as ``palier run`` serves it when ``SLACK_APP_TOKEN`` is set.

The handler is built as :func:`handlers.slack.runner.serve` builds it,
``PalierSocketModeHandler(palier.bolt, app_token)`` (Bolt's, with a request Bolt
cannot read acknowledged) with no ``web_client``: the socket
client then uses the Bolt app's WebClient, whose base URL is ``SLACK_API_URL``,
so ``apps.connections.open`` reaches the emulator as every other call does.
Requests arrive as envelopes on the WebSocket (``SocketModeDriver``); nothing is
signed and nothing is served over HTTP.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import func, select

from emulators.slack import Message, SlackDriver, render_blocks
from emulators.slack.driver import SocketModeDriver, close_socket_mode_handler
from handlers.slack.app import PalierSlack, build_app
from handlers.slack.edge import PalierSocketModeHandler
from handlers.slack.runner import serve
from referentiels.loader import ReferentielCatalog
from storage.models import OneOnOneTopic, Person, PromptStatus, Rating, Role
from tests.slack.conftest import ALICE, CHLOE, Errors, World

_AE = ReferentielCatalog.load(None).get("account-executive")
assert _AE is not None
AE = _AE
THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@dataclass
class SocketPalier:
    """A Palier process connected in Socket Mode, and the driver that reaches it."""

    palier: PalierSlack
    handler: SocketModeHandler
    driver: SocketModeDriver


@pytest.fixture
def socket_palier(world: World) -> Iterator[SocketPalier]:
    settings = world.settings(SLACK_APP_TOKEN=world.emulator.app_token)
    assert settings.slack_app_token is not None
    palier = build_app(
        settings,
        engine=world.engine,
        clock=world.now,
        listener_executor=world.listener_executor(),
    )
    world.apps.append(palier)  # closed with the world
    # As runner.serve() does it (no web_client), and connect() where it calls start().
    handler = PalierSocketModeHandler(palier.bolt, settings.slack_app_token.get_secret_value())
    handler.connect()  # type: ignore[no-untyped-call]
    yield SocketPalier(palier, handler, SocketModeDriver(world.emulator))
    close_socket_mode_handler(handler, world.emulator)


def _ephemeral_help(world: World) -> Message | None:
    found = world.emulator.ephemerals_for(ALICE)
    return found[-1] if found else None


def _count(world: World, model: type) -> int:
    with world.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _levels(label: str) -> dict[str, str]:
    return {f"level:{c.id}": label for c in AE.all_competencies()}


def test_the_app_level_token_opens_the_connection_where_slack_api_url_points(
    world: World, socket_palier: SocketPalier
) -> None:
    [call] = world.emulator.calls_to("apps.connections.open")
    assert call.ok and call.response["url"] == socket_palier.handler.client.wss_uri
    assert socket_palier.handler.client.web_client is socket_palier.palier.client
    [connection] = world.emulator.socket_mode.connections()
    assert connection.hello["connection_info"] == {"app_id": world.emulator.workspace.app_id}


def test_palier_help_is_answered_ephemerally(world: World, socket_palier: SocketPalier) -> None:
    answer = socket_palier.driver.slash_command(ALICE, "/palier", "help")

    assert answer.ok and answer.within_deadline
    assert answer.body == ""  # an empty ack; the help comes through response_url
    message = world.emulator.wait_for(lambda: _ephemeral_help(world))
    text = render_blocks(message.blocks)
    assert "/palier me" in text and "/palier help" in text
    assert message.source == "response_url" and message.ephemeral_for == ALICE
    assert world.dms(ALICE) == []  # nothing anyone else could see


def test_checkin_through_socket_mode_is_stored_once(
    world: World, socket_palier: SocketPalier
) -> None:
    driver = socket_palier.driver
    world.enrol(ALICE)
    manager = world.enrol(CHLOE, role=Role.MANAGER)  # a manager only: her check-in asks a topic
    with world.session() as session, session.begin():
        for person in session.scalars(select(Person)):
            if person.id == manager:
                person.referentiel_id = None
            else:
                person.manager_id = manager
    world.at(THURSDAY_1600_PARIS)
    assert socket_palier.palier.tick().sent == 1
    prompt = driver.latest_dm(ALICE)
    assert prompt is not None

    click = driver.click(ALICE, prompt, text="Faire mon check-in")
    assert click.ok and click.within_deadline and click.envelope_id is not None
    modal = world.emulator.wait_for(lambda: driver.modal(ALICE))

    # A bad link: Palier's ack carries response_action errors, the modal stays.
    values = {**_levels("Junior"), "evidence:closing": "Un deal", "link:closing": "pas un lien"}
    refused = driver.submit_view(ALICE, modal, values)
    assert refused.ok and refused.within_deadline and refused.outcome == "errors"
    assert list(refused.errors) == ["link:closing"]
    assert _count(world, Rating) == 0

    values["level:closing"] = "Intermédiaire"
    values["link:closing"] = "https://crm.example.com/deals/42"
    values["topic"] = "Comment préparer un comité de direction ?"
    accepted = driver.submit_view(ALICE, driver.modal(ALICE) or modal, values)
    assert accepted.ok and accepted.within_deadline and accepted.outcome == "close"
    world.emulator.wait_for(
        lambda: any("Votre progression" in (m.text or "") for m in world.dms(ALICE)) or None
    )

    # The same submission delivered again (a new envelope, same payload): stored once.
    replay = driver.send("interactive", accepted.payload, kind="view_submission")
    assert replay.ok
    with world.session() as session:
        ratings = dict(session.execute(select(Rating.competency_id, Rating.level_id)).all())
    assert ratings == {
        **{c.id: "junior" for c in AE.all_competencies()},
        "closing": "intermediaire",
    }
    assert _count(world, Rating) == len(AE.all_competencies())
    assert _count(world, OneOnOneTopic) == 1
    assert len([m for m in world.dms(ALICE) if "Votre progression" in (m.text or "")]) == 1
    assert world.prompts(ALICE)[0].status is PromptStatus.DONE
    updated = world.emulator.message(prompt.channel, prompt.ts)
    assert updated is not None and SlackDriver.button_labels(updated) == []
    # Every request went over the WebSocket, as interactive envelopes.
    kinds = {d.envelope["type"] for d in world.emulator.socket_mode.deliveries()}
    assert kinds == {"interactive"}


def test_palier_run_serves_socket_mode_with_the_settings_it_is_given(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = world.settings(
        SLACK_APP_TOKEN=world.emulator.app_token,
        DATABASE_URL=world.engine.url.render_as_string(hide_password=False),
    )
    started: list[SocketModeHandler] = []
    connected, done = threading.Event(), threading.Event()

    def start_until_done(self: SocketModeHandler) -> None:
        # The real start() connects, then blocks forever; this one until the test ends.
        self.connect()  # type: ignore[no-untyped-call]
        started.append(self)
        connected.set()
        done.wait(30)
        close_socket_mode_handler(self, world.emulator)

    monkeypatch.setattr(SocketModeHandler, "start", start_until_done)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            serve(settings, clock=world.now)
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    server = threading.Thread(target=run, daemon=True)
    server.start()
    try:
        assert connected.wait(10), errors
        answer = SocketModeDriver(world.emulator).slash_command(ALICE, "/palier", "help")
        assert answer.ok and answer.within_deadline
        message = world.emulator.wait_for(lambda: _ephemeral_help(world))
        assert "/palier me" in render_blocks(message.blocks)
    finally:
        done.set()
        server.join(10)
    assert not server.is_alive() and errors == []
    [handler] = started
    assert handler.client.web_client.base_url == world.emulator.api_url
    [call] = world.emulator.calls_to("apps.connections.open")
    assert call.ok


def test_a_payload_bolt_cannot_read_is_acknowledged_and_changes_nothing(
    world: World, socket_palier: SocketPalier, caplog: pytest.LogCaptureFixture, errors: Errors
) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    assert socket_palier.palier.tick().sent == 1
    [prompt] = world.prompts(ALICE)
    payload = {
        "type": "block_actions",
        "team": {"id": world.emulator.workspace.team_id},
        "user": 7,  # not an object: Bolt's own request breaks on it
        "trigger_id": world.emulator.issue_trigger(ALICE),
        "actions": [{"action_id": "checkin_skip", "type": "button", "value": str(prompt.id)}],
    }
    with caplog.at_level(logging.WARNING):
        answer = socket_palier.driver.send("interactive", payload, kind="block_actions")
    assert answer.ok and answer.ack is not None  # acknowledged: Slack will not resend it
    assert any("cannot read" in r.getMessage() for r in caplog.records)
    assert errors.records() == []
    assert world.prompts(ALICE)[0].status is PromptStatus.SENT
