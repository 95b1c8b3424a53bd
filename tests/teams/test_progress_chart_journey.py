"""The progress chart in Teams, end to end through the real Teams SDK and the emulator
(SQLite and PostgreSQL), in French and English: ``moi graphique`` (``me chart``) and the
home card's button offer the chart as a file to accept in the person's own chat; once
accepted it is in their OneDrive, byte for byte what the core builds for them; nothing
rated is said, with no card. A large team's map in several pictures is offered picture
by picture, each accepted as itself."""

from __future__ import annotations

from datetime import timedelta

from bot.app.outcome import DeliverFile, FileKind
from emulators.teams import User
from storage.db import session_scope
from storage.models import Rater, Rating
from tests.teams.conftest import NOW, TeamsWorld, enrol
from tests.teams.files_support import (
    built,
    consent,
    consent_cards,
    file_card,
    file_cards,
    ref,
)
from tests.teams.managers import enrol_manager, manage, sent

PNG = b"\x89PNG\r\n\x1a\n"


def _rate(world: TeamsWorld, user: User, competency: str, level: str, days: int) -> None:
    person = world.person(user)
    with session_scope(world.core.sessions) as session:
        session.add(
            Rating(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id=person.referentiel_id,
                competency_id=competency,
                level_id=level,
                rater=Rater.SELF,
                rater_person_id=person.id,
                rated_at=NOW - timedelta(days=days),
            )
        )


def test_moi_graphique_offers_the_chart_then_it_is_in_onedrive(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    enrol(world.core, alice)
    teams.install(alice)
    _rate(world, alice, "prospection", "junior", 150)
    _rate(world, alice, "prospection", "senior", 2)
    before = len(consent_cards(world, alice))
    assert teams.send_message(alice, "moi graphique").status == 200
    [card] = consent_cards(world, alice)[before:]
    offered = consent(card)
    assert offered["name"] == "palier-progression-2026-11-26.png"
    assert offered["content"]["description"] == "Votre progression sur quatre trimestres"
    chart = built(world, alice, FileKind.PROGRESS_CHART)
    assert offered["content"]["sizeInBytes"] == len(chart)
    teams.accept_file(alice, card)
    [stored] = world.emulator.drive_files(alice)
    assert stored.name == "palier-progression-2026-11-26.png"
    assert stored.content == chart and chart.startswith(PNG)
    [shown] = file_cards(world, alice)
    assert file_card(shown)["name"] == stored.name
    assert (
        shown.text == "Votre progression des quatre derniers trimestres, compétence par compétence."
    )
    assert consent_cards(world, alice) == []  # accepted once, gone


def test_me_chart_with_nothing_rated_says_so_and_offers_nothing(world: TeamsWorld) -> None:
    teams = world.teams
    ines = world.emulator.add_user("Ines Kaur", "ines@example.com", locale="en-GB")
    enrol(world.core, ines)
    teams.install(ines)
    teams.send_message(ines, "me chart")
    said = teams.render(sent(world, ines)[-1])
    assert "No chart yet: no competency has been rated in the last four quarters." in said
    assert consent_cards(world, ines) == []
    teams.send_message(ines, "me")  # "me" alone is still the summary
    assert "No chart yet" not in teams.render(sent(world, ines)[-1])


def test_the_home_cards_button_offers_the_chart(world: TeamsWorld) -> None:
    teams = world.teams
    ines = world.emulator.add_user("Ines Kaur", "ines@example.com", locale="en-GB")
    enrol(world.core, ines)
    teams.install(ines)
    teams.send_message(ines, "home")
    home = teams.latest_message(ines)
    assert home is not None and "📈 My progress" in teams.buttons(home)
    teams.click(ines, home, "📈 My progress")
    assert teams.notice(ines) is not None and "No chart yet" in (teams.notice(ines) or "")
    assert consent_cards(world, ines) == []
    _rate(world, ines, "closing", "intermediaire", 20)
    teams.click(ines, home, "📈 My progress")
    [card] = consent_cards(world, ines)
    assert consent(card)["name"] == "palier-progress-2026-11-26.png"
    teams.accept_file(ines, card)
    [stored] = world.emulator.drive_files(ines)
    assert stored.content == built(world, ines, FileKind.PROGRESS_CHART)


def test_a_large_teams_map_in_several_pictures_each_accepted_as_itself(
    world: TeamsWorld,
) -> None:
    """31 reports on a 17-competency référentiel: 30 a picture, so two pictures."""
    teams = world.teams
    chloe = world.emulator.add_user("Chloé Durand", "chloe@example.fr")
    enrol_manager(world, chloe)
    reports = [world.emulator.add_user(f"Report {n:02d}", f"r{n}@example.fr") for n in range(31)]
    for report in reports:
        enrol(world.core, report, "manager-equipe-vendeurs-b2b")
    manage(world, chloe, *reports)
    teams.install(chloe)
    before = len(sent(world, chloe))
    teams.send_message(chloe, "équipe")
    summary, *cards = sent(world, chloe)[before:]
    assert "et 2 cartes des niveaux, chacune de la taille d'un écran" in teams.render(summary)
    assert [consent(c)["name"] for c in cards] == [
        "palier-equipe.csv",
        "palier-equipe-1.png",
        "palier-equipe-2.png",
    ]
    assert consent(cards[2])["content"]["description"] == ("Votre équipe — carte des niveaux (2/2)")
    teams.accept_file(chloe, cards[2])
    [stored] = world.emulator.drive_files(chloe)
    [delivery] = world.flows.files.build(ref(chloe), FileKind.TEAM_MAP, None, 2).effects
    assert isinstance(delivery, DeliverFile) and delivery.part == 2
    assert stored.name == "palier-equipe-2.png" and stored.content == delivery.content
    assert stored.content != built(world, chloe, FileKind.TEAM_MAP)  # not the first picture
