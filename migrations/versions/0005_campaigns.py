"""campaigns: aggregate answer counters, participation markers, open/closed status

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_counters",
        sa.Column("campaign", sa.String(64), primary_key=True),
        sa.Column("question", sa.String(64), primary_key=True),
        sa.Column("option", sa.String(64), primary_key=True),
        sa.Column("band", sa.String(8), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "participations",
        sa.Column("campaign", sa.String(64), primary_key=True),
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("completed_on", sa.Date(), nullable=False),
    )
    op.create_table(
        "campaign_status",
        sa.Column("campaign", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("campaign_status")
    op.drop_table("participations")
    op.drop_table("answer_counters")
