"""A 1:1 topic any day in Teams, end to end: ``1on1 sujet …`` / ``1on1 topic …`` typed to
Palier, the "Add a 1:1 topic" button of the home card and of one's own brief with its
dialog, the manager's brief showing the topic as typed; someone without a manager is
asked for no topic — through the real Teams SDK and the emulator, SQLite and PostgreSQL.

Chloé (English) manages Alice (French) and Bob (English).
"""

from __future__ import annotations

import copy

from sqlalchemy import func, select

from emulators.teams import Message, User
from storage.db import session_scope
from storage.models import OneOnOneTopic, Person
from tests.teams.conftest import TeamsWorld, enrol
from tests.teams.managers import START, forged, sent, team

TOPIC = "Parler du closing **Acme** <vite> & [lien](https://evil.example.com)"


def _topics(world: TeamsWorld, user: User) -> list[str]:
    with session_scope(world.core.sessions) as session:
        return list(
            session.scalars(
                select(OneOnOneTopic.text)
                .join(Person, Person.id == OneOnOneTopic.person_id)
                .where(Person.platform_user_id == user.aad_object_id)
                .order_by(OneOnOneTopic.id)
            )
        )


def _count(world: TeamsWorld) -> int:
    with session_scope(world.core.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(OneOnOneTopic)) or 0)


def _said(world: TeamsWorld, user: User, text: str) -> Message:
    """What Palier answers ``user`` typing ``text``."""
    before = len(sent(world, user))
    assert world.teams.send_message(user, text).status == 200
    [answer] = sent(world, user)[before:]
    return answer


def _home(world: TeamsWorld, user: User, word: str) -> Message:
    return _said(world, user, word)


def _brief_of(world: TeamsWorld, manager: User, report: User) -> str:
    mention = world.teams.mention(report)
    before = len(sent(world, manager))
    assert world.teams.send_message(manager, f"1on1 {mention}", mentions=[report]).status == 200
    [brief] = sent(world, manager)[before:]
    return world.teams.render(brief)


def test_a_french_member_types_a_topic_her_manager_reads_as_typed(world: TeamsWorld) -> None:
    people = team(world)
    teams, alice = world.teams, people.alice
    before = len(sent(world, alice))
    response = teams.send_message(alice, f"1on1 sujet {TOPIC}")
    assert response.status == 200
    [answer] = sent(world, alice)[before:]
    text = teams.render(answer)
    assert "✅ Sujet ajouté pour votre prochain 1:1 avec Chloé Durand : « " in text
    assert TOPIC in text and "1 sujet ouvert pour ce 1:1." in text
    assert _topics(world, alice) == [TOPIC]
    # Teams delivers the same message again: one topic still.
    assert response.activity is not None
    assert teams.deliver(copy.deepcopy(response.activity)).status == 200
    assert _topics(world, alice) == [TOPIC]
    # Chloé's brief (in English) shows it as typed: never formatting, nor a link.
    brief = _brief_of(world, people.chloe, alice)
    assert "Topics raised for the 1:1" in brief and TOPIC in brief
    # Empty, too long: said, nothing stored.
    empty = teams.render(_said(world, alice, "1on1 sujet"))
    assert "Écrivez votre sujet après « 1on1 sujet »" in empty
    long = teams.render(_said(world, alice, "1on1 sujet " + "x" * 3001))
    assert "Votre sujet est trop long : 3 000 caractères au plus." in long
    assert _topics(world, alice) == [TOPIC]


def test_an_english_member_adds_a_topic_from_the_home_card(world: TeamsWorld) -> None:
    people = team(world)
    teams, bob = world.teams, people.bob
    home = _home(world, bob, "home")
    assert "Add a 1:1 topic" in teams.buttons(home)
    assert teams.open_dialog(bob, home, "Add a 1:1 topic").outcome == "continue"
    dialog = teams.dialog(bob)
    assert dialog is not None and dialog.title == "Topic for your 1:1"
    assert "A topic to raise at your next 1:1 with Chloé Durand." in teams.screen(bob)
    # Only spaces: the dialog again, the problem beside the field; nothing stored.
    blank = teams.submit_dialog(bob, {"one_on_one.topic_text": "   "})
    assert blank.outcome == "continue"
    assert "Write the topic you want to raise." in teams.screen(bob)
    assert _count(world) == 0
    done = teams.submit_dialog(bob, {"one_on_one.topic_text": "My Q1 <goals>"})
    assert done.outcome == "continue"
    screen = teams.screen(bob)
    assert "✅ Topic added for your next 1:1 with Chloé Durand: “My Q1 <goals>”" in screen
    assert "1 open topic for this 1:1." in screen
    assert done.activity is not None
    teams.deliver(copy.deepcopy(done.activity))  # delivered twice: one topic
    assert _topics(world, bob) == ["My Q1 <goals>"]
    teams.close_dialog(bob)
    assert "My Q1 <goals>" in _brief_of(world, people.chloe, bob)


def test_ones_own_brief_has_the_button_too(world: TeamsWorld) -> None:
    people = team(world)
    teams, alice = world.teams, people.alice
    own = _said(world, alice, "1on1")
    assert teams.buttons(own) == ["Ajouter un sujet de 1:1"]
    assert teams.open_dialog(alice, own, "Ajouter un sujet de 1:1").outcome == "continue"
    assert "Un sujet à aborder lors de votre prochain 1:1 avec Chloé Durand." in teams.screen(alice)
    done = teams.submit_dialog(alice, {"one_on_one.topic_text": "Mes objectifs"})
    assert done.outcome == "continue" and "Sujet ajouté" in teams.screen(alice)
    assert _topics(world, alice) == ["Mes objectifs"]


def test_someone_without_a_manager_is_asked_for_no_topic(world: TeamsWorld) -> None:
    """Alice (French) and Dan (English) have no manager."""
    teams, alice = world.teams, world.alice
    dan = world.emulator.add_user("Dan Brown", "dan@example.com", locale="en-US")
    enrol(world.core, dan)
    for user in (alice, dan):
        teams.install(user)
    for user, command, refused, word, button in (
        (
            alice,
            "1on1 sujet Mon sujet",
            "Vous n'avez pas de manager dans Palier : personne à qui apporter ce sujet de 1:1.",
            "accueil",
            "Ajouter un sujet de 1:1",
        ),
        (
            dan,
            "1on1 topic My topic",
            "You have no manager in Palier, so there is nobody to bring this 1:1 topic to.",
            "home",
            "Add a 1:1 topic",
        ),
    ):
        assert refused in teams.render(_said(world, user, command))
        assert button not in teams.buttons(_home(world, user, word))
        assert teams.buttons(_said(world, user, "1on1")) == []
    # A button she could not see, and a dialog she could not open: told why, nothing kept.
    opened = teams.deliver(forged(world, dan, "task/fetch", {"action": "one_on_one.topic"}))
    assert opened.body["task"]["type"] == "message"
    assert "You have no manager in Palier" in opened.body["task"]["value"]
    data = {"form": "one_on_one.topic_form", "one_on_one.topic_text": "Forgé"}
    submitted = teams.deliver(forged(world, alice, "task/submit", data))
    assert "Vous n'avez pas de manager dans Palier" in submitted.body["task"]["value"]
    assert _count(world) == 0
    # Nor does the weekly check-in ask for one.
    world.tick()
    prompt = next(m for m in reversed(teams.messages(alice)) if START in teams.buttons(m))
    assert teams.open_dialog(alice, prompt, START).status == 200
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.card is not None
    inputs = {e.get("id") for e in dialog.card["body"]}
    assert "checkin.topic" not in inputs and any(str(i).startswith("checkin.level") for i in inputs)
