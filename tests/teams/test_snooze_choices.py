"""Snoozing the weekly prompt in Teams, in French and in English (the person's Teams
client speaking one or the other, in Paris): the choices as the card's buttons, the
snoozed prompt coming back in a new message while the first one says so, each message
ending its own way when the week closes, and a stale or forged choice refused with
nothing changed — through the real Teams SDK and the emulator, on a fixed clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from emulators.teams import Message, User
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, PromptStatus
from tests.teams.conftest import NOW, TeamsWorld
from tests.teams.managers import sent
from tests.teams.test_journeys_bilingual import LANGS, OTHER, _lead, _now, _person, _w

CLOSES = datetime(2026, 11, 29, 23, tzinfo=UTC)  # Monday 30 November 00:00 in Paris
EVENING = datetime(2026, 11, 26, 17, tzinfo=UTC)  # 18:00 in Paris
CLOCK = {"fr": ("18:00", "09:00"), "en": ("6:00\u202fPM", "9:00\u202fAM")}


def _labels(lang: str) -> list[str]:
    evening, morning = CLOCK[lang]
    return [
        _w(lang, "snooze_choices.hour"),
        _w(lang, "snooze_choices.evening", time=evening),
        _w(lang, "snooze_choices.morning", time=morning),
    ]


def _prompts(world: TeamsWorld, user: User) -> list[CheckinPrompt]:
    with session_scope(world.core.sessions) as session:
        return list(
            session.scalars(
                select(CheckinPrompt)
                .join(Person)
                .where(Person.platform_user_id == user.aad_object_id)
            )
        )


def _prompted(world: TeamsWorld, lang: str) -> tuple[User, Message]:
    user = _person(world, lang)
    world.teams.install(user)
    world.tick()
    return user, sent(world, user)[-1]


@pytest.mark.parametrize("lang", LANGS)
def test_this_evening_comes_back_and_each_message_ends_its_own_way(
    world: TeamsWorld, lang: str
) -> None:
    teams = world.teams
    user, prompt = _prompted(world, lang)
    start, skip = _w(lang, "prompt.start"), _w(lang, "prompt.skip")
    assert teams.buttons(prompt) == [start, skip, *_labels(lang)]
    teams.click(user, prompt, _labels(lang)[1])
    assert world.prompt(user).snoozed_until == EVENING
    snoozed = teams.render(_now(world, prompt))
    assert _lead(lang, "prompt.snoozed") in snoozed
    assert _lead(OTHER[lang], "prompt.snoozed") not in snoozed

    world.clock.now = EVENING
    assert world.tick().reminded == 1
    back = sent(world, user)[-1]
    assert back.id != prompt.id and start in teams.buttons(back)
    first = _now(world, prompt)
    assert _lead(lang, "snooze_choices.came_back") in teams.render(first)
    assert teams.buttons(first) == []

    world.clock.now = CLOSES
    world.tick()  # Alice's prompt (never installed) closes too; next week's is planned
    statuses = {p.cycle_key: p.status for p in _prompts(world, user)}
    assert statuses["2026-W48"] is PromptStatus.MISSED
    week = _w(lang, "calendar.week", week=48)
    missed = _w(lang, "prompt.missed", week=week)
    assert missed in teams.render(_now(world, back))
    assert missed not in teams.render(_now(world, prompt))
    assert _w(lang, "snooze_choices.earlier", week=week) in teams.render(_now(world, prompt))
    assert teams.buttons(_now(world, back)) == teams.buttons(_now(world, prompt)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_stale_or_forged_choice_is_refused_and_changes_nothing(
    world: TeamsWorld, lang: str
) -> None:
    teams = world.teams
    user, prompt = _prompted(world, lang)
    before = teams.render(_now(world, prompt))
    # 19:00: the card still shows "this evening", which has passed.
    world.clock.now = NOW + timedelta(hours=3)
    answer = teams.click(user, prompt, _labels(lang)[1])
    assert answer.status == 200
    assert teams.notice(user) == _w(lang, "snooze_choices.refusal.snooze_passed")
    # A value no card offered.
    data = {"action": "checkin.snooze", "value": str(world.prompt(user).id), "key": "week"}
    value = teams.factory.execute_value({"type": "Action.Execute", "verb": "checkin.snooze"}, data)
    conversation = world.emulator.conversation(prompt.conversation_id)
    assert conversation is not None
    activity = teams.factory.invoke(
        user, conversation, world.emulator.clock(), "adaptiveCard/action", value, prompt.id
    )
    forged = teams.deliver(activity)
    assert forged.status == 200
    said = json.dumps(forged.body, ensure_ascii=False)
    assert _w(lang, "snooze_choices.refusal.snooze_unknown") in said
    assert world.prompt(user).snoozed_until is None
    assert world.prompt(user).status is PromptStatus.SENT
    assert teams.render(_now(world, prompt)) == before
    assert len(sent(world, user)) == 2  # the welcome and the prompt: nothing more
