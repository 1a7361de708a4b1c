"""Update de-duplication is atomic: of concurrent deliveries of one update, one is handled."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta

from sqlalchemy import func, select
from telegram import Bot, Update
from telegram.ext import ApplicationHandlerStop

from bot.channels.telegram.handlers import TelegramAdapter
from bot.engine import Engine
from bot.escalation import Cases
from bot.privacy import Pseudonymizer
from bot.storage import Database, Escalation
from bot.storage.database import CLAIM_TIMEOUT

CHILD = 987654321
UPDATE = {
    "update_id": 7001,
    "message": {
        "message_id": 5,
        "date": 1764806400,
        "chat": {"id": CHILD, "type": "private"},
        "from": {"id": CHILD, "is_bot": False, "first_name": "N"},
        "text": "me quiere matar mi papá",
    },
}


class SlowNlu:
    """Rasa stand-in that yields to the event loop, as a real parse does, then fails: the
    rule layer alone triages, which is enough to open a case."""

    intents: frozenset[str] = frozenset()

    async def parse(self, text):
        await asyncio.sleep(0.05)
        raise RuntimeError("no NLU in this test")

    async def respond(self, user, intent, band=None):
        return []

    async def forget(self, user):
        return None


def adapter_on(url: str) -> TelegramAdapter:
    """One bot process: its own Database handle, engine and adapter; replies are dropped."""
    database = Database(url)
    adapter = TelegramAdapter(
        Engine(SlowNlu(), Cases(database)), Pseudonymizer(b"k" * 32), database
    )

    async def send(message, replies, pressed=False):
        return None

    adapter.send = send  # type: ignore[method-assign]
    return adapter


async def handle(adapter: TelegramAdapter) -> bool:
    """The adapter's handler groups in the order the Application runs them."""
    update = Update.de_json(UPDATE, Bot("1:x"))
    try:
        await adapter.skip_duplicates(update, None)
    except ApplicationHandlerStop:
        return False
    await adapter.on_message(update, None)
    await adapter.mark_done(update, None)
    return True


def cases(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Escalation))


async def test_two_concurrent_handlers_of_one_update_open_one_case(database):
    first, second = adapter_on(database.url), adapter_on(database.url)
    try:
        handled = await asyncio.gather(handle(first), handle(second))
    finally:
        first.database.dispose()
        second.database.dispose()
    assert sorted(handled) == [False, True]
    assert cases(database) == 1
    assert database.already_processed(UPDATE["update_id"])


def test_of_many_threads_claiming_one_update_exactly_one_wins(database):
    barrier = threading.Barrier(8)
    won: list[bool] = []

    def claim() -> None:
        barrier.wait()
        won.append(database.claim(42))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 7 + [True]


def test_a_claim_left_by_a_dead_process_is_taken_over_once(database):
    before = datetime.utcnow() - timedelta(seconds=1)
    assert database.claim(43, now=before)  # this "process" dies before marking it done
    restarted = Database(database.url)
    try:
        assert restarted.claim(43)  # claimed before the restart: the handler is gone
        assert not restarted.claim(43)  # but only one redelivery takes it over
    finally:
        restarted.dispose()


def test_a_claim_in_progress_is_not_taken_over_until_it_times_out(database):
    now = datetime.utcnow() + timedelta(seconds=5)
    assert database.claim(44, now=now)
    assert not database.claim(44, now=now + timedelta(seconds=1))
    assert database.claim(44, now=now + CLAIM_TIMEOUT + timedelta(seconds=1))
    database.mark_processed(44)
    assert not database.claim(44, now=now + 2 * CLAIM_TIMEOUT + timedelta(seconds=2))
