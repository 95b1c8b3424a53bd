"""Teams delivering the same activity twice (its retry after a slow or lost answer: the
same activity, the same id) changes nothing twice — Slack's "delivered twice is stored
once" tests (``test_checkin_journey``, ``test_evidence``, ``test_review``,
``test_one_on_one``, ``test_people_sync``), for Teams: a dialog's submission (check-in,
evidence, review, 1:1 note, the page's own dialogs) stores nothing twice and tells
nobody twice; a card's ``Action.Execute`` (Skip, Later, 1:1 done, Delete, Resume, Erase)
changes nothing more; an ``installationUpdate`` welcomes once and creates nobody twice —
through the real Teams SDK and the emulator, SQLite and PostgreSQL."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from sqlalchemy import func, select

from emulators.teams import Message, TeamsResponse, User
from emulators.teams.model import JsonDict
from storage.db import session_scope
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOne,
    OneOnOneNote,
    OneOnOneTopic,
    Person,
    PromptStatus,
    Rater,
    Rating,
)
from tests.teams.conftest import TeamsWorld
from tests.teams.managers import START, check_in, sent, team

TOPIC = "Parler du closing **Acme**"


def _count(world: TeamsWorld, model: type, *where: Any) -> int:
    with session_scope(world.core.sessions) as session:
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)
        return int(session.scalar(query) or 0)


def _replay(world: TeamsWorld, response: TeamsResponse) -> TeamsResponse:
    """The activity ``response`` answered, delivered to Palier again as Teams retries it."""
    assert response.activity is not None
    again = world.teams.deliver(copy.deepcopy(response.activity))
    assert again.status == 200, again.text
    return again


def _state(world: TeamsWorld) -> dict[str, int]:
    """What is stored, and what the emulator was asked to post or change."""
    return {
        "ratings": _count(world, Rating),
        "evidence": _count(world, Evidence),
        "topics": _count(world, OneOnOneTopic),
        "notes": _count(world, OneOnOneNote),
        "one_on_ones": _count(world, OneOnOne),
        "people": _count(world, Person),
        "sends": len(world.emulator.calls_to("send")),
        "updates": len(world.emulator.calls_to("update")),
    }


def _current(world: TeamsWorld, message: Message) -> Message:
    now = world.emulator.message(message.conversation_id, message.id)
    assert now is not None
    return now


def _prompt_card(world: TeamsWorld, user: User) -> Message:
    world.tick()
    prompt = world.teams.latest_message(user)
    assert prompt is not None and START in world.teams.buttons(prompt)
    return prompt


# -- dialogs submitted twice --------------------------------------------------------------------


def test_a_check_in_submitted_twice_is_stored_once_and_summed_up_once(world: TeamsWorld) -> None:
    team(world)  # Alice has a manager: her check-in asks for a 1:1 topic
    teams, alice = world.teams, world.alice
    prompt = _prompt_card(world, alice)
    teams.open_dialog(alice, prompt, START)
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.card is not None
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    answers = {level: "senior" for level in levels} | {"checkin.topic": TOPIC}
    done = teams.submit_dialog(alice, answers)
    assert done.outcome == "close"
    before = _state(world)
    assert (before["ratings"], before["topics"]) == (5, 1)
    again = _replay(world, done)
    assert again.body in (None, "", {}) or again.outcome == "close"
    assert _state(world) == before  # nothing stored, posted or updated again
    summaries = [m for m in sent(world, alice) if "Votre progression" in teams.render(m)]
    assert len(summaries) == 1
    assert world.prompt(alice).status is PromptStatus.DONE


def test_evidence_from_the_page_submitted_twice_is_stored_once(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.send_message(alice, "accueil")
    home = teams.latest_message(alice)
    assert home is not None
    teams.open_dialog(alice, home, "Ajouter une preuve")
    saved = teams.submit_dialog(
        alice,
        {"evidence.competency": "closing", "evidence.text": "Signé **Acme**"},
        button="Enregistrer",
    )
    assert saved.outcome == "close"
    before = _state(world)
    assert before["evidence"] == 1
    _replay(world, saved)
    assert _state(world) == before


def test_a_review_and_a_note_submitted_twice_are_stored_once_and_told_once(
    world: TeamsWorld,
) -> None:
    people = team(world)
    teams, chloe, alice = world.teams, people.chloe, people.alice
    world.tick()
    check_in(world, alice, "intermediaire", topic=TOPIC)

    teams.send_message(chloe, "review")
    listing = teams.latest_message(chloe)
    assert listing is not None
    teams.open_dialog(chloe, listing, "Review")
    reviewed = teams.submit_dialog(chloe, {"review.level:closing": "junior"})
    assert reviewed.outcome == "message"
    before = _state(world)
    told = sent(world, alice)[-1]
    again = _replay(world, reviewed)
    assert again.status == 200
    assert _state(world) == before
    assert _count(world, Rating, Rating.rater == Rater.MANAGER) == 5
    assert sent(world, alice)[-1].id == told.id  # Alice told once

    teams.send_message(chloe, f"1on1 {teams.mention(alice)}", mentions=[alice])
    brief = teams.latest_message(chloe)
    assert brief is not None
    teams.open_dialog(chloe, brief, "Add a note")
    kept = teams.submit_dialog(chloe, {"one_on_one.note_text": "Féliciter pour Acme"})
    assert kept.outcome == "continue" and "Note saved" in teams.screen(chloe)
    before = _state(world)
    assert before["notes"] == 1
    again = _replay(world, kept)
    assert again.body == kept.body  # the same answer: saved
    assert _state(world) == before


def test_the_pages_own_dialogs_submitted_twice_change_nothing_more(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.send_message(alice, "accueil")
    home = teams.latest_message(alice)
    assert home is not None
    teams.open_dialog(alice, home, "Changer le jour et l'heure")
    scheduled = teams.submit_dialog(alice, {"home.weekday": "0", "home.time": "09:30"})
    assert scheduled.outcome == "close"
    teams.open_dialog(alice, home, "Mettre en pause")
    paused = teams.submit_dialog(alice, {"home.pause_until": "2026-12-10"})
    assert paused.outcome == "close"
    person = world.person(alice)
    stored = (person.checkin_weekday, person.checkin_time, person.paused_until)
    assert person.paused_until == date(2026, 12, 10)
    page = teams.render(_current(world, home))
    before = _state(world)
    for submission in (scheduled, paused):
        _replay(world, submission)
    person = world.person(alice)
    assert (person.checkin_weekday, person.checkin_time, person.paused_until) == stored
    # Nothing stored or posted again; the page, shown again at most, reads the same.
    assert {k: v for k, v in _state(world).items() if k != "updates"} == {
        k: v for k, v in before.items() if k != "updates"
    }
    assert teams.render(_current(world, home)) == page


# -- card actions executed twice -------------------------------------------------------------


def _card_answer(response: TeamsResponse) -> JsonDict | None:
    body = response.body
    return body.get("value") if isinstance(body, dict) else None


def test_skip_and_later_executed_twice_change_nothing_more(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    prompt = _prompt_card(world, alice)
    later = teams.click(alice, prompt, "Rappel dans une heure")
    assert later.status == 200
    snoozed = world.prompt(alice).snoozed_until
    assert snoozed is not None
    before = _state(world)
    again = _replay(world, later)
    assert _card_answer(again) == _card_answer(later)  # the same card, as it stands
    assert world.prompt(alice).snoozed_until == snoozed
    assert _state(world) == before

    skipped = teams.click(alice, world.teams.latest_message(alice) or prompt, "Passer")
    assert world.prompt(alice).status is PromptStatus.SKIPPED
    before = _state(world)
    again = _replay(world, skipped)
    assert _card_answer(again) == _card_answer(skipped)
    prompt_row = world.prompt(alice)
    assert prompt_row.status is PromptStatus.SKIPPED
    assert _state(world) == before


def test_1on1_done_executed_twice_is_recorded_once(world: TeamsWorld) -> None:
    people = team(world)
    teams, chloe, alice = world.teams, people.chloe, people.alice
    world.tick()
    check_in(world, alice, "intermediaire", topic=TOPIC)
    teams.send_message(chloe, f"1on1 {teams.mention(alice)}", mentions=[alice])
    brief = teams.latest_message(chloe)
    assert brief is not None
    done = teams.click(chloe, brief, "Done")
    assert done.status == 200
    assert _count(world, OneOnOne) == 1
    recorded = sent(world, chloe)[-1]
    assert "✅ 1:1 with Alice Martin recorded" in teams.render(recorded)
    topics_open = _count(world, OneOnOneTopic, OneOnOneTopic.discussed_in_id.is_(None))
    _replay(world, done)
    assert _count(world, OneOnOne) == 1
    assert _count(world, OneOnOneTopic, OneOnOneTopic.discussed_in_id.is_(None)) == topics_open
    # Nothing recorded again. Without a key to tell a retry from a second click, Palier
    # answers it as Slack answers a second click: recorded already.
    [answer] = sent(world, chloe)[sent(world, chloe).index(recorded) + 1 :]
    assert "This 1:1 is recorded already" in teams.render(answer)


def test_delete_resume_and_erase_executed_twice_change_nothing_more(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    with session_scope(world.core.sessions) as session:
        person = session.scalars(
            select(Person).where(Person.platform_user_id == alice.aad_object_id)
        ).one()
        for text in ("Preuve une", "Preuve deux"):
            session.add(
                Evidence(
                    tenant_id=person.tenant_id,
                    person_id=person.id,
                    referentiel_id="account-executive",
                    competency_id="closing",
                    text=text,
                    created_at=world.clock.now,
                    updated_at=world.clock.now,
                )
            )
        person.paused_until = date(2026, 12, 10)
    teams.send_message(alice, "accueil")
    home = teams.latest_message(alice)
    assert home is not None
    deleted = teams.click(alice, home, "Supprimer", within="Supprimer")  # confirmed
    assert deleted.status == 200 and _count(world, Evidence) == 1
    again = _replay(world, deleted)
    assert _count(world, Evidence) == 1  # the other one stays
    assert _card_answer(again) == _card_answer(deleted)

    resumed = teams.click(
        alice, world.teams.latest_message(alice) or home, "Reprendre les check-ins"
    )
    assert resumed.status == 200 and world.person(alice).paused_until is None
    _replay(world, resumed)
    assert world.person(alice).paused_until is None

    teams.send_message(alice, "privacy delete")
    question = teams.latest_message(alice)
    assert question is not None
    erased = teams.click(alice, question, "Effacer")
    assert _count(world, Evidence) == 0
    before = _state(world)
    again = _replay(world, erased)
    assert _card_answer(again) == _card_answer(erased)  # "your data has been erased"
    assert _state(world) == before


# -- installationUpdate delivered twice ----------------------------------------------------------


def test_an_installation_delivered_twice_welcomes_once_and_creates_nobody_twice(
    world: TeamsWorld,
) -> None:
    teams = world.teams
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    installed = teams.install(bob)
    assert [r.status for r in installed] == [200, 200]
    [welcome] = sent(world, bob)
    conversation = world.person(bob).conversation_ref
    before = _state(world)
    for response in installed:  # installationUpdate, then conversationUpdate, again
        _replay(world, response)
    assert sent(world, bob) == [welcome]
    assert world.person(bob).conversation_ref == conversation
    assert _state(world) == before

    # Removed, then added again: a new installation, welcomed again.
    removed = teams.uninstall(bob)
    assert world.person(bob).conversation_ref is None
    for response in removed:
        _replay(world, response)
    assert world.person(bob).conversation_ref is None
    teams.install(bob)
    assert len(sent(world, bob)) == 2
    assert world.person(bob).conversation_ref == conversation
    assert _count(world, Person, Person.platform_user_id == bob.aad_object_id) == 1


def test_a_prompt_is_never_doubled_by_a_replayed_install(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    installed = teams.install(alice)
    _prompt_card(world, alice)
    _replay(world, installed[0])
    with session_scope(world.core.sessions) as session:
        prompts = session.scalars(select(CheckinPrompt)).all()
    assert len(prompts) == 1
    assert world.tick().sent == 0
