"""A burst of cards for the protection group (issue 15): emergencies first, never more than
the group's limit in any minute, one summary listing every new case, and every case's own
card still delivered. A real `telegram.Bot` against the Bot API fake, on SQLite and
PostgreSQL, with a fake clock."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

import pytest_asyncio
from sqlalchemy import select
from telegram import Bot

from bot.channels.telegram.alerts import TelegramAlertSender
from bot.channels.telegram.limits import LIMITS
from bot.escalation import Cases, Disclosure
from bot.escalation.relay import Relay
from bot.storage import OutboxMessage
from botapi_fake import FakeBotApi

TOKEN = "424242:AAFakeTokenForTests_abcdefghijk"
PROTECTION = -4001
START = datetime(2026, 3, 1, 12, 0, 0)
CASE_NUMBER = re.compile(r"VS-\d{6}")


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class TimedSender(TelegramAlertSender):
    """The real sender, noting the relay's clock at each message the group gets."""

    def __init__(self, bot: Bot, clock: Clock) -> None:
        super().__init__(bot, timeout=2.0)
        self.clock = clock
        self.times: list[datetime] = []

    async def send(self, chat_id, text, buttons):  # type: ignore[no-untyped-def]
        await super().send(chat_id, text, buttons)
        self.times.append(self.clock())


@pytest_asyncio.fixture
async def api():
    async with FakeBotApi(token=TOKEN) as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(api):
    async with Bot(api.token, base_url=api.base_url) as telegram_bot:
        yield telegram_bot


def pending(database) -> int:
    with database.session() as session:
        rows = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
            )
        )
        return len(list(rows))


async def test_forty_high_cards_and_an_emergency_reach_the_group_within_its_limit(
    database, api, bot
):
    clock = Clock()
    cases = Cases(database, clock=clock)
    high = [
        cases.open(f"ps_{n:04d}", Disclosure("high", "abuse", "self"), "me pegan")
        for n in range(40)
    ]
    emergency = cases.open("ps_sos", Disclosure("emergency", "abuse", "self"), "ahora mismo")
    sender = TimedSender(bot, clock)
    relay = Relay(
        database,
        sender,
        PROTECTION,
        None,
        clock=clock,
        rng=random.Random(7),
        group_per_minute=LIMITS.per_group_per_minute,
    )
    for _ in range(100):
        await relay.deliver_due()
        if not pending(database):
            break
        clock.now += timedelta(seconds=5)
    assert not pending(database)

    texts = [message.text for message in api.messages_to(PROTECTION)]
    number = f"VS-{emergency:06d}"
    assert texts[0].startswith(f"Nuevo caso {number}") and "EMERGENCIA" in texts[0]
    summary = texts[1]
    assert summary.startswith("📋") and "Casos nuevos de prioridad alta (40)" in summary
    assert set(CASE_NUMBER.findall(summary)) == {f"VS-{case:06d}" for case in high}
    # Every case's own card arrived, each once, after the summary.
    cards = [CASE_NUMBER.search(text).group() for text in texts if text.startswith("Nuevo caso")]
    assert sorted(cards) == sorted(f"VS-{case:06d}" for case in [*high, emergency])
    # Never more than the group's limit in any minute.
    limit = int(LIMITS.per_group_per_minute)
    for at in sender.times:
        assert sum(at <= t < at + timedelta(minutes=1) for t in sender.times) <= limit
    assert len(sender.times) == len(texts) == 42
