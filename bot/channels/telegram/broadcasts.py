"""Broadcasts on Telegram: the broadcast's own `Bot` and the `TelegramSender` that
bot.broadcasts' Broadcaster sends through.

Broadcasts never starve escalations. A broadcast sends through its own `telegram.Bot` (own
HTTP connection pool, no shared rate-limiter queue), normally from its own process, never
through the Application's bot that answers children or the relay's bot that carries alerts
to the protection officers. Telegram counts all three against one per-bot budget of about
30 messages a second: the default rate of 25 leaves the rest to the running bot, and a 429
makes the broadcast, not the alerts, wait it out.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.broadcasts.sending import Stopped
from bot.channels.telegram.limits import GLOBAL_PER_SECOND
from bot.i18n import _s

if TYPE_CHECKING:  # telegram is imported where it is used: `python -m bot` starts faster
    from telegram import Bot


def broadcast_bot(
    token: str,
    api_base_url: str | None = None,
    in_flight: int = 1,
    timeout: float = 10.0,
    redis_url: str | None = None,
    rate: float = GLOBAL_PER_SECOND,
) -> Bot:
    """A Bot for broadcasts only: room for `in_flight` sends and one more. With `redis_url`
    its sends also take slots from the budget the replicas share (outside the alerts'
    reserved share), on top of the broadcast's own Pacer; a 429 pauses every replica.
    `rate`: TELEGRAM_MAX_RATE, the rate every Bot on the budget is judged against."""
    from bot.channels.telegram.delivery import own_bot

    shared = None
    if redis_url:
        from bot.channels.telegram.budget import SharedBudget, SharedRateLimiter, client_for

        budget = SharedBudget(client_for(redis_url), rate=rate)
        shared = SharedRateLimiter(budget, max_retries=0)
    bot: Bot = own_bot(token, api_base_url, in_flight + 1, timeout, shared)
    return bot


class TelegramSender:
    """bot.broadcasts' Sender on a `telegram.Bot`: sends a text to an address
    ("telegram:<chat id>"). Each phase of a request may take `timeout` seconds, the whole send
    twice that; a failure is raised as bot.channels.delivery classifies it, without
    Telegram's text (it can quote the message). Other one-off sends to children (results
    back to them) build on this name and `send(address, text)`."""

    def __init__(self, bot: Bot, timeout: float = 10.0) -> None:
        self.bot = bot
        self.timeout = timeout

    async def send(self, to: str, text: str) -> None:
        """`to` is a subscriber's address; one this channel cannot send to (another
        channel's, or malformed) is `Rejected` without a request."""
        from telegram.error import InvalidToken, TelegramError

        from bot.channels.base import UnknownChannel
        from bot.channels.delivery import Rejected
        from bot.channels.telegram.address import chat_id as telegram_chat
        from bot.channels.telegram.delivery import classify, send_bounded

        try:
            chat_id = telegram_chat(to)
        except (UnknownChannel, ValueError):
            raise Rejected() from None
        try:
            await send_bounded(self.bot, chat_id, text, self.timeout)
        except InvalidToken:
            raise Stopped(
                _s("Telegram rechazó TELEGRAM_BOT_TOKEN (¿lo revocaron?); no se envió nada más")
            ) from None
        except (TelegramError, asyncio.TimeoutError) as error:
            raise classify(error) from None
