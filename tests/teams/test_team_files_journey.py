"""A team too large for a Teams message, end to end: the summary says the detail follows
as files, then two consent cards — the CSV table and the heatmap, the same files Slack
sends — each accepted into the manager's OneDrive, byte for byte what the core builds
(the CSV safe to open in a spreadsheet, the picture a PNG). French and English, through
the real Teams SDK and the emulator, SQLite and PostgreSQL."""

from __future__ import annotations

from bot.app.outcome import FileKind
from emulators.teams import User
from tests.teams.conftest import TeamsWorld, enrol
from tests.teams.files_support import built, consent, consent_cards, file_card, file_cards
from tests.teams.managers import enrol_manager, manage, sent

PNG = b"\x89PNG\r\n\x1a\n"


def _large_team(world: TeamsWorld, manager: User) -> None:
    """``manager`` manages Alice and twelve more, one with a name a spreadsheet would run."""
    enrol_manager(world, manager)
    reports = [world.emulator.add_user(f"Report {n:02d}", f"r{n}@example.fr") for n in range(11)]
    reports.append(world.emulator.add_user("=1+2", "odd@example.fr"))
    for report in reports:
        enrol(world.core, report)
    manage(world, manager, world.alice, *reports)
    world.teams.install(manager)


def test_a_large_teams_table_and_map_are_offered_then_in_onedrive(world: TeamsWorld) -> None:
    teams = world.teams
    chloe = world.emulator.add_user("Chloé Durand", "chloe@example.fr")
    _large_team(world, chloe)

    before = len(sent(world, chloe))
    assert teams.send_message(chloe, "équipe").status == 200
    summary, table, picture = sent(world, chloe)[before:]
    said = teams.render(summary)
    assert "Votre équipe : 13 personnes" in said
    assert "le détail suit en deux fichiers" in said and "Acceptez chacun" in said
    assert "Slack" not in said and "pas encore" not in said
    assert (consent(table)["name"], consent(picture)["name"]) == (
        "palier-equipe.csv",
        "palier-equipe.png",
    )
    assert consent(table)["content"]["description"] == "Votre équipe — tableau"
    assert consent(picture)["content"]["description"] == "Votre équipe — carte des niveaux"
    csv_bytes = built(world, chloe, FileKind.TEAM_TABLE)
    png_bytes = built(world, chloe, FileKind.TEAM_MAP)
    assert consent(table)["content"]["sizeInBytes"] == len(csv_bytes)
    assert consent(picture)["content"]["sizeInBytes"] == len(png_bytes)

    teams.accept_file(chloe, picture)  # in any order
    teams.accept_file(chloe, table)
    stored = {f.name: f.content for f in world.emulator.drive_files(chloe)}
    assert stored == {"palier-equipe.csv": csv_bytes, "palier-equipe.png": png_bytes}
    assert stored["palier-equipe.png"].startswith(PNG)
    text = stored["palier-equipe.csv"].decode("utf-8")
    # As Excel opens it in France (a BOM, semicolons); a formula shown, never run.
    assert text.startswith("\ufeffPersonne;") and "\r\n'=1+2;" in text
    assert text.count("\r\n") == 1 + 13 * 5  # a row per report × competency
    shown = [file_card(m)["name"] for m in file_cards(world, chloe)]
    assert shown == ["palier-equipe.png", "palier-equipe.csv"]
    assert {m.text for m in file_cards(world, chloe)} == {
        "Le résumé de votre équipe : 13 personnes."
    }
    assert consent_cards(world, chloe) == []


def test_in_english(world: TeamsWorld) -> None:
    teams = world.teams
    ines = world.emulator.add_user("Ines Kaur", "ines@example.com", locale="en-GB")
    _large_team(world, ines)
    teams.send_message(ines, "team")
    said = teams.render(sent(world, ines)[-3])
    assert "the details follow as two files" in said and "Accept each" in said
    table, picture = consent_cards(world, ines)
    assert (consent(table)["name"], consent(picture)["name"]) == (
        "palier-team.csv",
        "palier-team.png",
    )
    teams.decline_file(ines, picture)
    teams.accept_file(ines, table)
    [stored] = world.emulator.drive_files(ines)
    assert stored.name == "palier-team.csv"
    assert stored.content == built(world, ines, FileKind.TEAM_TABLE)
    assert stored.content.decode("utf-8").startswith("\ufeffPerson,")  # English: commas
