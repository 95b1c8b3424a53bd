"""The welcome of an enrolment, and an admin's enrolment of someone already followed,
through the Slack emulator (Bolt over HTTP), in French and in English."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.i18n import Translator
from bot.i18n.formats import clock
from bot.i18n.formats import moment as local_moment
from emulators.slack.server import Message
from tests.slack.conftest import ALICE, BOB, CHLOE, World
from tests.slack.test_admin import _answer

# The clock starts on Thursday 26 November 2026, 14:00 UTC (15:00 in Paris).
PARIS_SLOT = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris
NEW_YORK_SLOT = datetime(2026, 11, 26, 21, 0, tzinfo=UTC)  # Thursday 16:00 in New York


def _welcomes(world: World, user: str, title: str) -> list[Message]:
    return [m for m in world.dms(user) if title in (m.text or "")]


def test_an_admin_enrols_alice_and_she_is_welcomed_once_in_french(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    answer = _answer(
        world, BOB, f"admin enrol <@{ALICE}|alice> account-executive manager <@{CHLOE}|chloe>"
    )
    assert answer == f"<@{ALICE}> is enrolled on “Account Executive”. Manager: <@{CHLOE}>."
    assert world.dms(ALICE) == []  # the request enrols; the tick welcomes
    report = world.tick()
    assert report.welcomed == 1 and report.sent == 0
    [welcome] = world.dms(ALICE)
    text = welcome.text or ""
    blocks = str(welcome.blocks)
    assert "Bienvenue dans Palier" in text
    moment = local_moment(PARIS_SLOT, "Europe/Paris", Translator("fr"))
    assert moment.startswith("jeudi") and moment in text  # her first check-in, her local time
    assert "chaque jeudi à 16:00 (Europe/Paris)" in blocks
    assert "« Account Executive »" in blocks
    assert "vous, votre manager et les administrateurs de Palier de votre organisation" in blocks
    assert "Changer le jour et l'heure" in blocks and "Mettre en pause" in blocks
    # Its buttons are those of her page: the day-and-time form opens from the welcome.
    assert world.driver.click(ALICE, welcome, text="Changer le jour et l'heure").ok
    assert world.emulator.wait_for(lambda: world.emulator.open_views(ALICE))
    # Ticks go on: no second welcome; the check-in comes at 16:00 Paris time.
    world.tick()
    world.at(PARIS_SLOT)
    assert world.tick().sent == 1
    assert len(_welcomes(world, ALICE, "Bienvenue dans Palier")) == 1


def test_an_admin_enrols_bob_and_he_is_welcomed_in_english_at_his_time(world: World) -> None:
    world.enrol(ALICE)  # Palier already follows someone: she is not welcomed again
    world.emulator.update_user(BOB, is_admin=True)
    answer = _answer(world, BOB, f"admin enrol <@{BOB}|bob> business-developer")
    assert answer.startswith(f"<@{BOB}> is enrolled on “")
    world.tick()
    assert world.dms(ALICE) == []
    [welcome] = world.dms(BOB)
    text, blocks = welcome.text or "", str(welcome.blocks)
    assert "Welcome to Palier" in text
    moment = local_moment(NEW_YORK_SLOT, "America/New_York", Translator("en"))
    assert moment.startswith("Thursday") and moment in text
    four_pm = clock(time(16, 0), Translator("en"))  # 4:00 PM, as CLDR writes it in English
    slot = f"every Thursday at {four_pm} (America/New_York)"
    assert repr(slot)[1:-1] in blocks  # as str() of the blocks writes the narrow space
    # No manager: nobody is said to see his data but him and the admins.
    assert "only you and Palier's administrators in your organization can see them" in blocks
    assert "your manager" not in blocks


def test_enrolling_someone_already_followed_says_so_and_welcomes_nobody_again(
    world: World,
) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    _answer(world, BOB, f"admin enrol <@{ALICE}|alice> account-executive")
    world.tick()
    again = _answer(world, BOB, f"admin enrol <@{ALICE}|alice> account-executive")
    assert again == f"<@{ALICE}> was already enrolled on “Account Executive”: nothing changed."
    with_manager = _answer(
        world, BOB, f"admin enrol <@{ALICE}|alice> account-executive manager <@{CHLOE}|chloe>"
    )
    assert with_manager == (
        f"<@{ALICE}> was already enrolled on “Account Executive”. Manager from now on: <@{CHLOE}>."
    )
    moved = _answer(world, BOB, f"admin enrol <@{ALICE}|alice> business-developer")
    assert moved.startswith(f"<@{ALICE}> was already enrolled, on “Account Executive”: now on “")
    world.at(world.now() + timedelta(minutes=5))
    world.tick()
    assert len(_welcomes(world, ALICE, "Bienvenue dans Palier")) == 1


def test_the_french_admin_reads_the_already_enrolled_answer_in_french(world: World) -> None:
    world.emulator.update_user(ALICE, is_admin=True)
    first = _answer(world, ALICE, f"admin enrol <@{CHLOE}|chloe> account-executive")
    assert first == f"<@{CHLOE}> suit désormais « Account Executive » dans Palier."
    world.tick()
    answer = _answer(world, ALICE, f"admin enrol <@{CHLOE}|chloe> account-executive")
    assert answer == f"<@{CHLOE}> suivait déjà « Account Executive » dans Palier : rien n'a changé."
    world.tick()
    assert len(_welcomes(world, CHLOE, "Bienvenue dans Palier")) == 1
