"""The welcome of an enrolment in Teams, where Palier can write only once the app is
installed for the person: sent by the tick to someone installed, or by the installation
itself to someone enrolled before — once either way; and the admin's answer for someone
already followed. Through the real Teams SDK and the emulator, SQLite and PostgreSQL, in
French and English."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.i18n import Translator
from bot.i18n.formats import clock
from bot.i18n.formats import moment as local_moment
from emulators.teams import TeamsEmulator, User
from tests.teams.conftest import TeamsWorld
from tests.teams.test_admin_journey import ADMIN_ID, say

NEW_YORK_SLOT = datetime(2026, 11, 26, 21, 0, tzinfo=UTC)  # Thursday 16:00 in New York
# What only the welcome of an enrolment says (the installation's own welcome does not).
FR_CHANGE = "Un autre jour vous conviendrait mieux"
EN_CHANGE = "Would another day suit you better"


@pytest.fixture(autouse=True)
def paul(emulator: TeamsEmulator, monkeypatch: pytest.MonkeyPatch) -> User:
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", ADMIN_ID)
    return emulator.add_user("Paul Durand", "paul.durand@example.fr", aad_object_id=ADMIN_ID)


@pytest.fixture
def bob(emulator: TeamsEmulator) -> User:
    return emulator.add_user(
        "Bob Stone",
        "bob.stone@example.com",
        locale="en-US",
        timezone="America/New_York",
        mailbox_timezone="Eastern Standard Time",
    )


@pytest.fixture
def claire(emulator: TeamsEmulator) -> User:
    return emulator.add_user("Claire Petit", "claire.petit@example.fr", timezone="Europe/Paris")


def _said(world: TeamsWorld, user: User) -> list[str]:
    return [world.teams.render(m) for m in world.teams.messages(user) if m.from_bot]


def test_enrolled_before_installing_bob_is_welcomed_by_the_installation_once(
    world: TeamsWorld, paul: User, bob: User
) -> None:
    world.teams.install(paul)
    say(world, paul, "admin enrol bob.stone@example.com account-executive manager " + paul.email)
    report = world.tick()
    assert report.welcomed == 0 and _said(world, bob) == []  # nowhere to write yet
    world.teams.install(bob)
    [welcome] = _said(world, bob)
    assert "Welcome to Palier" in welcome
    moment = local_moment(NEW_YORK_SLOT, "America/New_York", Translator("en"))
    assert moment.startswith("Thursday") and moment in welcome
    four_pm = clock(time(16, 0), Translator("en"))  # 4:00 PM, as CLDR writes it in English
    assert f"every Thursday at {four_pm} (America/New_York)" in welcome
    assert "“Account Executive”" in welcome
    assert "only you, your manager, and Palier's administrators in your organization" in welcome
    assert "Change the day and time" in welcome and "Pause" in welcome
    # The installation delivered again, and the ticks that follow: no second welcome.
    world.tick()
    assert len([text for text in _said(world, bob) if EN_CHANGE in text]) == 1


def test_installed_first_claire_is_welcomed_in_french_when_enrolled(
    world: TeamsWorld, paul: User, claire: User
) -> None:
    world.teams.install(claire)
    [installed] = _said(world, claire)
    assert "Palier ne vous suit pas encore" in installed
    assert "vous et les administrateurs de Palier de votre organisation" in installed
    world.teams.install(paul)
    say(world, paul, "admin enrol claire.petit@example.fr account-executive")
    assert world.tick().welcomed == 1
    welcome, prompt = _said(world, claire)[-2:]  # the welcome first, then this week's prompt
    assert "Bienvenue dans Palier" in welcome
    assert "C'est l'heure de votre check-in" in prompt
    # Thursday 16:00 in Paris is now: her first check-in comes right after the welcome.
    assert "arrive dans un instant" in welcome
    assert "chaque jeudi à 16:00 (Europe/Paris)" in welcome
    assert "Changer le jour et l'heure" in welcome
    world.tick()
    assert len([text for text in _said(world, claire) if FR_CHANGE in text]) == 1


def test_the_admin_is_told_who_was_enrolled_already(
    world: TeamsWorld, paul: User, bob: User
) -> None:
    world.teams.install(paul)
    assert say(world, paul, "admin enrol bob.stone@example.com account-executive") == (
        "Bob Stone suit désormais « Account Executive » dans Palier."
    )
    assert say(world, paul, "admin enrol bob.stone@example.com account-executive") == (
        "Bob Stone suivait déjà « Account Executive » dans Palier : rien n'a changé."
    )
    assert say(world, paul, "admin enrol bob.stone@example.com business-developer").startswith(
        "Bob Stone suivait déjà « Account Executive » dans Palier : désormais « "
    )
    world.teams.install(bob)
    assert len([text for text in _said(world, bob) if EN_CHANGE in text]) == 1
