"""Editing a submitted check-in in Teams, through the real Teams SDK and the emulator:
the summary card's Edit my check-in opens the dialog filled in as submitted; submitted,
it replaces the week's rows (counted) and that summary card shows the new levels; Teams
delivering it again stores nothing; once the week is closed the button says why and
changes nothing — in French and in English."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from emulators.teams import Message, User
from storage.db import session_scope
from storage.models import Evidence, OneOnOneTopic, Rater, Rating, Submission
from tests.teams.conftest import NOW, TeamsWorld, enrol
from tests.teams.managers import enrol_manager, manage

START = {"fr": "Faire mon check-in", "en": "Start my check-in"}
EDIT = {"fr": "Modifier mon check-in", "en": "Edit my check-in"}
EDITED = {"fr": "Check-in modifié", "en": "Check-in edited"}
# That it can no longer change, and when its week closed, in the person's zone (Paris).
CLOSED = {
    "fr": "Ce check-in ne peut plus être modifié : sa semaine s'est terminée le dimanche 29 novembre à 23:59.",
    "en": "This check-in can no longer be edited: its week ended on Sunday, November 29 at 11:59\u202fPM.",
}
CLIENT = {"fr": "fr-FR", "en": "en-US"}
CLOSES = NOW + timedelta(days=3, hours=8)  # Monday 00:00 in Paris (NOW: Thursday 16:00)


def _count(world: TeamsWorld, model: type) -> int:
    with session_scope(world.core.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _levels(world: TeamsWorld) -> dict[str, str]:
    with session_scope(world.core.sessions) as session:
        rows = session.execute(
            select(Rating.competency_id, Rating.level_id).where(Rating.rater == Rater.SELF)
        ).all()
    return dict(rows)


def _person(world: TeamsWorld, lang: str) -> User:
    """Alice (French), or someone whose Teams speaks English; Palier installed for both,
    reporting to Chloé (their check-in asks for a 1:1 topic: they have a manager)."""
    chloe = world.emulator.add_user("Chloé Durand", "chloe@example.fr", locale="fr-FR")
    enrol_manager(world, chloe)
    world.teams.install(world.alice)
    if lang == "fr":
        manage(world, chloe, world.alice)
        return world.alice
    user = world.emulator.add_user("Sacha Morel", "sacha@example.com", locale=CLIENT[lang])
    enrol(world.core, user)
    manage(world, chloe, user)
    world.teams.install(user)
    return user


def _checked_in(world: TeamsWorld, user: User, lang: str) -> Message:
    """``user`` prompted and checked in (Junior, evidence on closing, a 1:1 topic); the
    summary card."""
    teams = world.teams
    assert world.tick().errors == []
    prompt = next(m for m in reversed(teams.messages(user)) if START[lang] in teams.buttons(m))
    teams.open_dialog(user, prompt, START[lang])
    dialog = teams.dialog(user)
    assert dialog is not None and dialog.card is not None
    answers: dict[str, Any] = {
        e["id"]: "junior" for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"
    }
    answers["checkin.evidence:closing"] = "Signé ACME"
    answers["checkin.topic"] = "Préparer un COMEX"
    assert teams.submit_dialog(user, answers).outcome == "close"
    summary = teams.latest_message(user)
    assert summary is not None and EDIT[lang] in teams.buttons(summary)
    return summary


def _inputs(card: dict[str, Any]) -> dict[str, Any]:
    return {e["id"]: e.get("value") for e in card["body"] if str(e.get("type")).startswith("Input")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_edit_replaces_the_weeks_ratings_and_the_summary_shows_them(
    world: TeamsWorld, lang: str
) -> None:
    teams, user = world.teams, _person(world, lang)
    summary = _checked_in(world, user, lang)
    assert teams.open_dialog(user, summary, EDIT[lang]).status == 200
    dialog = teams.dialog(user)
    assert dialog is not None and dialog.card is not None
    shown = _inputs(dialog.card)
    assert shown["checkin.level:closing"] == "junior"
    assert shown["checkin.evidence:closing"] == "Signé ACME"
    assert shown["checkin.topic"] == "Préparer un COMEX"
    done = teams.submit_dialog(user, {"checkin.level:closing": "intermediaire"})
    assert done.outcome == "close"
    card = world.emulator.message(summary.conversation_id, summary.id)
    assert card is not None
    text = teams.render(card)
    assert EDITED[lang] in text and "Intermédiaire" in text
    assert EDIT[lang] in teams.buttons(card)  # the week is still open
    assert _levels(world)["closing"] == "intermediaire"
    counts = (_count(world, Rating), _count(world, Evidence), _count(world, OneOnOneTopic))
    assert counts == (5, 1, 1) and _count(world, Submission) == 2
    messages = len(teams.messages(user))
    # Teams delivers the same submission again: nothing stored, nothing sent.
    assert done.activity is not None
    assert teams.deliver(copy.deepcopy(done.activity)).status == 200
    assert (_count(world, Rating), _count(world, Submission)) == (5, 2)
    assert len(teams.messages(user)) == messages


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_after_the_week_closes_the_edit_is_refused(world: TeamsWorld, lang: str) -> None:
    teams, user = world.teams, _person(world, lang)
    summary = _checked_in(world, user, lang)
    world.clock.now = CLOSES
    answer = teams.open_dialog(user, summary, EDIT[lang])
    assert answer.outcome == "message" and answer.notice == CLOSED[lang]
    assert teams.dialog(user) is None
    assert _levels(world)["closing"] == "junior" and _count(world, Submission) == 1


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_edit_dialog_submitted_after_the_close_changes_nothing(
    world: TeamsWorld, lang: str
) -> None:
    teams, user = world.teams, _person(world, lang)
    summary = _checked_in(world, user, lang)
    teams.open_dialog(user, summary, EDIT[lang])
    world.clock.now = CLOSES
    answer = teams.submit_dialog(user, {"checkin.level:closing": "senior"})
    assert answer.outcome == "message" and answer.notice == CLOSED[lang]
    assert _levels(world)["closing"] == "junior"
    assert (_count(world, Rating), _count(world, Submission)) == (5, 1)
