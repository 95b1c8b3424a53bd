"""people.plan_after / digest_plan_after: plan each person (and each manager's weekly
review) once per cycle, not at every tick; checkin_prompts.closes_at indexed, so closing
the weeks that ended reads only those.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

PLAN_NOW = sa.text("'1970-01-01 00:00:00'")  # storage.models.PLAN_NOW: long past


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        for column in ("plan_after", "digest_plan_after"):
            batch.add_column(
                sa.Column(
                    column,
                    sa.DateTime(timezone=True),
                    nullable=False,
                    server_default=PLAN_NOW,  # everybody is planned at the next tick
                )
            )
        batch.create_index("ix_people_plan_after", ["plan_after"])
        batch.create_index("ix_people_digest_plan_after", ["digest_plan_after"])
    op.create_index("ix_checkin_prompts_closes", "checkin_prompts", ["closes_at"])


def downgrade() -> None:
    op.drop_index("ix_checkin_prompts_closes", table_name="checkin_prompts")
    with op.batch_alter_table("people") as batch:
        batch.drop_index("ix_people_digest_plan_after")
        batch.drop_index("ix_people_plan_after")
        batch.drop_column("digest_plan_after")
        batch.drop_column("plan_after")
