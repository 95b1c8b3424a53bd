"""people.profile_checked_at: the platform's profile of each person is read again in the
background, a few of the oldest at each tick, instead of before every weekly prompt.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


NEVER = sa.text("'1970-01-01 00:00:00'")  # storage.models.PLAN_NOW: never read, long ago


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column(
                "profile_checked_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=NEVER,  # everybody's profile is read again, oldest first
            )
        )
        batch.create_index("ix_people_profile_checked", ["profile_checked_at"])


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_index("ix_people_profile_checked")
        batch.drop_column("profile_checked_at")
