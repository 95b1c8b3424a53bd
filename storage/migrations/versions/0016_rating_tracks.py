"""Rating tracks kept on write: what each rating replaced, and each track's latest rating.

The team view needs, for each competency of each report, its latest rating, the one before
it and the level it had a few weeks ago: looked up in the history, that was several index
scans per track (3,750 for 300 reports). ``ratings.replaced_level_id`` / ``replaced_at``
(the rating just before each one on its track, by time then id, whatever its level) and
``rating_tracks`` (each track's latest rating, with what it replaced) are kept by
``storage.rating_tracks`` whenever ratings are written or erased; here they are worked
out once for the ratings already stored. ``ix_ratings_person_rater_time``: a team's
ratings since an instant, one range per person.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

RATER = sa.Enum(
    "self", "manager", name="rater", native_enum=False, create_constraint=True, length=16
)


def upgrade() -> None:
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(sa.Column("replaced_level_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_ratings_person_rater_time", ["person_id", "rater", "rated_at"])
    op.create_table(
        "rating_tracks",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("referentiel_id", sa.String(length=64), nullable=False),
        sa.Column("competency_id", sa.String(length=64), nullable=False),
        sa.Column("rater", RATER, nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("level_id", sa.String(length=64), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_level_id", sa.String(length=64), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_rating_tracks_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "person_id", "referentiel_id", "competency_id", "rater", name=op.f("pk_rating_tracks")
        ),
    )
    track = "person_id, referentiel_id, competency_id, rater"
    # What each rating replaced: the one before it on its track (the same statement as
    # storage.rating_tracks.sync_tracks, for everybody).
    op.execute(
        f"""
        UPDATE ratings SET replaced_level_id = before.level_id, replaced_at = before.rated_at
        FROM (
            SELECT id,
                   lag(level_id) OVER (PARTITION BY {track} ORDER BY rated_at, id) AS level_id,
                   lag(rated_at) OVER (PARTITION BY {track} ORDER BY rated_at, id) AS rated_at
            FROM ratings
        ) AS before
        WHERE ratings.id = before.id AND before.level_id IS NOT NULL
        """
    )
    op.execute(
        f"""
        INSERT INTO rating_tracks ({track}, rating_id, level_id, rated_at,
                                   replaced_level_id, replaced_at)
        SELECT {track}, id, level_id, rated_at, replaced_level_id, replaced_at
        FROM (
            SELECT ratings.*, row_number() OVER (
                PARTITION BY {track} ORDER BY rated_at DESC, id DESC
            ) AS rank
            FROM ratings
        ) AS ranked
        WHERE rank = 1
        """
    )


def downgrade() -> None:
    op.drop_table("rating_tracks")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_index("ix_ratings_person_rater_time")
        batch.drop_column("replaced_at")
        batch.drop_column("replaced_level_id")
