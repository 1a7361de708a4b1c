"""participation tokens: a keyed one-way token per person and campaign, so nobody is
counted twice in a campaign, even after /borrar (bot.campaigns.tables.ParticipationToken)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing participation markers cannot be turned into tokens (a token needs the raw
    # id, which no table keeps): a child who completed a campaign before this migration is
    # held back by the marker until they use /borrar (campaigns/README.md says so).
    op.create_table(
        "participation_tokens",
        sa.Column("campaign", sa.String(64), primary_key=True),
        sa.Column("token", sa.String(64), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("participation_tokens")
