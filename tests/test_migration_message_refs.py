"""Migration 0008: Slack's channel_id/message_ts/reminder_ts become opaque message
references with their data, and come back on a downgrade — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, inspect, text

from storage import migrate
from storage.db import make_engine

START = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# (person, channel_id, message_ts, reminder_ts) as revision 0007 stored them.
SLACK_ROWS = [
    ("U1", "D01", "1764169200.000100", "1764255600.000200"),  # prompt and reminder
    ("U2", "D02", "1764169200.000300", None),  # prompt only
    ("U3", None, None, None),  # never posted
]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _seed_0007(engine: Engine) -> None:
    migrate.upgrade(engine, "0007")
    with engine.begin() as connection:
        tenant = connection.execute(
            text(
                "INSERT INTO tenants (platform, external_id, created_at) "
                "VALUES ('slack', 'T1', :now) RETURNING id"
            ),
            {"now": START},
        ).scalar_one()
        for user, channel, ts, reminder in SLACK_ROWS:
            person = connection.execute(
                text(
                    "INSERT INTO people (tenant_id, platform_user_id, role, active, "
                    "locale_chosen, timezone_chosen, created_at, updated_at) "
                    "VALUES (:tenant, :user, 'member', true, false, false, :now, :now) "
                    "RETURNING id"
                ),
                {"tenant": tenant, "user": user, "now": START},
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO checkin_prompts (tenant_id, person_id, cycle_key, scheduled_at, "
                    "closes_at, status, competency_ids, attempts, channel_id, message_ts, "
                    "reminder_ts) VALUES (:tenant, :person, '2026-W48', :start, :closes, 'sent', "
                    "'[]', 1, :channel, :ts, :reminder)"
                ),
                {
                    "tenant": tenant,
                    "person": person,
                    "start": START,
                    "closes": START + timedelta(days=4),
                    "channel": channel,
                    "ts": ts,
                    "reminder": reminder,
                },
            )


def _rows(engine: Engine, columns: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text(
                    f"SELECT p.platform_user_id, {columns} FROM checkin_prompts c "
                    "JOIN people p ON p.id = c.person_id ORDER BY p.platform_user_id"
                )
            )
        ]


def _columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("checkin_prompts")}


def test_upgrade_turns_slack_columns_into_references_with_their_data(engine: Engine) -> None:
    _seed_0007(engine)
    migrate.upgrade(engine, "0008")
    columns = _columns(engine)
    assert {"message_ref", "reminder_ref"} <= columns
    assert not {"channel_id", "message_ts", "reminder_ts"} & columns
    assert _rows(engine, "c.message_ref, c.reminder_ref") == [
        ("U1", "D01:1764169200.000100", "D01:1764255600.000200"),
        ("U2", "D02:1764169200.000300", None),
        ("U3", None, None),
    ]


def test_downgrade_restores_the_slack_columns_with_their_data(engine: Engine) -> None:
    _seed_0007(engine)
    migrate.upgrade(engine, "0008")
    with engine.begin() as connection:  # a reminder whose prompt's reference was lost
        connection.execute(
            text(
                "UPDATE checkin_prompts SET reminder_ref = 'D03:1764255600.000900' "
                "WHERE person_id = (SELECT id FROM people WHERE platform_user_id = 'U3')"
            )
        )
    migrate.downgrade(engine, "0007")
    assert not {"message_ref", "reminder_ref"} & _columns(engine)
    assert _rows(engine, "c.channel_id, c.message_ts, c.reminder_ts") == [
        *[row for row in SLACK_ROWS if row[0] != "U3"],
        ("U3", "D03", None, "1764255600.000900"),
    ]
    migrate.upgrade(engine)  # and up again: the same references
    assert _rows(engine, "c.message_ref") == [
        ("U1", "D01:1764169200.000100"),
        ("U2", "D02:1764169200.000300"),
        ("U3", None),
    ]
