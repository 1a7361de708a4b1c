"""The database handle: engine, sessions, migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, delete, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.storage.models import ProcessedUpdate

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"
UPDATE_RETENTION = timedelta(hours=48)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached; the message names the URL's host, never a password."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers and the single writer overlap; a committed row survives kill -9.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


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
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, future=True, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @property
    def where(self) -> str:
        """The URL without credentials, safe to show in an error."""
        return self.engine.url.render_as_string(hide_password=True)

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
                f"cannot reach the database at {self.where}: {error.orig}. "
                "Check DATABASE_URL and that the server is running."
            ) from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    # -- processed updates -------------------------------------------------------------

    def already_processed(self, update_id: int) -> bool:
        with self.session() as session:
            return session.get(ProcessedUpdate, update_id) is not None

    def mark_processed(self, update_id: int, now: datetime | None = None) -> None:
        now = now or datetime.utcnow()
        try:
            with self.session() as session:
                session.add(ProcessedUpdate(update_id=update_id, processed_at=now))
                session.execute(
                    delete(ProcessedUpdate).where(
                        ProcessedUpdate.processed_at < now - UPDATE_RETENTION
                    )
                )
        except IntegrityError:
            pass  # a concurrent duplicate got there first: the update is marked either way

    def processed_ids(self) -> list[int]:
        with self.session() as session:
            return list(session.scalars(select(ProcessedUpdate.update_id)))

    def dispose(self) -> None:
        self.engine.dispose()
