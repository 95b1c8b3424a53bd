"""Through the emulator: the manager judges on the référentiel's words the report read,
and the report sees the manager's level beside their own in ``/palier me``."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from emulators.slack import render_blocks, render_view
from referentiels.loader import ReferentielCatalog
from storage.models import Person
from tests.slack.conftest import ALICE, BOB, CHLOE, World
from tests.slack.test_review import _check_in, _ephemerals, _team

CATALOG = ReferentielCatalog.load(None)
CQP = "manager-equipe-vendeurs-b2b"


def _me(world: World, user: str) -> str:
    """What ``/palier me`` shows the person (its newest answer)."""
    seen = len(world.emulator.ephemerals_for(user))
    world.driver.slash_command(user, "/palier", "me")
    latest = _ephemerals(world, user, seen)[-1]
    return render_blocks(latest.blocks)


def _review(world: World, manager: str, report_name: str, answers: dict[str, object]) -> str:
    """The manager opens the report's review from ``/palier review``, reads it, submits."""
    seen = len(world.emulator.ephemerals_for(manager))
    world.driver.slash_command(manager, "/palier", "review")
    listing = _ephemerals(world, manager, seen)[-1]
    row = next(b for b in listing.blocks if report_name in b.get("text", {}).get("text", ""))
    world.driver.click(manager, listing, action_id=row["accessory"]["action_id"])
    modal = world.emulator.wait_for(lambda: world.driver.modal(manager))
    screen = render_view(modal.data)
    assert world.driver.submit_view(manager, modal, answers).outcome == "close"
    return screen


def test_the_review_quotes_every_levels_cell_and_me_shows_the_managers_level_after(
    world: World,
) -> None:
    """Chloé (French) reviews Alice (French) and Bob (English) on the skills matrix."""
    _team(world)
    assert "manager" not in _me(world, ALICE)  # nothing before a review
    assert "manager" not in _me(world, BOB)
    screen = _review(world, CHLOE, "Alice", {"review_level:closing": "Junior"})
    matrix = CATALOG.get("account-executive")
    assert matrix is not None
    assert screen.count("Ce que demande chaque niveau, dans les mots du référentiel") == 5
    for competency in matrix.all_competencies():  # every level's cell, word for word
        for level in matrix.scale.levels:
            assert f"{level.label} :" in screen
            cell = competency.levels[level.id]
            assert all(aspect.text in screen for aspect in cell.aspects)
            assert cell.expected_result is None or cell.expected_result in screen
    assert "Senior — Niveau 3" in screen  # the choices say what the check-in's said
    mine = _me(world, ALICE)
    assert "Closing : vous : Intermédiaire · manager : Junior" in mine
    assert "Prospection : vous : Intermédiaire · manager : Intermédiaire" in mine
    assert "manager" not in _me(world, BOB)  # Bob's review is still to come
    _review(world, CHLOE, "Bob", {"review_level:prospection": "Intermédiaire"})
    his = _me(world, BOB)
    assert "Prospection: you: Junior · manager: Intermédiaire" in his
    assert "Closing: you: Junior · manager: Junior" in his


def test_a_certification_review_quotes_its_criteria_in_english_for_an_english_manager(
    world: World,
) -> None:
    """Bob (English) manages Alice (French) on a CQP: its scale's meanings once, each
    competency's whole statement and criteria; Alice then sees his level in French."""
    world.enrol(ALICE, CQP)
    world.enrol(BOB)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[BOB].id
    world.at(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    world.tick()
    _check_in(world, ALICE, "Acquis")
    cqp = CATALOG.get(CQP)
    assert cqp is not None
    prompt = world.prompts(ALICE)[-1]
    asked = [c for c in cqp.all_competencies() if c.id in prompt.competency_ids]
    assert asked
    first = asked[0]
    screen = _review(world, BOB, "Alice", {f"review_level:{first.id}": "Mastered"})
    assert "The competency is applied independently and meets its evaluation criteria." in screen
    assert screen.count("Evaluation criteria, the same at every level") == len(asked)
    for competency in asked:
        assert competency.label in screen  # the whole statement, as the check-in showed it
        for criterion in competency.criteria:
            assert criterion.text in screen
            assert all(item in screen for item in criterion.items)
    mine = _me(world, ALICE)
    assert f"{first.code} " in mine and "vous : Acquis · manager : Maîtrisé" in mine
