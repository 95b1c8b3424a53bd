"""A report's progress chart in Teams, end to end through the real Teams SDK and the
emulator (SQLite and PostgreSQL), in French and English: a manager writes ``moi
graphique @personne`` (``me chart @person``), as ``/palier me chart @member`` in Slack;
the chart is offered as a file to accept in the manager's own chat, built again when
they accept — the access policy deciding again then — and lands in their OneDrive.
Someone not in one's team gets the same refusal as anyone unknown, and no card."""

from __future__ import annotations

from datetime import timedelta

from bot.app.outcome import DeliverFile
from bot.app.progress import ChartRequest
from emulators.teams import User
from storage.db import session_scope
from storage.models import Rater, Rating
from tests.teams.conftest import NOW, TeamsWorld, enrol
from tests.teams.files_support import consent, consent_cards, file_card, file_cards, ref
from tests.teams.managers import enrol_manager, manage, sent, team

NOT_ALLOWED_FR = (
    "Vous ne pouvez voir que votre propre progression, ou celle des personnes de votre équipe."
)
NOT_ALLOWED_EN = "You can only see your own progress, or that of the people in your team."


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


def _chart_of(world: TeamsWorld, asker: User, report: User) -> DeliverFile:
    """The report's chart as the core builds it for ``asker`` now."""
    outcome = world.flows.progress.chart(ref(asker), ChartRequest(report.aad_object_id))
    [file] = [e for e in outcome.effects if isinstance(e, DeliverFile)]
    return file


def _said(world: TeamsWorld, user: User) -> str:
    return world.teams.render(sent(world, user)[-1])


def test_me_chart_at_a_report_offers_her_chart_then_it_is_in_onedrive(world: TeamsWorld) -> None:
    teams = world.teams
    crew = team(world)
    _rate(world, crew.alice, "prospection", "junior", 150)
    _rate(world, crew.alice, "prospection", "senior", 2)
    mention = teams.mention(crew.alice)
    assert teams.send_message(crew.chloe, f"me chart {mention}", mentions=[crew.alice]).ok
    [card] = consent_cards(world, crew.chloe)
    offered = consent(card)
    assert offered["name"] == "palier-progress-2026-11-26.png"
    assert offered["content"]["description"] == "Alice Martin's progress over four quarters"
    expected = _chart_of(world, crew.chloe, crew.alice)
    assert offered["content"]["sizeInBytes"] == len(expected.content)
    assert consent_cards(world, crew.alice) == []  # nothing reaches the report
    teams.accept_file(crew.chloe, card)
    [stored] = world.emulator.drive_files(crew.chloe)
    assert stored.content == expected.content
    own = world.flows.progress.chart(ref(crew.alice), ChartRequest()).effects[0]
    assert isinstance(own, DeliverFile) and stored.content != own.content  # in English
    [shown] = file_cards(world, crew.chloe)
    assert file_card(shown)["name"] == stored.name
    assert shown.text == (
        "Alice Martin's progress over the last four quarters, competency by competency."
    )
    assert world.emulator.drive_files(crew.alice) == []


def test_moi_graphique_arobase_in_french_and_graphique_alone_too(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    dominique = world.emulator.add_user("Dominique Petit", "dominique@example.fr")
    enrol_manager(world, dominique)
    manage(world, dominique, alice)
    teams.install(dominique)
    teams.install(alice)  # Teams tells who an @mention is only of someone with the app
    _rate(world, alice, "closing", "intermediaire", 20)
    mention = teams.mention(alice)
    teams.send_message(dominique, f"moi graphique {mention}", mentions=[alice])
    teams.send_message(dominique, f"graphique {mention}", mentions=[alice])
    first, second = consent_cards(world, dominique)
    for card in (first, second):
        assert consent(card)["name"] == "palier-progression-2026-11-26.png"
        assert consent(card)["content"]["description"] == (
            "Progression sur quatre trimestres : Alice Martin"
        )
    teams.accept_file(dominique, second)
    [stored] = world.emulator.drive_files(dominique)
    assert stored.content == _chart_of(world, dominique, alice).content
    [shown] = file_cards(world, dominique)
    assert shown.text == (
        "Progression des quatre derniers trimestres, compétence par compétence : Alice Martin."
    )


def test_someone_not_in_ones_team_is_refused_with_no_card(world: TeamsWorld) -> None:
    teams = world.teams
    crew = team(world)
    stranger = world.emulator.add_user("Sam Lee", "sam@example.com", locale="en-US")
    enrol(world.core, stranger)
    teams.install(stranger)
    for who in (crew.alice, crew.bob, stranger):
        _rate(world, who, "closing", "intermediaire", 20)
    # A report asking for a teammate's, in French; for her manager's.
    teams.send_message(crew.alice, f"moi graphique {teams.mention(crew.bob)}", mentions=[crew.bob])
    assert NOT_ALLOWED_FR in _said(world, crew.alice)
    teams.send_message(
        crew.alice, f"moi graphique {teams.mention(crew.chloe)}", mentions=[crew.chloe]
    )
    assert NOT_ALLOWED_FR in _said(world, crew.alice)
    # A manager asking for someone outside her team, in English.
    teams.send_message(crew.chloe, f"me chart {teams.mention(stranger)}", mentions=[stranger])
    assert NOT_ALLOWED_EN in _said(world, crew.chloe)
    for who in (crew.alice, crew.chloe):
        assert consent_cards(world, who) == []
        assert world.emulator.drive_files(who) == []


def test_the_policy_decides_again_when_the_chart_is_accepted(world: TeamsWorld) -> None:
    """Offered while Alice was in Chloé's team, accepted after she moved: nothing."""
    teams = world.teams
    crew = team(world)
    _rate(world, crew.alice, "closing", "intermediaire", 20)
    teams.send_message(crew.chloe, f"me chart {teams.mention(crew.alice)}", mentions=[crew.alice])
    [card] = consent_cards(world, crew.chloe)
    other = world.emulator.add_user("Hugo Blanc", "hugo@example.fr")
    enrol_manager(world, other)
    manage(world, other, crew.alice)
    teams.accept_file(crew.chloe, card)
    assert world.emulator.drive_files(crew.chloe) == []
    assert NOT_ALLOWED_EN in _said(world, crew.chloe)


def test_nothing_rated_for_the_report_and_words_that_are_no_mention(world: TeamsWorld) -> None:
    teams = world.teams
    crew = team(world)
    teams.send_message(crew.chloe, f"me chart {teams.mention(crew.bob)}", mentions=[crew.bob])
    assert "No chart yet for this person" in _said(world, crew.chloe)
    teams.send_message(crew.alice, "moi graphique Bob")  # a name, not an @mention
    usage = _said(world, crew.alice)
    assert "écrivez moi graphique ; " in usage and "moi graphique @personne" in usage
    assert "/palier" not in usage
    assert consent_cards(world, crew.chloe) == [] and consent_cards(world, crew.alice) == []


def test_the_managers_help_names_it_and_a_members_does_not(world: TeamsWorld) -> None:
    teams = world.teams
    crew = team(world)
    teams.send_message(crew.chloe, "help")
    assert "me chart @person (managers)" in _said(world, crew.chloe)
    teams.send_message(crew.bob, "help")
    assert "@person" not in _said(world, crew.bob).split("1on1")[0]
