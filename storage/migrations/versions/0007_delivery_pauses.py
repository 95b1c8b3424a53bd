"""tenants.delivery_* (a workspace whose token no longer works: its sending pauses,
probed now and then, and resumes) and people.delivery_failures / delivery_failed_at
(a person is deactivated only once a permanent-looking failure is confirmed).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("delivery_paused_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("delivery_error", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("delivery_checked_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("delivery_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("delivery_failed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("delivery_failed_at")
        batch.drop_column("delivery_failures")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("delivery_checked_at")
        batch.drop_column("delivery_error")
        batch.drop_column("delivery_paused_at")
