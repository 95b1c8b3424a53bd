"""people.timezone_chosen (a time zone set by an admin wins over Slack's) and
checkin_prompts.reminder_ts (the reminder message, to close it with the prompt).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("timezone_chosen", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("checkin_prompts") as batch:
        batch.add_column(sa.Column("reminder_ts", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checkin_prompts") as batch:
        batch.drop_column("reminder_ts")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("timezone_chosen")
