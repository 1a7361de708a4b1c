"""addresses: the chats a child may be reached in are opaque channel addresses
("telegram:<chat id>") instead of Telegram chat ids, so another channel needs no new column

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

PREFIX = "telegram:"
# (table, old integer column, new address column, nullable)
COLUMNS = (
    ("escalations", "contact_chat_id", "contact_address", True),
    ("subscriptions", "chat_id", "address", False),
)


def upgrade() -> None:
    for table, old, new, nullable in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(new, sa.String(64)))
        op.execute(
            f"UPDATE {table} SET {new} = '{PREFIX}' || CAST({old} AS VARCHAR(32)) "
            f"WHERE {old} IS NOT NULL"
        )
        with op.batch_alter_table(table) as batch:
            if not nullable:
                batch.alter_column(new, existing_type=sa.String(64), nullable=False)
            batch.drop_column(old)


def downgrade() -> None:
    # Only Telegram addresses have a chat id: a subscription on another channel cannot be
    # kept, and a case's contact on another channel is ended (as /borrar would end it).
    op.execute(f"DELETE FROM subscriptions WHERE address NOT LIKE '{PREFIX}%'")
    for table, old, new, nullable in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(old, sa.BigInteger()))
        op.execute(
            f"UPDATE {table} SET {old} = CAST(SUBSTR({new}, {len(PREFIX) + 1}) AS BIGINT) "
            f"WHERE {new} LIKE '{PREFIX}%'"
        )
        with op.batch_alter_table(table) as batch:
            if not nullable:
                batch.alter_column(old, existing_type=sa.BigInteger(), nullable=False)
            batch.drop_column(new)
