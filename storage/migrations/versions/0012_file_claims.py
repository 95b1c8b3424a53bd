"""file_claims: a file a person consented to receive (Teams' file consent) is delivered
once, however often the consent arrives.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "file_claims",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_file_claims")),
    )
    op.create_index(op.f("ix_file_claims_claimed_at"), "file_claims", ["claimed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_file_claims_claimed_at"), table_name="file_claims")
    op.drop_table("file_claims")
