"""The file flow, called directly: a file built again by its kind for whoever accepts it
(the access policy applied again: a member gets no team's export, a report no team's
table, nobody another's data), and a consent claimed once (a second claim of the same
key delivers nothing; a failed delivery gives it back; old claims are pruned)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app.actor import ActorRef
from bot.app.files import FileFlow, team_deliveries
from bot.app.outcome import DeliverFile, FileKind
from bot.bootstrap import Core, Flows
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.i18n import Translator
from storage.db import session_scope
from storage.models import FileClaim, Person, Platform, Rater, Rating
from tests.app.support import ALICE, NOW, STRANGER, TEAM, Directory
from tests.spreadsheets import csv_rows, xlsx_rows

MARION = ActorRef(Platform.SLACK, TEAM, "U0MARION")


@pytest.fixture
def managed(core: Core) -> None:
    """Marion (French) manages Alice, who rated herself once and has a name a
    spreadsheet would run."""
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        marion, _ = upsert_person(session, tenant, Profile("U0MARION", "Marion", locale="fr-FR"))
        marion.referentiel_id = "account-executive"
        session.flush()
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        alice.manager_id = marion.id
        alice.display_name = "=HYPERLINK(1)"
        session.add(
            Rating(
                tenant_id=alice.tenant_id,
                person_id=alice.id,
                referentiel_id="account-executive",
                competency_id="prospection",
                level_id="junior",
                rater=Rater.SELF,
                rated_at=NOW,
            )
        )


def _file(outcome: object) -> DeliverFile:
    effects = getattr(outcome, "effects", ())
    [file] = [effect for effect in effects if isinstance(effect, DeliverFile)]
    return file


def test_an_export_is_built_again_for_whoever_may_have_it(flows: Flows, managed: None) -> None:
    member = flows.files.build(ALICE, FileKind.EXPORT, Directory(Profile("U0ALICE")))
    assert (member.refusal, member.effects, member.locale) == ("not_allowed", (), "en-GB")
    stranger = flows.files.build(STRANGER, FileKind.EXPORT, Directory(Profile("U0NOBODY")))
    assert stranger.refusal == "not_allowed"
    admin = flows.files.build(
        STRANGER, FileKind.EXPORT, Directory(Profile("U0NOBODY", is_admin=True))
    )
    assert admin.refusal is None and _file(admin).kind is FileKind.EXPORT

    built = _file(flows.files.build(MARION, FileKind.EXPORT))
    first = _file(flows.export.team_ratings(MARION))
    assert (built.kind, first.kind) == (FileKind.EXPORT, FileKind.EXPORT)
    assert (built.filename, built.content, built.title) == (
        first.filename,
        first.content,
        first.title,
    )
    assert built.filename == "palier-export-2026-11-26.xlsx"
    rows = xlsx_rows(built.content)
    assert "=HYPERLINK(1)" in {row[2] for row in rows}  # a text cell, as typed


def test_ones_own_data_is_the_actors_own(flows: Flows, managed: None) -> None:
    alices = _file(flows.files.build(ALICE, FileKind.MY_DATA))
    marions = _file(flows.files.build(MARION, FileKind.MY_DATA))
    assert alices.kind is FileKind.MY_DATA and alices.filename == "palier-my-data-2026-11-26.json"
    assert marions.filename == "palier-mes-donnees-2026-11-26.json"
    readable = _file(flows.files.build(MARION, FileKind.MY_DATA_SUMMARY))
    assert readable.filename == "palier-mes-donnees-2026-11-26.txt"
    assert isinstance(readable.content, str) and "Vos données dans Palier" in readable.content
    assert isinstance(alices.content, str) and isinstance(marions.content, str)
    assert alices.content != marions.content
    assert "=HYPERLINK(1)" not in marions.content  # nothing of Alice in Marion's data
    nobody = flows.files.build(STRANGER, FileKind.MY_DATA, Directory(Profile("U0NOBODY")))
    assert (nobody.refusal, nobody.effects) == ("nothing", ())
    assert json.loads(alices.content)  # JSON, whole


def test_a_teams_table_and_map_for_its_manager_only(flows: Flows, managed: None) -> None:
    table = _file(flows.files.build(MARION, FileKind.TEAM_TABLE))
    picture = _file(flows.files.build(MARION, FileKind.TEAM_MAP))
    assert (table.filename, table.kind) == ("palier-equipe.csv", FileKind.TEAM_TABLE)
    assert isinstance(table.content, str) and "'=HYPERLINK(1)" in table.content
    assert table.content.startswith("\ufeff") and csv_rows(table.content, ";")[1][0] == (
        "'=HYPERLINK(1)"
    )  # French: a BOM and semicolons, as Excel opens it in France
    assert (picture.filename, picture.kind) == ("palier-equipe.png", FileKind.TEAM_MAP)
    assert isinstance(picture.content, bytes) and picture.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert table.comment == "Le résumé de votre équipe : 1 personne."
    refused = flows.files.build(ALICE, FileKind.TEAM_TABLE)
    assert (refused.refusal, refused.effects) == ("no_reports", ())

    overview = flows.team.overview(MARION).view
    assert overview is not None
    both = team_deliveries(overview, Translator("fr"), "U0MARION")
    assert [(f.kind, f.user_id) for f in both] == [
        (FileKind.TEAM_TABLE, "U0MARION"),
        (FileKind.TEAM_MAP, "U0MARION"),
    ]
    assert both[0].content == table.content


def test_the_files_the_flows_deliver_say_which_they_are(flows: Flows, managed: None) -> None:
    kinds = [getattr(e, "kind", None) for e in flows.privacy.send_my_data(ALICE).effects]
    assert kinds == [FileKind.MY_DATA_SUMMARY, FileKind.MY_DATA]
    assert _file(flows.export.team_ratings(MARION)).kind is FileKind.EXPORT


def test_a_consent_is_claimed_once_given_back_on_failure_and_pruned(
    core: Core, flows: Flows
) -> None:
    key = "a" * 64
    assert flows.files.claim(key) is True
    assert flows.files.claim(key) is False  # delivered twice: the second delivers nothing
    flows.files.release(key)
    assert flows.files.claim(key) is True  # the person may accept again
    assert flows.files.claim("b" * 64) is True

    later = FileFlow(
        flows.files.work,
        lambda: NOW + timedelta(days=31),
        flows.export,
        flows.privacy,
        flows.team,
        flows.progress,
    )
    assert later.claim("c" * 64) is True
    with session_scope(core.sessions) as session:
        assert session.scalar(select(func.count()).select_from(FileClaim)) == 1
