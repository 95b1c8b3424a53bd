"""checkin_prompts.message_ref and reminder_ref: where a prompt's messages are, as
references opaque to the core (the front end's messenger wrote them and only it reads
them), in place of Slack's channel_id, message_ts and reminder_ts.

Slack's reference is ``channel:ts`` (``handlers.slack.effects.message_ref``): the
upgrade writes each stored message that way; the downgrade splits them back (a
reference of another form has no Slack columns to go to and is left out).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PROMPTS = sa.table(
    "checkin_prompts",
    sa.column("channel_id", sa.String),
    sa.column("message_ts", sa.String),
    sa.column("reminder_ts", sa.String),
    sa.column("message_ref", sa.Text),
    sa.column("reminder_ref", sa.Text),
)


def _joined(ts: sa.ColumnElement[str]) -> sa.Case[str]:
    return sa.case(
        (
            sa.and_(PROMPTS.c.channel_id.is_not(None), ts.is_not(None)),
            PROMPTS.c.channel_id + sa.literal(":") + ts,
        ),
        else_=None,
    )


def upgrade() -> None:
    with op.batch_alter_table("checkin_prompts") as batch:
        batch.add_column(sa.Column("message_ref", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reminder_ref", sa.Text(), nullable=True))
    op.execute(
        PROMPTS.update().values(
            message_ref=_joined(PROMPTS.c.message_ts),
            reminder_ref=_joined(PROMPTS.c.reminder_ts),
        )
    )
    with op.batch_alter_table("checkin_prompts") as batch:
        batch.drop_column("reminder_ts")
        batch.drop_column("message_ts")
        batch.drop_column("channel_id")


def _split(ref: sa.ColumnElement[str], part: int) -> sa.ColumnElement[str]:
    """Part 1 (the channel) or 2 (the ts) of ``channel:ts``, on either database."""
    if op.get_bind().dialect.name == "sqlite":
        colon = sa.func.instr(ref, ":")
        return sa.func.substr(ref, 1, colon - 1) if part == 1 else sa.func.substr(ref, colon + 1)
    return sa.func.split_part(ref, ":", part)


def _slack(ref: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    return ref.like("%_:_%")


def downgrade() -> None:
    with op.batch_alter_table("checkin_prompts") as batch:
        batch.add_column(sa.Column("channel_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("message_ts", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("reminder_ts", sa.String(length=32), nullable=True))
    message, reminder = PROMPTS.c.message_ref, PROMPTS.c.reminder_ref
    op.execute(
        PROMPTS.update()
        .where(_slack(message))
        .values(channel_id=_split(message, 1), message_ts=_split(message, 2))
    )
    # The reminder is in the prompt's DM; its channel stands in when the prompt's is unknown.
    op.execute(
        PROMPTS.update()
        .where(_slack(reminder))
        .values(
            channel_id=sa.func.coalesce(PROMPTS.c.channel_id, _split(reminder, 1)),
            reminder_ts=_split(reminder, 2),
        )
    )
    with op.batch_alter_table("checkin_prompts") as batch:
        batch.drop_column("reminder_ref")
        batch.drop_column("message_ref")
