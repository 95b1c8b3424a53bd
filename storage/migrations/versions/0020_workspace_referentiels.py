"""workspace_referentiels and referentiel_uploads: a référentiel an admin uploads to
Palier's DM, reviewed, then added to their workspace after a confirmation (issue #14).

A stored référentiel is never replaced (ratings were given against its words); its id
is unique across the installation, beside the built-in ones and the operator's. An
upload waits for its confirmation in ``referentiel_uploads``, so any process can
confirm it; its ``source_key`` (the platform's file id) makes a delivery of the same
upload twice reviewed once.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace_referentiels",
        sa.Column("referentiel_id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_workspace_referentiels_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referentiel_id", name=op.f("pk_workspace_referentiels")),
    )
    op.create_index(
        op.f("ix_workspace_referentiels_tenant_id"),
        "workspace_referentiels",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "referentiel_uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("referentiel_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_key", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_referentiel_uploads_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referentiel_uploads")),
        sa.UniqueConstraint(
            "tenant_id",
            "source_key",
            name=op.f("uq_referentiel_uploads_tenant_id_source_key"),
        ),
    )
    op.create_index(
        op.f("ix_referentiel_uploads_tenant_id"), "referentiel_uploads", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_referentiel_uploads_uploaded_at"),
        "referentiel_uploads",
        ["uploaded_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_referentiel_uploads_uploaded_at"), table_name="referentiel_uploads")
    op.drop_index(op.f("ix_referentiel_uploads_tenant_id"), table_name="referentiel_uploads")
    op.drop_table("referentiel_uploads")
    op.drop_index(op.f("ix_workspace_referentiels_tenant_id"), table_name="workspace_referentiels")
    op.drop_table("workspace_referentiels")
