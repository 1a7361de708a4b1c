"""The Telegram channel as the rest of the bot sends through it: `TelegramChannel`, the
`bot.channels.Channel` over a python-telegram-bot `Bot`, and `keyboard`, the one rendering of
a `Reply`'s buttons as Telegram inline buttons (the children's handlers use it too).

An address here is "telegram:<chat id>" (`address.py`); a `Sent` keeps the message id, so
the message can be edited later. A refused or failed request is raised as the
`bot.channels.delivery` failure `delivery.classify` reads it into, ``from None``: Telegram's
error text can quote the message and must not travel with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from bot.channels.base import Address, Limits, Sent
from bot.channels.telegram.address import CHANNEL, chat_id
from bot.channels.telegram.delivery import classify
from bot.channels.telegram.limits import CALLBACK_DATA_LIMIT, LIMITS
from bot.events import Button, Reply

T = TypeVar("T")


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    return markup(reply.buttons)


def markup(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Inline buttons for Telegram; None for none. Data over Telegram's limit is a bug."""
    if not buttons:
        return None
    for row in buttons:
        for button in row:
            if len(button.data.encode()) > CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {button.data!r}")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


class TelegramChannel:
    """`bot.channels.Channel` on a `telegram.Bot` (the Application's, so its sends share the
    rate limiter with the replies to children). With `timeout`, each phase of a request may
    take that many seconds and the whole request twice that; without, the Bot's defaults.

    `send` and `edit` raise `UnknownChannel` for another channel's address and ValueError for
    a malformed one, before anything is sent."""

    name: str = CHANNEL
    limits: Limits = LIMITS

    def __init__(self, bot: Bot, timeout: float | None = None) -> None:
        self.bot = bot
        self.timeout = timeout

    async def send(self, to: Address, reply: Reply) -> Sent:
        chat = chat_id(to)
        try:
            message = await self._wait(
                self.bot.send_message(
                    chat, reply.text, reply_markup=keyboard(reply), **self._phases()
                )
            )
        except (TelegramError, asyncio.TimeoutError) as error:
            raise classify(error) from None
        return Sent(to, str(message.message_id))

    async def edit(self, sent: Sent, reply: Reply) -> None:
        chat = chat_id(sent.address)
        try:
            await self._wait(
                self.bot.edit_message_text(
                    reply.text,
                    chat_id=chat,
                    message_id=int(sent.message),
                    reply_markup=keyboard(reply),
                    **self._phases(),
                )
            )
        except BadRequest as error:
            # Telegram refuses an edit to the same text and buttons: the message already
            # reads as asked, which is no failure.
            if "not modified" not in str(error).lower():
                raise classify(error) from None
        except (TelegramError, asyncio.TimeoutError) as error:
            raise classify(error) from None

    def _phases(self) -> dict[str, Any]:
        t = self.timeout
        if t is None:
            return {}
        return {"connect_timeout": t, "write_timeout": t, "read_timeout": t, "pool_timeout": t}

    async def _wait(self, call: Awaitable[T]) -> T:
        if self.timeout is None:
            return await call
        return await asyncio.wait_for(call, timeout=2 * self.timeout)
