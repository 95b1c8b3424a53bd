"""checkin_inbox: a check-in acknowledged before it is stored (issue #13).

The answer to Slack's check-in submission waits only for the inline checks and one row
here; a worker stores the check-in from it after the answer, and a tick takes up a row
whose lease ran out (the process died after answering), so nothing acknowledged is lost.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-13
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkin_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("clicked", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("problem", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_checkin_inbox_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_checkin_inbox_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"],
            ["checkin_prompts.id"],
            name=op.f("fk_checkin_inbox_prompt_id_checkin_prompts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_inbox")),
        sa.UniqueConstraint(
            "tenant_id",
            "idempotency_key",
            name=op.f("uq_checkin_inbox_tenant_id_idempotency_key"),
        ),
    )
    op.create_index("ix_checkin_inbox_lease", "checkin_inbox", ["lease_until"])
    op.create_index(op.f("ix_checkin_inbox_prompt_id"), "checkin_inbox", ["prompt_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_checkin_inbox_prompt_id"), table_name="checkin_inbox")
    op.drop_index("ix_checkin_inbox_lease", table_name="checkin_inbox")
    op.drop_table("checkin_inbox")
