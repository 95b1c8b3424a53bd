"""Indexes for the manager's reads of a whole team: ratings by track (person, competency,
rater, then time and id) and check-ins by person and end of cycle.

The team view, the review list and the weekly digest find, for each competency of each
report, the latest rating (before an instant): with ``ix_ratings_track`` that is the
first entry of one backward index scan, however long the history. The team view reads
each report's check-ins of the last cycles, and counts the older ones, on
``ix_checkin_prompts_person_closes``.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_ratings_track", "ratings", ["person_id", "competency_id", "rater", "rated_at", "id"]
    )
    op.create_index(
        "ix_checkin_prompts_person_closes",
        "checkin_prompts",
        ["person_id", "closes_at", "status"],
    )


def downgrade() -> None:
    op.drop_index("ix_checkin_prompts_person_closes", table_name="checkin_prompts")
    op.drop_index("ix_ratings_track", table_name="ratings")
