"""The escalation lane: the relay running beside the bot, from start to shutdown.

It owns its own `telegram.Bot` (when on Telegram), so alerts never queue behind replies to
children. On stop it makes one last pass, so an alert committed just before shutdown is
not left waiting for the next start (it would be delivered then anyway).

With `timers`, the lane also checks every `timer_interval` seconds for cases nobody took in
time and queues their reminder or fallback card (`bot.escalation.timers`), then wakes the
relay. The timers keep nothing in memory, so a restart loses none of them.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot

from bot.escalation.relay import Relay
from bot.escalation.timers import Timers

logger = logging.getLogger(__name__)


class EscalationLane:
    def __init__(
        self,
        relay: Relay,
        bot: Bot | None = None,
        idle: float = 1.0,
        timers: Timers | None = None,
        timer_interval: float = 5.0,
    ) -> None:
        self.relay = relay
        self.bot = bot
        self.idle = idle
        self.timers = timers
        self.timer_interval = timer_interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._timer_task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self.relay.wake()

    async def start(self) -> None:
        if self.bot is not None:
            await self.bot.initialize()
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self.relay.run(self._stop, idle=self.idle))
        if self.timers is not None:
            self._timer_task = asyncio.create_task(self._run_timers(self._stop))

    async def stop(self) -> None:
        self._stop.set()
        for task in (self._timer_task, self._task):
            if task is not None:
                await task
        self._task = self._timer_task = None
        try:
            await self.relay.deliver_due()
        except Exception as error:  # noqa: BLE001 - the next start delivers what is left
            logger.error("last relay pass failed (%s)", type(error).__name__)
        if self.bot is not None:
            await self.bot.shutdown()

    async def check_timers(self) -> int:
        """One timers pass; wakes the relay when something was queued."""
        if self.timers is None:
            return 0
        queued = await asyncio.to_thread(self.timers.due)
        if queued:
            self.relay.wake()
        return queued

    async def _run_timers(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.check_timers()
            except Exception as error:  # noqa: BLE001 - the timers must outlive any failure
                # The class only: a database error's text can quote SQL parameters.
                logger.error("timers pass failed (%s); retrying", type(error).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.timer_interval)
            except asyncio.TimeoutError:
                pass
