"""A file of people written the French way imports like an English one: French headers
(``e-mail``, ``rôle``, ``manager``, ``référentiel`` …, case and accents ignored), French
roles (``commercial``), times as ``9h30``; a référentiel id with a typo is refused with
the nearest one suggested; the report counts who was enrolled and who was already.
Slack is the emulator, over real HTTP; SQLite, and PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.people_file import HEADER_LINE, RowProblem
from emulators.slack import SlackEmulator
from storage.db import make_session_factory
from storage.models import Role
from tests.test_people_import import (
    ALICE,
    BRUNO,
    CATALOG,
    CHLOE,
    MANON,
    P,
    _add_people,
    palier,
    people,
    run_import,
    write,
)


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        _add_people(emulator)
        yield emulator


@pytest.fixture
def sessions(migrated_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(migrated_engine)


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, emu: SlackEmulator, migrated_engine: Engine
) -> SlackEmulator:
    monkeypatch.setenv("SLACK_BOT_TOKEN", emu.bot_token)
    monkeypatch.setenv("SLACK_API_URL", emu.api_url)
    monkeypatch.setenv("DATABASE_URL", migrated_engine.url.render_as_string(hide_password=False))
    return emu


FRENCH_TEAM = (
    "E-mail;Rôle;Manager;Référentiel;Fuseau horaire;Jour;Heure\n"
    "alice@acme.fr;Commercial;manon@acme.fr;account-executive;;lundi;9h30\n"
    "bruno@acme.fr;commercial;manon@acme.fr;account-executive;;mardi;9 h\n"
    "chloe@acme.fr;;manon@acme.fr;business-developer;Europe/Paris;jeudi;16:00\n"
    "manon@acme.fr;MANAGER;;manager-equipe-vendeurs-b2b;;;\n"
)


def test_a_french_file_imports_like_an_english_one(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    report = run_import(sessions, emu, FRENCH_TEAM)

    assert report.problems == [] and (report.enrolled, report.already_enrolled) == (4, 0)
    found = people(sessions)
    alice, bruno, chloe, manon = (found[user] for user in (ALICE, BRUNO, CHLOE, MANON))
    assert (alice.role, alice.checkin_weekday, alice.checkin_time) == (Role.MEMBER, 0, time(9, 30))
    assert (bruno.role, bruno.checkin_weekday, bruno.checkin_time) == (Role.MEMBER, 1, time(9, 0))
    assert (chloe.timezone, chloe.checkin_time) == ("Europe/Paris", time(16, 0))
    assert manon.role is Role.MANAGER
    assert {alice.manager_id, bruno.manager_id, chloe.manager_id} == {manon.id}


def test_english_headers_written_otherwise_read_too(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = (
        "Courriel,ROLE,manager_email,Referentiel,heure\nalice@acme.fr,admin,,account-executive,8h\n"
    )

    report = run_import(sessions, emu, text)

    assert report.problems == []
    alice = people(sessions)[ALICE]
    assert (alice.role, alice.checkin_time) == (Role.ADMIN, time(8, 0))


def test_one_column_named_twice_in_two_languages_is_refused(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    report = run_import(sessions, emu, "email,e-mail,référentiel\nalice@acme.fr,,x\n")

    assert report.file_rejected
    assert report.problems == [
        RowProblem(HEADER_LINE, P + "duplicate_columns", {"columns": "email"})
    ]
    assert people(sessions) == {}


def test_a_bad_french_role_or_time_is_refused_with_its_line(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = (
        "e-mail;rôle;référentiel;heure\n"
        "alice@acme.fr;vendeur;account-executive;\n"
        "bruno@acme.fr;commercial;account-executive;25h\n"
        "chloe@acme.fr;commercial;account-executive;9h75\n"
    )

    report = run_import(sessions, emu, text)

    assert report.problems == [
        RowProblem(2, P + "bad_role", {"value": "vendeur"}),
        RowProblem(3, P + "bad_time", {"value": "25h"}),
        RowProblem(4, P + "bad_time", {"value": "9h75"}),
    ]
    assert people(sessions) == {}


def test_a_referentiel_id_with_a_typo_is_refused_with_the_nearest_suggested(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    text = (
        "email,referentiel\n"
        "alice@acme.fr,acount-executive\n"  # a typo
        "bruno@acme.fr,vendeur\n"  # nothing like any
        "chloe@acme.fr,account-executive\n"
    )

    report = run_import(sessions, emu, text)

    ids = ", ".join(CATALOG.ids())
    assert report.problems == [
        RowProblem(
            2,
            "french_habits.import.unknown_referentiel",
            {"value": "acount-executive", "suggestion": "account-executive", "ids": ids},
        ),
        RowProblem(3, P + "unknown_referentiel", {"value": "vendeur", "ids": ids}),
    ]
    assert set(people(sessions)) == {CHLOE}


def test_the_report_says_who_was_enrolled_already(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    run_import(sessions, emu, "email,referentiel\nalice@acme.fr,account-executive\n")

    again = run_import(
        sessions,
        emu,
        "email,referentiel\n"
        "alice@acme.fr,business-developer\n"  # enrolled already, moved
        "bruno@acme.fr,account-executive\n"
        "nobody@acme.fr,account-executive\n",
    )

    assert (again.enrolled, again.already_enrolled, again.rejected_lines) == (1, 1, 1)


def test_the_cli_reports_a_french_file_in_french_and_in_english(
    cli_env: SlackEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, FRENCH_TEAM + "nobody@acme.fr;commercial;;acount-executive;;;\n")

    status, out, err = palier("people", "import", str(path))

    assert status == 1
    assert err == (
        f"{path}:6: référentiel « acount-executive » inconnu : vouliez-vous dire "
        f"« account-executive » ? (disponibles : {', '.join(CATALOG.ids())})\n"
    )
    assert out == (
        "Personnes : 4 créées, 0 mise à jour, 0 inchangée ; 1 ligne refusée\n"
        "Inscriptions : 4 personnes inscrites, 0 déjà inscrite ; 1 ligne en erreur\n"
    )
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", "en")
    status, out, err = palier("people", "import", str(path))
    assert status == 1
    assert err == (
        f"{path}:6: unknown framework 'acount-executive': did you mean 'account-executive'? "
        f"(available: {', '.join(CATALOG.ids())})\n"
    )
    assert out == (
        "People: 0 created, 0 updated, 4 unchanged; 1 line refused\n"
        "Enrolments: 0 people enrolled, 4 already enrolled; 1 line with errors\n"
    )
