"""results request claims: the sender that took a request to send it, so two senders (two
replicas' results tasks, or one and `python -m bot feedback`) never send it twice
(bot.campaigns.feedback.ResultsRequests.claim)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("results_requests") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("results_requests") as batch:
        batch.drop_column("claimed_at")
