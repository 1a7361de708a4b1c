"""Exactly once and one at a time across replicas (issue 16), on PostgreSQL: two relays never
send one alert twice and never queue on a row another is claiming; one chat's updates are
handled one at a time whichever replica takes them, and a dead holder's lock expires. On
SQLite (one process) the chat lock is nothing to wait for.

These tests need TEST_POSTGRES_URL (they are skipped without it) and no Rasa model."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from telegram import Chat, Message, Update

from bot.channels.telegram import updates
from bot.channels.telegram.updates import PerChatUpdateProcessor
from bot.escalation import Cases, Disclosure, Relay
from bot.settings import ROOT
from bot.storage import Database, Escalation
from bot.storage.chatlock import ChatLocks, lock_key
from tests.conftest import postgres_database

PROTECTION = -4001
ALERTS = 24


@pytest.fixture
def shared() -> Iterator[tuple[Database, Database]]:
    """Two handles (two replicas' pools) on one migrated PostgreSQL database."""
    with postgres_database() as first:
        second = Database(first.url)
        yield first, second
        second.dispose()


class Recorder:
    """An AlertSender that keeps the cards it was given; each send takes a little while, as
    Telegram does, so two relays overlap."""

    def __init__(self, sent: list[str], lock: threading.Lock) -> None:
        self.sent, self.lock = sent, lock
        self.count = 0

    async def send(self, chat_id: int, text: str, buttons: object) -> None:
        await asyncio.sleep(0.005)
        with self.lock:
            self.sent.append(text.splitlines()[0])
            self.count += 1


def open_cases(database: Database, count: int) -> list[str]:
    cases = Cases(database)
    ids = [
        cases.open(f"child-{n}", Disclosure("high", "abuse", "self"), "excerpt")
        for n in range(count)
    ]
    with database.session() as session:
        return [session.get(Escalation, case_id).case_number for case_id in ids]


def relay(database: Database, sender: Recorder) -> Relay:
    return Relay(database, sender, PROTECTION, None)


def test_two_relays_racing_send_every_alert_exactly_once(shared):
    numbers = open_cases(shared[0], ALERTS)
    sent: list[str] = []
    guard = threading.Lock()
    senders = [Recorder(sent, guard), Recorder(sent, guard)]
    start = threading.Barrier(2)

    def run(database: Database, sender: Recorder) -> None:
        start.wait(timeout=10)
        asyncio.run(relay(database, sender).deliver_due())

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(shared, senders, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(sent) == ALERTS, "an alert was sent twice or not at all"
    assert all(any(number in card for card in sent) for number in numbers)
    assert all(sender.count > 0 for sender in senders), "the relays did not race"


def test_a_relay_skips_a_row_another_is_claiming_instead_of_waiting_for_it(shared):
    database = shared[0]
    open_cases(database, 3)
    holder = create_engine(database.engine.url, future=True)
    sent: list[str] = []
    done = threading.Event()
    with holder.connect() as other_relay:
        other_relay.begin()  # another relay, between its claim's SELECT and its commit
        held = other_relay.execute(
            text("SELECT id FROM outbox ORDER BY created_at, id LIMIT 1 FOR UPDATE")
        ).scalar_one()

        def run() -> None:
            asyncio.run(relay(shared[1], Recorder(sent, threading.Lock())).deliver_due())
            done.set()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        finished = done.wait(timeout=10)
        other_relay.rollback()  # lets a blocked relay go, whatever happened
    thread.join(timeout=10)
    holder.dispose()
    assert finished, "the relay waited for the row another relay holds"
    assert len(sent) == 2
    with database.engine.connect() as connection:
        unsent = connection.execute(text("SELECT id FROM outbox WHERE sent_at IS NULL")).scalars()
        assert list(unsent) == [held]


# -- one chat at a time --------------------------------------------------------------------------


async def test_one_chats_lock_makes_a_second_replica_wait_and_leaves_other_chats_free(shared):
    replica_a, replica_b = ChatLocks(shared[0]), ChatLocks(shared[1])
    events: list[str] = []
    a_holds = asyncio.Event()

    async def first() -> None:
        async with replica_a.holding("chat-x"):
            events.append("a in")
            a_holds.set()
            await asyncio.sleep(0.4)
            events.append("a out")

    async def second() -> None:
        await a_holds.wait()
        async with replica_b.holding("chat-x"):
            events.append("b in")

    async def other_chat() -> None:
        await a_holds.wait()
        async with replica_b.holding("chat-y"):
            events.append("y in")

    try:
        await asyncio.wait_for(asyncio.gather(first(), second(), other_chat()), timeout=20)
    finally:
        replica_a.dispose()
        replica_b.dispose()
    assert events == ["a in", "y in", "a out", "b in"]


async def test_stopping_while_an_update_holds_its_chat_still_ends_the_update_and_frees_the_chat(
    shared,
):
    """The bot stops (dispose) while an update settles under its chat's lock: the update
    ends without an error (an error would send the child an apology) and the lock is freed;
    an update arriving after the stop is handled without one."""
    stopping, other = ChatLocks(shared[0]), ChatLocks(shared[1])
    try:
        async with stopping.holding("chat-x"):
            stopping.dispose()
        started = time.monotonic()
        async with other.holding("chat-x"):
            waited = time.monotonic() - started
        assert waited < 1.0, f"the chat stayed locked {waited:.1f} s after its update ended"
        async with stopping.holding("chat-y"):
            pass  # after the stop: handled anyway, no lock, no error
    finally:
        other.dispose()


async def test_a_dead_holders_lock_expires(shared):
    hung = ChatLocks(shared[0], hold_for=timedelta(seconds=1))
    waiting = ChatLocks(shared[1], hold_for=timedelta(seconds=1))
    holding = hung.holding("chat-x")
    await holding.__aenter__()  # a replica that took the lock, then hung
    try:
        started = time.monotonic()
        async with waiting.holding("chat-x"):
            waited = time.monotonic() - started
        assert 0.5 < waited < 5, f"waited {waited:.1f} s"
        assert waiting.timeouts == 0  # it got the lock; it did not give up
        await holding.__aexit__(None, None, None)  # the hung replica wakes: no error raised
    finally:
        hung.dispose()
        waiting.dispose()


def test_lock_keys_are_64_bit_and_differ_per_chat():
    assert lock_key("a" * 32) != lock_key("b" * 32)
    assert -(2**63) <= lock_key("a" * 32) < 2**63
    assert lock_key("a" * 32) == lock_key("a" * 32)


async def test_on_sqlite_the_chat_lock_is_nothing_to_wait_for(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'voz.db'}")
    locks = ChatLocks(database)
    assert not locks.shared
    async with locks.holding("chat-x"), locks.holding("chat-x"):
        pass  # two at once: one process orders its own chats (PerChatUpdateProcessor)
    locks.dispose()
    database.dispose()


def update_of(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime(2026, 12, 5), chat, text="hola"))


async def test_two_processors_handle_one_chats_updates_one_at_a_time(shared):
    """Two replicas' update processors get a chat's updates alternately, as a load balancer
    would hand them out: the handlers never overlap, and they run in the order the updates
    arrived, 10 ms apart. (Arrivals closer than taking the lock costs, about a millisecond on
    a warm pool, may be handled in either order: one at a time still.)"""
    handling: list[int] = []
    order: list[int] = []
    overlaps = 0
    settled: list[int] = []
    processors = []
    for database in shared:
        processor = PerChatUpdateProcessor()

        async def settle(chat_id: int) -> None:
            settled.append(chat_id)

        processor.across_replicas(ChatLocks(database), key=lambda chat: f"p{chat}", settle=settle)
        processors.append(processor)

    async def handle(update_id: int) -> None:
        nonlocal overlaps
        overlaps += bool(handling)
        handling.append(update_id)
        order.append(update_id)
        await asyncio.sleep(0.05)
        handling.remove(update_id)

    for processor in processors:  # a running replica's pool is warm
        assert processor._shared is not None
        async with processor._shared.holding("warm"):
            pass
    tasks = []
    for update_id in range(1, 9):
        processor = processors[update_id % 2]
        tasks.append(
            asyncio.create_task(
                processor.process_update(update_of(77, update_id), handle(update_id))
            )
        )
        await asyncio.sleep(0.01)  # they arrive in update_id order, 10 ms apart
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    finally:
        for processor in processors:
            assert processor._shared is not None
            processor._shared.dispose()
    assert overlaps == 0
    assert order == list(range(1, 9))
    assert settled == [77] * 8  # each held its lock until its replies were out


async def test_a_database_that_cannot_be_reached_does_not_stop_an_update(caplog):
    """No server listens on port 1: the update is handled anyway, and the log names the
    error's class only."""
    database = Database("postgresql://postgres@127.0.0.1:1/unreachable")
    locks = ChatLocks(database)
    handled = False
    try:
        async with locks.holding("chat-x"):
            handled = True
    finally:
        locks.dispose()
        database.dispose()
    assert handled and locks.timeouts == 1
    assert (
        "could not take a chat's lock (OperationalError); handling the update anyway" in caplog.text
    )
    assert "unreachable" not in caplog.text  # nor the URL


HOLDER = """
import asyncio, sys
from bot.storage import Database
from bot.storage.chatlock import ChatLocks

async def main():
    locks = ChatLocks(Database(sys.argv[1]))
    async with locks.holding("chat-x"):
        print("held", flush=True)
        await asyncio.sleep(60)

asyncio.run(main())
"""


async def test_a_killed_holders_lock_is_free_at_once(shared):
    """A replica killed with SIGKILL while it holds a chat's lock: the server sees its
    connection close and frees the lock, long before `hold_for`."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, shared[0].url],
        stdout=subprocess.PIPE,
        env=environment,
        text=True,
    )
    waiting = ChatLocks(shared[1], hold_for=timedelta(seconds=30))
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        taken = waiting.holding("chat-x")
        blocked = asyncio.ensure_future(taken.__aenter__())
        await asyncio.sleep(0.5)
        assert not blocked.done(), "the lock was not held by the other process"
        killed = time.monotonic()
        holder.send_signal(signal.SIGKILL)
        await asyncio.wait_for(blocked, timeout=10)
        assert time.monotonic() - killed < 5
        assert waiting.timeouts == 0
        await taken.__aexit__(None, None, None)
    finally:
        holder.kill()
        holder.wait(timeout=10)
        waiting.dispose()


async def test_replies_that_never_leave_hold_a_chats_lock_only_for_settle_for(shared, monkeypatch):
    """A delivery stuck in a rate-limit backlog must not keep a chat (and a lock slot) from
    other replicas for long: the lock is let go SETTLE_FOR after the handling ended."""
    monkeypatch.setattr(updates, "SETTLE_FOR", 0.3)
    stuck = asyncio.Event()  # never set: replies that never leave

    async def settle(_chat_id: int) -> None:
        await stuck.wait()

    processor = PerChatUpdateProcessor()
    processor.across_replicas(ChatLocks(shared[0]), key=lambda chat: f"p{chat}", settle=settle)
    other = ChatLocks(shared[1])

    async def nothing() -> None:
        return None

    try:
        started = time.monotonic()
        await asyncio.wait_for(processor.process_update(update_of(78, 1), nothing()), 10)
        async with other.holding("p78"):
            waited = time.monotonic() - started
    finally:
        assert processor._shared is not None
        processor._shared.dispose()
        other.dispose()
    assert 0.25 < waited < 3


async def test_a_replica_holds_many_chats_at_once_on_one_connection(shared):
    """Holding a chat while its replies leave (a second or two) costs a lock, not a
    connection: 40 chats are held at once by a replica with 2 waiter connections. (The first
    design held a connection per chat, and 16 of them capped a replica near 12 updates/s.)"""
    locks = ChatLocks(shared[0], waiters=2)
    inside = 0
    most = 0
    all_in = asyncio.Event()

    async def hold(chat: int) -> None:
        nonlocal inside, most
        async with locks.holding(f"chat-{chat}"):
            inside += 1
            most = max(most, inside)
            if inside == 40:
                all_in.set()
            await asyncio.wait_for(all_in.wait(), timeout=20)
            inside -= 1

    try:
        await asyncio.wait_for(asyncio.gather(*(hold(n) for n in range(40))), timeout=30)
        with shared[1].engine.connect() as connection:  # another replica takes each chat
            free = [
                connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": lock_key(f"chat-{n}")}
                ).scalar()
                for n in range(40)
            ]
            connection.execute(text("SELECT pg_advisory_unlock_all()"))
    finally:
        locks.dispose()
    assert most == 40
    assert all(free), "a lock outlived its update"
    assert locks.timeouts == 0 and locks.waited == 0


async def test_a_stuck_update_lets_its_chat_go_after_hold_for_while_the_replica_runs_on(shared):
    """An update that never ends, in a replica that keeps handling other chats (so its holder
    connection is never idle): the stuck chat is free again after `hold_for`."""
    busy = ChatLocks(shared[0], hold_for=timedelta(seconds=1))
    other = ChatLocks(shared[1], hold_for=timedelta(seconds=1))
    stuck = busy.holding("chat-stuck")
    await stuck.__aenter__()
    running = True

    async def other_chats() -> None:
        n = 0
        while running:
            async with busy.holding(f"chat-{n}"):
                n += 1
            await asyncio.sleep(0.1)

    traffic = asyncio.create_task(other_chats())
    try:
        started = time.monotonic()
        async with other.holding("chat-stuck"):
            waited = time.monotonic() - started
        assert other.waited == 1 and other.timeouts == 0  # it got the lock, not a timeout
        assert 0.5 < waited < 5, f"waited {waited:.1f} s"
        await stuck.__aexit__(None, None, None)  # the stuck update ends late: no error
    finally:
        running = False
        await traffic
        busy.dispose()
        other.dispose()


async def test_a_holder_connection_closed_after_a_quiet_spell_is_replaced_without_losing_a_lock(
    shared,
):
    """The server closes a lock connection idle for `hold_for` (that is how a hung process's
    locks expire); the next update connects again and still holds its chat."""
    locks = ChatLocks(shared[0], hold_for=timedelta(seconds=0.5))
    other = ChatLocks(shared[1])
    try:
        async with locks.holding("chat-x"):
            pass
        await asyncio.sleep(1.5)  # the server closes the idle holder connection
        waiting = other.holding("chat-x")
        async with locks.holding("chat-x"):
            blocked = asyncio.ensure_future(waiting.__aenter__())
            await asyncio.sleep(0.3)
            assert not blocked.done(), "the chat was not held after reconnecting"
        await asyncio.wait_for(blocked, timeout=5)
        await waiting.__aexit__(None, None, None)
        assert locks.timeouts == 0
    finally:
        locks.dispose()
        other.dispose()


async def test_a_claim_left_unfinished_is_taken_over_at_once_by_whoever_holds_the_chat(shared):
    """The claim of an update whose handler died (its process killed mid-request) is taken
    over at once by a handler holding the chat's lock: the dead handler held it while it
    lived. Without the lock it waits CLAIM_TIMEOUT, as before."""
    from bot.storage.chatlock import holds_chat

    dead, alive = shared
    assert dead.claim(9001)  # and then the process died
    locks = ChatLocks(alive)
    try:
        assert not holds_chat()
        assert not alive.claim(9001, holder_gone=holds_chat())
        async with locks.holding("chat-x"):
            assert holds_chat()
            assert alive.claim(9001, holder_gone=holds_chat())
        assert not holds_chat()
    finally:
        locks.dispose()
    dead.mark_processed(9001)
    assert not alive.claim(9001, holder_gone=True)  # done is done


async def test_without_a_shared_lock_nobody_claims_to_hold_the_chat(tmp_path):
    from bot.storage.chatlock import holds_chat

    sqlite = Database(f"sqlite:///{tmp_path / 'voz.db'}")
    unreachable = Database("postgresql://postgres@127.0.0.1:1/unreachable")
    try:
        for database in (sqlite, unreachable):
            locks = ChatLocks(database)
            async with locks.holding("chat-x"):
                assert not holds_chat()
            locks.dispose()
    finally:
        sqlite.dispose()
        unreachable.dispose()


async def test_a_replica_stopping_lets_go_of_every_chat_it_holds(shared):
    """dispose closes the holder connection (a pool would keep its session locks): a chat
    whose update never ended is free for the other replicas at once."""
    stopping, other = ChatLocks(shared[0]), ChatLocks(shared[1])
    never_ends = stopping.holding("chat-z")
    await never_ends.__aenter__()
    stopping.dispose()
    try:
        started = time.monotonic()
        async with other.holding("chat-z"):
            waited = time.monotonic() - started
        assert waited < 1.0 and other.waited == 0
    finally:
        other.dispose()
