"""The 1:1 brief in Teams, end to end: one's own prep; a manager's ``1on1 @person`` (the
person an @mention, as Teams sends it), its "Add a note" dialog and its "1:1 done"
(confirmed on the card); a recurring 1:1 whose brief the tick brings an hour before,
its buttons working from there; refusals in the asker's words — through the real Teams
SDK and the emulator, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from storage.db import session_scope
from storage.models import OneOnOne, OneOnOneNote
from tests.teams.conftest import TeamsWorld
from tests.teams.managers import Team, check_in, sent, team

TOPIC = "Parler du closing **Acme** <vite>"


def _count(world: TeamsWorld, model: type) -> int:
    with session_scope(world.core.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _ready(world: TeamsWorld) -> Team:
    """Chloé manages Alice, who checked in and raised a topic for the 1:1, and Bob."""
    people = team(world)
    world.tick()
    check_in(world, people.alice, "intermediaire", topic=TOPIC)
    return people


def test_a_member_prepares_their_own_1on1(world: TeamsWorld) -> None:
    people = _ready(world)
    teams, alice = world.teams, people.alice
    teams.send_message(alice, "1on1")
    brief = teams.latest_message(alice)
    assert brief is not None
    text = teams.render(brief)
    assert "Votre brief 1:1" in text
    assert TOPIC in text  # as typed, never formatting
    assert teams.buttons(brief) == ["Ajouter un sujet de 1:1"]  # nothing to record about oneself


def test_a_managers_brief_a_note_then_1on1_done(world: TeamsWorld) -> None:
    people = _ready(world)
    teams, chloe, alice = world.teams, people.chloe, people.alice
    mention = teams.mention(alice)
    assert teams.send_message(chloe, f"1on1 {mention}", mentions=[alice]).status == 200
    brief = teams.latest_message(chloe)
    assert brief is not None
    text = teams.render(brief)
    assert "1:1 brief — Alice Martin" in text
    assert "Topics raised for the 1:1" in text and TOPIC in text
    assert "No notes yet" in text
    assert alice.aad_object_id not in text and alice.id not in text  # called by her name
    assert teams.buttons(brief) == ["1:1 done", "Add a note"]

    # A private note: an empty one is refused beside the field, then one is kept.
    assert teams.open_dialog(chloe, brief, "Add a note").status == 200
    assert "A note for your 1:1s with Alice Martin." in teams.screen(chloe)
    empty = teams.submit_dialog(chloe, {"one_on_one.note_text": "   "})
    assert empty.outcome == "continue" and "Write a few words." in teams.screen(chloe)
    assert _count(world, OneOnOneNote) == 0
    kept = teams.submit_dialog(chloe, {"one_on_one.note_text": "Féliciter pour Acme"})
    assert kept.outcome == "continue"
    assert "Note saved" in teams.screen(chloe)
    assert _count(world, OneOnOneNote) == 1
    assert kept.activity is not None
    teams.deliver(kept.activity)  # Teams delivers it again: one note still
    assert _count(world, OneOnOneNote) == 1
    teams.close_dialog(chloe)

    # 1:1 done, confirmed on the card first; the answer comes as a card of its own.
    before = len(sent(world, chloe))
    assert teams.click(chloe, brief, "Done").status == 200
    [recorded] = sent(world, chloe)[before:]
    assert "✅ 1:1 with Alice Martin recorded" in teams.render(recorded)
    assert "1 topic marked as discussed" in teams.render(recorded)
    assert _count(world, OneOnOne) == 1
    # The same brief's button again: recorded already, and said so.
    teams.click(chloe, brief, "Done")
    assert "This 1:1 is recorded already" in teams.render(sent(world, chloe)[-1])
    assert _count(world, OneOnOne) == 1

    # A new brief starts from that 1:1, with the note.
    teams.send_message(chloe, f"1on1 {mention}", mentions=[alice])
    again = teams.render(sent(world, chloe)[-1])
    assert "since the last 1:1" in again and "Féliciter pour Acme" in again


def test_a_recurring_1on1_brings_its_brief_an_hour_before_with_working_buttons(
    world: TeamsWorld,
) -> None:
    people = _ready(world)
    teams, chloe, alice = world.teams, people.chloe, people.alice
    mention = teams.mention(alice)
    teams.send_message(chloe, f"1on1 {mention} schedule thursday 18:00", mentions=[alice])
    answer = teams.render(sent(world, chloe)[-1])
    assert "Noted: 1:1 with Alice Martin every Thursday at 18:00 (Europe/Paris)" in answer

    world.clock.now = datetime(2026, 11, 26, 15, 59, tzinfo=UTC)  # 16:59 in Paris
    assert world.tick().briefs == 0
    world.clock.now = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # 17:00: an hour before
    assert world.tick().briefs == 1
    brief = sent(world, chloe)[-1]
    text = teams.render(brief)
    assert "⏰ Your 1:1 with Alice Martin starts" in text and TOPIC in text
    assert teams.open_dialog(chloe, brief, "Add a note").status == 200
    assert teams.submit_dialog(chloe, {"one_on_one.note_text": "Avant le 1:1"}).outcome == (
        "continue"
    )
    assert _count(world, OneOnOneNote) == 1
    teams.close_dialog(chloe)
    assert teams.click(chloe, brief, "Done").status == 200
    assert _count(world, OneOnOne) == 1
    assert world.tick().briefs == 0  # once

    teams.send_message(chloe, f"1on1 {mention} schedule off", mentions=[alice])
    assert "no more automatic brief for your 1:1s with Alice Martin" in teams.render(
        sent(world, chloe)[-1]
    )


def test_refusals_are_in_the_askers_words(world: TeamsWorld) -> None:
    people = _ready(world)
    teams, alice, bob, chloe = world.teams, people.alice, people.bob, people.chloe
    # A member asking about a peer: the same words as for anyone else.
    teams.send_message(alice, f"1on1 {teams.mention(bob)}", mentions=[bob])
    peer = teams.render(sent(world, alice)[-1])
    assert "Je n'ai pas de brief 1:1 à vous montrer pour cette personne" in peer
    # Someone Palier cannot be told about (no app, in no chat with Palier): the same.
    stranger = world.emulator.add_user("Zoé Inconnue", "zoe@example.fr")
    teams.send_message(alice, f"1on1 {teams.mention(stranger)}", mentions=[stranger])
    assert teams.render(sent(world, alice)[-1]) == peer
    # A name typed without an @mention, or a schedule that is not one: how to write it.
    teams.send_message(chloe, "1on1 Alice")
    assert "1on1 @person" in teams.render(sent(world, chloe)[-1])
    teams.send_message(
        chloe, f"1on1 {teams.mention(alice)} schedule someday 25:00", mentions=[alice]
    )
    assert "schedule <day> <HH:MM>" in teams.render(sent(world, chloe)[-1])
    # A member cannot schedule anyone's 1:1.
    teams.send_message(alice, f"1on1 {teams.mention(bob)} schedule lundi 10:00", mentions=[bob])
    assert "brief" in teams.render(sent(world, alice)[-1])
    assert _count(world, OneOnOne) == 0
