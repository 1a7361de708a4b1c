"""chosen bands: the band a child chose at /start, kept as conversation state with an
expiry, so lessons, quizzes and FAQ answers use the child's words with or without a receipt

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chosen_bands",
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("band", sa.String(8), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_chosen_bands_expires_at", "chosen_bands", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_chosen_bands_expires_at", table_name="chosen_bands")
    op.drop_table("chosen_bands")
