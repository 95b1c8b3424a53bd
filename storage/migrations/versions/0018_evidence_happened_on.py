"""evidence.happened_on: the day the deal or the call happened, not the day it was logged.

A person logs evidence about last Tuesday's call on Friday; the 1:1 brief, the Home and the
exports show and order it by that day. Evidence stored before this revision gets the day it
was logged, as its author saw it then (the local date of ``created_at`` in the person's
zone, the default zone when theirs is unknown): that is the day the Home showed for it, and
a Paris call logged at 00:30 stays on its own day rather than the UTC one before it. Worked
out in Python, the same on SQLite and PostgreSQL; then the column becomes NOT NULL, so no
view needs a fallback.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

DEFAULT_ZONE = "Europe/Paris"  # Palier's default zone (PALIER_DEFAULT_TIMEZONE's default)
BATCH = 500

_evidence = sa.table(
    "evidence",
    sa.column("id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("happened_on", sa.Date()),
)
_people = sa.table("people", sa.column("id", sa.Integer()), sa.column("timezone", sa.String()))


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def _backfill() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_evidence.c.id, _evidence.c.created_at, _people.c.timezone)
        .join(_people, _people.c.id == _evidence.c.person_id)
        .order_by(_evidence.c.id)
    ).all()
    zones: dict[str | None, ZoneInfo] = {}
    days = []
    for evidence_id, created_at, zone_name in rows:
        zone = zones.setdefault(zone_name, _zone(zone_name))
        instant: datetime = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        days.append({"evidence_id": evidence_id, "day": instant.astimezone(zone).date()})
    update = (
        sa.update(_evidence)
        .where(_evidence.c.id == sa.bindparam("evidence_id"))
        .values(happened_on=sa.bindparam("day"))
    )
    for start in range(0, len(days), BATCH):
        connection.execute(update, days[start : start + BATCH])


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("happened_on", sa.Date(), nullable=True))
    _backfill()
    with op.batch_alter_table("evidence") as batch:
        batch.alter_column("happened_on", existing_type=sa.Date(), nullable=False)
        batch.create_index("ix_evidence_person_happened", ["person_id", "happened_on"])


def downgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.drop_index("ix_evidence_person_happened")
        batch.drop_column("happened_on")
