"""Database.read() on PostgreSQL runs its SELECTs outside any transaction: psycopg2 sends
no BEGIN and no ROLLBACK, one round trip a SELECT instead of three (bot.storage.database).
The pooled connection goes back to transactions when the block ends, and anything but a
plain SELECT is refused inside a read on both databases, since outside a transaction a
write would be committed at once. The PostgreSQL tests need TEST_POSTGRES_URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.exc import OperationalError

from bot.storage import Database, ProcessedUpdate
from bot.storage import database as storage
from bot.storage.database import ReadOnlyError
from consent.chosen import KEPT_FOR, ChosenBands
from tests.conftest import drop_connections, postgres_database

CHILD = "c" * 32
# True when the statement began the transaction it runs in: outside one (autocommit) the
# server begins one for the statement alone; after a BEGIN, the BEGIN came first.
OWN_TRANSACTION = select(func.transaction_timestamp() == func.statement_timestamp())


@pytest.fixture
def pg() -> Iterator[Database]:
    with postgres_database() as db:
        yield db


class Sent:
    """What psycopg2 sends besides the statements: a BEGIN before a statement on an idle
    connection not in autocommit, a COMMIT or ROLLBACK only when a transaction is open."""

    def __init__(self) -> None:
        self.statements = 0
        self.begins = 0
        self.ends = 0


@contextmanager
def counting(db: Database) -> Iterator[Sent]:
    sent = Sent()

    def before(connection, _cursor, _statement, _parameters, _context, _many) -> None:
        driver = connection.connection.dbapi_connection
        sent.statements += 1
        if not driver.autocommit and driver.info.transaction_status == TRANSACTION_STATUS_IDLE:
            sent.begins += 1

    def ending(connection) -> None:
        driver = connection.connection.dbapi_connection
        if not driver.autocommit and driver.info.transaction_status != TRANSACTION_STATUS_IDLE:
            sent.ends += 1

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "commit", ending)
    event.listen(db.engine, "rollback", ending)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "commit", ending)
        event.remove(db.engine, "rollback", ending)


def test_a_read_on_postgresql_sends_its_selects_alone_without_begin_or_rollback(pg):
    pg.already_processed(1)  # the pool's first connection, and the dialect's first queries
    with counting(pg) as sent:
        with pg.read() as connection:
            alone = [connection.execute(OWN_TRANSACTION).scalar() for _ in range(2)]
    assert alone == [True, True]  # the server saw no BEGIN before either
    assert (sent.statements, sent.begins, sent.ends) == (2, 0, 0)


def test_after_a_read_the_pooled_connection_runs_sessions_in_a_transaction_again(pg):
    with pg.read() as connection:
        connection.execute(select(ProcessedUpdate.update_id)).all()
    with counting(pg) as sent, pg.session() as session:
        assert session.execute(OWN_TRANSACTION).scalar() is False  # BEGIN came first
    assert (sent.begins, sent.ends) == (1, 1)
    # ... and a failed unit of work still rolls back rather than having committed.
    with pytest.raises(RuntimeError), pg.session() as session:
        session.add(ProcessedUpdate(update_id=7, processed_at=datetime.utcnow(), done=True))
        session.flush()
        raise RuntimeError("the handler failed")
    assert not pg.already_processed(7)


def test_a_read_that_failed_still_hands_back_a_connection_in_transactions(pg):
    with pytest.raises(ZeroDivisionError), pg.read() as connection:
        connection.execute(select(ProcessedUpdate.update_id)).all()
        _ = 1 / 0
    with pg.session() as session:
        assert session.execute(OWN_TRANSACTION).scalar() is False


def test_a_read_after_the_idle_ping_is_still_outside_a_transaction(pg, monkeypatch):
    pg.already_processed(1)
    monkeypatch.setattr(storage, "PING_AFTER_IDLE", 0.0)  # every checkout pings
    with counting(pg) as sent, pg.read() as connection:
        assert connection.execute(OWN_TRANSACTION).scalar() is True
    assert sent.begins == 0
    with pg.session() as session:  # and the ping left sessions their transaction
        assert session.execute(OWN_TRANSACTION).scalar() is False


def test_reading_a_childs_fresh_band_on_postgresql_takes_no_transaction(pg):
    now = datetime(2026, 12, 6, 4, 30)
    bands = ChosenBands(pg, clock=lambda: now)
    bands.remember(CHILD, "9-12")
    with counting(pg) as sent:
        assert bands.band(CHILD) == "9-12"
    assert (sent.statements, sent.begins, sent.ends) == (1, 0, 0)
    # Its expiry slides once it is due, in a transaction of its own; an expired one goes.
    later = now + timedelta(minutes=30)
    bands.clock = lambda: later
    assert bands.band(CHILD) == "9-12"
    last = later + KEPT_FOR - timedelta(minutes=1)  # kept only because it slid at `later`
    bands.clock = lambda: last
    assert bands.band(CHILD) == "9-12"
    bands.clock = lambda: last + KEPT_FOR
    assert bands.band(CHILD) is None


@pytest.mark.parametrize(
    "statement",
    [
        insert(ProcessedUpdate).values(update_id=5, processed_at=datetime(2026, 12, 6), done=True),
        text(
            "INSERT INTO processed_updates (update_id, processed_at, done) "
            "VALUES (5, '2026-12-06 00:00:00', true)"
        ),
        select(ProcessedUpdate.update_id).with_for_update(),
    ],
    ids=["insert", "text", "for-update"],
)
def test_anything_but_a_plain_select_inside_a_read_is_refused_and_nothing_is_written(
    database, statement
):
    with pytest.raises(ReadOnlyError), database.read() as connection:
        connection.execute(statement)
    assert not database.already_processed(5)
    # The connection is not left marked: the same pool's sessions write as before.
    database.mark_processed(5)
    assert database.already_processed(5)


def test_driver_sql_inside_a_read_is_refused_too(database):
    database.mark_processed(5)
    with pytest.raises(ReadOnlyError), database.read() as connection:
        connection.exec_driver_sql("DELETE FROM processed_updates")
    assert database.already_processed(5)


def test_a_read_on_a_connection_the_server_dropped_fails_as_before_and_the_pool_recovers(pg):
    # The driver's autocommit is put back after the block; on a dead connection that fails,
    # and the connection is thrown away rather than pooled, behind the usual database error.
    pg.already_processed(1)
    drop_connections(pg)
    with pytest.raises(OperationalError):
        pg.already_processed(1)
    assert not pg.already_processed(1)
    with pg.session() as session:  # and sessions still run in a transaction
        assert session.execute(OWN_TRANSACTION).scalar() is False


def test_a_claim_on_a_connection_the_server_dropped_fails_as_before_and_the_pool_recovers(pg):
    pg.claim(1)
    drop_connections(pg)
    with pytest.raises(OperationalError):
        pg.claim(2)
    assert pg.claim(2) is True  # nothing was taken by the failed attempt
    pg.mark_processed(2)
    assert pg.handled(2)


def test_a_claim_and_its_mark_on_postgresql_send_each_statement_alone(pg):
    """An update's claim and its mark are each one atomic statement on the common path: on
    PostgreSQL they go without BEGIN and COMMIT, one round trip each (three before)."""
    pg.already_processed(1)  # the pool's first connection, and the dialect's first queries
    pg.mark_processed(1)  # the first mark prunes; later ones within the hour do not
    with counting(pg) as sent:
        assert pg.claim(2) is True
        pg.mark_processed(2)
    assert (sent.statements, sent.begins, sent.ends) == (2, 0, 0)
    assert pg.handled(2) and pg.claim(2) is False  # committed: done, and never claimed again
    with pg.read() as connection:
        assert connection.execute(OWN_TRANSACTION).scalar() is True  # the pool is back to normal
    with pg.session() as session:
        assert session.execute(OWN_TRANSACTION).scalar() is False  # sessions still begin one


def test_a_claim_is_kept_even_when_its_connection_could_not_leave_transactions(pg, monkeypatch):
    """A pooled connection is always idle when taken; were one not, the claim would run in
    its transaction, and that must be committed, not rolled back with the connection."""
    pg.already_processed(1)
    monkeypatch.setattr(storage, "TRANSACTION_STATUS_IDLE", -1)  # no connection looks idle
    assert pg.claim(7) is True
    monkeypatch.undo()
    assert pg.claim(7) is False  # the first claim was committed
