"""results requests: children who asked to hear a campaign's results, kept until the
message is sent (bot.campaigns.feedback)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "results_requests",
        sa.Column("campaign", sa.String(64), primary_key=True),
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("band", sa.String(8), nullable=False),
        sa.Column("after_release", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("results_requests")
