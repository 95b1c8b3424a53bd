"""Snoozing the weekly prompt through the Slack emulator, in French and in English: the
choices offered in the person's own time zone (in an hour, this evening, tomorrow
morning; none after the week's deadline), a stale or forged choice refused with nothing
changed, and the two messages of a snoozed prompt that came back each saying their own
thing when the week closes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import Translator, formats
from bot.i18n.rich import Plain
from emulators.slack import Message, SlackDriver, render_blocks
from storage.models import PromptStatus
from tests.slack.conftest import ALICE, BOB, World

# Each one's Thursday 16:00, and the Monday 00:00 that closes their week 48.
PEOPLE = {
    "fr": (ALICE, datetime(2026, 11, 26, 15, tzinfo=UTC), datetime(2026, 11, 29, 23, tzinfo=UTC)),
    "en": (BOB, datetime(2026, 11, 26, 21, tzinfo=UTC), datetime(2026, 11, 30, 5, tzinfo=UTC)),
}
LABELS = {
    "fr": ["Rappel dans une heure", "Rappel ce soir à 18:00", "Rappel demain à 09:00"],
    "en": [
        "Remind me in an hour",
        "Remind me this evening at 6:00\u202fPM",
        "Remind me tomorrow at 9:00\u202fAM",
    ],
}
START = {"fr": "Faire mon check-in", "en": "Start my check-in"}
SKIP = {"fr": "Passer cette semaine", "en": "Skip this week"}


def _t(lang: str) -> Translator:
    return Translator("fr" if lang == "fr" else "en-US")


def _prompted(world: World, lang: str) -> Message:
    user, thursday, _ = PEOPLE[lang]
    world.enrol(user)
    world.at(thursday)
    assert world.tick().sent == 1
    prompt = world.driver.latest_dm(user)
    assert prompt is not None
    return prompt


def _shown(world: World, message: Message, words: str) -> Message:
    """The message once it says ``words`` (waited for: the update follows the click)."""
    found: Message = world.emulator.wait_for(
        lambda: (
            (m := world.emulator.message(message.channel, message.ts))
            and words in render_blocks(m.blocks)
            and m
        )
    )
    return found


def _text(world: World, message: Message) -> str:
    now = world.emulator.message(message.channel, message.ts)
    assert now is not None
    return render_blocks(now.blocks)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_this_evening_comes_back_and_each_message_ends_its_own_way(world: World, lang: str) -> None:
    user, thursday, closes = PEOPLE[lang]
    t = _t(lang)
    prompt = _prompted(world, lang)
    assert SlackDriver.button_labels(prompt) == [START[lang], SKIP[lang], *LABELS[lang]]
    world.driver.click(user, prompt, text=LABELS[lang][1])
    evening = thursday + timedelta(hours=2)
    until = Plain(_moment(evening, lang))
    snoozed = _shown(world, prompt, t.rich("prompt.snoozed", until=until).plain())
    assert world.prompts(user)[0].snoozed_until == evening
    # Still 16:00: the snoozed prompt keeps every choice (to change one's mind).
    assert SlackDriver.button_labels(snoozed) == [START[lang], SKIP[lang], *LABELS[lang]]
    world.at(evening - timedelta(minutes=1))
    assert world.tick().reminded == 0
    world.at(evening)
    assert world.tick().reminded == 1
    back = world.driver.latest_dm(user)
    assert back is not None and back.ts != prompt.ts
    assert t.rich("prompt.snooze_back", week=Plain(""), competencies=Plain("")).plain()[:8] in (
        render_blocks(back.blocks)
    )
    # The first message says it came back below, and has no buttons left.
    came_back = _shown(world, prompt, t.rich("snooze_choices.came_back", until=until).plain())
    assert SlackDriver.button_labels(came_back) == []
    # The week closes: the latest message says so, the first one does not repeat it.
    world.at(closes)
    assert world.tick().missed == 1
    assert world.prompts(user)[0].status is PromptStatus.MISSED
    week = Plain(_week(lang))
    missed = t.rich("prompt.missed", week=week).plain()
    assert missed in _text(world, back)
    assert missed not in _text(world, prompt)
    assert t.rich("snooze_choices.earlier", week=week).plain() in _text(world, prompt)
    for message in (prompt, back):
        now = world.emulator.message(message.channel, message.ts)
        assert now is not None and SlackDriver.button_labels(now) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_stale_or_forged_choice_is_refused_and_changes_nothing(world: World, lang: str) -> None:
    user, thursday, closes = PEOPLE[lang]
    t = _t(lang)
    prompt = _prompted(world, lang)
    prompt_id = str(world.prompts(user)[0].id)
    before = _text(world, prompt)
    cases = [
        (thursday + timedelta(hours=3), "checkin_snooze:evening", "snooze_passed"),  # 19:00
        (closes - timedelta(hours=14), "checkin_snooze:morning", "snooze_passed"),  # Sunday
        (thursday, "checkin_snooze:week", "snooze_unknown"),
        (thursday, "checkin_snooze:", "snooze_unknown"),
    ]
    for seen, (at, action_id, code) in enumerate(cases, start=1):
        world.at(at)
        world.forge_click(user, action_id, prompt_id)
        notices = world.emulator.wait_for(
            lambda seen=seen: (n := world.emulator.ephemerals_for(user)) and len(n) >= seen and n
        )
        assert notices[-1].text == t.rich(f"snooze_choices.refusal.{code}").plain()
        assert world.prompts(user)[0].snoozed_until is None
        assert _text(world, prompt) == before
    assert len(world.dms(user)) == 1


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_late_on_sunday_no_snooze_is_offered(world: World, lang: str) -> None:
    user, _, closes = PEOPLE[lang]
    prompt = _prompted(world, lang)
    world.at(closes - timedelta(minutes=90))  # 22:30: "in an hour" would be 23:30
    world.driver.click(user, prompt, text=SKIP[lang])
    skipped = world.emulator.wait_for(
        lambda: (
            (m := world.emulator.message(prompt.channel, prompt.ts))
            and SlackDriver.button_labels(m) == [START[lang]]
            and m
        )
    )
    assert skipped is not None
    world.forge_click(user, "checkin_snooze:hour", str(world.prompts(user)[0].id))
    notices = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(user) or None)
    assert notices[-1].text == _t(lang).rich("snooze_choices.refusal.snooze_passed").plain()
    assert world.prompts(user)[0].status is PromptStatus.SKIPPED


def _moment(instant: datetime, lang: str) -> str:
    zone = "Europe/Paris" if lang == "fr" else "America/New_York"
    return formats.moment(instant, zone, _t(lang))


def _week(lang: str) -> str:
    return formats.week("2026-W48", _t(lang))


def test_a_prompt_posted_before_the_choices_still_snoozes_a_few_hours(world: World) -> None:
    # Its one "Remind me later" button has the bare action id: PALIER_SNOOZE_HOURS (3).
    prompt = _prompted(world, "fr")
    _, thursday, _ = PEOPLE["fr"]
    world.forge_click(ALICE, "checkin_snooze", str(world.prompts(ALICE)[0].id))
    until = Plain(_moment(thursday + timedelta(hours=3), "fr"))
    _shown(world, prompt, _t("fr").rich("prompt.snoozed", until=until).plain())
    assert world.prompts(ALICE)[0].snoozed_until == thursday + timedelta(hours=3)
