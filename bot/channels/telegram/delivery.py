"""What a failed send to Telegram means: python-telegram-bot's errors read into the
channel-neutral failures of `bot.channels.delivery`, and the Bots that senders of their own
(the escalation relay, broadcasts) send through.

python-telegram-bot raises one exception per failure, in a hierarchy with traps: a
`BadRequest` is a `NetworkError`, a `ChatMigrated` is not a `BadRequest`, and
`RetryAfter.retry_after` is seconds or a timedelta depending on PTB_TIMEDELTA. `classify`
reads it once, here, into one of five failures that carry no Telegram text (its
description can quote the message):

==========================  ====================================================
`RetryLater` (429)          flood control: wait `after` seconds
`ChatMoved` (400)           the group became a supergroup: `new_chat_id`, `new_address`
`Refused` (403)             the bot was blocked, or removed from the chat
`Rejected` (400)            Telegram will never accept this request as it is
`Transient`                 5xx, network, timeout, anything else: the outcome is unknown
==========================  ====================================================

What to do about each is the sender's policy and stays with it: the relay
(bot.escalation.relay) delivers alerts at least once, a broadcast (bot.awareness.outreach)
at most once. Both send through a Bot of their own, made by `own_bot`.
"""

from __future__ import annotations

import asyncio
import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import BaseRateLimiter, ExtBot

from bot.channels.delivery import (
    ChatMoved,
    DeliveryError,
    Refused,
    Rejected,
    RetryLater,
    Transient,
)
from bot.channels.telegram.address import chat_address


def classify(error: Exception) -> DeliveryError:
    """The failure a PTB error (or an asyncio timeout around a send) stands for. Raise the
    result ``from None``: the PTB error's text must not travel with it."""
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():  # PTB 22: int-vs-timedelta deprecation notice
            warnings.simplefilter("ignore")
            after = error.retry_after
        return RetryLater(after.total_seconds() if isinstance(after, timedelta) else float(after))
    if isinstance(error, ChatMigrated):
        return ChatMoved(int(error.new_chat_id), chat_address(int(error.new_chat_id)))
    if isinstance(error, Forbidden):
        return Refused()
    if isinstance(error, BadRequest):  # a NetworkError subclass in PTB: must come before it
        return Rejected()
    if isinstance(error, (TimedOut, asyncio.TimeoutError)):
        return Transient("TimedOut")
    if isinstance(error, NetworkError):  # 5xx and connection failures
        return Transient("NetworkError")
    return Transient(type(error).__name__)  # InvalidToken, Conflict, ...


def own_bot(
    token: str,
    api_base_url: str | None,
    pool_size: int,
    timeout: float,
    shared: BaseRateLimiter[Any] | None = None,
) -> Bot:
    """A `telegram.Bot` with its own connection pool and no rate limiter queue, so what it
    sends never waits behind the replies to children. `api_base_url` is
    TELEGRAM_API_BASE_URL, the server root without "/bot". Use it inside ``async with``.
    Each phase of a request (connect, write, read, pool) may take `timeout` seconds.
    With several replicas, `shared` (budget.SharedRateLimiter) takes its sends' slots from the
    budget every replica shares, so together they stay within Telegram's limits."""
    from bot.channels.telegram.request import AiohttpRequest

    request = AiohttpRequest(
        connection_pool_size=pool_size,
        connect_timeout=timeout,
        read_timeout=timeout,
        write_timeout=timeout,
        pool_timeout=timeout,
    )
    # It never polls; without its own getUpdates request, Bot would build an httpx one.
    polling = AiohttpRequest(connection_pool_size=1)
    urls: dict[str, Any] = {}
    if api_base_url:
        root = api_base_url.rstrip("/")
        urls = {"base_url": f"{root}/bot", "base_file_url": f"{root}/file/bot"}
    if shared is not None:
        return ExtBot(
            token, request=request, get_updates_request=polling, rate_limiter=shared, **urls
        )
    return Bot(token, request=request, get_updates_request=polling, **urls)


async def send_bounded(
    bot: Bot, chat_id: int, text: str, timeout: float, markup: InlineKeyboardMarkup | None = None
) -> None:
    """One `sendMessage` from an `own_bot`: each phase of the request (connect, write, read,
    pool) may take `timeout` seconds and the whole send at most twice that, so a sender never
    waits longer than its lease. Failures are PTB's (or asyncio's timeout): `classify` them."""
    await asyncio.wait_for(
        bot.send_message(
            chat_id=chat_id,
            text=text,
            reply_markup=markup,
            connect_timeout=timeout,
            write_timeout=timeout,
            read_timeout=timeout,
            pool_timeout=timeout,
        ),
        timeout=2 * timeout,
    )
