"""one open case per child: `escalations.open_for` holds the pseudonym of the child whose
case this is while it takes their later disclosures, under a unique index, so two
disclosures at the same moment cannot open two cases (SQLite and PostgreSQL both treat
NULLs as distinct, so closed and unlinked cases keep NULL)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("open_for", sa.String(64)))
    # Each child's newest open case takes their later disclosures; older open cases a child
    # already had stay open as they are (nothing is merged after the fact).
    op.execute(
        'UPDATE escalations SET open_for = "user" WHERE status IN (\'open\', \'taken\') '
        "AND \"user\" <> 'unlinked' AND id IN (SELECT MAX(id) FROM escalations "
        "WHERE status IN ('open', 'taken') GROUP BY \"user\")"
    )
    op.create_index("ix_escalations_open_for", "escalations", ["open_for"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_escalations_open_for", table_name="escalations")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("open_for")
