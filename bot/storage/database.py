"""The database handle: engine, sessions, migrations."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from sqlalchemy import bindparam, create_engine, delete, event, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql.dml import Insert

from bot.i18n import _s
from bot.storage.models import ProcessedUpdate

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"
UPDATE_RETENTION = timedelta(hours=48)
# How often, at most, mark_processed also deletes update ids older than UPDATE_RETENTION: the
# DELETE scans the whole table, so once a minute rather than once per update.
PRUNE_INTERVAL = timedelta(minutes=1)
# A claim not marked done after this long belongs to a handler that died (another process);
# handling takes milliseconds, so two minutes only ever delays a redelivery after a crash.
CLAIM_TIMEOUT = timedelta(minutes=2)

# The statements of the per-update hot path, built once. Core on a Connection, not the ORM:
# a Session and its identity map cost more CPU than the query itself.
_IS_PROCESSED = select(ProcessedUpdate.update_id).where(
    ProcessedUpdate.update_id == bindparam("update_id")
)
_IS_DONE = select(ProcessedUpdate.update_id).where(
    ProcessedUpdate.update_id == bindparam("update_id"), ProcessedUpdate.done.is_(True)
)
_FINISH_CLAIM = (
    update(ProcessedUpdate)
    .where(ProcessedUpdate.update_id == bindparam("id"), ProcessedUpdate.done.is_(False))
    .values(done=True)
)
# A claim left behind by a handler that died: taken over by one claimant only, since the
# UPDATE's WHERE is re-checked under the row lock (PostgreSQL) or the write lock (SQLite).
_TAKE_OVER_CLAIM = (
    update(ProcessedUpdate)
    .where(
        ProcessedUpdate.update_id == bindparam("id"),
        ProcessedUpdate.done.is_(False),
        ProcessedUpdate.processed_at < bindparam("stale_before"),
    )
    .values(processed_at=bindparam("now"))
)
_PRUNE_PROCESSED = delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < bindparam("before"))


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached; the message names the URL's host, never a password."""


class ReadOnlyError(ValueError):
    """A statement other than a plain SELECT inside `Database.read()`."""


# Set in a pooled connection's `info` while `Database.read()` holds it.
_READING = "voz_reading"


def _refuse_all_but_selects(
    connection: Connection,
    _cursor: object,
    _statement: str,
    _parameters: object,
    context: Any,
    _executemany: bool,
) -> None:
    # A read on PostgreSQL runs outside any transaction (Database.read): a write there would
    # be committed at once, and a lock (FOR UPDATE) released at once. Both were rolled back
    # or held to the block's end before, so neither is let through, on either database.
    # Checked as the statement is about to be sent, so that text and exec_driver_sql (which
    # has no compiled construct to look at) are refused too.
    if not connection.info.get(_READING):
        return
    statement = getattr(context.compiled, "statement", None)
    if getattr(statement, "is_select", False):
        if getattr(statement, "_for_update_arg", None) is None:
            return
    raise ReadOnlyError(
        _s(
            "Database.read() solo ejecuta SELECT simples; escriba, bloquee o ejecute texto "
            "en session() o engine.begin()"
        )
    )


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # WAL lets readers and the single writer overlap; a committed row survives kill -9.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# A pooled PostgreSQL connection used this recently is taken as alive; one idle longer is
# pinged (SELECT 1) when checked out, and replaced if the server is gone. SQLAlchemy's
# pool_pre_ping pings at every checkout: a round trip on the event loop before each of a
# message's sessions, 12% of a replica's main thread under load (py-spy). A server restarted
# within this window fails one statement per pooled connection, which the caller handles
# as any database fault (the update is still answered; see bot.channels.telegram.handlers).
PING_AFTER_IDLE = 10.0  # seconds


def _checked_in(_dbapi_connection: object, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: object) -> None:
    last = record.info.get("checked_in_at")
    if last is not None and time.monotonic() - last < PING_AFTER_IDLE:
        return
    cursor = dbapi_connection.cursor()
    try:
        # Outside a transaction, so that the connection goes out idle: the ping costs the
        # one round trip, and Database.read can run its SELECTs outside one too.
        dbapi_connection.autocommit = True
        cursor.execute("SELECT 1")
        dbapi_connection.autocommit = False
    except Exception as error:  # noqa: BLE001 - any failure: the pool connects afresh
        raise DisconnectionError(type(error).__name__) from None
    finally:
        try:
            cursor.close()
        except Exception:  # noqa: BLE001, S110 - a dead connection's cursor may not close
            pass


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            # A pool of open connections: SQLAlchemy 1.4 opens a new SQLite connection for
            # every session by default (NullPool), which, with the pragmas above, cost about
            # 1 ms of each message's 7.
            self.engine: Engine = create_engine(
                url,
                future=True,
                poolclass=QueuePool,
                connect_args={"check_same_thread": False},
                hide_parameters=True,  # a failed statement's error must not quote a disclosure
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, future=True, hide_parameters=True)
            event.listen(self.engine, "checkin", _checked_in)
            event.listen(self.engine, "checkout", _ping_if_idle)
        event.listen(self.engine, "before_cursor_execute", _refuse_all_but_selects)
        # psycopg2 sends BEGIN before a transaction's first statement and COMMIT or ROLLBACK
        # at its end: three round trips for a one-statement read or claim, which its
        # autocommit mode makes one (`read`, `_each_alone`). pysqlite begins no transaction
        # for a SELECT, and its transactions cost no round trip: nothing to save there.
        self._autocommits = self.engine.dialect.name == "postgresql"
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self._pruned_at: datetime | None = None  # when mark_processed last pruned, by its clock
        # Claims older than this handle were made before this process started: if not done,
        # their handler died with the process, and a redelivery may take them over at once.
        self._started = datetime.utcnow()
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        self._insert_if_absent: Callable[[], Insert] = lambda: dialect.insert(
            ProcessedUpdate
        ).on_conflict_do_nothing(index_elements=["update_id"])

    @property
    def where(self) -> str:
        """The URL without credentials, safe to show in an error."""
        where: str = self.engine.url.render_as_string(hide_password=True)
        return where

    def migrate(self) -> None:
        """Upgrade the schema to the latest Alembic revision."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except OperationalError as error:
            raise DatabaseUnavailable(
                _s(
                    "no se puede conectar con la base de datos en {where}: {error}. Revise "
                    "DATABASE_URL y que el servidor esté funcionando."
                ).format(where=self.where, error=str(error.orig).strip())
            ) from None

    def ping(self) -> bool:
        """True if the database answers a trivial query (readiness); raises if it cannot."""
        with self.engine.connect() as connection:
            answer: object = connection.exec_driver_sql("SELECT 1").scalar()
            return answer == 1

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for a few Core SELECTs, cheaper than a Session. Anything but a plain
        SELECT is refused before it is sent (ReadOnlyError): nothing is ever written here.

        On PostgreSQL the SELECTs run outside any transaction (psycopg2's autocommit for
        the block): one round trip each instead of BEGIN, SELECT and ROLLBACK, which were
        half of a message's round trips (bench telegram_e2e, 2026-12-06). Under READ
        COMMITTED each statement took its own snapshot anyway, so a read of several
        statements sees what it saw inside a transaction. The attribute is set on the
        driver's connection directly: SQLAlchemy's isolation_level="AUTOCOMMIT" option
        sets the level explicitly, and psycopg2 then sends `SET default_transaction_isolation`
        each time the pooled connection leaves autocommit, a round trip of its own."""
        with self.engine.connect() as connection:
            # Kept: once the server drops the connection, `connection.info` itself raises.
            info = connection.info
            info[_READING] = True
            try:
                with self._autocommit(connection):
                    yield connection
            finally:
                info.pop(_READING, None)

    @contextmanager
    def _each_alone(self) -> Iterator[Connection]:
        """A connection whose statements each commit as they run, for writes that are each
        atomic alone and need no transaction around them (an update's claim and its mark):
        on PostgreSQL one round trip a statement instead of BEGIN, statement and COMMIT; on
        SQLite one transaction for the block, as before."""
        if not self._autocommits:
            with self.engine.begin() as connection:
                yield connection
            return
        with self.engine.connect() as connection, self._autocommit(connection):
            yield connection
            # Nothing to send in autocommit; were the connection not idle when taken (it
            # always is), its writes must not be rolled back with it.
            connection.commit()

    @contextmanager
    def _autocommit(self, connection: Connection) -> Iterator[None]:
        """psycopg2's autocommit for the block, on PostgreSQL (nothing elsewhere)."""
        driver: Any = None
        if self._autocommits:
            candidate = connection.connection.dbapi_connection
            # Always idle when checked out (the ping ends its own); were it not, the block
            # would run in that transaction, as before.
            if candidate.info.transaction_status == TRANSACTION_STATUS_IDLE:
                candidate.autocommit = True
                driver = candidate
        try:
            yield
        finally:
            if driver is not None:
                try:
                    driver.autocommit = False
                except Exception:  # noqa: BLE001 - closed or broken: never pool it as is
                    connection.invalidate()

    def table_names(self) -> list[str]:
        names: list[str] = inspect(self.engine).get_table_names()
        return names

    # -- processed updates -------------------------------------------------------------

    def already_processed(self, update_id: int) -> bool:
        with self.read() as connection:
            found = connection.execute(_IS_PROCESSED, {"update_id": update_id}).first()
        return found is not None

    def claim(self, update_id: int, now: datetime | None = None, holder_gone: bool = False) -> bool:
        """Atomically take an update for handling: True for exactly one of any number of
        concurrent claimants (INSERT ... ON CONFLICT DO NOTHING), False if it is handled or
        being handled. A claim never marked done (its handler died with its process) is
        taken over by the first redelivery after this process started or CLAIM_TIMEOUT, or
        at once when the caller knows its handler is gone (`holder_gone`: it holds the
        update's chat lock across replicas, which the handler held while it lived;
        bot.storage.chatlock)."""
        now = now or datetime.utcnow()
        # Each statement alone: the insert either takes the update or changes nothing, and
        # the take-over's WHERE is checked under the row's lock, so a transaction around the
        # two would add nothing but two round trips (on every update).
        with self._each_alone() as connection:
            inserted = connection.execute(
                self._insert_if_absent(),
                {"update_id": update_id, "processed_at": now, "done": False},
            )
            if inserted.rowcount == 1:
                return True
            stale_before = now if holder_gone else max(self._started, now - CLAIM_TIMEOUT)
            taken = connection.execute(
                _TAKE_OVER_CLAIM, {"id": update_id, "stale_before": stale_before, "now": now}
            )
            taken_over: int = taken.rowcount
            return taken_over == 1

    def handled(self, update_id: int) -> bool:
        """True if the update was handled to the end (its claim marked done)."""
        with self.engine.connect() as connection:
            found = connection.execute(_IS_DONE, {"update_id": update_id}).first()
            return found is not None

    def mark_processed(self, update_id: int, now: datetime | None = None) -> None:
        """Record a handled update (claimed or not); ids older than UPDATE_RETENTION are
        pruned in the same transaction, at most once per PRUNE_INTERVAL (of `now`) per
        Database. Marking an update already done changes nothing."""
        now = now or datetime.utcnow()
        prune = (
            self._pruned_at is None
            or now - self._pruned_at >= PRUNE_INTERVAL
            or now < self._pruned_at  # the clock went back: prune rather than wait
        )
        # Each statement alone, as in `claim`: marking done is one atomic statement, and a
        # prune that failed must not undo it.
        with self._each_alone() as connection:
            marked = connection.execute(_FINISH_CLAIM, {"id": update_id}).rowcount == 1
            if not marked:
                inserted = connection.execute(
                    self._insert_if_absent(),
                    {"update_id": update_id, "processed_at": now, "done": True},
                )
                marked = inserted.rowcount == 1
            if not marked:
                return  # already done: a duplicate mark neither writes nor prunes
            if prune:
                connection.execute(_PRUNE_PROCESSED, {"before": now - UPDATE_RETENTION})
        if prune:
            self._pruned_at = now

    def processed_ids(self) -> list[int]:
        with self.session() as session:
            return list(session.scalars(select(ProcessedUpdate.update_id)))

    def dispose(self) -> None:
        self.engine.dispose()
