"""releases: record keys summed into the answer counters (cell-key perturbation), and the
numbered releases that results are published from

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Counters written before record keys existed get key 0: their cell keys are still
    # fixed for the same people, which is what consistency needs.
    with op.batch_alter_table("answer_counters") as batch:
        batch.add_column(sa.Column("key", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "releases",
        sa.Column("campaign", sa.String(64), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("completions", sa.Integer(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "release_counters",
        sa.Column("campaign", sa.String(64), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("question", sa.String(64), primary_key=True),
        sa.Column("option", sa.String(64), primary_key=True),
        sa.Column("band", sa.String(8), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("key", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("release_counters")
    op.drop_table("releases")
    with op.batch_alter_table("answer_counters") as batch:
        batch.drop_column("key")
