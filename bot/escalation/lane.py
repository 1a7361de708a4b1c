"""The escalation lane: the relay running beside the bot, from start to shutdown.

It owns the connection its sender uses (on Telegram, a `telegram.Bot` of its own: see
`bot.channels.telegram.alerts`) and runs on its own thread with its own event loop, so
alerts never queue behind replies to children: not in the rate limiter, and not in the
bot's event loop either, where under load hundreds of children's updates wait their turn
(measured: with one loop, a card took 8.5 s p50 from commit to Telegram at 66 messages/s).
The thread shares the interpreter with the bot, so it still gets CPU time every few
milliseconds however busy the bot is. On stop it makes one last pass, so an alert committed
just before shutdown is not left waiting for the next start (it would be delivered then
anyway).

With `timers`, the lane also checks every `timer_interval` seconds for cases nobody took in
time and queues their reminder or fallback card (`bot.escalation.timers`), then wakes the
relay. The timers keep nothing in memory, so a restart loses none of them.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Protocol

from bot.escalation.relay import Relay
from bot.escalation.timers import Timers

logger = logging.getLogger(__name__)


class Connection(Protocol):
    """What the lane opens before the first pass and closes after the last, on its own loop
    (a `telegram.Bot` is one)."""

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...


class EscalationLane:
    def __init__(
        self,
        relay: Relay,
        connection: Connection | None = None,
        idle: float = 1.0,
        timers: Timers | None = None,
        timer_interval: float = 5.0,
    ) -> None:
        self.relay = relay
        self.connection = connection
        self.idle = idle
        self.timers = timers
        self.timer_interval = timer_interval
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._failure: BaseException | None = None

    def wake(self) -> None:
        """Ask for a delivery pass now. Safe from any thread (the engine calls it from the
        bot's event loop right after committing a case)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self.relay.wake)
                return
            except RuntimeError:  # closed in between: the lane is stopping
                pass
        self.relay.wake()

    def alert_unrecorded(self, urgency: str, category: str) -> None:
        """An alert could not be recorded: send its minimal card (`Relay.send_unrecorded`)
        on the lane's loop. Safe from any thread; returns at once. With the lane stopped
        there is no connection to send with: the alert is counted lost."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                asyncio.run_coroutine_threadsafe(
                    self.relay.send_unrecorded(urgency, category), loop
                )
                return
            except RuntimeError:  # closed in between: the lane is stopping
                pass
        self.relay.unrecorded["alerts"] += 1
        self.relay.unrecorded["lost"] += 1
        logger.error(
            "unrecorded %s %s alert lost: the escalation lane is not running", urgency, category
        )

    async def start(self) -> None:
        """Start the lane's thread; returns once its connection is open (or raises what
        opening raised, e.g. a bad token)."""
        self._started.clear()
        self._failure = None
        self._thread = threading.Thread(target=self._main, name="escalation-lane", daemon=True)
        self._thread.start()
        await asyncio.to_thread(self._started.wait)
        if self._failure is not None:
            await asyncio.to_thread(self._thread.join)
            self._thread = None
            raise self._failure

    async def stop(self) -> None:
        """Stop the passes, make the last one, close the connection, and join the thread."""
        loop, stop, thread = self._loop, self._stop, self._thread
        if thread is None:
            return
        if loop is not None and stop is not None:
            loop.call_soon_threadsafe(stop.set)
        await asyncio.to_thread(thread.join)
        self._thread = None

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = stop = asyncio.Event()
        try:
            if self.connection is not None:
                await self.connection.initialize()
        except BaseException as error:  # noqa: BLE001 - handed to start(), which raises it
            self._failure = error
            self._started.set()
            return
        self._started.set()
        try:
            tasks = [asyncio.create_task(self.relay.run(stop, idle=self.idle))]
            if self.timers is not None:
                tasks.append(asyncio.create_task(self._run_timers(stop)))
            await asyncio.gather(*tasks)
            try:
                await self.relay.deliver_due()
            except Exception as error:  # noqa: BLE001 - the next start delivers what is left
                logger.error("last relay pass failed (%s)", type(error).__name__)
        finally:
            if self.connection is not None:
                await self.connection.shutdown()
            self._loop = None

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
