"""Importing people from a CSV file, end to end: Slack is the emulator, over real HTTP.

Every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.people import DirectoryError, Profile, ensure_tenant
from bot.domain.people_import import COLUMNS, ImportReport, RowProblem, import_people
from emulators.slack import SlackEmulator
from handlers.cli import main
from handlers.slack.directory import SlackDirectory, workspace
from referentiels.loader import ReferentielCatalog
from storage.db import make_session_factory, session_scope
from storage.models import Person, Platform, Role, Tenant

CATALOG = ReferentielCatalog.load()
P = "people_import.problem."

ALICE = "U0ALICE"  # Europe/Paris, fr-FR
BRUNO = "U0BRUNO"  # America/Montreal, fr-CA
CHLOE = "U0CHLOE"  # Europe/London, en-GB
MANON = "U0MANON"  # the sales manager
DIANE = "U0DIANE"  # Manon's manager, in Slack only
OLD = "U0OLD"  # deactivated
ROBOT = "U0ROBOT"  # a bot with an address

HEADER = "email,role,manager_email,referentiel,timezone,day,time\n"
# The manager comes after her reports: links are made in a second pass.
TEAM = HEADER + (
    "alice@acme.fr,member,manon@acme.fr,account-executive,,,\n"
    "bruno@acme.fr,,manon@acme.fr,account-executive,,lundi,09:30\n"
    "chloe@acme.fr,member,manon@acme.fr,business-developer,Europe/Paris,,\n"
    "manon@acme.fr,manager,,manager-equipe-vendeurs-b2b,,,\n"
)


def _add_people(emulator: SlackEmulator) -> None:
    emulator.add_user(ALICE, "alice", "Alice Martin", "alice@acme.fr")
    emulator.add_user(
        BRUNO, "bruno", "Bruno Petit", "bruno@acme.fr", tz="America/Montreal", locale="fr-CA"
    )
    emulator.add_user(
        CHLOE, "chloe", "Chloé Durand", "chloe@acme.fr", tz="Europe/London", locale="en-GB"
    )
    emulator.add_user(MANON, "manon", "Manon Leroy", "manon@acme.fr", is_admin=True)
    emulator.add_user(
        DIANE, "diane", "Diane Roy", "diane@acme.fr", tz="America/New_York", locale="en-US"
    )
    emulator.add_user(OLD, "ancien", "Ancien Vendeur", "ancien@acme.fr", deleted=True)
    emulator.add_user(ROBOT, "robot", "Robot", "robot@acme.fr", is_bot=True)


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        _add_people(emulator)
        yield emulator


@pytest.fixture
def sessions(migrated_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(migrated_engine)


def web(emu: SlackEmulator, **kwargs: Any) -> WebClient:
    return WebClient(token=emu.bot_token, base_url=emu.api_url, **kwargs)


def run_import(
    sessions: sessionmaker[Session], emu: SlackEmulator, text: str, directory: Any = None
) -> ImportReport:
    """What the CLI does: one transaction, the bot token's workspace as tenant."""
    client = web(emu)
    with session_scope(sessions) as session:
        team_id, team_name = workspace(client)
        tenant = ensure_tenant(session, Platform.SLACK, team_id, team_name)
        return import_people(session, tenant, text, directory or SlackDirectory(client), CATALOG)


def people(sessions: sessionmaker[Session]) -> dict[str, Person]:
    with sessions() as session:
        return {p.platform_user_id: p for p in session.scalars(select(Person))}


def table(engine: Engine) -> list[dict[str, Any]]:
    """Every column of every person, updated_at included."""
    with engine.connect() as connection:
        result = connection.execute(select(Person.__table__).order_by(Person.id))
        return [dict(row._mapping) for row in result]


def counts(report: ImportReport) -> tuple[int, int, int]:
    return report.created, report.updated, report.unchanged


# -- a file that is right --------------------------------------------------------------


def test_a_team_is_enrolled_with_managers_linked_after_them(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    report = run_import(sessions, emu, TEAM)

    assert report.problems == [] and not report.file_rejected
    assert counts(report) == (4, 0, 0)
    found = people(sessions)
    assert set(found) == {ALICE, BRUNO, CHLOE, MANON}
    alice, bruno, chloe, manon = (found[u] for u in (ALICE, BRUNO, CHLOE, MANON))
    assert (manon.role, manon.manager_id, manon.referentiel_id) == (
        Role.MANAGER,
        None,
        "manager-equipe-vendeurs-b2b",
    )
    for report_ in (alice, bruno, chloe):
        assert report_.manager_id == manon.id
        assert report_.role == Role.MEMBER  # bruno's empty role cell too
        assert report_.active and report_.tenant_id == manon.tenant_id
    assert (alice.referentiel_id, chloe.referentiel_id) == (
        "account-executive",
        "business-developer",
    )
    # Name, address and language come from Slack (users.info with include_locale).
    assert (chloe.display_name, chloe.email, chloe.locale) == (
        "Chloé Durand",
        "chloe@acme.fr",
        "en-GB",  # the region kept: British dates
    )
    assert (alice.locale, bruno.locale) == ("fr-FR", "fr-CA")
    # Time zone: Slack's, unless the file gives one.
    assert (alice.timezone, bruno.timezone, chloe.timezone) == (
        "Europe/Paris",
        "America/Montreal",
        "Europe/Paris",
    )
    # Slot override only where the file gives one.
    assert (bruno.checkin_weekday, bruno.checkin_time) == (0, time(9, 30))
    assert (alice.checkin_weekday, alice.checkin_time) == (None, None)
    with sessions() as session:
        tenant = session.scalars(select(Tenant)).one()
    assert (tenant.platform, tenant.external_id, tenant.name) == (
        Platform.SLACK,
        "T0PALIER",
        "Palier Demo",
    )
    infos = emu.calls_to("users.info")
    assert sorted(call.params["user"] for call in infos) == sorted([ALICE, BRUNO, CHLOE, MANON])
    assert all(call.params.get("include_locale") in (True, "1", "true") for call in infos)
    # Manon is looked up once, although three lines name her as manager.
    assert len(emu.calls_to("users.lookupByEmail")) == 4


def test_a_manager_known_only_to_slack_becomes_a_person(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = HEADER + (
        "manon@acme.fr,manager,diane@acme.fr,manager-equipe-vendeurs-b2b,,,\n"
        "alice@acme.fr,member,diane@acme.fr,account-executive,,,\n"
    )

    report = run_import(sessions, emu, text)

    assert report.problems == []
    assert counts(report) == (3, 0, 0)  # Manon, Alice, and Diane as their manager
    found = people(sessions)
    diane = found[DIANE]
    assert found[MANON].manager_id == found[ALICE].manager_id == diane.id
    # Not on a référentiel, no role granted: she was not in the file.
    assert (diane.referentiel_id, diane.role, diane.locale, diane.timezone) == (
        None,
        Role.MEMBER,
        "en-US",
        "America/New_York",
    )


def test_a_manager_already_enrolled_is_found_without_asking_slack(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    run_import(sessions, emu, HEADER + "manon@acme.fr,manager,,manager-grands-comptes,,,\n")
    emu.clear_calls()

    report = run_import(
        sessions, emu, HEADER + "alice@acme.fr,,MANON@acme.fr,account-executive,,,\n"
    )

    assert report.problems == [] and counts(report) == (1, 0, 0)
    found = people(sessions)
    assert found[ALICE].manager_id == found[MANON].id
    assert [c.params["email"] for c in emu.calls_to("users.lookupByEmail")] == ["alice@acme.fr"]


def test_semicolons_bom_crlf_and_french_day_names(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = (
        "\ufeffEmail;Role;Referentiel;Day;Time\r\n"
        "alice@acme.fr;Admin;account-executive;Jeudi;16:00\r\n"
        ";;;;\r\n"  # Excel's empty line
        "\r\n"
        "bruno@acme.fr;;account-executive;dim.;7:05\r\n"
    )

    report = run_import(sessions, emu, text)

    assert report.problems == [] and counts(report) == (2, 0, 0)
    found = people(sessions)
    assert (found[ALICE].role, found[ALICE].checkin_weekday, found[ALICE].checkin_time) == (
        Role.ADMIN,
        3,
        time(16, 0),
    )
    assert (found[BRUNO].checkin_weekday, found[BRUNO].checkin_time) == (6, time(7, 5))


# -- bad lines ------------------------------------------------------------------------

BAD_LINES = [
    ("not-an-email,member,,account-executive,,,", "bad_email", {"value": "not-an-email"}),
    ("chloe@acme.fr,boss,,account-executive,,,", "bad_role", {"value": "boss"}),
    (
        "chloe@acme.fr,member,,vendeur,,,",
        "unknown_referentiel",
        {"value": "vendeur", "ids": ", ".join(CATALOG.ids())},
    ),
    (
        "chloe@acme.fr,member,,account-executive,Europe/Lyon,,",
        "bad_timezone",
        {"value": "Europe/Lyon"},
    ),
    ("chloe@acme.fr,member,,account-executive,,someday,", "bad_day", {"value": "someday"}),
    ("chloe@acme.fr,member,,account-executive,,,25:00", "bad_time", {"value": "25:00"}),
    (
        "chloe@acme.fr,member,chloe-at-acme,account-executive,,,",
        "bad_manager_email",
        {"value": "chloe-at-acme"},
    ),
    (",member,,account-executive,,,", "missing", {"column": "email"}),
    ("chloe@acme.fr,member,,,,,", "missing", {"column": "referentiel"}),
    ("chloe@acme.fr,member,,account-executive,,,,surplus", "cell_without_column", {"position": 8}),
    ("nobody@acme.fr,member,,account-executive,,,", "not_found", {"email": "nobody@acme.fr"}),
    ("ancien@acme.fr,member,,account-executive,,,", "deactivated", {"email": "ancien@acme.fr"}),
    ("robot@acme.fr,member,,account-executive,,,", "bot", {"email": "robot@acme.fr"}),
    (
        "chloe@acme.fr,member,ghost@acme.fr,account-executive,,,",
        "manager_not_found",
        {"email": "ghost@acme.fr"},
    ),
    (
        "chloe@acme.fr,member,ancien@acme.fr,account-executive,,,",
        "manager_deactivated",
        {"email": "ancien@acme.fr"},
    ),
    (
        "chloe@acme.fr,member,robot@acme.fr,account-executive,,,",
        "manager_bot",
        {"email": "robot@acme.fr"},
    ),
    (
        "chloe@acme.fr,member,Chloe@acme.fr,account-executive,,,",
        "own_manager",
        {"email": "chloe@acme.fr"},
    ),
    (
        "ALICE@acme.fr,admin,,business-developer,,,",
        "duplicate_email",
        {"email": "ALICE@acme.fr", "first": 2},
    ),
]


@pytest.mark.parametrize(
    ("line", "key", "params"),
    BAD_LINES,
    ids=[f"{key}-{i}" for i, (_, key, _) in enumerate(BAD_LINES)],
)
def test_a_bad_line_is_reported_with_its_number_and_the_others_import(
    sessions: sessionmaker[Session],
    emu: SlackEmulator,
    line: str,
    key: str,
    params: dict[str, Any],
) -> None:
    text = HEADER + (
        "alice@acme.fr,member,,account-executive,,,\n"
        f"{line}\n"
        "bruno@acme.fr,member,alice@acme.fr,account-executive,,,\n"
    )

    report = run_import(sessions, emu, text)

    assert report.problems == [RowProblem(3, P + key, params)]
    assert report.rejected_lines == 1 and not report.file_rejected
    assert counts(report) == (2, 0, 0)
    found = people(sessions)
    assert set(found) == {ALICE, BRUNO}  # nobody from line 3, not even a manager
    assert found[ALICE].role == Role.MEMBER  # the duplicate line 3 changed nothing
    assert found[BRUNO].manager_id == found[ALICE].id


def test_every_problem_of_a_line_is_reported_at_once(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = HEADER + "alice@acme.fr,chef,,vendeur,Paris,jour,4pm\n"

    report = run_import(sessions, emu, text)

    assert sorted(p.key for p in report.problems) == sorted(
        P + k for k in ("bad_role", "bad_timezone", "bad_day", "bad_time")
    )
    assert {p.line for p in report.problems} == {2}
    assert emu.calls_to("users.lookupByEmail") == []  # no need to ask Slack about it
    assert people(sessions) == {}


def test_a_refused_manager_line_refuses_their_reports_in_turn(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = HEADER + (
        "manon@acme.fr,manager,,vendeur,,,\n"  # unknown référentiel
        "alice@acme.fr,member,manon@acme.fr,account-executive,,,\n"
        "bruno@acme.fr,member,alice@acme.fr,account-executive,,,\n"
        "chloe@acme.fr,member,,business-developer,,,\n"
    )

    report = run_import(sessions, emu, text)

    assert [(p.line, p.key, p.params) for p in report.problems] == [
        (2, P + "unknown_referentiel", {"value": "vendeur", "ids": ", ".join(CATALOG.ids())}),
        (3, P + "manager_refused", {"email": "manon@acme.fr", "manager_line": 2}),
        (4, P + "manager_refused", {"email": "alice@acme.fr", "manager_line": 3}),
    ]
    assert counts(report) == (1, 0, 0)
    assert set(people(sessions)) == {CHLOE}


def _cycle(chain: str, lines: str) -> dict[str, str]:
    return {"chain": chain, "lines": lines}


def test_a_reporting_cycle_in_the_file_is_refused_with_its_lines(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = HEADER + (
        "alice@acme.fr,member,bruno@acme.fr,account-executive,,,\n"
        "bruno@acme.fr,member,alice@acme.fr,account-executive,,,\n"
        "chloe@acme.fr,member,manon@acme.fr,business-developer,,,\n"
        "manon@acme.fr,manager,,manager-equipe-vendeurs-b2b,,,\n"
    )

    report = run_import(sessions, emu, text)

    chain = "alice@acme.fr → bruno@acme.fr → alice@acme.fr"
    assert [(p.line, p.key, p.params) for p in report.problems] == [
        (2, P + "manager_cycle", _cycle(chain, "2, 3")),
        (3, P + "manager_cycle", _cycle(chain, "2, 3")),
    ]
    assert counts(report) == (2, 0, 0)
    found = people(sessions)
    assert set(found) == {CHLOE, MANON} and found[CHLOE].manager_id == found[MANON].id


def test_a_longer_cycle_is_refused_and_so_are_the_reports_of_its_people(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = HEADER + (
        "alice@acme.fr,member,bruno@acme.fr,account-executive,,,\n"
        "bruno@acme.fr,member,chloe@acme.fr,account-executive,,,\n"
        "chloe@acme.fr,member,alice@acme.fr,business-developer,,,\n"
        "manon@acme.fr,manager,chloe@acme.fr,manager-equipe-vendeurs-b2b,,,\n"
        "diane@acme.fr,manager,,manager-equipe-vendeurs-b2b,,,\n"
    )

    report = run_import(sessions, emu, text)

    chain = "alice@acme.fr → bruno@acme.fr → chloe@acme.fr → alice@acme.fr"
    assert [(p.line, p.key, p.params) for p in report.problems] == [
        (2, P + "manager_cycle", _cycle(chain, "2, 3, 4")),
        (3, P + "manager_cycle", _cycle(chain, "2, 3, 4")),
        (4, P + "manager_cycle", _cycle(chain, "2, 3, 4")),
        (5, P + "manager_refused", {"email": "chloe@acme.fr", "manager_line": 4}),
    ]
    assert counts(report) == (1, 0, 0) and set(people(sessions)) == {DIANE}


def test_a_cycle_closed_through_people_already_enrolled_is_refused(
    sessions: sessionmaker[Session], emu: SlackEmulator, migrated_engine: Engine
) -> None:
    run_import(sessions, emu, TEAM)  # Alice, Bruno and Chloé report to Manon
    before = table(migrated_engine)

    # Manon under Alice: Manon → Alice → Manon, through Alice's stored manager.
    report = run_import(
        sessions, emu, HEADER + "manon@acme.fr,manager,alice@acme.fr,account-executive,,,\n"
    )
    chain = "manon@acme.fr → alice@acme.fr → manon@acme.fr"
    assert [(p.line, p.key, p.params) for p in report.problems] == [
        (2, P + "manager_cycle", _cycle(chain, "2")),
    ]
    # Longer: Manon under Bruno, Bruno under Alice, and Alice is stored under Manon.
    report = run_import(
        sessions,
        emu,
        HEADER
        + "manon@acme.fr,manager,bruno@acme.fr,account-executive,,,\n"
        + "bruno@acme.fr,member,alice@acme.fr,account-executive,,,\n",
    )
    chain = "manon@acme.fr → bruno@acme.fr → alice@acme.fr → manon@acme.fr"
    assert [(p.line, p.key, p.params) for p in report.problems] == [
        (2, P + "manager_cycle", _cycle(chain, "2, 3")),
        (3, P + "manager_cycle", _cycle(chain, "2, 3")),
    ]
    assert counts(report) == (0, 0, 0) and table(migrated_engine) == before
    # Moving Alice under Bruno while Bruno moves under Diane is no cycle.
    report = run_import(
        sessions,
        emu,
        HEADER
        + "alice@acme.fr,member,bruno@acme.fr,account-executive,,,\n"
        + "bruno@acme.fr,member,diane@acme.fr,account-executive,,,\n",
    )
    assert report.problems == []


def test_two_addresses_of_one_slack_account_are_one_person(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    class Aliases(SlackDirectory):
        """Slack answers an alias with the account it belongs to."""

        def lookup_by_email(self, email: str) -> Profile | None:
            return super().lookup_by_email(email.replace("a.martin@", "alice@"))

    text = HEADER + (
        "alice@acme.fr,member,,account-executive,,,\n"
        "a.martin@acme.fr,admin,,business-developer,,,\n"
    )

    report = run_import(sessions, emu, text, Aliases(web(emu)))

    assert report.problems == [
        RowProblem(3, P + "duplicate_user", {"email": "a.martin@acme.fr", "first": 2})
    ]
    assert people(sessions)[ALICE].referentiel_id == "account-executive"


def test_unknown_columns_refuse_the_whole_file(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = "email,referentiel,Team,salary\nalice@acme.fr,account-executive,Nord,1\n"

    report = run_import(sessions, emu, text)

    assert report.file_rejected and counts(report) == (0, 0, 0)
    assert report.problems == [
        RowProblem(
            1, P + "unknown_columns", {"columns": "team, salary", "known": ", ".join(COLUMNS)}
        )
    ]
    assert people(sessions) == {} and emu.calls_to("users.lookupByEmail") == []


@pytest.mark.parametrize(
    ("text", "key", "columns"),
    [
        ("email,role\nalice@acme.fr,member\n", "missing_columns", "referentiel"),
        ("role,day\nmember,lundi\n", "missing_columns", "email, referentiel"),
        ("", "missing_columns", "email, referentiel"),
        ("\n\n", "missing_columns", "email, referentiel"),
        (
            "email,referentiel,Email\nalice@acme.fr,account-executive,\n",
            "duplicate_columns",
            "email",
        ),
    ],
)
def test_a_header_without_the_required_columns_refuses_the_file(
    sessions: sessionmaker[Session], emu: SlackEmulator, text: str, key: str, columns: str
) -> None:
    report = run_import(sessions, emu, text)

    assert report.file_rejected
    assert report.problems == [RowProblem(1, P + key, {"columns": columns})]
    assert people(sessions) == {}


def test_an_unreadable_csv_refuses_the_file(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    huge = "x" * 200_000  # beyond the csv module's field size limit
    text = HEADER + "alice@acme.fr,member,,account-executive,,,\n" + f"{huge},,,,,,\n"

    report = run_import(sessions, emu, text)

    assert report.file_rejected
    assert [(p.line, p.key) for p in report.problems] == [(3, P + "unreadable")]
    assert "field larger than field limit" in report.problems[0].params["problem"]
    assert people(sessions) == {}


# -- importing again -----------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(
    sessions: sessionmaker[Session], emu: SlackEmulator, migrated_engine: Engine
) -> None:
    run_import(sessions, emu, TEAM)
    before = table(migrated_engine)

    report = run_import(sessions, emu, TEAM)

    assert counts(report) == (0, 0, 4) and report.problems == []
    assert table(migrated_engine) == before  # updated_at included: not even touched


def test_a_changed_line_updates_the_person(
    sessions: sessionmaker[Session], emu: SlackEmulator, migrated_engine: Engine
) -> None:
    run_import(sessions, emu, TEAM)
    changed = TEAM.replace(
        "alice@acme.fr,member,manon@acme.fr,account-executive,,,",
        "alice@acme.fr,admin,,business-developer,America/New_York,vendredi,10:00",
    )

    report = run_import(sessions, emu, changed)

    assert counts(report) == (0, 1, 3)
    alice = people(sessions)[ALICE]
    assert (alice.role, alice.manager_id, alice.referentiel_id) == (
        Role.ADMIN,
        None,
        "business-developer",
    )
    assert (alice.timezone, alice.checkin_weekday, alice.checkin_time) == (
        "America/New_York",
        4,
        time(10, 0),
    )

    # Back to the first file: the overrides go, Slack's time zone comes back.
    assert counts(run_import(sessions, emu, TEAM)) == (0, 1, 3)
    alice = people(sessions)[ALICE]
    assert (alice.timezone, alice.checkin_weekday, alice.checkin_time, alice.role) == (
        "Europe/Paris",
        None,
        None,
        Role.MEMBER,
    )


def test_what_slack_changed_is_an_update(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    run_import(sessions, emu, TEAM)
    emu.update_user(MANON, locale="en-US", real_name="Manon Leroy-Petit")

    report = run_import(sessions, emu, TEAM)

    assert counts(report) == (0, 1, 3)
    manon = people(sessions)[MANON]
    assert (manon.locale, manon.display_name) == ("en-US", "Manon Leroy-Petit")


def test_an_absent_optional_column_leaves_the_person_alone(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    run_import(sessions, emu, TEAM)

    report = run_import(sessions, emu, "email,referentiel\nbruno@acme.fr,account-executive\n")

    assert counts(report) == (0, 0, 1)
    found = people(sessions)
    bruno = found[BRUNO]
    assert (bruno.manager_id, bruno.checkin_weekday, bruno.checkin_time) == (
        found[MANON].id,
        0,
        time(9, 30),
    )


def test_a_bad_line_changes_nothing_for_someone_already_enrolled(
    sessions: sessionmaker[Session], emu: SlackEmulator, migrated_engine: Engine
) -> None:
    run_import(sessions, emu, TEAM)
    before = table(migrated_engine)
    # Alice's new role is fine but her new manager is unknown; Bruno's zone is wrong.
    changed = (
        TEAM.replace(
            "alice@acme.fr,member,manon@acme.fr,account-executive,,,",
            "alice@acme.fr,admin,ghost@acme.fr,business-developer,,,",
        )
        .replace("lundi,09:30", "mardi,09:30")
        .replace(
            "bruno@acme.fr,,manon@acme.fr,account-executive,,",
            "bruno@acme.fr,,manon@acme.fr,account-executive,Mars/Olympus,",
        )
    )

    report = run_import(sessions, emu, changed)

    assert [(p.line, p.key) for p in report.problems] == [
        (2, P + "manager_not_found"),
        (3, P + "bad_timezone"),
    ]
    assert counts(report) == (0, 0, 2)
    assert table(migrated_engine) == before


# -- Slack failing -----------------------------------------------------------------------


def test_a_slack_failure_stores_nothing(
    sessions: sessionmaker[Session], emu: SlackEmulator, migrated_engine: Engine
) -> None:
    run_import(sessions, emu, HEADER + "manon@acme.fr,manager,,manager-grands-comptes,,,\n")
    before = table(migrated_engine)
    emu.inject("users.info", status=500)

    with pytest.raises(DirectoryError, match=r"users\.info: fatal_error \(HTTP 500\)"):
        run_import(sessions, emu, TEAM.replace("manon@acme.fr,manager,", "manon@acme.fr,admin,"))

    assert table(migrated_engine) == before
    with sessions() as session:
        assert len(session.scalars(select(Tenant)).all()) == 1


def _dead_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"


def test_an_unreachable_slack_is_a_directory_error() -> None:
    client = WebClient(token="xoxb-nope", base_url=_dead_url(), retry_handlers=[])

    with pytest.raises(DirectoryError, match=r"^auth\.test: "):
        workspace(client)
    with pytest.raises(DirectoryError, match=r"^users\.lookupByEmail: "):
        SlackDirectory(client).lookup_by_email("alice@acme.fr")


def test_the_directory_maps_slack_users(emu: SlackEmulator) -> None:
    directory = SlackDirectory(web(emu))

    assert directory.lookup_by_email("manon@acme.fr") == Profile(
        user_id=MANON,
        display_name="Manon Leroy",
        email="manon@acme.fr",
        timezone="Europe/Paris",
        locale="fr-FR",
        is_admin=True,
    )
    assert directory.profile(OLD) == Profile(
        user_id=OLD,
        display_name="Ancien Vendeur",
        email="ancien@acme.fr",
        timezone="Europe/Paris",
        locale="fr-FR",
        deleted=True,
    )
    assert directory.lookup_by_email("nobody@acme.fr") is None
    assert directory.profile("U0NOBODY") is None
    with pytest.raises(DirectoryError, match="invalid_auth"):
        SlackDirectory(WebClient(token="xoxb-wrong", base_url=emu.api_url)).profile(ALICE)


# -- the command line ------------------------------------------------------------------


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, emu: SlackEmulator, migrated_engine: Engine
) -> SlackEmulator:
    monkeypatch.setenv("SLACK_BOT_TOKEN", emu.bot_token)
    monkeypatch.setenv("SLACK_API_URL", emu.api_url)
    monkeypatch.setenv("DATABASE_URL", migrated_engine.url.render_as_string(hide_password=False))
    return emu


def palier(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_imports_and_prints_the_report(
    cli_env: SlackEmulator, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    path = write(tmp_path, TEAM)

    assert palier("people", "import", str(path)) == (
        0,
        "Personnes : 4 créées, 0 mise à jour, 0 inchangée\n"
        "Inscriptions : 4 personnes inscrites, 0 déjà inscrite ; 0 ligne en erreur\n",
        "",
    )
    assert set(people(sessions)) == {ALICE, BRUNO, CHLOE, MANON}
    # The same file again: everyone was enrolled already, and the report says so.
    assert palier("people", "import", str(path)) == (
        0,
        "Personnes : 0 créée, 0 mise à jour, 4 inchangées\n"
        "Inscriptions : 0 personne inscrite, 4 déjà inscrites ; 0 ligne en erreur\n",
        "",
    )


def test_cli_reports_bad_lines_on_stderr_and_exits_1(
    cli_env: SlackEmulator, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    path = write(
        tmp_path,
        HEADER
        + "alice@acme.fr,member,,account-executive,,,\n"
        + "nobody@acme.fr,member,,account-executive,,,\n"
        + "bruno@acme.fr,member,,account-executive,,jamais,\n",
    )

    status, out, err = palier("people", "import", str(path))

    assert status == 1
    assert err == (
        f"{path}:3: aucun compte Slack actif pour « nobody@acme.fr » dans cet espace de "
        "travail (adresse inconnue ou compte désactivé)\n"
        f"{path}:4: jour « jamais » inconnu (lundi … dimanche ou monday … sunday)\n"
    )
    assert out == (
        "Personnes : 1 créée, 0 mise à jour, 0 inchangée ; 2 lignes refusées\n"
        "Inscriptions : 1 personne inscrite, 0 déjà inscrite ; 2 lignes en erreur\n"
    )
    assert set(people(sessions)) == {ALICE}  # committed despite the other lines


def test_cli_refused_header_imports_nothing(
    cli_env: SlackEmulator, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    path = write(tmp_path, "email;referentiel;équipe\nalice@acme.fr;account-executive;Nord\n")

    status, out, err = palier("people", "import", str(path))

    assert (status, out) == (1, "Rien n'a été importé.\n")
    assert err == (
        f"{path}:1: colonnes inconnues : équipe (colonnes possibles : {', '.join(COLUMNS)})\n"
    )
    assert people(sessions) == {}


def test_cli_in_english(
    cli_env: SlackEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", "en")
    path = write(tmp_path, TEAM + "robot@acme.fr,member,,account-executive,,,\n")

    status, out, err = palier("people", "import", str(path))

    assert status == 1
    assert err == f"{path}:6: 'robot@acme.fr' is a Slack bot, not a person\n"
    assert out == (
        "People: 4 created, 0 updated, 0 unchanged; 1 line refused\n"
        "Enrolments: 4 people enrolled, 0 already enrolled; 1 line with errors\n"
    )


def test_cli_without_a_bot_token_names_the_variable(
    cli_env: SlackEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")

    status, out, err = palier("people", "import", str(write(tmp_path, TEAM)))

    assert (status, out) == (2, "")
    assert err.startswith("SLACK_BOT_TOKEN : ") and err.count("\n") == 1


def test_cli_missing_or_unreadable_file(cli_env: SlackEmulator, tmp_path: Path) -> None:
    missing = tmp_path / "absent.csv"
    assert palier("people", "import", str(missing)) == (
        1,
        "",
        f"fichier introuvable : {missing}\n",
    )
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("email;referentiel\nchloé@acme.fr;account-executive\n".encode("latin-1"))
    status, out, err = palier("people", "import", str(latin1))
    assert (status, out) == (1, "")
    assert (
        err == f"« {latin1} » n'est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 »\n"
    )
    status, _, err = palier("people", "import", str(tmp_path))  # a directory
    assert status == 1 and err.startswith(f"impossible de lire « {tmp_path} » : ")
    assert err.count("\n") == 1


def test_cli_slack_failure_is_one_line_and_stores_nothing(
    cli_env: SlackEmulator,
    tmp_path: Path,
    sessions: sessionmaker[Session],
    migrated_engine: Engine,
) -> None:
    # More failures than the client's retries: Slack stays down for this import.
    cli_env.inject("users.lookupByEmail", status=503, times=10)
    path = write(tmp_path, TEAM)

    status, out, err = palier("people", "import", str(path))

    assert (status, out) == (1, "")
    assert err == (
        "Slack ne répond pas comme prévu (users.lookupByEmail: service_unavailable (HTTP 503)) : "
        "rien n'a été importé, relancez l'import plus tard\n"
    )
    assert people(sessions) == {}
    with sessions() as session:  # not even the workspace
        assert session.scalars(select(Tenant)).all() == []


def test_cli_unreachable_slack_is_one_line(
    cli_env: SlackEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_API_URL", _dead_url())

    status, out, err = palier("people", "import", str(write(tmp_path, TEAM)))

    assert (status, out) == (1, "")
    assert err.startswith("Slack ne répond pas comme prévu (auth.test: ")
    assert err.count("\n") == 1


def test_cli_waits_out_slacks_rate_limit(cli_env: SlackEmulator, tmp_path: Path) -> None:
    cli_env.inject("users.lookupByEmail", status=429, retry_after=1)

    status, out, _ = palier("people", "import", str(write(tmp_path, TEAM)))

    assert (status, out) == (
        0,
        "Personnes : 4 créées, 0 mise à jour, 0 inchangée\n"
        "Inscriptions : 4 personnes inscrites, 0 déjà inscrite ; 0 ligne en erreur\n",
    )
    limited, retried = cli_env.calls_to("users.lookupByEmail")[:2]
    assert (limited.status, retried.status) == (429, 200)
    assert retried.started - limited.finished >= 1.0
