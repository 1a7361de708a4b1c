"""consent: assent sessions, receipts, workshop code attempts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_sessions",
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("campaign", sa.String(64), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("band", sa.String(8)),
        sa.Column("wrong_answers", sa.Integer(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
    )
    op.create_table(
        "consent_receipts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user", sa.String(64), nullable=False, index=True),
        sa.Column("campaign", sa.String(64), nullable=False),
        sa.Column("text_version", sa.String(16), nullable=False),
        sa.Column("band", sa.String(8), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.UniqueConstraint("user", "campaign", "text_version"),
    )
    op.create_table(
        "consent_code_attempts",
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("campaign", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("consent_code_attempts")
    op.drop_table("consent_receipts")
    op.drop_table("consent_sessions")
