"""one_on_one_topics.idempotency_key: a 1:1 topic added any day is stored once (issue #10).

A topic now comes from ``/palier 1on1 topic``, the Home's and the own brief's "Add a 1:1
topic" form, not only from the weekly check-in; the platform may deliver one of those
twice (a form submitted again, a message redelivered). The key (the form's view id, the
command's trigger, the Teams activity) is unique per workspace, so the second delivery
stores nothing. Topics of a check-in keep no key (NULL: never equal).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("one_on_one_topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_one_on_one_topics_tenant_id_idempotency_key"),
            ["tenant_id", "idempotency_key"],
        )


def downgrade() -> None:
    with op.batch_alter_table("one_on_one_topics", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_one_on_one_topics_tenant_id_idempotency_key"), type_="unique"
        )
        batch_op.drop_column("idempotency_key")
