"""One Telegram send budget for every replica of the bot, kept in Redis (REDIS_URL).

Telegram counts what the bot sends, not what each process sends: with two replicas each
pacing itself at 30 messages/s, the bot sends 60. Here every send first takes a slot from
windows shared in Redis, checked and taken in one Lua script (atomic: two replicas never
both take the last slot):

- overall: at most `rate` messages in any window of 1 s (TELEGRAM_MAX_RATE, 30);
- per chat (`bot.channels.telegram.limits`): a private chat at most PER_CHAT_BURST messages in
  any PER_CHAT_BURST seconds (about 1 a second, with the short bursts Telegram allows, so a
  reply of three messages is not spread over three seconds); a group 20 in any minute;
- a 429's `retry_after`, seen by any replica, pauses every replica (`pause`).

Alerts keep a reserved share: ordinary sends (replies, broadcasts) may use `rate - reserved`
of the overall window, alerts all of it, so a broadcast at full speed never holds a card back.
Windows are `1 + margin` times longer than Telegram's, and overall slots are evenly spaced
(SPACING_MARGIN), for the jitter between a slot and Telegram's clock. The clock is Redis's
own (TIME), the same for every replica.

Without REDIS_URL the in-process limiters stay (PTB's AIORateLimiter, the broadcast Pacer).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from redis import asyncio as aioredis
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.channels.delivery import RetryLater
from bot.channels.telegram.limits import (
    GLOBAL_PER_SECOND,
    PER_CHAT_BURST,
    PER_CHAT_PER_SECOND,
    PER_GROUP_PER_MINUTE,
    RESERVED_FOR_ALERTS,
)

logger = logging.getLogger(__name__)

MARGIN = 0.1
# Overall slots are also spaced evenly, `(1 + SPACING_MARGIN) / rate` apart: a window's whole
# allowance granted at once would leave as a burst, and a burst's sends reach Telegram spread
# by the replicas' event-loop lag, some landing in the next second beside the next burst.
SPACING_MARGIN = 0.2
# The Bot API methods that put a message in a chat: the ones Telegram's limits count.
SENDS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendAudio",
        "sendSticker",
        "sendLocation",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)

# KEYS: overall window, chat window, pause key, next overall slot, the chat's queue (by
# first ask), its members' last asks. ARGV: member, overall limit, overall window (ms), chat
# limit, chat window (ms), spacing of overall slots (ms), queued ("1": the member waits its
# turn in the chat's queue), how long a member may go without asking (ms).
# Returns a positive number of ms to wait before asking again (a window is full, a pause
# holds, or an earlier send to the chat goes first: nothing taken), or zero or less: the
# slot is taken, to be used in -n ms. A full window waits and asks again; the even spacing
# instead hands out the next free slot, in order, so many senders asking in one millisecond
# each ask once (asking again every millisecond for the spacing, they once made about 40
# calls per message). A queued member joins its chat's queue at its first ask and takes a
# slot only first in it: a chat's sends leave in the order they first asked, whichever
# replica asks (replies of two updates held by the chat's pace once interleaved). A member
# that has not asked for twice the chat's window and a second is dropped (its replica
# died: a live sender asks again within one window); one that asks after that (a long 429
# pause) joins again, at the back.
_TAKE = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local queued = ARGV[7] == '1'
if queued then
  local stale = tonumber(ARGV[8])
  for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', ms - stale)) do
    redis.call('ZREM', KEYS[5], gone)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', ms - stale)
  redis.call('ZADD', KEYS[5], 'NX', ms, ARGV[1])
  redis.call('ZADD', KEYS[6], ms, ARGV[1])
  redis.call('PEXPIRE', KEYS[5], stale)
  redis.call('PEXPIRE', KEYS[6], stale)
end
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > ms then return paused - ms end
local function wait(key, limit, window)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ms - window)
  local count = redis.call('ZCARD', key)
  if count < limit then return 0 end
  local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return math.max(tonumber(oldest[2]) + window - ms, 1)
end
local longest = math.max(wait(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3])),
                         wait(KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5])))
if longest > 0 then return math.ceil(longest) end
if queued and redis.call('ZRANGE', KEYS[5], 0, 0)[1] ~= ARGV[1] then return 5 end
if queued then
  redis.call('ZREM', KEYS[5], ARGV[1])
  redis.call('ZREM', KEYS[6], ARGV[1])
end
local at = math.max(tonumber(redis.call('GET', KEYS[4]) or '0'), ms)
redis.call('SET', KEYS[4], tostring(at + tonumber(ARGV[6])), 'PX', 10000)
-- Counted in the windows at the time it will be used (a reserved slot is never late by
-- more than the queue of slots before it).
redis.call('ZADD', KEYS[1], at, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3]) + at - ms))
redis.call('ZADD', KEYS[2], at, ARGV[1])
redis.call('PEXPIRE', KEYS[2], math.ceil(tonumber(ARGV[5]) + at - ms))
return -math.ceil(at - ms)
"""

# KEYS: pause key. ARGV: seconds (ms). Extends the pause, never shortens it.
_PAUSE = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local until_ms = ms + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then
  redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]) + 1000)
end
return until_ms - ms
"""


def chat_key(chat_id: int | str) -> str:
    """The chat's name in Redis: a short hash, so a raw Telegram id is never written there
    (the window holding it expires within seconds, a group's within about a minute)."""
    return hashlib.blake2b(str(chat_id).encode(), digest_size=8).hexdigest()


class SharedBudget:
    """The bot's Telegram budget in Redis; `prefix` namespaces its keys (one bot per prefix)."""

    def __init__(
        self,
        client: aioredis.Redis,
        prefix: str = "voz:telegram:",
        rate: float = GLOBAL_PER_SECOND,
        reserved: float = RESERVED_FOR_ALERTS,
        margin: float = MARGIN,
        spacing: float | None = SPACING_MARGIN,
    ) -> None:
        """`spacing`: overall slots at least `(1 + spacing) / rate` apart; None: windows only."""
        if rate <= reserved or reserved < 0:
            raise ValueError("the overall rate must be above the share reserved for alerts")
        self.client = client
        self.prefix = prefix
        self.rate = rate
        self.reserved = reserved
        self.stretch = 1 + margin
        self.spacing_ms = 0.0 if spacing is None else 1000 * (1 + spacing) / rate
        self._take = client.register_script(_TAKE)
        self._pause = client.register_script(_PAUSE)

    def limit_of(self, chat_id: int | str) -> tuple[int, int]:
        """(messages, window in ms) for one chat: private chats have positive ids."""
        if isinstance(chat_id, int) and chat_id > 0:
            return PER_CHAT_BURST, round(PER_CHAT_BURST * 1000 / PER_CHAT_PER_SECOND)
        return PER_GROUP_PER_MINUTE, 60_000

    async def wait_ms(
        self, chat_id: int | str, alert: bool = False, ticket: str | None = None
    ) -> int:
        """Take a slot for one message to `chat_id` if there is one: zero or less, the slot
        to be used in -n ms (the next evenly spaced one); else the ms until one could free
        up (a window full or a pause: nothing taken, ask again then). With a `ticket` (the
        same on every ask for one message), the message waits its turn among the chat's
        (see _TAKE); `forget` it if the message is given up."""
        overall = int(self.rate if alert else self.rate - self.reserved)
        chat_limit, chat_window = self.limit_of(chat_id)
        keys = [
            f"{self.prefix}overall",
            f"{self.prefix}chat:{chat_key(chat_id)}",
            f"{self.prefix}pause",
            f"{self.prefix}next",
            f"{self.prefix}queue:{chat_key(chat_id)}",
            f"{self.prefix}asked:{chat_key(chat_id)}",
        ]
        args = [
            ticket or uuid.uuid4().hex,
            overall,
            round(1000 * self.stretch),
            chat_limit,
            round(chat_window * self.stretch),
            self.spacing_ms,
            "1" if ticket else "0",
            round(2 * chat_window * self.stretch) + 1000,
        ]
        waited: int = await self._take(keys=keys, args=args)
        return waited

    async def forget(self, chat_id: int | str, ticket: str) -> None:
        """Leave the chat's queue: the message `ticket` asked for will not be sent now."""
        await self.client.zrem(f"{self.prefix}queue:{chat_key(chat_id)}", ticket)
        await self.client.zrem(f"{self.prefix}asked:{chat_key(chat_id)}", ticket)

    async def acquire(
        self, chat_id: int | str, alert: bool = False, max_wait: float | None = None
    ) -> None:
        """Wait for a slot, in a private chat's order, and until it is due. With `max_wait`, raise
        RetryLater instead of waiting longer for a window: a sender holding a lease (the
        alert relay) retries by its own policy."""
        # Only a child's private chat queues: reply order matters there, and a sender that
        # died holds it for seconds at most (twice its 3.3 s window and a second). A group
        # (the protection chat) does not: a dead replica's card would hold every other
        # replica's cards for two minutes.
        ticket = uuid.uuid4().hex if isinstance(chat_id, int) and chat_id > 0 else None
        waited = 0.0
        taken = False
        try:
            while True:
                wait = await self.wait_ms(chat_id, alert, ticket) / 1000
                if wait <= 0:
                    taken = True
                    if wait < 0:
                        await asyncio.sleep(-wait)  # the slot is taken: its time comes
                    return
                if max_wait is not None and waited + wait > max_wait:
                    raise RetryLater(wait)
                await asyncio.sleep(wait)
                waited += wait
        finally:
            if not taken and ticket is not None:
                # Given up (RetryLater, cancelled, Redis failed): the chat's later sends
                # must not wait behind it.
                try:
                    await self.forget(chat_id, ticket)
                except Exception as error:  # noqa: BLE001 - it drops out, unasked, soon
                    logger.warning("could not leave a chat's send queue (%s)", type(error).__name__)

    async def pause(self, seconds: float) -> None:
        """Nobody sends for `seconds` from now (Telegram's retry_after on a 429)."""
        if seconds > 0:
            await self._pause(keys=[f"{self.prefix}pause"], args=[round(seconds * 1000)])


class SharedRateLimiter(BaseRateLimiter[None]):
    """python-telegram-bot's rate limiter over a SharedBudget: the Application's Bot (replies
    to children, officers' words) takes its slots here; a 429 pauses every replica and the
    request is retried up to `max_retries` times, as PTB's AIORateLimiter does."""

    def __init__(
        self,
        budget: SharedBudget,
        max_retries: int = 3,
        alert: bool = False,
        max_wait: float | None = None,
    ) -> None:
        """`alert`: the sends may use the alerts' reserved share; `max_wait`: see
        SharedBudget.acquire."""
        self.budget = budget
        self.max_retries = max_retries
        self.alert = alert
        self.max_wait = max_wait

    async def initialize(self) -> None:
        """The Redis client connects on first use."""

    async def shutdown(self) -> None:
        await self.budget.client.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        counted = endpoint in SENDS and data.get("chat_id") is not None
        for attempt in range(self.max_retries + 1):
            if counted:
                await self.budget.acquire(data["chat_id"], self.alert, self.max_wait)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                after = error.retry_after
                seconds = after.total_seconds() if isinstance(after, timedelta) else float(after)
                await self.budget.pause(seconds)
                if attempt == self.max_retries:
                    raise
                logger.info("Telegram asked every replica to wait %.1f s", seconds)
                if not counted:
                    await asyncio.sleep(seconds)
        raise AssertionError("unreachable")  # the loop returns or raises


def client_for(url: str) -> aioredis.Redis:
    """A Redis client for REDIS_URL (connections are made on first use)."""
    return aioredis.Redis.from_url(url)


async def redis_ping(url: str) -> bool:
    """True if Redis at `url` answers PING (readiness)."""
    client = client_for(url)
    try:
        return bool(await client.ping())
    finally:
        await client.close()
