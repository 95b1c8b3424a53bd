"""In Teams, through the real Teams SDK and the emulator: the review dialog quotes what
each level asks in the référentiel's own words, and ``me`` shows the manager's level
beside one's own once the manager reviewed — in English and in French."""

from __future__ import annotations

from emulators.teams import User
from referentiels.loader import ReferentielCatalog
from tests.teams.conftest import TeamsWorld
from tests.teams.managers import check_in, team

MATRIX = ReferentielCatalog.load(None).get("account-executive")
START = "Start my check-in"


def _check_in_in_english(world: TeamsWorld, user: User, level: str) -> None:
    """:func:`check_in` for someone whose Teams is in English (the prompt's words)."""
    teams = world.teams
    prompt = next(m for m in reversed(teams.messages(user)) if START in teams.buttons(m))
    assert teams.open_dialog(user, prompt, START).status == 200
    dialog = teams.dialog(user)
    assert dialog is not None and dialog.card is not None
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    assert teams.submit_dialog(user, dict.fromkeys(levels, level)).outcome == "close"


def _me(world: TeamsWorld, user: User, word: str) -> str:
    """What ``me`` (``moi``) answers the person."""
    world.teams.send_message(user, word)
    answer = world.teams.latest_message(user)
    assert answer is not None
    return world.teams.render(answer)


def _review(
    world: TeamsWorld, manager: User, word: str, button: str, answers: dict[str, str]
) -> str:
    """The manager's review of the first report on their list: what the dialog shows."""
    teams = world.teams
    teams.send_message(manager, word)
    listing = teams.latest_message(manager)
    assert listing is not None
    assert teams.open_dialog(manager, listing, button).status == 200
    form = teams.screen(manager)
    assert teams.submit_dialog(manager, answers).outcome == "message"
    return form


def _quotes_every_cell(form: str) -> None:
    assert MATRIX is not None
    for competency in MATRIX.all_competencies():
        for level in MATRIX.scale.levels:
            cell = competency.levels[level.id]
            assert all(aspect.text in form for aspect in cell.aspects)
            assert cell.expected_result is None or cell.expected_result in form


def test_the_review_dialog_quotes_each_level_and_me_shows_the_managers_level(
    world: TeamsWorld,
) -> None:
    """Chloé reviews Alice in English, then Bob in French (her chosen language)."""
    people = team(world)
    world.tick()
    check_in(world, people.alice, "intermediaire")
    _check_in_in_english(world, people.bob, "junior")
    assert "manager" not in _me(world, people.alice, "moi")  # nothing before a review

    form = _review(world, people.chloe, "review", "Review", {"review.level:closing": "junior"})
    assert form.count("What each level asks, in the framework's own words") == 5
    _quotes_every_cell(form)
    mine = _me(world, people.alice, "moi")
    assert "Closing : vous : Intermédiaire · manager : Junior" in mine
    assert "Prospection : vous : Intermédiaire · manager : Intermédiaire" in mine
    assert "manager" not in _me(world, people.bob, "me")  # not reviewed yet

    world.teams.send_message(people.chloe, "langue fr")
    form = _review(world, people.chloe, "revue", "Revoir", {"review.level:closing": "senior"})
    assert form.count("Ce que demande chaque niveau, dans les mots du référentiel") == 5
    _quotes_every_cell(form)
    his = _me(world, people.bob, "me")
    assert "Closing: you: Junior · manager: Senior" in his
    assert "Qualification: you: Junior · manager: Junior" in his
