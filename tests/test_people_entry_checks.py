"""Time zones are checked at every entry: Slack's profile (users.info, events) and the
CSV import keep the last good zone, or none (the workspace default), never one Python
does not know. And the CSV import, like the admin command, never re-enrols an erased
person while claiming success. Every test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.people import Profile, apply_profile, known_timezone, zone_of
from bot.domain.people_import import RowProblem
from bot.domain.privacy import erase_person
from emulators.slack import SlackEmulator
from storage.db import make_session_factory, session_scope
from storage.models import Person
from tests.test_people_import import ALICE, CHLOE, HEADER, _add_people, people, run_import

MARS = "Mars/Olympus"


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        _add_people(emulator)
        yield emulator


@pytest.fixture
def sessions(migrated_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(migrated_engine)


@pytest.mark.parametrize(
    ("stored", "read"),
    [("Asia/Kolkata", "Asia/Kolkata"), (None, "Europe/Paris"), (MARS, "Europe/Paris")],
)
def test_a_persons_zone_is_read_with_the_default_for_none_or_an_unknown_one(
    stored: str | None, read: str
) -> None:
    assert zone_of(Person(timezone=stored), "Europe/Paris") == read


@pytest.mark.parametrize("name", [MARS, "", None, "../../etc/passwd", "Europe/Nowhere"])
def test_unknown_zones_are_refused(name: str | None) -> None:
    assert known_timezone(name) is None


def test_known_zones_pass() -> None:
    assert known_timezone("Asia/Kolkata") == "Asia/Kolkata"
    assert known_timezone("UTC") == "UTC"


def test_a_profile_with_an_unknown_zone_keeps_the_last_good_one() -> None:
    person = Person(
        platform_user_id=ALICE, timezone="Europe/Paris", timezone_chosen=False, active=True
    )
    assert not apply_profile(person, Profile(ALICE, timezone=MARS))
    assert person.timezone == "Europe/Paris"
    assert apply_profile(person, Profile(ALICE, timezone="Europe/London"))
    assert person.timezone == "Europe/London"


def test_an_empty_csv_cell_hands_the_zone_back_to_slack_only_if_slack_s_is_known(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    line = "chloe@acme.fr,member,,business-developer,{zone},,\n"
    assert run_import(sessions, emu, HEADER + line.format(zone="Europe/Paris")).problems == []
    assert people(sessions)[CHLOE].timezone == "Europe/Paris"
    emu.update_user(CHLOE, tz=MARS)
    assert run_import(sessions, emu, HEADER + line.format(zone="")).problems == []
    chloe = people(sessions)[CHLOE]
    assert chloe.timezone == "Europe/Paris" and not chloe.timezone_chosen


def test_a_newcomer_whose_slack_zone_is_unknown_gets_none(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    emu.update_user(ALICE, tz=MARS)
    report = run_import(sessions, emu, HEADER + "alice@acme.fr,member,,account-executive,,,\n")
    assert report.problems == []
    assert people(sessions)[ALICE].timezone is None  # the workspace default applies


def test_a_csv_line_for_an_erased_person_is_rejected_with_the_reason(
    sessions: sessionmaker[Session], emu: SlackEmulator
) -> None:
    line = HEADER + "alice@acme.fr,member,,account-executive,,,\n"
    assert run_import(sessions, emu, line).problems == []
    with session_scope(sessions) as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == ALICE)).one()
        erase_person(session, alice, ALICE, datetime(2026, 11, 26, tzinfo=UTC))
    report = run_import(sessions, emu, line)
    assert report.problems == [
        RowProblem(2, "people_import.problem.erased", {"email": "alice@acme.fr"})
    ]
    alice = people(sessions)[ALICE]
    assert not alice.active and alice.referentiel_id is None
