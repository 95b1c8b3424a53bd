"""A check-in submission is answered once kept, stored right after (the check-in inbox).

Through the real Bolt app over HTTP against the emulator. The work that follows each
answer runs on an executor the test holds (:class:`Held`): a test sees what the answer
left before any of it runs, runs it when it chooses, or never runs it — the process
died right after answering (the row is then all there is, and a tick of another
process must store it).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.domain.checkin_inbox import LEASE
from emulators.slack import SlackDriver, render_blocks
from emulators.slack.server import Message, View
from storage.models import CheckinInbox, Person, PromptStatus, Rating, Submission
from tests.slack.conftest import ALICE, Errors, World
from tests.slack.test_acks import LEVELS, _modal, _process, _prompted, _replay

EVIDENCE = {"evidence:closing": "Signé ACME, 40 k€", "link:closing": "https://crm.example.com/42"}


class Held(Executor):
    """Keeps the work it is given until :meth:`run` (never, for a process that died)."""

    def __init__(self) -> None:
        self.work: list[Callable[[], Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.work.append(lambda: fn(*args, **kwargs))
        return Future()

    def run(self) -> None:
        work, self.work = self.work, []
        for piece in work:
            piece()


def _count(world: World, model: type) -> int:
    with world.palier.core.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _submitted(world: World) -> tuple[Held, SlackDriver, Message, View]:
    """Alice prompted, her modal open, and a Palier whose work after its answers is held."""
    prompt = _prompted(world, ALICE)[ALICE]
    modal = _modal(world, ALICE, prompt)
    held = Held()
    _, driver = _process(world, held)
    return held, driver, prompt, modal


def _summaries(world: World) -> list[Message]:
    return [m for m in world.dms(ALICE) if "Votre progression" in (m.text or "")]


def test_the_answer_waits_for_the_inbox_only_and_a_replay_stores_once(
    world: World, errors: Errors
) -> None:
    held, driver, prompt, modal = _submitted(world)
    answer = driver.submit_view(ALICE, modal, {**LEVELS, **EVIDENCE})
    assert answer.ok and answer.outcome == "close"
    # Answered with the check-in kept, not stored yet: nothing after the answer has run.
    assert (_count(world, CheckinInbox), _count(world, Rating)) == (1, 0)
    again = _replay(driver, answer)  # Slack delivers it again before the work ran
    assert again.ok and again.response_action is None
    assert _count(world, CheckinInbox) == 1
    held.run()
    assert (_count(world, CheckinInbox), _count(world, Rating)) == (0, len(LEVELS))
    assert _count(world, Submission) == 1
    assert world.prompts(ALICE)[0].status is PromptStatus.DONE
    after = _replay(driver, answer)  # and again once stored: kept, then nothing stored
    assert after.ok and after.response_action is None
    held.run()
    assert (_count(world, Submission), _count(world, Rating)) == (1, len(LEVELS))
    assert _count(world, CheckinInbox) == 0
    world.emulator.settle()
    assert len(_summaries(world)) == 1  # the replays had no effect
    updated = world.emulator.message(prompt.channel, prompt.ts)
    assert updated is not None and SlackDriver.button_labels(updated) == []
    assert errors.records() == []


def test_a_problem_is_answered_inline_with_nothing_kept(world: World, errors: Errors) -> None:
    held, driver, _, modal = _submitted(world)
    bad_link = {**LEVELS, "evidence:closing": "Un deal", "link:closing": "pas un lien"}
    answer = driver.submit_view(ALICE, modal, bad_link)
    assert answer.errors == {
        "link:closing": "Ce lien n'est pas une adresse web valide (https://…)."
    }
    assert held.work == []
    assert (_count(world, CheckinInbox), _count(world, Submission)) == (0, 0)
    assert errors.records() == []


def test_a_check_in_acknowledged_by_a_process_that_died_is_stored_by_a_tick(
    world: World, errors: Errors
) -> None:
    died, driver, prompt, modal = _submitted(world)
    answer = driver.submit_view(ALICE, modal, {**LEVELS, **EVIDENCE})
    assert answer.ok and answer.outcome == "close"  # the modal closed; then kill -9
    del died  # its work never runs
    received = world.now()
    assert world.tick().errors == []  # its lease holds: another process leaves it
    assert (_count(world, CheckinInbox), _count(world, Rating)) == (1, 0)
    world.at(received + LEASE)
    assert world.tick().errors == []  # the lease ran out: this process stores it
    world.emulator.settle()
    assert (_count(world, CheckinInbox), _count(world, Rating)) == (0, len(LEVELS))
    assert world.prompts(ALICE)[0].status is PromptStatus.DONE
    assert len(_summaries(world)) == 1
    updated = world.emulator.message(prompt.channel, prompt.ts)
    assert updated is not None and SlackDriver.button_labels(updated) == []
    world.at(received + 3 * LEASE)
    world.tick()
    world.emulator.settle()
    assert (_count(world, Submission), len(_summaries(world))) == (1, 1)  # once
    assert errors.records() == []


def test_a_check_in_that_can_no_longer_be_stored_is_given_back_in_the_dm(
    world: World, errors: Errors
) -> None:
    held, driver, _, modal = _submitted(world)
    answer = driver.submit_view(ALICE, modal, {**LEVELS, **EVIDENCE})
    assert answer.ok and answer.outcome == "close"
    with world.palier.core.sessions.begin() as session:  # unenrolled meanwhile
        alice = session.scalars(select(Person).where(Person.platform_user_id == ALICE)).one()
        alice.referentiel_id = None
    held.run()
    world.emulator.settle()
    assert (_count(world, Rating), _count(world, Submission)) == (0, 0)
    told = [m for m in world.dms(ALICE) if "n'a pas pu être enregistré" in (m.text or "")]
    assert len(told) == 1
    shown = render_blocks(told[0].blocks)
    assert "Signé ACME, 40 k€" in shown and "https://crm.example.com/42" in shown
    with world.palier.core.sessions() as session:  # kept aside, never taken up again
        (kept,) = session.scalars(select(CheckinInbox)).all()
        assert kept.problem == "not_enrolled"
    world.at(world.now() + timedelta(hours=1))
    world.tick()
    world.emulator.settle()
    assert len([m for m in world.dms(ALICE) if "n'a pas pu" in (m.text or "")]) == 1
    assert errors.records() == []


def test_a_prompt_that_cannot_be_updated_leaves_the_summary_and_no_error(
    world: World, errors: Errors
) -> None:
    """At a Thursday peak Slack may refuse the ``chat.update`` that turns the prompt to
    "done" (50 a minute per workspace): the check-in is stored, so the person still gets
    the summary, and is not told to try again."""
    held, driver, _prompt, modal = _submitted(world)
    world.emulator.inject("chat.update", error="ratelimited", times=10)
    answer = driver.submit_view(ALICE, modal, LEVELS)
    assert answer.ok and answer.outcome == "close"
    held.run()
    assert _count(world, Submission) == 1
    assert len(_summaries(world)) == 1
    told = [m.text or "" for m in world.dms(ALICE)] + [
        m.text or "" for m in world.emulator.ephemerals_for(ALICE)
    ]
    assert not [text for text in told if "Oups" in text or "Oops" in text]
