"""people.conversation_ref: the person's direct conversation with Palier, as the platform
needs it to write first (opaque to the core).

Teams can only write to someone through a conversation it learnt of (the app installed
for them: its service address and conversation id); Slack can open its DM at any time
but keeping the channel saves a call per message.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("conversation_ref", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("conversation_ref")
