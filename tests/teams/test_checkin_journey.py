"""The weekly check-in in Teams, end to end: install, the prompt at the person's local
time, the check-in in a dialog (problems beside their fields), the prompt turned to
"done", the summary; Skip and Later on the card; commands typed to Palier — through the
real Teams SDK and the emulator."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.db import session_scope
from storage.models import PromptStatus, Rating
from tests.teams.conftest import TeamsWorld, enrol

START = "Faire mon check-in"


def _ratings(world: TeamsWorld) -> int:
    with session_scope(world.core.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(Rating)) or 0)


def test_installing_palier_welcomes_the_person_and_keeps_their_conversation(
    world: TeamsWorld,
) -> None:
    world.teams.install(world.alice)
    welcome = world.teams.latest_message(world.alice)
    assert welcome is not None
    screen = world.teams.render(welcome)
    assert "Bienvenue dans Palier" in screen
    assert "« Account Executive »" in screen  # the référentiel she is followed on
    assert world.person(world.alice).conversation_ref is not None


def test_someone_not_followed_yet_is_told_so_and_known_from_then_on(world: TeamsWorld) -> None:
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    world.teams.install(bob)
    welcome = world.teams.latest_message(bob)
    assert welcome is not None
    assert "does not follow you yet" in world.teams.render(welcome)  # in his language
    assert world.person(bob).referentiel_id is None


def test_the_weekly_check_in_from_prompt_to_summary(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    assert world.tick().errors == []
    prompt = teams.latest_message(alice)
    assert prompt is not None and START in teams.buttons(prompt)

    assert teams.open_dialog(alice, prompt, START).status == 200
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.card is not None
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    assert len(levels) == 5 and all(level.startswith("checkin.level:") for level in levels)
    assert "Pour atteindre « Junior »" in teams.screen(alice)  # the référentiel's words

    # A link that is not one: the form comes back as filled in, the problem beside it.
    competency = levels[0].split(":", 1)[1]
    link, evidence = f"checkin.link:{competency}", f"checkin.evidence:{competency}"
    answers = {level: "junior" for level in levels}
    answers[evidence] = "Signé **Acme** : 3 rendez-vous, [x](https://evil)"
    again = teams.submit_dialog(alice, {**answers, link: "pas un lien"})
    assert again.outcome == "continue"
    assert "n'est pas une adresse web valide" in teams.screen(alice)
    assert _ratings(world) == 0

    done = teams.submit_dialog(alice, {**answers, link: "https://crm.example/deal/42"})
    assert done.outcome == "close" and teams.dialog(alice) is None
    assert world.prompt(alice).status is PromptStatus.DONE
    assert _ratings(world) == 5
    shown = {m.id: teams.render(m) for m in teams.messages(alice)}
    assert "enregistré" in shown[prompt.id] and START not in shown[prompt.id]
    summary = teams.latest_message(alice)
    assert summary is not None and "Votre progression" in teams.render(summary)

    # Teams delivers the same submission again: nothing is stored twice.
    assert len(teams.messages(alice)) == 3


def test_skip_asks_first_then_the_card_says_so(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    world.tick()
    prompt = teams.latest_message(alice)
    assert prompt is not None
    answer = teams.click(alice, prompt, "Passer")  # the confirmation's own button
    assert answer.status == 200
    assert world.prompt(alice).status is PromptStatus.SKIPPED
    card = teams.latest_message(alice)
    assert card is not None and card.id == prompt.id
    assert "Passer cette semaine" not in teams.buttons(card)


def test_later_says_when_the_prompt_comes_back(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    world.tick()
    prompt = teams.latest_message(alice)
    assert prompt is not None
    teams.click(alice, prompt, "Rappel demain à 09:00")
    assert world.prompt(alice).snoozed_until is not None
    card = teams.messages(alice)[-1]
    assert card.id == prompt.id and "je vous le rappelle" in teams.render(card)


def test_commands_are_typed_to_palier(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.send_message(alice, "moi")
    me = teams.latest_message(alice)
    assert me is not None and "Votre progression" in teams.render(me)
    teams.send_message(alice, "n'importe quoi")
    helped = teams.latest_message(alice)
    assert helped is not None and "n'importe quoi" in teams.render(helped)


def test_someone_palier_cannot_write_to_yet_is_not_sent_anything(world: TeamsWorld) -> None:
    chloe = world.emulator.add_user("Chloé Petit", "chloe@example.fr")
    enrol(world.core, chloe)
    report = world.tick()  # Alice has not installed the app either
    assert world.teams.messages(chloe) == []
    assert world.emulator.calls_to("send") == []
    prompt = world.prompt(chloe)
    assert (prompt.status, prompt.last_error) == (PromptStatus.PENDING, "not_installed")
    assert world.person(chloe).active  # not given up on: installing the app reaches her
    assert len(report.errors) == 2
