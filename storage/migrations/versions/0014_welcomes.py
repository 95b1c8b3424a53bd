"""people.welcome_after, welcomed_at, welcome_attempts: the welcome a person gets once,
when enrolled (bot.domain.welcome). Enrolling someone never welcomed sets
``welcome_after``; the tick (Teams: the app's installation) takes it, setting
``welcomed_at``.

Everyone already followed when this runs was enrolled before Palier sent welcomes: they
are marked welcomed (at the epoch, "long ago"), so enrolling them again later greets
nobody.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


LONG_AGO = sa.text("'1970-01-01 00:00:00'")  # as storage.models.PLAN_NOW


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("welcome_after", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("welcomed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("welcome_attempts", sa.SmallInteger(), nullable=False, server_default="0")
        )
        batch.create_index("ix_people_welcome_after", ["welcome_after"])
    people = sa.table("people", sa.column("welcomed_at"), sa.column("referentiel_id"))
    op.execute(
        people.update().where(people.c.referentiel_id.is_not(None)).values(welcomed_at=LONG_AGO)
    )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_index("ix_people_welcome_after")
        batch.drop_column("welcome_attempts")
        batch.drop_column("welcomed_at")
        batch.drop_column("welcome_after")
