"""One Telegram budget across replicas (bot.channels.telegram.budget), against the real Redis
at 127.0.0.1:6379 (REDIS_URL overrides): two SharedBudgets on one key prefix stand for two
replicas. Each test uses a prefix of its own; skipped with the reason when Redis is absent."""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import pytest
import pytest_asyncio
from redis import asyncio as aioredis
from telegram.error import RetryAfter

from bot.channels.delivery import RetryLater
from bot.channels.telegram.alerts import TelegramAlertSender
from bot.channels.telegram.budget import SharedBudget, SharedRateLimiter
from bot.channels.telegram.delivery import own_bot
from botapi_fake import FakeBotApi

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
GROUP = -1001234567890


@pytest_asyncio.fixture
async def replicas():
    """Two budgets (two replicas) sharing one prefix: 10 messages/s overall, 2 for alerts;
    windows only (the even spacing of slots has a test of its own)."""
    clients = [aioredis.Redis.from_url(REDIS_URL) for _ in range(2)]
    try:
        await clients[0].ping()
    except Exception as error:  # noqa: BLE001 - any failure to reach it means no Redis here
        for client in clients:
            await client.close()
        pytest.skip(f"no Redis at {REDIS_URL} ({type(error).__name__})")
    prefix = f"test:budget:{uuid.uuid4().hex}:"
    yield [
        SharedBudget(client, prefix=prefix, rate=10, reserved=2, spacing=None) for client in clients
    ]
    keys = [key async for key in clients[0].scan_iter(f"{prefix}*")]
    if keys:
        await clients[0].delete(*keys)
    for client in clients:
        await client.close()


def most_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    return max(sum(1 for t in stamps[i:] if t - start < window) for i, start in enumerate(stamps))


async def test_two_replicas_together_stay_within_the_overall_rate(replicas):
    granted: list[float] = []

    async def send(budget: SharedBudget, chat: int) -> None:
        await budget.acquire(chat)
        granted.append(time.monotonic())

    # 24 sends to 24 chats, half from each replica: 8 a second (10 less the alerts' 2).
    await asyncio.gather(*(send(replicas[n % 2], 1000 + n) for n in range(24)))
    assert len(granted) == 24
    assert most_in_any_window(granted, 1.0) <= 8
    assert max(granted) - min(granted) >= 2.0  # 24 at 8 per 1.1 s cannot all go at once


async def test_overall_slots_are_spread_evenly_not_granted_in_one_burst(replicas):
    """A window's whole allowance granted at once leaves as a burst that lag can push into
    the next second; spaced slots do not bunch."""
    client = replicas[0].client
    spaced = [SharedBudget(client, prefix=replicas[0].prefix, rate=10, reserved=2)] * 2
    granted: list[float] = []
    for n in range(6):
        await spaced[n % 2].acquire(3000 + n)
        granted.append(time.monotonic())
    gaps = [b - a for a, b in zip(granted, granted[1:], strict=False)]
    assert min(gaps) >= 0.11  # (1 + 0.2) / 10 s, less the clocks' rounding


async def test_alerts_keep_their_reserved_share(replicas):
    ordinary, alerts = replicas
    for n in range(8):
        assert await ordinary.wait_ms(2000 + n) == 0
    assert await ordinary.wait_ms(2100) > 0  # ordinary sends have used their share
    assert await alerts.wait_ms(GROUP, alert=True) == 0  # an alert still goes now
    assert await alerts.wait_ms(GROUP - 1, alert=True) == 0
    assert await alerts.wait_ms(GROUP - 2, alert=True) > 0  # the whole 10 are used


async def test_a_private_chat_gets_a_short_burst_then_about_one_a_second(replicas):
    first, second = replicas
    assert [await first.wait_ms(42), await second.wait_ms(42), await first.wait_ms(42)] == [0] * 3
    waited = await second.wait_ms(42)
    assert 3000 <= waited <= 3300  # three in any 3.3 s (3 s and the 10% margin)
    assert await second.wait_ms(43) == 0  # another chat is not held up


async def test_a_group_gets_twenty_a_minute_across_replicas(replicas):
    first, second = replicas
    for n in range(20):
        # spread over the overall window: alerts may use all 10 a second
        while (wait := await replicas[n % 2].wait_ms(GROUP, alert=True)) > 0:
            assert wait < 1200, "only the overall window may hold these up"
            await asyncio.sleep(wait / 1000)
    assert await first.wait_ms(GROUP, alert=True) > 50_000
    with pytest.raises(RetryLater) as later:
        await second.acquire(GROUP, alert=True, max_wait=5.0)
    assert later.value.after > 50


async def test_a_429_seen_by_one_replica_pauses_every_replica(replicas):
    first, second = replicas
    await first.pause(0.6)
    assert 400 <= await second.wait_ms(7) <= 600
    await second.pause(0.1)  # a shorter pause never shortens the longer one
    assert await first.wait_ms(7) >= 300
    started = time.monotonic()
    await second.acquire(7)
    assert time.monotonic() - started >= 0.3


async def test_the_rate_limiter_pauses_everyone_on_retry_after_and_retries(replicas):
    first, second = replicas
    limiter = SharedRateLimiter(first, max_retries=2)
    calls: list[float] = []

    async def send_message(**_kwargs: object) -> dict:
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise RetryAfter(1)
        return {"ok": True}

    result = await limiter.process_request(
        send_message, (), {}, "sendMessage", {"chat_id": 77, "text": "hola"}, None
    )
    assert result == {"ok": True}
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.9
    assert await second.wait_ms(78) == 0  # the pause is over for the other replica too


async def test_the_rate_limiter_gives_up_after_its_retries(replicas):
    limiter = SharedRateLimiter(replicas[0], max_retries=1)

    async def always_429(**_kwargs: object) -> dict:
        raise RetryAfter(0)

    with pytest.raises(RetryAfter):
        await limiter.process_request(
            always_429, (), {}, "sendMessage", {"chat_id": 5, "text": "x"}, None
        )


def test_the_reserved_share_must_leave_something_for_the_rest():
    client = aioredis.Redis.from_url(REDIS_URL)
    with pytest.raises(ValueError, match="reserved"):
        SharedBudget(client, rate=3, reserved=3)


async def test_an_alert_card_refused_with_429_pauses_every_replica(replicas):
    """The relay's own Bot over the shared budget (as alert_bot builds it with REDIS_URL): a
    429 on a card pauses the children's replies on every replica, and the relay is told to
    retry later (its policy), without PTB's retries."""
    alerts, children = replicas
    async with FakeBotApi(token="77:AlertsToken") as api:
        shared = SharedRateLimiter(alerts, max_retries=0, alert=True, max_wait=1.0)
        bot = own_bot(api.token, api.base_url.removesuffix("/bot"), 2, 2.0, shared)
        async with bot:
            sender = TelegramAlertSender(bot, timeout=2.0)
            api.fail_next("sendMessage", status=429, retry_after=2, chat_id=GROUP)
            with pytest.raises(RetryLater):
                await sender.send(GROUP, "Nuevo caso", ())
            assert 1500 <= await children.wait_ms(42) <= 2000  # every replica waits
            assert len(api.calls_to("sendMessage")) == 1  # no retry inside the Bot
            await asyncio.sleep(2.0)
            await sender.send(GROUP, "Nuevo caso", ())
            assert [m.text for m in api.messages_to(GROUP)] == ["Nuevo caso"]


async def test_an_alert_waits_no_longer_than_its_timeout_for_a_slot(replicas):
    alerts, other = replicas
    for _ in range(20):  # the group's 20 a minute, taken by the other replica
        while (wait := await other.wait_ms(GROUP, alert=True)) > 0:
            await asyncio.sleep(wait / 1000)
    async with FakeBotApi(token="77:AlertsToken") as api:
        shared = SharedRateLimiter(alerts, max_retries=0, alert=True, max_wait=1.0)
        bot = own_bot(api.token, api.base_url.removesuffix("/bot"), 2, 1.0, shared)
        async with bot:
            started = time.monotonic()
            with pytest.raises(RetryLater) as later:
                await TelegramAlertSender(bot, timeout=1.0).send(GROUP, "Nuevo caso", ())
            assert time.monotonic() - started < 1.0 and later.value.after > 50
            assert api.calls_to("sendMessage") == []  # nothing sent past the group's limit


async def test_no_raw_chat_id_is_written_to_redis(replicas):
    await replicas[0].acquire(987654321)
    keys = [key.decode() async for key in replicas[0].client.scan_iter(f"{replicas[0].prefix}*")]
    assert keys and not any("987654321" in key for key in keys)


async def test_cards_are_judged_against_the_same_raised_rate_as_replies(replicas):
    """TELEGRAM_MAX_RATE raised (paid broadcasts, the bench's 1,000): replies at 90 a second
    fill the shared overall window far past Telegram's default 30, and an alert Bot built
    with the default rate found that window always full, so cards waited behind replies
    (seen in the replica bench: a card retried for 37 s)."""
    from bot.channels.telegram.alerts import alert_bot
    from bot.channels.telegram.broadcasts import broadcast_bot

    client = replicas[0].client
    replies = SharedBudget(client, prefix=replicas[0].prefix, rate=1000)
    for n in range(90):
        assert await replies.wait_ms(5000 + n) <= 0
    for bot in (
        alert_bot("1:x", redis_url=REDIS_URL, rate=1000),
        broadcast_bot("1:x", redis_url=REDIS_URL, rate=1000),
    ):
        budget = bot.rate_limiter.budget
        assert budget.rate == 1000
        card = SharedBudget(client, prefix=replicas[0].prefix, rate=budget.rate)
        assert await card.wait_ms(GROUP, alert=True) <= 0
        await budget.client.close()
    held = SharedBudget(client, prefix=replicas[0].prefix)  # the default 30: what went wrong
    assert await held.wait_ms(GROUP - 1, alert=True) > 0


async def test_a_chats_sends_leave_in_the_order_they_first_asked_whichever_replica_asks(
    replicas,
):
    """Replies of two updates of one chat, held by its pace on two replicas: the one that
    asked first goes first even when the other asks first once the window frees (they
    once interleaved across replicas)."""
    first, second = replicas
    for _ in range(3):
        assert await first.wait_ms(55) <= 0  # the chat's burst is used
    assert await first.wait_ms(55, ticket="earlier") > 0
    await asyncio.sleep(0.01)  # asks in the same millisecond are in no order
    assert await second.wait_ms(55, ticket="later") > 0
    await asyncio.sleep(3.4)  # the window frees
    assert await second.wait_ms(55, ticket="later") > 0  # asks first, but waits its turn
    assert await first.wait_ms(55, ticket="earlier") <= 0
    assert await second.wait_ms(55, ticket="later") <= 0


async def test_a_send_given_up_or_left_by_a_dead_replica_does_not_hold_the_chat(replicas):
    first, second = replicas
    for _ in range(3):
        assert await first.wait_ms(56) <= 0
    for ticket in ("given up", "dead replica"):
        assert await first.wait_ms(56, ticket=ticket) > 0
        await asyncio.sleep(0.01)  # asks in the same millisecond are in no order
    assert await second.wait_ms(56, ticket="alive") > 0
    await first.forget(56, "given up")  # RetryLater, or cancelled: acquire forgets it
    await asyncio.sleep(3.4)
    assert await second.wait_ms(56, ticket="alive") > 0  # "dead replica" asked first
    await asyncio.sleep(4.5)  # it has not asked for twice the window and a second: gone
    assert await second.wait_ms(56, ticket="alive") <= 0


async def test_acquire_leaves_the_queue_when_it_gives_up(replicas):
    first, second = replicas
    for _ in range(3):
        assert await first.wait_ms(57) <= 0
    with pytest.raises(RetryLater):
        await first.acquire(57, max_wait=0.5)
    waiting = [key async for key in first.client.scan_iter(f"{first.prefix}queue:*")]
    assert [await first.client.zcard(key) for key in waiting] in ([], [0])


async def test_a_groups_sends_do_not_queue_behind_a_dead_replicas(replicas):
    """The protection group is not queued: a card another replica asked for and never sent
    (it died, leaving its place in the queue) does not hold the next card for the group's
    two-minute staleness; a private chat's next send waits its turn."""
    from bot.channels.telegram.budget import chat_key

    first, second = replicas
    for chat in (GROUP, 58):
        assert await first.wait_ms(chat, alert=True, ticket="dead replica's send") <= 0
        await first.client.zadd(f"{first.prefix}queue:{chat_key(chat)}", {"dead": 0})
        await first.client.zadd(
            f"{first.prefix}asked:{chat_key(chat)}", {"dead": 10**13}
        )  # asked "now", for ever
    await asyncio.wait_for(second.acquire(GROUP, alert=True), timeout=2)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(second.acquire(58), timeout=1)
