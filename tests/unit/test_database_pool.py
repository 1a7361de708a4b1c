"""The PostgreSQL pool pings a connection only after it sat idle (bot.storage.database
PING_AFTER_IDLE), not at every checkout: a server that dropped an idle connection costs
nothing, and one that dropped a connection in use moments ago costs one failed statement.
Needs TEST_POSTGRES_URL (skipped without it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.storage import Database, database
from tests.conftest import drop_connections, postgres_database


@pytest.fixture
def pg() -> Iterator[Database]:
    with postgres_database() as db:
        yield db


def one(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text("SELECT 1")).scalar_one())


def test_a_connection_dropped_while_idle_is_replaced_unseen(pg, monkeypatch):
    one(pg)
    drop_connections(pg)
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)  # idle long enough to be pinged
    assert one(pg) == 1


def test_a_connection_dropped_moments_after_use_fails_one_statement_then_recovers(pg):
    one(pg)
    drop_connections(pg)  # within PING_AFTER_IDLE of its last use: not pinged
    with pytest.raises(OperationalError):
        one(pg)
    assert one(pg) == 1  # the pool threw the dead connection away
