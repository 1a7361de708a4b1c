"""How the relay's cards reach the protection officers: the `AlertSender` protocol, the
Telegram one on the relay's own Bot (`alert_bot`, `TelegramAlertSender`), and the terminal
one that prints the card for the operator when no protection chat is configured. A failure
is raised as bot.delivery names it, never with Telegram's text."""

from __future__ import annotations

import asyncio
import sys
from typing import Protocol, TextIO

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.delivery import classify, own_bot
from bot.escalation.cards import Buttons
from bot.i18n import N_, _s


class AlertSender(Protocol):
    async def send(self, chat_id: int, text: str, buttons: Buttons) -> None:
        """Deliver one card; return only once the chat has it, else raise a DeliveryError."""


def alert_bot(token: str, api_base_url: str | None = None, timeout: float = 5.0) -> Bot:
    """The relay's own Bot (`bot.delivery.own_bot`): use it inside ``async with``."""
    bot: Bot = own_bot(token, api_base_url, 4, timeout)
    return bot


class TelegramAlertSender:
    """Sends cards with a `telegram.Bot`; a failure is raised as a `bot.delivery` error.

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
        t = self.timeout
        try:
            await asyncio.wait_for(
                self.bot.send_message(
                    chat_id=chat_id,
                    text=text,
                    reply_markup=markup,
                    connect_timeout=t,
                    write_timeout=t,
                    read_timeout=t,
                    pool_timeout=t,
                ),
                timeout=2 * t,
            )
        except (TelegramError, asyncio.TimeoutError) as error:
            # `from None`: a PTB error's text may quote Telegram's description; drop it.
            raise classify(error) from None


class TerminalAlertSender:
    """Terminal mode (no protection chat configured): prints the card for the operator."""

    FRAME = N_("=== ALERTA PARA PROTECCIÓN ===")

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    async def send(self, chat_id: int, text: str, buttons: Buttons) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        labels = "  ".join(f"[{label}]" for row in buttons for label, _data in row)
        frame = _s(self.FRAME)
        stream.write(f"\n{frame}\n{text}\n{labels}\n{'=' * len(frame)}\n")
        stream.flush()
