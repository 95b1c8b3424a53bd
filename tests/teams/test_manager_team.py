"""A manager's team summary in Teams, end to end: a card per référentiel with its table
(an Adaptive Card Table), names shown as typed; a team too large for Teams' message gets
the summary, its detail following as files (tests/teams/test_team_files_journey.py); a member is refused
politely — through the real Teams SDK and the emulator, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from emulators.teams import Message
from tests.teams.conftest import TeamsWorld, enrol
from tests.teams.managers import check_in, enrol_manager, manage, sent


def _elements(element: Any, kind: str) -> list[dict[str, Any]]:
    """Every element of type ``kind`` in ``element``, however deep."""
    if isinstance(element, list):
        return [found for item in element for found in _elements(item, kind)]
    if not isinstance(element, dict):
        return []
    found = [f for value in element.values() for f in _elements(value, kind)]
    return [element, *found] if element.get("type") == kind else found


def _cells(table: dict[str, Any]) -> list[list[str]]:
    return [
        [
            "".join(run["text"] for block in cell["items"] for run in block["inlines"])
            for cell in row["cells"]
        ]
        for row in table["rows"]
    ]


def _answers(world: TeamsWorld, user: Any, before: int) -> list[Message]:
    return sent(world, user)[before:]


def test_a_manager_sees_their_team_as_a_table_names_as_typed(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    chloe = world.emulator.add_user("Chloé Durand", "chloe@example.fr", locale="en-GB")
    odd = world.emulator.add_user("Bob **Stone** <b>x</b>", "bob@example.com")
    enrol_manager(world, chloe)
    enrol(world.core, odd)
    manage(world, chloe, alice, odd)
    for user in (chloe, alice, odd):
        teams.install(user)
    world.tick()
    check_in(world, alice, "intermediaire")

    before = len(sent(world, chloe))
    assert teams.send_message(chloe, "équipe").status == 200
    [answer] = _answers(world, chloe, before)
    card = answer.card
    assert card is not None
    text = teams.render(answer)
    assert "Your team — Account Executive" in text
    assert "Alice Martin · level reached: Intermédiaire, towards “Senior”: 0/5" in text
    [table] = _elements(card, "Table")
    cells = _cells(table)
    assert cells[0] == [
        "Person",
        "Competency",
        "Self-rating",
        "Manager",
        "Gap",
        "4 weeks",
        "Quarter",
        "Evidence",
    ]
    assert len(table["columns"]) == 8 and len(cells) == 1 + 2 * 5  # a row per report × competency
    assert cells[1][:5] == ["Alice Martin", "Prospection", "Intermédiaire", "–", "–"]
    # The odd name is shown as typed: a text run of its own, never Markdown nor markup.
    assert "Bob **Stone** <b>x</b>" in [row[0] for row in cells]
    runs = [run["text"] for run in _elements(card, "TextRun")]
    assert "Bob **Stone** <b>x</b>" in runs
    assert not any("Stone" in block.get("text", "") for block in _elements(card, "TextBlock"))


def test_a_team_too_large_for_a_teams_message_gets_the_summary(world: TeamsWorld) -> None:
    teams = world.teams
    chloe = world.emulator.add_user("Chloé Durand", "chloe@example.fr")
    enrol_manager(world, chloe)
    reports = [world.emulator.add_user(f"Report {n:02d}", f"r{n}@example.fr") for n in range(12)]
    for report in reports:
        enrol(world.core, report)
    manage(world, chloe, world.alice, *reports)
    teams.install(chloe)

    before = len(sent(world, chloe))
    teams.send_message(chloe, "team")
    answer, *files = _answers(world, chloe, before)
    assert answer.card is not None and _elements(answer.card, "Table") == []
    text = teams.render(answer)
    assert "Votre équipe : 13 personnes" in text
    assert "• Account Executive : 13 personnes" in text
    assert "le détail suit en deux fichiers" in text
    assert "Slack" not in text
    assert len(files) == 2 and all(f.card is None for f in files)  # the files, to accept
    assert len(json.dumps(answer.activity, ensure_ascii=False).encode()) < 100 * 1024


def test_a_member_is_refused_politely(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    before = len(sent(world, alice))
    teams.send_message(alice, "équipe")
    [answer] = _answers(world, alice, before)
    assert "réservé aux managers" in teams.render(answer)
    assert answer.card is not None and _elements(answer.card, "Table") == []
