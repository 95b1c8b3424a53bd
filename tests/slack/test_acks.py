"""Slack's answer comes first; the slow work after (handlers.slack.workers).

Every test holds the emulator's Web API answers on a ``threading.Event``: what a
request's HTTP answer does not wait for, it gets while the held calls are still
pending. Then the hold is released and the work is seen to complete, without error.
Nothing here depends on timing: the listener threads are waited for, and a request
that would wait for a busy worker before its answer would hang the test instead.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import Executor
from urllib.parse import urlencode

from sqlalchemy import func, select

from emulators.slack import BoltAppServer, DriverResponse, Fault, SlackDriver
from emulators.slack.listeners import ListenerExecutor
from emulators.slack.server import Message, View
from handlers.slack.app import PalierSlack, build_app
from handlers.slack.runner import wsgi_app
from handlers.slack.workers import WorkerPool
from referentiels.loader import ReferentielCatalog
from storage.models import PromptStatus, Rating, Submission
from tests.slack.conftest import ALICE, SIGNING_SECRET, Errors, World
from tests.slack.test_checkin_journey import THURSDAY_1600_PARIS

DIANE, EMMA = "U0DIANE", "U0EMMA"
TIMEOUT = 30.0  # a safety net against a hung thread, never a pace
_AE = ReferentielCatalog.load(None).get("account-executive")
assert _AE is not None
LEVELS = {f"level:{c.id}": "Junior" for c in _AE.all_competencies()}


def _prompted(world: World, *people: str) -> dict[str, Message]:
    """Each person enrolled and sent this week's prompt."""
    for person in people:
        world.enrol(person)
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == len(people)
    prompts = {person: world.driver.latest_dm(person) for person in people}
    return {person: prompt for person, prompt in prompts.items() if prompt is not None}


def _modal(world: World, person: str, prompt: Message) -> View:
    world.driver.click(person, prompt, text="Faire mon check-in")
    return world.emulator.wait_for(lambda: world.driver.modal(person))


def _holds(world: World, method: str, count: int, release: threading.Event) -> list[Fault]:
    """The next ``count`` calls of ``method`` each wait for ``release``."""
    return [world.emulator.inject(method, hold=release) for _ in range(count)]


def _ratings(world: World) -> int:
    """Read without waiting for the listeners (they are held on purpose)."""
    with world.palier.core.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Rating)) or 0)


def _process(world: World, pool: Executor) -> tuple[PalierSlack, SlackDriver]:
    """Another Palier on the same database and emulator, whose work after the
    acknowledgement runs on ``pool``; its driver."""
    app = build_app(world.settings(), engine=world.engine, clock=world.now, listener_executor=pool)
    world.apps.append(app)
    server = BoltAppServer(app.bolt, wsgi=wsgi_app(app)).start()
    world.servers.append(server)
    return app, SlackDriver(server.url, SIGNING_SECRET, world.emulator)


def test_a_command_is_answered_while_every_worker_waits_on_slack(
    world: World, errors: Errors
) -> None:
    world.enrol(ALICE)
    workers = ListenerExecutor(max_workers=2)
    world.emulator.watch(workers)
    world.listeners.append(workers)
    _, driver = _process(world, workers)
    release = threading.Event()
    held = _holds(world, "views.open", 2, release)
    for _ in held:  # `/palier log` opens a modal: each worker waits on its views.open
        assert driver.slash_command(ALICE, "/palier", "log").ok
    assert all(fault.held.wait(TIMEOUT) for fault in held)
    # Every worker is busy: the answer cannot have waited for one.
    answer = driver.slash_command(ALICE, "/palier", "me")
    assert answer.ok and answer.body == ""
    assert not release.is_set() and world.emulator.ephemerals_for(ALICE) == []
    release.set()
    summary = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(ALICE))
    assert summary[-1].ephemeral_for == ALICE
    opened = world.emulator.calls_to("views.open")
    assert len(opened) == 2 and all(call.ok for call in opened)
    assert errors.records() == []


def test_a_click_is_answered_before_its_modal_opens(world: World, errors: Errors) -> None:
    prompt = _prompted(world, ALICE)[ALICE]
    release = threading.Event()
    (held,) = _holds(world, "views.open", 1, release)
    click = world.driver.click(ALICE, prompt, text="Faire mon check-in")
    assert click.ok and click.body == ""
    assert held.held.wait(TIMEOUT) and world.emulator.open_views(ALICE) == []
    release.set()
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    assert modal.callback_id == "checkin_submit"
    assert errors.records() == []


def test_a_submission_is_answered_inline_with_nothing_stored(world: World, errors: Errors) -> None:
    prompt = _prompted(world, ALICE)[ALICE]
    modal = _modal(world, ALICE, prompt)
    world.emulator.clear_calls()
    release = threading.Event()
    world.emulator.inject("*", hold=release, times=100)  # Slack answers nothing meanwhile
    bad_link = {**LEVELS, "evidence:closing": "Un deal", "link:closing": "pas un lien"}
    answer = world.driver.submit_view(ALICE, modal, bad_link)
    assert answer.response_action == "errors"
    assert answer.errors == {
        "link:closing": "Ce lien n'est pas une adresse web valide (https://…)."
    }
    assert _ratings(world) == 0
    release.set()
    world.emulator.settle()
    assert world.emulator.calls == []  # nothing to carry out
    assert world.prompts(ALICE)[0].status is PromptStatus.SENT
    assert errors.records() == []


def _replay(driver: SlackDriver, answer: DriverResponse) -> DriverResponse:
    """The same signed submission delivered again, as Slack marks a retry."""
    body = urlencode({"payload": json.dumps(answer.payload)}).encode()
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    return driver.post(body, "application/x-www-form-urlencoded", headers=retry)


def test_a_submission_is_stored_right_after_its_answer_and_once(
    world: World, errors: Errors
) -> None:
    prompt = _prompted(world, ALICE)[ALICE]
    modal = _modal(world, ALICE, prompt)
    world.emulator.clear_calls()
    release = threading.Event()
    effects = world.emulator.inject("*", hold=release, times=100)
    answer = world.driver.submit_view(ALICE, modal, LEVELS)
    assert answer.ok and answer.outcome == "close"
    # Answered, then stored (from the inbox) while its effects wait on Slack.
    assert effects.held.wait(TIMEOUT) and not release.is_set()
    assert _ratings(world) == len(LEVELS)
    again = _replay(world.driver, answer)
    assert again.ok and again.response_action is None  # the same answer: the modal closes
    assert _ratings(world) == len(LEVELS)
    release.set()
    world.emulator.settle()
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1
    assert world.prompts(ALICE)[0].status is PromptStatus.DONE
    summaries = [m for m in world.dms(ALICE) if "Votre progression" in (m.text or "")]
    assert len(summaries) == 1  # the replay had no effect
    updated = world.emulator.message(prompt.channel, prompt.ts)
    assert updated is not None and SlackDriver.button_labels(updated) == []
    assert world.emulator.home_view(ALICE) is not None
    assert errors.records() == []


def test_a_click_goes_before_the_work_queued_after_submissions(
    world: World, errors: Errors
) -> None:
    for person in (DIANE, EMMA):  # in Paris, like Alice: all three due at 16:00
        world.emulator.add_user(person, person.lower(), person, f"{person}@example.fr")
    prompts = _prompted(world, ALICE, DIANE, EMMA)
    pool = WorkerPool(1)  # as in production, with one thread
    _, driver = _process(world, pool)
    modal = _modal(world, DIANE, prompts[DIANE])
    world.emulator.clear_calls()
    release = threading.Event()
    (busy,) = _holds(world, "chat.update", 1, release)
    assert driver.submit_view(DIANE, modal, LEVELS).outcome == "close"
    assert busy.held.wait(TIMEOUT)  # the one worker waits on Slack for Bob's check-in
    assert driver.app_home_opened(EMMA).ok  # queued: a Home to publish
    click = driver.click(ALICE, prompts[ALICE], text="Faire mon check-in")  # queued after it
    assert click.ok
    release.set()
    pool.shutdown(wait=True)  # everything acknowledged is carried out
    methods = [
        (c.method, c.params.get("user_id"))
        for c in world.emulator.calls
        if c.method in ("views.open", "views.publish")
    ]
    alice_modal = methods.index(("views.open", None))
    chloe_home = methods.index(("views.publish", EMMA))
    assert alice_modal < chloe_home  # the click first, though it came last
    assert world.driver.modal(ALICE) is not None
    assert errors.records() == []


def test_a_start_click_slack_refuses_for_its_limits_says_to_try_again_in_a_minute(
    world: World, errors: Errors
) -> None:
    """At a Thursday's peak Slack refuses ``views.open`` beyond 100 a minute per workspace:
    the person is told it is busy and to click again in a minute, not that Palier failed."""
    prompt = _prompted(world, ALICE)[ALICE]
    world.emulator.inject("views.open", status=429, retry_after=1, times=5)
    world.driver.click(ALICE, prompt, text="Faire mon check-in")
    told = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(ALICE) or None)
    assert "Réessayez dans une minute" in (told[-1].text or "")
    assert "Oups" not in (told[-1].text or "")
    assert world.driver.modal(ALICE) is None
