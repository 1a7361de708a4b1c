"""results request rejections: how many times Telegram refused a request's message with a
400 other than a block, so a request that can never be sent is dropped after a few passes
instead of retried for ever (bot.campaigns.feedback.MAX_REJECTIONS)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("results_requests") as batch:
        batch.add_column(
            sa.Column("rejections", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("results_requests") as batch:
        batch.drop_column("rejections")
