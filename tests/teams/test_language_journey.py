"""``langue en`` / ``language fr`` typed to Palier in Teams: the answer comes in the new
language, and so does everything after; a language Palier does not speak is explained
in the current one."""

from __future__ import annotations

from tests.teams.conftest import TeamsWorld


def _answer(world: TeamsWorld, text: str) -> str:
    world.teams.send_message(world.alice, text)
    latest = world.teams.latest_message(world.alice)
    assert latest is not None
    return world.teams.render(latest)


def test_choosing_english_then_french_answers_in_each(world: TeamsWorld) -> None:
    world.teams.install(world.alice)
    assert "I will write to you in English from now on" in _answer(world, "langue en")
    assert world.person(world.alice).locale == "en-FR"  # her region kept
    assert "Your progress" in _answer(world, "moi")  # the language she chose, not Teams'
    assert "je vous écris en français désormais" in _answer(world, "language FR")
    assert world.person(world.alice).locale == "fr-FR"
    assert "Votre progression" in _answer(world, "me")


def test_a_language_palier_does_not_speak_is_explained_as_typed_in_teams(
    world: TeamsWorld,
) -> None:
    world.teams.install(world.alice)
    before = world.person(world.alice).locale
    said = _answer(world, "langue **klingon**")
    assert "Choisissez « fr » ou « en », par exemple : langue en" in said  # no /palier
    assert world.person(world.alice).locale == before
    world.teams.send_message(world.alice, "language en")
    said = _answer(world, "language")
    assert "Choose 'fr' or 'en', for example: language fr" in said


def test_someone_not_followed_yet_chooses_over_their_teams_language(world: TeamsWorld) -> None:
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    world.teams.install(bob)  # known from the install, not followed yet
    world.teams.send_message(bob, "langue fr")
    latest = world.teams.latest_message(bob)
    assert latest is not None
    assert "je vous écris en français désormais" in world.teams.render(latest)
    world.teams.send_message(bob, "moi")
    latest = world.teams.latest_message(bob)
    assert latest is not None
    assert "pas encore inscrit·e dans Palier" in world.teams.render(latest)
