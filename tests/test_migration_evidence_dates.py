"""Migration 0018: evidence gets the day it happened. Evidence stored before it gets the
day it was logged as its author saw it (their zone; the default zone when theirs is
unknown or missing), then the column is required — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from storage import migrate
from storage.db import make_engine

# (user, zone, logged at in UTC, the day its author saw): late at night in Paris is the
# next day there; late afternoon in New York is the day before UTC's.
ROWS = [
    ("U1", "Europe/Paris", datetime(2026, 11, 26, 23, 30, tzinfo=UTC), date(2026, 11, 27)),
    ("U2", "America/New_York", datetime(2026, 11, 27, 2, 0, tzinfo=UTC), date(2026, 11, 26)),
    ("U3", None, datetime(2026, 6, 30, 22, 15, tzinfo=UTC), date(2026, 7, 1)),  # default zone
    ("U4", "Mars/Olympus", datetime(2026, 3, 1, 12, 0, tzinfo=UTC), date(2026, 3, 1)),
]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _stored(engine: Engine, moment: datetime) -> datetime:
    # As storage.models.UTCDateTime writes it: naive UTC on SQLite.
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


def _seed_0017(engine: Engine) -> None:
    migrate.upgrade(engine, "0017")
    with engine.begin() as connection:
        tenant = connection.execute(
            text(
                "INSERT INTO tenants (platform, external_id, created_at) "
                "VALUES ('slack', 'T1', :now) RETURNING id"
            ),
            {"now": _stored(engine, ROWS[0][2])},
        ).scalar_one()
        for user, zone, logged, _ in ROWS:
            person = connection.execute(
                text(
                    "INSERT INTO people (tenant_id, platform_user_id, role, active, timezone, "
                    "locale_chosen, timezone_chosen, created_at, updated_at) "
                    "VALUES (:tenant, :user, 'member', true, :zone, false, false, :now, :now) "
                    "RETURNING id"
                ),
                {"tenant": tenant, "user": user, "zone": zone, "now": _stored(engine, logged)},
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO evidence (tenant_id, person_id, referentiel_id, competency_id, "
                    "text, created_at, updated_at) VALUES (:tenant, :person, "
                    "'account-executive', 'closing', :text, :logged, :logged)"
                ),
                {
                    "tenant": tenant,
                    "person": person,
                    "text": f"preuve de {user}",
                    "logged": _stored(engine, logged),
                },
            )


def _days(engine: Engine) -> list[tuple[str, object]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT p.platform_user_id, e.happened_on FROM evidence e "
                "JOIN people p ON p.id = e.person_id ORDER BY p.platform_user_id"
            )
        )
        return [(user, date.fromisoformat(str(day)) if day else None) for user, day in rows]


def _columns(engine: Engine) -> dict[str, bool]:
    return {c["name"]: c["nullable"] for c in inspect(engine).get_columns("evidence")}


def test_upgrade_gives_old_evidence_the_day_its_author_logged_it(engine: Engine) -> None:
    _seed_0017(engine)
    migrate.upgrade(engine, "0018")
    assert _days(engine) == [(user, day) for user, _, _, day in ROWS]
    assert _columns(engine)["happened_on"] is False  # required from now on
    indexes = {index["name"] for index in inspect(engine).get_indexes("evidence")}
    assert "ix_evidence_person_happened" in indexes
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO evidence (tenant_id, person_id, referentiel_id, competency_id, "
                "text, created_at, updated_at) SELECT tenant_id, id, 'account-executive', "
                "'closing', 'sans date', created_at, created_at FROM people LIMIT 1"
            )
        )


def test_downgrade_drops_the_day_and_upgrade_works_it_out_again(engine: Engine) -> None:
    _seed_0017(engine)
    migrate.upgrade(engine, "0018")
    migrate.downgrade(engine, "0017")
    assert "happened_on" not in _columns(engine)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM evidence")).scalar_one()
    assert count == len(ROWS)  # the evidence itself is kept
    migrate.upgrade(engine)
    assert _days(engine) == [(user, day) for user, _, _, day in ROWS]


def test_an_empty_database_upgrades_too(engine: Engine) -> None:
    migrate.upgrade(engine, "0017")
    migrate.upgrade(engine, "0018")
    assert _columns(engine)["happened_on"] is False
