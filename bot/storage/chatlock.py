"""One chat's updates one at a time across replicas: a PostgreSQL advisory lock per chat.

Within one process, `bot.channels.telegram.updates.PerChatUpdateProcessor` already handles a
chat's updates one at a time, in the order they arrived. Behind a load balancer two replicas
may each receive an update of the same chat; `ChatLocks.holding` makes the second wait until
the first is handled (and its replies sent, see the processor). Updates of different chats
never wait for each other.

How, on PostgreSQL: a connection of a small pool of its own opens a transaction, sets
`lock_timeout` and `idle_in_transaction_session_timeout`, and takes
``pg_advisory_xact_lock(key)``, where `key` is 64 bits of an (unkeyed) hash of the chat's
pseudonym (`lock_key`: the raw chat id never reaches the database, and the lock table shows
only a number). PostgreSQL grants waiters in the order they asked, so a chat's updates are
handled in the order the replicas asked for the lock: the order they arrived in, unless two
arrived at two replicas closer together than taking the lock costs (about a millisecond on a
warm pool), which are then handled one at a time in either order. Nothing here reorders
updates by `update_id` after the fact: a replica cannot know of an earlier update another
replica has not yet received. The lock is released by ending the
transaction, when the handling is over. A holder that dies (SIGKILL, a lost network) loses
its connection, and with it the lock, at once; one that hangs is cut off by the server after
`hold_for` idle in the transaction, and the lock is free again: a crashed holder's lock
expires. A waiter that waited `2 × hold_for` handles its update anyway (logged): answering a
child late and perhaps out of order is better than not answering.

A held lock keeps one connection of that pool, so a replica holds at most `slots` chats' locks
at once; a further chat waits on the event loop for a slot (never blocking a thread), and the
processor holds a lock through its replies' delivery for at most a bound (bot.channels.
telegram.updates.SETTLE_FOR), so a disclosure waits for a slot milliseconds, not behind a
backlog of replies. Waiting for a lock happens in worker threads of its own, never on the
event loop. On SQLite (one process, the embedded default) there is nothing to share:
`holding` returns at once and the in-process order is the whole story.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from bot.storage.database import Database

logger = logging.getLogger(__name__)

HOLD_FOR = timedelta(seconds=30)  # handling takes milliseconds; a holder this idle is dead
SLOTS = 16  # chats this replica holds at once: one PostgreSQL connection each


def lock_key(pseudonym: str) -> int:
    """The advisory lock's key for a chat: a signed 64-bit hash of its pseudonym."""
    digest = hashlib.blake2b(pseudonym.encode(), digest_size=8, person=b"voz-chat").digest()
    return int.from_bytes(digest, "big", signed=True)


class ChatLocks:
    """Per-chat mutual exclusion across the processes sharing `database` (module docstring)."""

    def __init__(
        self, database: Database, hold_for: timedelta = HOLD_FOR, slots: int = SLOTS
    ) -> None:
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.shared = database.engine.dialect.name == "postgresql"
        self.hold_for = hold_for
        self.slots = slots
        self.timeouts = 0  # waits that gave up and handled anyway (for logs and tests)
        self._free: asyncio.Semaphore | None = None
        if self.shared:
            # Connections of their own: a held lock keeps its connection for the handling,
            # which must not take the connections the handling itself needs.
            self._engine = create_engine(
                database.engine.url,
                future=True,
                pool_size=slots,
                max_overflow=0,
                pool_pre_ping=True,
                hide_parameters=True,
            )
            self._threads = ThreadPoolExecutor(slots, thread_name_prefix="chat-lock")

    @asynccontextmanager
    async def holding(self, pseudonym: str) -> AsyncIterator[None]:
        """Hold the chat's lock for the block (at once on SQLite)."""
        if not self.shared:
            yield
            return
        if self._free is None:
            self._free = asyncio.Semaphore(self.slots)  # in the loop that uses it
        loop = asyncio.get_running_loop()
        async with self._free:
            try:
                connection = await loop.run_in_executor(
                    self._threads, self._acquire, lock_key(pseudonym)
                )
            except RuntimeError:
                # `dispose` shut the threads down: the bot is stopping. The update is
                # still handled, like one whose lock could not be taken.
                connection = None
            try:
                yield
            finally:
                if connection is not None:
                    try:
                        await loop.run_in_executor(self._threads, self._release, connection)
                    except RuntimeError:
                        # Disposed while this update settled (the bot stopping): release
                        # here; it is one COMMIT, and a lock must never outlive its update.
                        self._release(connection)

    def _acquire(self, key: int) -> Connection | None:
        """A connection in a transaction holding the lock; None if the wait timed out or
        the database failed: the update is handled anyway, since a database fault must not
        silence a child (as with update claims, bot.channels.telegram.handlers)."""
        try:
            connection = self._engine.connect()
        except SQLAlchemyError as error:
            self.timeouts += 1
            logger.warning(
                "could not take a chat's lock (%s); handling the update anyway",
                type(error).__name__,
            )
            return None
        try:
            connection.begin()
            hold_ms = max(int(self.hold_for.total_seconds() * 1000), 1)
            # SET takes no bind parameters; both values are integers made here.
            connection.execute(text(f"SET LOCAL lock_timeout = {2 * hold_ms}"))
            connection.execute(text(f"SET LOCAL idle_in_transaction_session_timeout = {hold_ms}"))
            connection.execute(select(func.pg_advisory_xact_lock(key)))
        except SQLAlchemyError as error:
            connection.close()
            self.timeouts += 1
            cause = getattr(error, "orig", None) or error
            logger.warning(
                "waited too long for a chat's lock, or the database failed (%s); handling the "
                "update anyway",
                type(cause).__name__,
            )
            return None
        except BaseException:
            connection.close()
            raise
        return connection

    def _release(self, connection: Connection) -> None:
        try:
            connection.commit()
        except SQLAlchemyError as error:
            # The server ended the session: the holder was idle longer than hold_for, and
            # another replica may already have taken the chat.
            logger.warning(
                "a chat's lock was held past %s and expired (%s)",
                self.hold_for,
                type(getattr(error, "orig", None) or error).__name__,
            )
        finally:
            connection.close()

    def dispose(self) -> None:
        if self.shared:
            self._threads.shutdown(wait=False)
            self._engine.dispose()
