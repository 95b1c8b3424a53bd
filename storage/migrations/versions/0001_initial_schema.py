"""Initial schema: tenants, people, check-in prompts, submissions, ratings, evidence, 1:1s.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "platform",
            sa.Enum(
                "slack",
                "teams",
                name="platform",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("checkin_weekday", sa.SmallInteger(), nullable=True),
        sa.Column("checkin_time", sa.Time(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint(
            "platform", "external_id", name=op.f("uq_tenants_platform_external_id")
        ),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("platform_user_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("locale_chosen", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "member",
                "manager",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("referentiel_id", sa.String(length=64), nullable=True),
        sa.Column("checkin_weekday", sa.SmallInteger(), nullable=True),
        sa.Column("checkin_time", sa.Time(), nullable=True),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("inactive_reason", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["people.id"],
            name=op.f("fk_people_manager_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_people_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint(
            "tenant_id", "platform_user_id", name=op.f("uq_people_tenant_id_platform_user_id")
        ),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_manager_id"), ["manager_id"], unique=False)
        batch_op.create_index("ix_people_tenant_email", ["tenant_id", "email"], unique=False)
        batch_op.create_index(batch_op.f("ix_people_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "checkin_prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cycle_key", sa.String(length=16), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "done",
                "skipped",
                "missed",
                "failed",
                name="prompt_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("competency_ids", sa.JSON(), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel_id", sa.String(length=64), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_checkin_prompts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_checkin_prompts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_prompts")),
        sa.UniqueConstraint(
            "person_id", "cycle_key", name=op.f("uq_checkin_prompts_person_id_cycle_key")
        ),
    )
    with op.batch_alter_table("checkin_prompts", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_prompts_due", ["status", "scheduled_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_checkin_prompts_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "one_on_ones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["people.id"],
            name=op.f("fk_one_on_ones_manager_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["people.id"],
            name=op.f("fk_one_on_ones_report_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_one_on_ones_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_ones")),
    )
    with op.batch_alter_table("one_on_ones", schema=None) as batch_op:
        batch_op.create_index(
            "ix_one_on_ones_pair", ["manager_id", "report_id", "held_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_one_on_ones_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "checkin",
                "evidence",
                "review",
                name="submission_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("prompt_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_submissions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"],
            ["checkin_prompts.id"],
            name=op.f("fk_submissions_prompt_id_checkin_prompts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_submissions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint(
            "tenant_id", "idempotency_key", name=op.f("uq_submissions_tenant_id_idempotency_key")
        ),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_person_id"), ["person_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("referentiel_id", sa.String(length=64), nullable=False),
        sa.Column("competency_id", sa.String(length=64), nullable=False),
        sa.Column("criterion_key", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=3000), nullable=True),
        sa.Column("source_permalink", sa.String(length=3000), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_evidence_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_evidence_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_evidence_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evidence_person_competency", ["person_id", "competency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evidence_submission_id"), ["submission_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "one_on_one_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("discussed_in_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["discussed_in_id"],
            ["one_on_ones.id"],
            name=op.f("fk_one_on_one_topics_discussed_in_id_one_on_ones"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_one_on_one_topics_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["people.id"],
            name=op.f("fk_one_on_one_topics_raised_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_one_on_one_topics_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_one_on_one_topics_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_one_topics")),
    )
    with op.batch_alter_table("one_on_one_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_one_on_one_topics_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_one_on_one_topics_submission_id"), ["submission_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_one_on_one_topics_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("referentiel_id", sa.String(length=64), nullable=False),
        sa.Column("competency_id", sa.String(length=64), nullable=False),
        sa.Column("level_id", sa.String(length=64), nullable=False),
        sa.Column(
            "rater",
            sa.Enum(
                "self",
                "manager",
                name="rater",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("rater_person_id", sa.Integer(), nullable=True),
        sa.Column("cycle_key", sa.String(length=16), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_ratings_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rater_person_id"],
            ["people.id"],
            name=op.f("fk_ratings_rater_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_ratings_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_ratings_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ratings_person_competency", ["person_id", "competency_id", "rated_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ratings_submission_id"), ["submission_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ratings_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ratings_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_ratings_submission_id"))
        batch_op.drop_index("ix_ratings_person_competency")

    op.drop_table("ratings")
    with op.batch_alter_table("one_on_one_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_one_on_one_topics_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_one_on_one_topics_submission_id"))
        batch_op.drop_index(batch_op.f("ix_one_on_one_topics_person_id"))

    op.drop_table("one_on_one_topics")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_submission_id"))
        batch_op.drop_index("ix_evidence_person_competency")

    op.drop_table("evidence")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_person_id"))

    op.drop_table("submissions")
    with op.batch_alter_table("one_on_ones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_one_on_ones_tenant_id"))
        batch_op.drop_index("ix_one_on_ones_pair")

    op.drop_table("one_on_ones")
    with op.batch_alter_table("checkin_prompts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_prompts_tenant_id"))
        batch_op.drop_index("ix_checkin_prompts_due")

    op.drop_table("checkin_prompts")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_tenant_id"))
        batch_op.drop_index("ix_people_tenant_email")
        batch_op.drop_index(batch_op.f("ix_people_manager_id"))

    op.drop_table("people")
    op.drop_table("tenants")
