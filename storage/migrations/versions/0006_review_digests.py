"""review_digests: the manager's weekly team review message, one per manager and cycle.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATUSES = ("pending", "sending", "sent", "done", "skipped", "missed", "failed")


def upgrade() -> None:
    op.create_table(
        "review_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("cycle_key", sa.String(length=16), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *STATUSES,
                name="digest_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["people.id"],
            name=op.f("fk_review_digests_manager_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_review_digests_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_digests")),
        sa.UniqueConstraint(
            "manager_id", "cycle_key", name=op.f("uq_review_digests_manager_id_cycle_key")
        ),
    )
    op.create_index(
        "ix_review_digests_due", "review_digests", ["status", "scheduled_at"], unique=False
    )
    op.create_index(
        op.f("ix_review_digests_tenant_id"), "review_digests", ["tenant_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_review_digests_tenant_id"), table_name="review_digests")
    op.drop_index("ix_review_digests_due", table_name="review_digests")
    op.drop_table("review_digests")
