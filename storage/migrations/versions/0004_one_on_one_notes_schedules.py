"""one_on_one_notes (a manager's private notes about a report) and one_on_one_schedules
(a recurring 1:1 whose brief is sent an hour before).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "one_on_one_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["people.id"],
            name=op.f("fk_one_on_one_notes_author_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_one_on_one_notes_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_one_on_one_notes_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_one_notes")),
        sa.UniqueConstraint(
            "tenant_id",
            "idempotency_key",
            name=op.f("uq_one_on_one_notes_tenant_id_idempotency_key"),
        ),
    )
    with op.batch_alter_table("one_on_one_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_one_on_one_notes_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "ix_one_on_one_notes_about", ["person_id", "author_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_one_on_one_notes_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "one_on_one_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("next_meeting_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_brief_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["people.id"],
            name=op.f("fk_one_on_one_schedules_manager_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["people.id"],
            name=op.f("fk_one_on_one_schedules_report_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_one_on_one_schedules_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_one_schedules")),
        sa.UniqueConstraint(
            "manager_id",
            "report_id",
            name=op.f("uq_one_on_one_schedules_manager_id_report_id"),
        ),
    )
    with op.batch_alter_table("one_on_one_schedules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_one_on_one_schedules_next_meeting_at"), ["next_meeting_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_one_on_one_schedules_report_id"), ["report_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_one_on_one_schedules_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("one_on_one_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_one_on_one_schedules_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_one_on_one_schedules_report_id"))
        batch_op.drop_index(batch_op.f("ix_one_on_one_schedules_next_meeting_at"))
    op.drop_table("one_on_one_schedules")
    with op.batch_alter_table("one_on_one_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_one_on_one_notes_tenant_id"))
        batch_op.drop_index("ix_one_on_one_notes_about")
        batch_op.drop_index(batch_op.f("ix_one_on_one_notes_author_id"))
    op.drop_table("one_on_one_notes")
