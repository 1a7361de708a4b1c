"""The results task: the running bot sends the children who asked for a campaign's results
their summary on its own once a release is published, without a facilitator running
`python -m bot feedback`.

It runs beside the bot (started and stopped with the Telegram channel:
bot.channels.telegram.application) and makes a pass when a completion took a release
(`wake`, called by bot.campaigns.survey.Surveys.on_release in this process) and every
`interval` seconds anyway (a release taken on another replica, a campaign that closed by
its date or by `campaigns close`, a send that failed). A pass, for each campaign of the
registry:
  - once the campaign has closed, does what reading its results does
    (bot.campaigns.results.published): takes the last release if one is due, so it comes
    out even if nobody reads the results, and past its last day deletes its participation
    tokens (bot.campaigns.releases.forget_participants). A release due by completions is
    taken by the completion itself;
  - if anyone is waiting for that campaign, sends the due requests through
    bot.campaigns.feedback.Notifier, the same code as the command: paced, each request
    claimed before it is sent, so two replicas (or a replica and the command) never send
    one twice, and deleted once sent (or once Telegram refused it with a 400 other than a
    block MAX_REJECTIONS times: a request that can never be sent is not retried for ever).

Only the Telegram channel runs it: only a private Telegram chat gives an address to write
back to (the terminal chat and groups are told so when they press the button), so there is
nothing the terminal chat could deliver.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.campaigns import results
from bot.campaigns.feedback import Notifier, ResultsRequests, Sender, Sent
from bot.logs import describe

if TYPE_CHECKING:
    from bot.campaigns.launch import CampaignRegistry
    from bot.storage import Database

logger = logging.getLogger(__name__)

DEFAULT_RATE = 5.0  # messages a second: a modest share of the bot's ~30 (broadcasts take 25)
DEFAULT_INTERVAL = 300.0  # seconds between passes when nothing wakes the task


class Connection(Protocol):
    """What the task opens before its first send and closes when stopped (a `telegram.Bot`
    of its own is one)."""

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...


class ResultsTask:
    """Sends the results back, in passes, until stopped."""

    def __init__(
        self,
        database: Database,
        registry: CampaignRegistry,
        sender: Sender,
        *,
        rate: float = DEFAULT_RATE,
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], datetime] | None = None,
        connection: Connection | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError("interval must be above 0 seconds")
        self.database = database
        self.registry = registry
        self.requests = ResultsRequests(database)
        self.clock = clock if clock is not None else registry.clock
        self.interval = interval
        self.connection = connection
        self._opened = connection is None
        self.notifier = Notifier(database, sender, rate=rate)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken: asyncio.Event | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    # -- one pass -------------------------------------------------------------------------

    async def run_once(self, stop: asyncio.Event | None = None) -> Sent:
        """One pass over every campaign; what it sent, summed (counts only)."""
        total = Sent(total=0)
        waiting = self.requests.pending_campaigns()
        for campaign_id in sorted(self.registry.ids()):
            if stop is not None and stop.is_set():
                break
            campaign = self.registry.get(campaign_id)
            if campaign is None:
                continue
            closed = self.registry.closed_for_release(campaign)
            if campaign_id not in waiting and not closed:
                continue  # its releases come with its completions
            # As when results are read: the release due at closing is taken (even if nobody
            # reads the results), and a campaign past its last day loses its tokens.
            published = results.published(self.database, campaign, self.clock(), closed)
            if campaign_id not in waiting:
                continue
            sent = await self.notifier.run(campaign, published, closed, stop)
            total.total += sent.total
            total.sent += sent.sent
            total.dropped += sent.dropped
            total.failed += sent.failed
            total.elsewhere += sent.elsewhere
            total.given_up += sent.given_up
        if total.sent or total.dropped or total.failed or total.given_up:
            logger.info(
                "results sent back: %d sent, %d blocked the bot, %d failed (tried again "
                "later), %d refused too often (dropped)",
                total.sent,
                total.dropped,
                total.failed,
                total.given_up,
            )
        return total

    # -- running beside the bot -----------------------------------------------------------

    def wake(self) -> None:
        """A release was taken: make a pass now. Safe from any thread; nothing before
        `start`."""
        loop, woken = self._loop, self._woken
        if loop is None or woken is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(woken.set)

    async def start(self) -> None:
        """Start the passes on the running event loop."""
        if self._task is not None:
            raise RuntimeError("the results task is already running")
        self._loop = asyncio.get_running_loop()
        self._woken, self._stop = asyncio.Event(), asyncio.Event()
        self._task = asyncio.create_task(self._serve(self._woken, self._stop))

    async def stop(self) -> None:
        """No new message after this; the one in flight finishes (its claim is kept only if
        the send itself is cut short)."""
        if self._task is None or self._stop is None:
            return
        self._stop.set()
        if self._woken is not None:
            self._woken.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=30)
        except asyncio.TimeoutError:  # a send stuck past its own timeouts: cut it short
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
        if self.connection is not None and self._opened:
            await self.connection.shutdown()
            self._opened = False

    async def _serve(self, woken: asyncio.Event, stop: asyncio.Event) -> None:
        while not stop.is_set():
            woken.clear()
            try:
                if not self._opened and self.connection is not None:
                    await self.connection.initialize()  # a network down: the next pass tries
                    self._opened = True
                await self.run_once(stop)
            except Exception as error:  # noqa: BLE001 - the next pass tries again; the bot goes on
                logger.error("results task pass failed: %s", describe(error))
            if stop.is_set():
                break
            try:
                await asyncio.wait_for(woken.wait(), timeout=self.interval)
            except asyncio.TimeoutError:
                pass
