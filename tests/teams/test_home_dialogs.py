"""The home card's own forms in Teams, each a dialog: Pause (a date), Resume, Day and
time, Language — each saved through the Home flow, problems shown beside their field
with the answers kept, and the card the person clicked updated to show the change."""

from __future__ import annotations

from datetime import date, time

from emulators.teams import Message
from tests.teams.conftest import TeamsWorld, enrol

PAUSE = "Mettre en pause"
SCHEDULE = "Changer le jour et l'heure"


def _home(world: TeamsWorld) -> Message:
    world.teams.install(world.alice)
    world.teams.send_message(world.alice, "accueil")
    home = world.teams.latest_message(world.alice)
    assert home is not None
    return home


def _now(world: TeamsWorld, message: Message) -> str:
    current = world.emulator.message(message.conversation_id, message.id)
    assert current is not None
    return world.teams.render(current)


def test_pause_until_a_day_then_resume(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    home = _home(world)
    assert teams.open_dialog(alice, home, PAUSE).outcome == "continue"
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.title == "Mettre en pause"
    assert "Dernier jour de pause" in teams.screen(alice)

    # A day gone by: the form again, the day kept, the problem beside it; nothing stored.
    again = teams.submit_dialog(alice, {"home.pause_until": date(2026, 11, 20)})
    assert again.outcome == "continue"
    screen = teams.screen(alice)
    assert "Choisissez aujourd'hui ou une date à venir." in screen
    assert "2026-11-20" in screen
    assert world.person(alice).paused_until is None

    done = teams.submit_dialog(alice, {"home.pause_until": date(2026, 12, 10)})
    assert done.outcome == "close"
    assert world.person(alice).paused_until == date(2026, 12, 10)
    shown = _now(world, home)
    assert "Check-ins en pause jusqu'au jeudi 10 décembre 2026 inclus" in shown
    assert "Reprendre les check-ins" in shown and PAUSE not in shown

    # Resume: answered in place by the card as it is now.
    resumed = teams.click(alice, home, "Reprendre les check-ins")
    assert resumed.outcome == "card"
    assert world.person(alice).paused_until is None
    shown = _now(world, home)
    assert "Check-ins en pause" not in shown and PAUSE in shown


def test_day_and_time_are_saved_and_shown(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    home = _home(world)
    assert teams.open_dialog(alice, home, SCHEDULE).outcome == "continue"
    screen = teams.screen(alice)
    assert "dans votre fuseau horaire (Europe/Paris)" in screen
    done = teams.submit_dialog(alice, {"home.weekday": "5", "home.time": time(9, 30)})
    assert done.outcome == "close"
    person = world.person(alice)
    assert (person.checkin_weekday, person.checkin_time) == (5, time(9, 30))
    shown = _now(world, home)
    assert "Votre créneau : chaque samedi à 09:30 (Europe/Paris)" in shown
    assert "Prochain check-in : samedi 28 novembre à 09:30" in shown

    # Back to the default day, the time kept.
    teams.open_dialog(alice, home, SCHEDULE)
    teams.submit_dialog(alice, {"home.weekday": "default"})
    assert world.person(alice).checkin_weekday is None
    assert "chaque jeudi à 09:30" in _now(world, home)


def test_a_time_the_client_would_not_send_brings_the_form_back(world: TeamsWorld) -> None:
    """Teams' own input checks are the client's: a forged submission gets the core's."""
    teams, alice = world.teams, world.alice
    home = _home(world)
    teams.open_dialog(alice, home, SCHEDULE)
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.card is not None
    (submit,) = dialog.card["actions"]
    conversation = world.emulator.conversation(dialog.conversation_id)
    assert conversation is not None
    data = {**submit["data"], "home.weekday": "9", "home.time": "25:99"}
    value = teams.factory.task_value("task/submit", data)
    activity = teams.factory.invoke(
        alice, conversation, world.emulator.clock(), "task/submit", value
    )
    answer = teams.deliver(activity)
    assert answer.status == 200
    card = str(answer.body)
    assert "Choisissez une heure, par exemple 16:00." in card
    assert "Choisissez un jour de la semaine." in card
    person = world.person(alice)
    assert (person.checkin_weekday, person.checkin_time) == (None, None)


def test_the_language_changes_and_the_page_follows(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    home = _home(world)
    assert teams.open_dialog(alice, home, "Changer de langue").outcome == "continue"
    done = teams.submit_dialog(alice, {"home.language_choice": "English"})
    assert done.outcome == "close"
    person = world.person(alice)
    assert (person.locale, person.locale_chosen) == ("en-FR", True)
    shown = _now(world, home)
    assert "Your progress" in shown and "Votre progression" not in shown
    assert "Change my language" in shown
    # Teams' language no longer overrides hers: she writes from a French client.
    teams.send_message(alice, "accueil")
    latest = teams.latest_message(alice)
    assert latest is not None and "Your progress" in teams.render(latest)
    assert world.person(alice).locale == "en-FR"


def test_the_page_is_only_ever_the_persons_own(world: TeamsWorld) -> None:
    """Each dialog and button acts for the one who clicked: Chloé's page changes nothing
    of Alice's, and Alice's card is never written with Chloé's."""
    teams, alice = world.teams, world.alice
    chloe = world.emulator.add_user("Chloé Petit", "chloe@example.fr")
    enrol(world.core, chloe)
    alices = _home(world)
    teams.install(chloe)
    teams.send_message(chloe, "accueil")
    chloes = teams.latest_message(chloe)
    assert chloes is not None
    teams.open_dialog(chloe, chloes, PAUSE)
    teams.submit_dialog(chloe, {"home.pause_until": date(2026, 12, 3)})
    assert world.person(chloe).paused_until == date(2026, 12, 3)
    assert world.person(alice).paused_until is None
    paused = "Check-ins en pause jusqu'au jeudi 3 décembre 2026 inclus"
    assert paused not in _now(world, alices) and paused in _now(world, chloes)
