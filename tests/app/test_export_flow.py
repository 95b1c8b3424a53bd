"""The export flow of the application layer, called directly: a manager's team or an
admin's workspace as CSV, delivered privately with a worded title; every workspace
(or one) for an operator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.exports import ExportRefusal, RatingsExport
from bot.app.operator import Operator
from bot.app.outcome import DeliverFile
from bot.bootstrap import Core, Flows
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.i18n import Translator
from storage.models import Person, Platform, Rater, Rating
from tests.app.support import ALICE, NOW, STRANGER, TEAM, Directory
from tests.spreadsheets import xlsx_rows

MARION = ActorRef(Platform.SLACK, TEAM, "U0MARION")
ZOE = ActorRef(Platform.SLACK, "T0OTHER", "U0ZOE")


@pytest.fixture
def rated(core: Core) -> None:
    """Marion (French) manages Alice; Zoé is in another workspace; each rated once."""
    with core.sessions.begin() as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        marion, _ = upsert_person(session, tenant, Profile("U0MARION", "Marion", locale="fr-FR"))
        other = ensure_tenant(session, Platform.SLACK, "T0OTHER")
        zoe, _ = upsert_person(session, other, Profile("U0ZOE", "Zoé"))
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        session.flush()
        alice.manager_id = marion.id
        for person in (alice, marion, zoe):
            session.add(
                Rating(
                    tenant_id=person.tenant_id,
                    person_id=person.id,
                    referentiel_id="account-executive",
                    competency_id="prospection",
                    level_id="junior",
                    rater=Rater.SELF,
                    rated_at=NOW,
                )
            )


def _people(export: RatingsExport | None) -> set[str]:
    assert export is not None
    return {str(row["person"]) for row in export.table.records()}


def test_a_member_exports_nothing(flows: Flows, rated: None) -> None:
    outcome = flows.export.team_ratings(ALICE, Directory(Profile("U0ALICE")))
    assert (outcome.refusal, outcome.effects) == (ExportRefusal.NOT_ALLOWED, ())
    assert outcome.locale == "en-GB"


def test_a_manager_gets_their_team_as_a_file_worded_in_their_language(
    flows: Flows, rated: None
) -> None:
    outcome = flows.export.team_ratings(MARION, Directory(Profile("U0MARION")))
    assert outcome.view is not None and outcome.view.people == 2
    assert _people(outcome.view) == {"Alice", "Marion"}
    [file] = outcome.effects
    assert isinstance(file, DeliverFile) and file.user_id == "U0MARION"
    assert (file.filename, file.content) == ("palier-export-2026-11-26.xlsx", outcome.view.content)
    t = Translator("fr")
    assert (file.title, file.comment) == (
        t("files_excel.export.title"),
        "Évaluations et preuves de 2 personnes : une ligne par évaluation, et une par preuve notée à part.",
    )
    rows = xlsx_rows(file.content)
    assert rows[0][:3] == ["Type", "Espace de travail", "Personne"]
    assert {row[2] for row in rows[1:]} == {"Alice", "Marion"}


def test_an_admin_palier_does_not_follow_exports_their_workspace_only(
    flows: Flows, rated: None
) -> None:
    refused = flows.export.team_ratings(STRANGER, Directory(Profile("U0NOBODY")))
    assert refused.refusal == ExportRefusal.NOT_ALLOWED
    admin = Directory(Profile("U0NOBODY", is_admin=True, locale="en-US"))
    outcome = flows.export.team_ratings(STRANGER, admin)
    assert _people(outcome.view) == {"Alice", "Marion"}
    assert outcome.locale == "en-US"


def test_an_operator_exports_every_workspace_or_one(flows: Flows, rated: None) -> None:
    everything = flows.export.all_ratings(Operator("fr"))
    assert _people(everything.view) == {"Alice", "Marion", "Zoé"}
    assert everything.view is not None and everything.view.filename.endswith(".csv")
    one = flows.export.all_ratings(Operator("fr"), ZOE.workspace_id)
    assert _people(one.view) == {"Zoé"}
    assert one.effects == ()  # the command line writes the file itself
