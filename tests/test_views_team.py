"""The team summary and the admin answers as neutral views: what a manager or an admin
reads, whatever the front end."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, time

from bot.app.admin import NOT_ADMIN
from bot.app.enrolment import DIRECTORY_FAILED
from bot.domain.admin import AdminRefusal, FailedPrompt, WorkspaceStatus
from bot.domain.progress import RatingPoint, summarize
from bot.domain.team import CompetencyLine, Flag, Participation, ReportOverview, TeamOverview
from bot.i18n import Translator
from bot.i18n.rich import Mention, Param, Rich, Typed
from bot.settings import load_settings
from bot.views import admin, team
from bot.views.cards import Align, Heading, Note, Paragraph, Table
from bot.views.team_files import team_files
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

CATALOG = ReferentielCatalog.load(load_settings(env_file=None).referentiels_dir)
MOMENT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
EN, FR = Translator("en"), Translator("fr")


def _referentiel(referentiel_id: str) -> Referentiel:
    found = CATALOG.get(referentiel_id)
    assert found is not None
    return found


def _report(
    name: str,
    referentiel_id: str = "account-executive",
    level: str | None = None,
    flags: frozenset[Flag] = frozenset(),
    manager: str | None = None,
) -> ReportOverview:
    """A report with every competency self-rated ``level`` (none when None), the first
    one rated ``manager`` by their manager."""
    referentiel = _referentiel(referentiel_id)
    competencies = referentiel.all_competencies()
    ratings = [RatingPoint(c.id, level, MOMENT) for c in competencies] if level else []
    summary = summarize(referentiel, ratings, {}, [], MOMENT)
    ranks = {lvl.id: index for index, lvl in enumerate(referentiel.scale.levels)}
    lines = []
    for index, item in enumerate(summary.competencies):
        theirs = referentiel.scale.level(manager) if manager and index == 0 else None
        gap = ranks[theirs.id] - ranks[item.current.id] if theirs and item.current else None
        lines.append(CompetencyLine(item.competency, item.current, theirs, gap, None, None, 0))
    return ReportOverview(
        person_id=hash(name),
        name=name,
        referentiel=referentiel,
        summary=summary,
        competencies=lines,
        participation_short=Participation(3, 4),
        participation_long=Participation(0, 0),
        flags=flags,
    )


def _values(text: Rich) -> Iterator[Param]:
    """Every value placed in a text, nested ones included."""
    for param in text.params.values():
        if isinstance(param, Rich):
            yield from _values(param)
        else:
            yield param


def test_a_team_gets_one_card_per_referentiel_with_a_line_per_report_and_a_table() -> None:
    overview = TeamOverview(
        [
            _report("*Boss*", level="junior", flags=frozenset({Flag.MISSED_TWICE, Flag.GAP})),
            _report("Bob", manager="senior"),
            _report("Chloé", "manager-equipe-vendeurs-b2b"),
        ]
    )
    first, second = team.team_cards(overview, EN)
    heading, lines, legend, table = first.blocks
    assert isinstance(heading, Heading) and heading.text.plain() == "Your team — Account Executive"
    assert isinstance(lines, Paragraph) and isinstance(legend, Note)
    boss, bob = (line.plain() for line in lines.lines)
    # The name as typed, never formatting; the flags in a fixed order, the gap counted.
    assert Typed("*Boss*") in list(_values(lines.lines[0]))
    assert boss.startswith("*Boss* · level reached: Junior") and boss.endswith(
        "⚠️ a level or more apart from the manager on 0 competencies · 2 check-ins missed in a row"
    )
    assert "participation: 3/4 over 4 weeks, – over 12 · 0 pieces of evidence" in bob
    assert "level reached: none yet (0/5 competencies rated)" in bob
    assert isinstance(table, Table)
    assert [c.label.plain() for c in table.columns][:3] == ["Person", "Competency", "Self-rating"]
    assert [c.align for c in table.columns][4:] == [Align.CENTRE] * 3 + [Align.RIGHT]
    assert [c.wrap for c in table.columns][:4] == [True] * 4
    assert len(table.rows) == 2 * 5
    bob_first = next(row for row in table.rows if row[0] == "Bob")
    assert bob_first[2:5] == ("–", "Senior", "–")  # no self rating: no gap to show
    assert second.fallback.plain() == "Your team's summary on Manager d'équipe de vendeurs B to B"
    [cqp_table] = [block for block in second.blocks if isinstance(block, Table)]
    assert all(len(row[1]) <= team.COMPETENCY_CELL_MAX for row in cqp_table.rows)
    assert any(row[1].endswith("…") for row in cqp_table.rows)  # long titles shortened


def test_nobody_followed_is_one_card_without_a_table_naming_those_not_followed() -> None:
    [card] = team.team_cards(TeamOverview([], ["<Gus>", "Ana"]), FR)
    paragraph, note = card.blocks
    assert isinstance(paragraph, Paragraph) and isinstance(note, Note)
    assert paragraph.lines[0].plain() == (
        "Personne de votre équipe n'est suivi par Palier pour l'instant."
    )
    assert note.text.plain().endswith("(sans référentiel, ou retirées du suivi) : <Gus> et Ana")
    assert [2, Typed("<Gus>"), Typed("Ana")] == list(_values(note.text))


def test_a_person_whose_data_was_erased_is_named_so_never_by_id() -> None:
    for t, said in (
        (FR, "1 personne de votre équipe n'est pas suivie par Palier"),
        (Translator("en-GB"), "1 person in your team is not followed by Palier"),
    ):
        [card] = team.team_cards(TeamOverview([], [None]), t)
        text = card.blocks[-1].text.plain()  # type: ignore[union-attr]
        assert text.startswith(said) and text.endswith(t("people.erased"))
    [card] = team.team_cards(TeamOverview([], [None, "Ana"]), FR)
    assert (
        card.blocks[-1]
        .text.plain()
        .endswith(  # type: ignore[union-attr]
            " : une personne dont les données ont été effacées et Ana"
        )
    )


def test_the_not_followed_note_goes_on_the_first_card_only() -> None:
    overview = TeamOverview(
        [_report("Alice"), _report("Chloé", "manager-equipe-vendeurs-b2b")], ["Gus"]
    )
    first, second = team.team_cards(overview, EN)
    assert isinstance(first.blocks[-1], Note) and "Gus" in first.blocks[-1].text.plain()
    assert not any("Gus" in b.text.plain() for b in second.blocks if isinstance(b, Note))


def test_a_large_team_summary_counts_people_and_names_those_flagged() -> None:
    reports = [_report(f"R{index:02d}") for index in range(30)]
    reports.append(_report("Zoé", flags=frozenset({Flag.NO_PROGRESS})))
    card = team.summary_card(TeamOverview(reports, ["Gus"]), EN)
    text = [
        line.plain()
        for block in card.blocks
        if isinstance(block, Paragraph)
        for line in block.lines
    ]
    assert card.fallback.plain() == "Your team: 31 people"
    assert "• Account Executive: 31 people" in text
    assert "• No progress for 8 weeks (1): Zoé" in text
    assert not any("missed" in line for line in text)
    assert "too large" in text[-1]
    assert any(isinstance(b, Note) and "Gus" in b.text.plain() for b in card.blocks)
    assert not any(isinstance(block, Table) for block in card.blocks)
    calm = team.summary_card(TeamOverview(reports[:3]), FR)
    assert any(
        line.plain() == "Aucun point d'attention."
        for block in calm.blocks
        if isinstance(block, Paragraph)
        for line in block.lines
    )


def test_the_files_are_named_in_the_askers_language_csv_first_then_the_picture() -> None:
    overview = TeamOverview([_report("=HYPERLINK(1)", level="senior")])
    files = team_files(overview, FR)
    assert files.comment.plain() == "Le résumé de votre équipe : 1 personne."
    table, picture = files.files
    assert (table.filename, picture.filename) == ("palier-equipe.csv", "palier-equipe.png")
    assert table.alt is None and picture.alt and "coin rouge" in picture.alt
    assert isinstance(picture.content, bytes) and picture.content.startswith(b"\x89PNG")
    assert isinstance(table.content, str)
    assert table.content.startswith("\ufeff")  # UTF-8 as Excel reads it; ";" in French
    header, *rows = list(csv.reader(io.StringIO(table.content[1:]), delimiter=";"))
    assert header[:2] == ["Personne", "Référentiel"] and len(rows) == 5
    assert not rows[0][0].startswith("=")  # a name never becomes a formula


def test_refusals_and_the_answer_in_the_dm_are_worded_for_anyone() -> None:
    assert "is for managers" in team.refusal(None, EN).plain()
    assert team.refusal("no_reports", EN) == team.refusal(None, EN)
    assert team.in_dm(2, EN).plain().startswith("Your team's 2 tables")
    # Every refusal of the admin flows has words, the flows' own codes included.
    assert {NOT_ADMIN, DIRECTORY_FAILED, *(r.value for r in AdminRefusal)} == set(admin.REFUSALS)
    unknown = admin.refusal(AdminRefusal.UNKNOWN_REFERENTIEL.value, EN, ["a", "b"]).plain()
    assert unknown.endswith("Available: a, b")
    assert admin.refusal(NOT_ADMIN, FR).plain().startswith("Cette commande est réservée")


def test_enrolled_mentions_the_person_and_the_manager_only_when_there_is_one() -> None:
    alone = admin.enrolled("U1", "Account Executive", None, EN)
    assert alone.plain() == "U1 is enrolled on “Account Executive”."
    assert next(iter(_values(alone))) == Mention("U1")
    both = admin.enrolled("U1", "Account Executive", "U2", EN)
    assert both.plain().endswith(" Manager: U2.") and Mention("U2") in list(_values(both))
    assert (
        admin.scheduled(3, time(9, 5), 2, EN)
        .plain()
        .startswith("Workspace check-in: Thursday at 9:05\u202fAM")
    )


def _status(paused: bool, errors: list[FailedPrompt]) -> WorkspaceStatus:
    return WorkspaceStatus(
        enrolled=12,
        by_referentiel={"account-executive": 10, "gone": 2},
        paused=1,
        inactive=0,
        checkin_weekday=3,
        checkin_time=time(16, 0),
        recent_errors=errors,
        delivery_paused_at=MOMENT if paused else None,
        delivery_error="invalid_auth" if paused else None,
    )


def test_the_status_puts_a_paused_delivery_first_and_lists_problems() -> None:
    titles = {"account-executive": "Account Executive"}
    errors = [FailedPrompt("*Boss*", "2026-W47", "channel_not_found")]
    text = admin.status(_status(True, errors), titles, "Europe/Paris", EN, tick_seconds=30)
    lines = text.plain().split("\n")
    assert lines[0].startswith("⚠️ Sending paused since Friday, November 20 at 4:00\u202fPM")
    assert "“invalid_auth”" in lines[0]
    assert "• Account Executive: 10" in lines and "• gone: 2" in lines
    assert "Palier looks for check-ins to send every 30 seconds." in lines
    assert lines[-1] == "• *Boss* (2026-W47): channel_not_found"
    assert Typed("*Boss*") in list(_values(text))
    calm = admin.status(_status(False, []), titles, "UTC", FR, tick_seconds=60).plain()
    assert calm.startswith("Palier dans cet espace de travail : 12 personnes")
    assert calm.endswith("Aucun problème d'envoi ces 7 derniers jours.")
