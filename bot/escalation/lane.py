"""The escalation lane: the relay running beside the bot, from start to shutdown.

It owns its own `telegram.Bot` (when on Telegram), so alerts never queue behind replies to
children. On stop it makes one last pass, so an alert committed just before shutdown is
not left waiting for the next start (it would be delivered then anyway).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot

from bot.escalation.relay import Relay

logger = logging.getLogger(__name__)


class EscalationLane:
    def __init__(self, relay: Relay, bot: Bot | None = None, idle: float = 1.0) -> None:
        self.relay = relay
        self.bot = bot
        self.idle = idle
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self.relay.wake()

    async def start(self) -> None:
        if self.bot is not None:
            await self.bot.initialize()
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self.relay.run(self._stop, idle=self.idle))

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
        try:
            await self.relay.deliver_due()
        except Exception as error:  # noqa: BLE001 - the next start delivers what is left
            logger.error("last relay pass failed (%s)", type(error).__name__)
        if self.bot is not None:
            await self.bot.shutdown()
