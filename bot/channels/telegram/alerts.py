"""Alert cards on Telegram: the escalation relay's `AlertSender` and its own Bot.

The relay (`bot.escalation.relay`) decides when and where a card goes; this module only turns
one card into one `sendMessage` through a Bot that is not the Application's, and a failure
into a `bot.channels.delivery` error without Telegram's text.
"""

from __future__ import annotations

import asyncio

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.channels.telegram.delivery import classify, own_bot, send_bounded
from bot.channels.telegram.limits import GLOBAL_PER_SECOND
from bot.escalation.cards import Buttons


def alert_bot(
    token: str,
    api_base_url: str | None = None,
    timeout: float = 5.0,
    redis_url: str | None = None,
    rate: float = GLOBAL_PER_SECOND,
) -> Bot:
    """The relay's own Bot (`bot.channels.telegram.delivery.own_bot`): use it inside
    ``async with``. With `redis_url` (several replicas), its cards take slots from the shared
    budget's whole rate, the alerts' reserved share included, and wait at most `timeout` for
    one (then RetryLater: the relay's lease is short). `rate` is TELEGRAM_MAX_RATE, the same
    for every Bot on the budget: a card judged against 30 a second while replies go at 1,000
    found the shared window always full and was held back."""
    shared = None
    if redis_url:
        from bot.channels.telegram.budget import SharedBudget, SharedRateLimiter, client_for

        budget = SharedBudget(client_for(redis_url), rate=rate)
        shared = SharedRateLimiter(budget, max_retries=0, alert=True, max_wait=timeout)
    return own_bot(token, api_base_url, 4, timeout, shared)


class TelegramAlertSender:
    """Sends cards with a `telegram.Bot`; a failure is raised as a `bot.channels.delivery` error.

    Each phase of the request (connect, write, read, pool) may take `timeout` seconds and the
    whole send at most twice that, so a send never holds the relay longer than its lease.
    """

    def __init__(self, bot: Bot, timeout: float = 5.0) -> None:
        self.bot = bot
        self.timeout = timeout

    async def send(self, chat_id: int, text: str, buttons: Buttons) -> None:
        markup = (
            InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                    for row in buttons
                ]
            )
            if buttons
            else None
        )
        try:
            await send_bounded(self.bot, chat_id, text, self.timeout, markup)
        except (TelegramError, asyncio.TimeoutError) as error:
            # `from None`: a PTB error's text may quote Telegram's description; drop it.
            raise classify(error) from None
