"""A person's language and time zone: from Slack, kept in step, and their own choice."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from emulators.slack import SlackDriver, render_blocks
from storage.models import Person, PromptStatus
from tests.slack.conftest import ALICE, BOB, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _person(world: World, user: str) -> Person:
    with world.session() as session:
        return session.scalars(select(Person).where(Person.platform_user_id == user)).one()


def test_language_chosen_by_the_person_wins_over_slack(world: World) -> None:
    world.enrol(ALICE)
    world.driver.slash_command(ALICE, "/palier", "langue en")
    notice = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(ALICE) or None)
    assert notice[-1].text == "Noted: I will write to you in English from now on."
    person = _person(world, ALICE)
    assert person.locale == "en-FR" and person.locale_chosen  # English words, French region
    world.at(THURSDAY_1600_PARIS)
    world.tick()  # refreshes the profile from Slack (fr-FR), which must not override the choice
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    assert SlackDriver.button_labels(prompt)[0] == "Start my check-in"
    assert _person(world, ALICE).locale == "en-FR"


def test_bad_language_gets_the_usage_and_changes_nothing(world: World) -> None:
    world.enrol(ALICE)
    world.driver.slash_command(ALICE, "/palier", "langue klingon")
    notice = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(ALICE) or None)
    assert "« fr » ou « en »" in (notice[-1].text or "")
    assert not _person(world, ALICE).locale_chosen


def test_slack_profile_changes_follow_through_user_change_events(world: World) -> None:
    world.enrol(BOB)
    world.emulator.update_user(BOB, tz="Europe/London", locale="fr-FR")
    answer = world.driver.user_change(BOB, event_id="Ev0CHANGE")
    assert answer.ok
    person = world.emulator.wait_for(
        lambda: (p := _person(world, BOB)).timezone == "Europe/London" and p
    )
    assert person.locale == "fr-FR"
    # Slack retries the same event: harmless.
    again = world.driver.user_change(BOB, event_id="Ev0CHANGE", retry_num=1)
    assert again.ok and _person(world, BOB).timezone == "Europe/London"


def test_the_time_zone_is_refreshed_when_a_prompt_is_sent(world: World) -> None:
    world.enrol(ALICE)
    world.emulator.update_user(ALICE, tz="America/New_York")
    world.at(THURSDAY_1600_PARIS)
    world.tick()  # this week's prompt was planned in Paris time; sending refreshes the zone
    assert _person(world, ALICE).timezone == "America/New_York"
    # Next week she is prompted at 16:00 in New York.
    world.at(datetime(2026, 12, 3, 20, 59, tzinfo=UTC))
    world.tick()
    assert len(world.dms(ALICE)) == 1
    world.at(datetime(2026, 12, 3, 21, 0, tzinfo=UTC))
    assert world.tick().sent == 1


def test_nobody_can_act_on_someone_elses_prompt(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    alice_prompt = world.prompts(ALICE)[0]
    message = world.driver.latest_dm(ALICE)
    assert message is not None
    # Bob forges clicks on Alice's prompt id (he cannot see her DM; he crafts the payload).
    for action_id in ("checkin_start", "checkin_skip", "checkin_snooze"):
        assert world.forge_click(BOB, action_id, str(alice_prompt.id)).ok
    notices = world.emulator.wait_for(
        lambda: len(found := world.emulator.ephemerals_for(BOB)) == 3 and found
    )
    assert all(
        "Ce check-in n'est pas disponible" in (n.text or "") or "not available" in (n.text or "")
        for n in notices
    )
    assert world.driver.modal(BOB) is None
    after = world.prompts(ALICE)[0]
    assert after.status is PromptStatus.SENT and after.snoozed_until is None
    unchanged = world.emulator.message(message.channel, message.ts)
    assert unchanged is not None and render_blocks(unchanged.blocks) == render_blocks(
        message.blocks
    )


def test_a_time_zone_set_by_the_import_survives_slack_syncs(world: World) -> None:
    world.enrol(ALICE)
    with world.session() as session, session.begin():
        person = session.scalars(select(Person).where(Person.platform_user_id == ALICE)).one()
        person.timezone, person.timezone_chosen = "Asia/Tokyo", True
    world.emulator.update_user(ALICE, tz="Europe/Lisbon")
    world.driver.user_change(ALICE)
    world.at(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))  # Thursday 16:00 in Tokyo
    assert world.tick().sent == 1
    assert _person(world, ALICE).timezone == "Asia/Tokyo"


def test_a_language_palier_does_not_speak_falls_back_to_the_workspace_default(
    world: World,
) -> None:
    world.emulator.update_user(BOB, locale="de-DE")
    world.enrol(BOB)
    assert _person(world, BOB).locale is None
    english = world.process(PALIER_DEFAULT_LOCALE="en")
    world.at(datetime(2026, 11, 26, 21, 0, tzinfo=UTC))
    assert world.tick(english).sent == 1
    prompt = world.driver.latest_dm(BOB)
    assert prompt is not None and "Start my check-in" in SlackDriver.button_labels(prompt)
