"""conversation state: a survey's progress and a lesson quiz's place, one row per pseudonym
and flow with an expiry and a compare-and-set version, so any replica can take the next
button press (bot.storage.conversation)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_state",
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("flow", sa.String(16), primary_key=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_conversation_state_expires_at", "conversation_state", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_conversation_state_expires_at", table_name="conversation_state")
    op.drop_table("conversation_state")
