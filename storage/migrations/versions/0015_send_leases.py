"""tenants.send_lease_owner / send_lease_until / send_hold_until: one process at a time
sends a workspace's prompts (its lease, renewed by the sender's heartbeat, expiring when
the sender dies), and a Retry-After met by one process holds every process's sending to
that workspace until it elapses.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("send_lease_owner", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("send_lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("send_hold_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("send_hold_until")
        batch.drop_column("send_lease_until")
        batch.drop_column("send_lease_owner")
