"""Concurrent handling of updates, in order within each chat; and updates that cannot be
read are skipped, not retried forever.

python-telegram-bot handles updates one at a time by default. Then a child's disclosure
waits behind every other child's replies, which the rate limiter paces at Telegram's
30 messages/s (the benchmark measured 35 s at p95 with 50 children). With this processor
different chats are handled at once, so a disclosure is triaged and its case committed
as soon as it arrives, while the messages of one chat keep their order.

Under several replicas (issue 16) the processor also holds the chat's lock shared by every
replica (`bot.storage.chatlock.ChatLocks`, set by `across_replicas`) while it handles the
update and until the replies it queued are sent (`settle`, for at most SETTLE_FOR): so
whichever replica receives a chat's next update, it is handled after this one, and its
replies follow this one's unless they took longer than SETTLE_FOR to leave (a rate-limit
backlog), when holding on would keep the chat from the other replicas for too long.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor, ExtBot

from bot.storage.chatlock import ChatLocks, LocalLocks

logger = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 256
SETTLE_FOR = 2.0  # seconds a chat's shared lock waits for its replies to be sent


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # One lock per chat with updates in flight (dropped when the last one is done).
        self._locks = LocalLocks()
        self._shared: ChatLocks | None = None
        self._key: Callable[[int], str] = str
        self._settle: Callable[[int], Awaitable[None]] | None = None

    def across_replicas(
        self,
        locks: ChatLocks,
        key: Callable[[int], str],
        settle: Callable[[int], Awaitable[None]],
    ) -> None:
        """Hold `locks` for each chat (named by `key(chat id)`, its pseudonym) while an
        update is handled and until `settle(chat id)` says its replies are sent."""
        self._shared, self._key, self._settle = locks, key, settle

    # PTB marks process_update final (subclasses are to override do_process_update, which
    # runs inside a shared slot), but the chat's lock must be taken before the slot.
    async def process_update(  # type: ignore[misc]
        self, update: object, coroutine: Awaitable[Any]
    ) -> None:
        # The chat's lock first, the shared slots second: a chat that floods the bot waits
        # on its own lock and never holds slots that other chats' updates need.
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await super().process_update(update, coroutine)
            return
        async with self._locks.holding(chat.id):
            if self._shared is None:
                await super().process_update(update, coroutine)
                return
            async with self._shared.holding(self._key(chat.id)):
                await super().process_update(update, coroutine)
                if self._settle is not None:
                    await asyncio.wait(
                        [asyncio.ensure_future(self._settle(chat.id))], timeout=SETTLE_FOR
                    )

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


class ReadingBot(ExtBot[Any]):
    """An ExtBot whose polled updates are read one by one (see the module docstring)."""

    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        return [self.readable(raw) for raw in result]

    def readable(self, raw: Any) -> Any:
        """The raw update if python-telegram-bot can read it, else an empty one of its id."""
        try:
            Update.de_json(raw, self)
        except Exception as error:  # noqa: BLE001 - any failure: skip it, keep polling
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int):
                raise  # without an id polling cannot move past it anyway
            logger.warning("skipped an update that could not be read (%s)", type(error).__name__)
            return {"update_id": update_id}
        return raw
