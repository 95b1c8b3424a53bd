"""The day evidence happened, where evidence is read: the export (its own column, a date
in the workbook and ``AAAA-MM-JJ`` in the CSV), one's own data (JSON and summary, in
the reader's forms) and the 1:1 brief — French and English."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.evidence import SaveEvidence
from bot.app.exports import ExportFormat
from bot.app.operator import Operator
from bot.app.outcome import DeliverFile
from bot.bootstrap import Core, Flows
from bot.domain.evidence import EvidenceInput
from bot.domain.one_on_one_views import EvidenceLine
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.i18n import Translator
from bot.views.my_data import summary_text
from bot.views.one_on_one import brief_card
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import Person, Platform
from tests.app.support import ALICE, NOW, TEAM, Directory
from tests.spreadsheets import csv_rows, export_records, xlsx_rows
from tests.test_views_oneonone import ZONE, _brief, _lines, _referentiel

MARION = ActorRef(Platform.SLACK, TEAM, "U0MARION")
DEAL = "Signé avec le DAF d'Acme"


@pytest.fixture
def logged(core: Core, flows: Flows) -> None:
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        marion, _ = upsert_person(
            session, tenant, Profile("U0MARION", "Marion", timezone="Europe/Paris", locale="fr-FR")
        )
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        session.flush()
        alice.manager_id = marion.id
    data = EvidenceInput(competency_id="closing", text=DEAL, happened_on=date(2026, 11, 3))
    assert flows.evidence.save(ALICE, SaveEvidence(data, "k1")).ok


def test_the_export_has_the_day_each_piece_of_evidence_happened(flows: Flows, logged: None) -> None:
    outcome = flows.export.team_ratings(MARION, Directory(Profile("U0MARION")))
    [file] = outcome.effects
    assert isinstance(file, DeliverFile) and isinstance(file.content, bytes)
    rows = xlsx_rows(file.content)
    assert rows[0][-1] == "Date de la preuve"
    [deal] = [r for r in export_records(rows, "fr", "Europe/Paris") if r["evidence"] == DEAL]
    assert deal["evidence_date"] == datetime(2026, 11, 3)  # a date cell, not text
    assert deal["date"] == datetime(2026, 11, 26, 16, 0)  # logged: Thursday, 16:00 in Paris

    csv = flows.export.all_ratings(Operator("en"), fmt=ExportFormat.CSV)
    assert csv.view is not None and isinstance(csv.view.content, str)
    rows = csv_rows(csv.view.content, ",")
    assert rows[0][-1] == "Evidence date"
    [deal] = [r for r in export_records(rows, "en", "UTC") if r["evidence"] == DEAL]
    assert deal["evidence_date"] == "2026-11-03"


def test_ones_own_data_has_the_day_in_the_readers_forms(flows: Flows, logged: None) -> None:
    data = flows.privacy.data_of(Operator("fr"), ALICE)
    assert data.view is not None
    [evidence] = data.view.data["evidence"]
    assert evidence["happened_on"] == "2026-11-03"
    catalog = ReferentielCatalog.load(None)
    british = data.view.data | {"profile": data.view.data["profile"] | {"locale": "en-GB"}}
    assert f"• 3 Nov 2026 — Closing: {DEAL}" in summary_text(
        british, Translator("en"), catalog, NOW
    )
    french = data.view.data | {"profile": data.view.data["profile"] | {"locale": "fr-FR"}}
    assert f"3 nov. 2026 — Closing : {DEAL}" in summary_text(french, Translator("fr"), catalog, NOW)


@pytest.mark.parametrize(("locale", "shown"), [("fr", "03/11/2026"), ("en-US", "11/3/2026")])
def test_the_brief_shows_the_day_it_happened_not_the_day_it_was_logged(
    locale: str, shown: str
) -> None:
    referentiel = _referentiel("account-executive")
    label = referentiel.all_competencies()[0].label
    line = EvidenceLine(label, DEAL, None, None, NOW, date(2026, 11, 3))
    lines = _lines(brief_card(_brief(referentiel, evidence=[line]), ZONE, Translator(locale)))
    [deal] = [text for text in lines if DEAL in text]
    assert shown in deal and "26/11/2026" not in deal and "11/26/2026" not in deal
