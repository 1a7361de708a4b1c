"""One chat's updates one at a time across replicas: a PostgreSQL advisory lock per chat.

Within one process, `bot.channels.telegram.updates.PerChatUpdateProcessor` already handles a
chat's updates one at a time, in the order they arrived. Behind a load balancer two replicas
may each receive an update of the same chat; `ChatLocks.holding` makes the second wait until
the first is handled (and its replies sent, see the processor). Updates of different chats
never wait for each other.

How, on PostgreSQL. The key is 64 bits of an (unkeyed) hash of the chat's pseudonym
(`lock_key`: the raw chat id never reaches the database, and the lock table shows only a
number). A session-level ``pg_try_advisory_lock(key)`` on one connection this replica keeps
for the purpose (the holder) takes a free chat's lock in one round trip, and that connection
holds any number of chats' locks at once: a chat whose replies take a second or two to leave
(Telegram's pace per chat) costs a number in PostgreSQL's lock table, not a connection. A
first design held each lock in a transaction on a connection of its own, and a replica with
16 connections, each held up to 2 s while replies left, answered about 12 updates a second.

Only when another replica holds the chat (rare: a chat's updates reaching two replicas at
once) does the update wait, in a worker thread, on a connection of a small pool of waiters
(`waiters`), with a blocking ``pg_advisory_lock(key)``: PostgreSQL grants waiters in the
order they asked, and hands a released lock straight to the first waiter, so a chat's
updates are handled in the order they reached the lock. Nothing here reorders updates by
`update_id` after the fact: a replica cannot know of an earlier update another replica has
not yet received. The lock is then held on that waiter's connection until released.

A crashed holder's lock expires:
- a holder killed (SIGKILL, a lost network) loses its connections, and the server frees
  every lock they held at once;
- a process that hangs: every lock connection sets ``idle_session_timeout = hold_for``, so
  the server closes a connection idle that long, and its locks are free again;
- one update stuck while the replica runs on (its holder connection then stays busy with
  other chats): the next use of the holder connection releases any lock it has held longer
  than `hold_for` (logged).
A waiter that waited `2 × hold_for` handles its update anyway (logged): answering a child late
and perhaps out of order is better than not answering. A database that fails is the same: the
update is handled without the lock, since a database fault must not silence a child.

The lock also tells who is alive. An update's claim (`Database.claim`) is taken and marked
done while its chat's lock is held, so a replica that holds the chat and finds the update's
claim unfinished knows its handler is gone (killed mid-request, or past `hold_for`):
`holds_chat()` is True in the block of a lock really held, and the claim is taken over at
once instead of after CLAIM_TIMEOUT (the child would otherwise wait two minutes for Telegram
to deliver it again).

On SQLite (one process, the embedded default) there is nothing to share: `holding` returns at
once and the in-process order is the whole story.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import timedelta

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from bot.storage.database import Database

logger = logging.getLogger(__name__)

HOLD_FOR = timedelta(seconds=30)  # handling takes milliseconds; a holder this idle is dead
WAITERS = 8  # chats this replica waits for at once (held by another replica): a connection each


_HELD: ContextVar[bool] = ContextVar("voz_chat_lock_held", default=False)


def holds_chat() -> bool:
    """True inside `ChatLocks.holding` when the chat's shared lock is really held (not on
    SQLite, not when the wait timed out or the database failed)."""
    return _HELD.get()


class LocalLocks:
    """One asyncio.Lock per key in this process, made on first use and dropped when its
    last user leaves, so the table never grows with the number of chats."""

    def __init__(self) -> None:
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        """Keys with a user now (what the table holds)."""
        return len(self._locks)

    @asynccontextmanager
    async def holding(self, key: object) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class _Busy:
    """Another session holds the chat's lock."""


BUSY = _Busy()


def lock_key(pseudonym: str) -> int:
    """The advisory lock's key for a chat: a signed 64-bit hash of its pseudonym."""
    digest = hashlib.blake2b(pseudonym.encode(), digest_size=8, person=b"voz-chat").digest()
    return int.from_bytes(digest, "big", signed=True)


class ChatLocks:
    """Per-chat mutual exclusion across the processes sharing `database` (module docstring)."""

    def __init__(
        self, database: Database, hold_for: timedelta = HOLD_FOR, waiters: int = WAITERS
    ) -> None:
        if waiters < 1:
            raise ValueError("waiters must be at least 1")
        self.shared = database.engine.dialect.name == "postgresql"
        self.hold_for = hold_for
        self.waiters = waiters
        self.timeouts = 0  # updates handled without the lock (for logs and tests)
        self.waited = 0  # updates that found their chat held by another replica
        # The same session takes an advisory lock it holds again at once, so the holder
        # connection alone would let two updates of one chat through together: they queue
        # here first (PerChatUpdateProcessor already orders them; this keeps the lock true
        # for any caller).
        self._local = LocalLocks()
        self._free: asyncio.Semaphore | None = None
        self._holder: Connection | None = None
        self._held: dict[int, float] = {}  # keys held on the holder connection, since when
        if self.shared:
            self._engine = create_engine(
                database.engine.url,
                future=True,
                pool_size=waiters + 1,
                max_overflow=0,
                pool_pre_ping=True,
                hide_parameters=True,
                isolation_level="AUTOCOMMIT",  # session locks, no transaction held open
            )
            self._holding_thread = ThreadPoolExecutor(1, thread_name_prefix="chat-lock")
            self._waiting_threads = ThreadPoolExecutor(waiters, thread_name_prefix="chat-wait")

    @asynccontextmanager
    async def holding(self, pseudonym: str) -> AsyncIterator[None]:
        """Hold the chat's lock for the block (at once on SQLite)."""
        if not self.shared:
            yield
            return
        key = lock_key(pseudonym)
        async with self._local.holding(key), self._shared(key):
            yield

    @asynccontextmanager
    async def _shared(self, key: int) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        try:
            taken = await loop.run_in_executor(self._holding_thread, self._try, key)
        except RuntimeError:
            # `dispose` shut the threads down: the bot is stopping. The update is still
            # handled, like one whose lock could not be taken.
            taken = None
        if taken is not BUSY:
            async with self._block(loop, self._holding_thread, None, key, taken is not None):
                yield
            return
        self.waited += 1
        if self._free is None:
            self._free = asyncio.Semaphore(self.waiters)  # in the loop that uses it
        async with self._free:
            try:
                waiter = await loop.run_in_executor(self._waiting_threads, self._wait, key)
            except RuntimeError:
                waiter = None
            async with self._block(loop, self._waiting_threads, waiter, key, waiter is not None):
                yield

    @asynccontextmanager
    async def _block(
        self,
        loop: asyncio.AbstractEventLoop,
        threads: ThreadPoolExecutor,
        waiter: Connection | None,
        key: int,
        held: bool,
    ) -> AsyncIterator[None]:
        """The block of an update, `held` its chat's lock or not (`holds_chat`), and the
        lock released after it on the thread of the connection that holds it."""
        before = _HELD.get()
        _HELD.set(held)
        try:
            yield
        finally:
            _HELD.set(before)  # set, not reset: the block may end in another task
            if held:
                try:
                    await loop.run_in_executor(threads, self._release, waiter, key)
                except RuntimeError:
                    # Disposed while this update settled (the bot stopping): release here;
                    # it is one statement, and a lock must never outlive its update.
                    self._release(waiter, key)

    # -- on the holder connection (its one thread) ----------------------------------------

    def _try(self, key: int) -> _Busy | Connection | None:
        """The holder connection if it took the lock, BUSY if another session holds it,
        None if the database failed (the update is then handled anyway)."""
        for attempt in (1, 2):
            try:
                holder = self._holder_connection()
                self._expire_stuck(holder)
                if holder.execute(select(func.pg_try_advisory_lock(key))).scalar():
                    self._held[key] = time.monotonic()
                    return holder
                return BUSY
            except SQLAlchemyError as error:
                had_one = self._holder is not None
                self._lost_holder()
                if attempt == 1 and had_one:
                    continue  # closed by the server after a quiet spell: connect again
                self.timeouts += 1
                logger.warning(
                    "could not take a chat's lock (%s); handling the update anyway",
                    type(getattr(error, "orig", None) or error).__name__,
                )
                return None
        return None  # not reached: the second attempt returns

    def _holder_connection(self) -> Connection:
        if self._holder is None or self._holder.closed:
            self._held.clear()  # whatever a closed connection held, the server freed
            self._holder = self._connect()
        return self._holder

    def _connect(self) -> Connection:
        connection = self._engine.connect()
        try:
            hold_ms = max(int(self.hold_for.total_seconds() * 1000), 1)
            # SET takes no bind parameters; the value is an integer made here.
            connection.execute(text(f"SET idle_session_timeout = {hold_ms}"))
        except SQLAlchemyError:
            connection.close()
            raise
        return connection

    def _expire_stuck(self, holder: Connection) -> None:
        limit = time.monotonic() - self.hold_for.total_seconds()
        for key, since in list(self._held.items()):
            if since < limit:
                del self._held[key]
                holder.execute(select(func.pg_advisory_unlock(key)))
                logger.warning("a chat's lock was held past %s and expired", self.hold_for)

    def _lost_holder(self) -> None:
        if self._holder is not None:
            try:
                self._holder.invalidate()  # closed: the server frees whatever it held
            except SQLAlchemyError:
                pass
            self._holder = None
        self._held.clear()

    # -- waiting for a chat another replica holds (waiter threads) ------------------------

    def _wait(self, key: int) -> Connection | None:
        """A waiter connection that took the lock, or None if the wait timed out or the
        database failed (the update is handled anyway)."""
        try:
            connection = self._connect()
        except SQLAlchemyError as error:
            self.timeouts += 1
            logger.warning(
                "could not wait for a chat's lock (%s); handling the update anyway",
                type(getattr(error, "orig", None) or error).__name__,
            )
            return None
        try:
            hold_ms = max(int(self.hold_for.total_seconds() * 1000), 1)
            connection.execute(text(f"SET lock_timeout = {2 * hold_ms}"))
            connection.execute(select(func.pg_advisory_lock(key)))
            connection.execute(text("RESET lock_timeout"))
        except SQLAlchemyError as error:
            connection.invalidate()
            connection.close()
            self.timeouts += 1
            logger.warning(
                "waited too long for a chat's lock, or the database failed (%s); handling the "
                "update anyway",
                type(getattr(error, "orig", None) or error).__name__,
            )
            return None
        except BaseException:
            connection.close()
            raise
        return connection

    # -- releasing (on the thread of the connection that holds it) ------------------------

    def _release(self, waiter: Connection | None, key: int) -> None:
        if waiter is None:
            if self._held.pop(key, None) is None or self._holder is None:
                return  # expired as stuck, or its connection was lost: nothing held
            connection = self._holder
        else:
            connection = waiter
        try:
            if not connection.execute(select(func.pg_advisory_unlock(key))).scalar():
                logger.warning("a chat's lock was no longer held when released")
        except SQLAlchemyError as error:
            # The server ended the session (idle past hold_for): the lock was freed then,
            # and another replica may already have taken the chat.
            logger.warning(
                "a chat's lock was held past %s and expired (%s)",
                self.hold_for,
                type(getattr(error, "orig", None) or error).__name__,
            )
            if waiter is None:
                self._lost_holder()
            else:
                waiter.invalidate()
        finally:
            if waiter is not None:
                waiter.close()

    def dispose(self) -> None:
        """Stop: every chat this replica holds on its holder connection is let go at once
        (the connection is closed, not returned to a pool that would keep its locks)."""
        if self.shared:
            self._holding_thread.shutdown(wait=True)  # its statements take milliseconds
            self._waiting_threads.shutdown(wait=False)  # a wait may take hold_for: not here
            self._lost_holder()
            self._engine.dispose()
