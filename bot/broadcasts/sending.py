"""Sending one broadcast: the `Broadcaster` walks its pending rows through a `Sender`,
within the `Pacer`'s limits, and records each answer; `Tally` is where it stands.

The sender is a small protocol of this package: a channel (bot/channels/telegram/broadcasts.py
for Telegram) sends one text to one subscriber's address (opaque here: stored, passed on,
never taken apart) and raises one of bot.channels.delivery's failures, or `Stopped` when
nothing more can be sent. What a failure does to one message:

==============================  ===========================================================
`RetryLater` (429)              the whole broadcast waits `after` (Telegram's flood control
                                is per bot, not per chat), then retries it
`Refused` (403: blocked)        ``dropped``: the subscription is deleted
`ChatMoved` (400)               the subscription's address is updated; retried at once
`Rejected` (any other 400)      ``failed``
`Transient` (5xx, network)      retried after 1, 2, 4, 8 s; ``failed`` after 5 failures
`Stopped` (401/404 token)       the broadcast stops (left pending, resumable)
==============================  ===========================================================

Crashes. Each message is claimed (``attempts += 1``, committed) before it is sent, and its
status (sent, failed, dropped) is committed right after the channel answers. A broadcast
stopped at any point, even by kill -9, is resumed and sends only the messages still
``pending``. The one message in flight when the process died (claimed, possibly delivered,
not yet recorded) is the only one that can be sent twice. A network timeout that is retried
can repeat a message the same way. Setting the `stop` event is gentler: no new message is
started, the one in flight is recorded, and nothing is repeated on resume. Running two
processes on the same broadcast at once is not supported.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import delete, select, update

from bot.awareness.tables import (
    DROPPED,
    FAILED,
    PENDING,
    SENT,
    Broadcast,
    BroadcastDelivery,
    Subscription,
)
from bot.broadcasts.pacing import DEFAULT_RATE, TELEGRAM_RATE, Pacer
from bot.broadcasts.subscriptions import Outreach

if TYPE_CHECKING:
    from bot.storage import Database

logger = logging.getLogger(__name__)

MAX_MOVES = 3  # a chat migrates once (group -> supergroup); more means something is wrong


class Sender(Protocol):
    """Sends one text to one private chat, given by its address. Returns when it was
    delivered; raises a bot.channels.delivery failure (`RetryLater`, `ChatMoved`, `Refused`,
    `Rejected`, `Transient`) when it was not (`Rejected` for an address it cannot send to),
    and `Stopped` when nothing more can be sent."""

    async def send(self, to: str, text: str) -> None: ...


@dataclass
class Tally:
    """Where a broadcast stands, all runs together; counts only, never who."""

    total: int
    sent: int = 0
    dropped: int = 0
    failed: int = 0
    skipped: int = 0  # unsubscribed while the broadcast ran

    @property
    def done(self) -> int:
        return self.sent + self.dropped + self.failed + self.skipped


class Stopped(Exception):
    """The channel refused the bot itself mid-broadcast (Telegram: the token was revoked):
    nothing more can be sent. Its message is for the facilitator (staff catalog)."""


class Broadcaster:
    """Sends one broadcast's pending messages; see the module docstring.

    `in_flight` is how many sends may wait on Telegram at once. At 1 (the default) the
    crash promise is exact: at most one message can be repeated after a kill -9. More raises
    throughput on a slow link, and as many messages may then be repeated.
    """

    def __init__(
        self,
        database: Database,
        sender: Sender,
        *,
        rate: float = DEFAULT_RATE,
        in_flight: int = 1,
        clock: Callable[[], datetime] = datetime.utcnow,
        max_failures: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        on_progress: Callable[[Tally], None] | None = None,
    ) -> None:
        if not 0 < rate < TELEGRAM_RATE:
            raise ValueError(f"rate must be above 0 and below {TELEGRAM_RATE:g}")
        self.outreach = Outreach(database, clock)
        self.database = database
        self.sender = sender
        self.rate = rate
        self.in_flight = max(1, in_flight)
        self.clock = clock
        self.max_failures = max_failures
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.on_progress = on_progress or (lambda tally: None)
        self.pacer = Pacer(rate)

    async def run(self, broadcast_id: int, stop: asyncio.Event | None = None) -> Tally:
        """Send every pending message of the broadcast; finish it when none is left.
        Returns the totals of all runs. Once `stop` is set, no new message is started: the
        ones in flight are settled and the broadcast stays resumable. Raises `Stopped` if
        Telegram refused the token; cancelling it cancels the sends in flight."""
        info = self.outreach.info(broadcast_id)
        queue = self.outreach.pending(broadcast_id)
        tally = Tally(
            total=info.sent + info.failed + info.dropped + len(queue),
            sent=info.sent,
            failed=info.failed,
            dropped=info.dropped,
        )
        self.on_progress(tally)
        queue.reverse()  # pop() from the end: the stable order, first to last
        stop = stop if stop is not None else asyncio.Event()
        workers = [
            asyncio.create_task(self._work(broadcast_id, info.text, queue, tally, stop))
            for _ in range(min(self.in_flight, len(queue)))
        ]
        try:
            if workers:
                done, _ = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
                for task in done:
                    task.result()  # re-raise the first failure
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        self.outreach.finish(broadcast_id)  # only if nothing is left pending
        self.on_progress(tally)
        return tally

    async def _work(
        self, broadcast_id: int, text: str, queue: list[str], tally: Tally, stop: asyncio.Event
    ) -> None:
        while queue and not stop.is_set():
            user = queue.pop()
            outcome = await self._deliver(broadcast_id, user, text)
            if outcome == SENT:
                tally.sent += 1
            elif outcome == DROPPED:
                tally.dropped += 1
            elif outcome == FAILED:
                tally.failed += 1
            else:
                tally.skipped += 1
            self.on_progress(tally)

    async def _deliver(self, broadcast_id: int, user: str, text: str) -> str | None:
        """One subscriber's message, through every retry. Returns the status recorded, or
        None if the subscriber left (or the row was settled elsewhere)."""
        from bot.channels.delivery import ChatMoved, DeliveryError, Refused, Rejected, RetryLater

        failures = moves = 0
        while True:
            address = self._claim(broadcast_id, user)
            if address is None:
                return None
            await self.pacer.slot(address)
            try:
                await self.sender.send(address, text)
            except DeliveryError as error:
                match error:
                    case RetryLater(after=after):
                        logger.warning(
                            "broadcast %d: flood control, waiting %.0f s", broadcast_id, after
                        )
                        self.pacer.pause(after)
                        continue
                    case ChatMoved(new_address=new_address):
                        moves += 1
                        if moves > MAX_MOVES or not new_address:
                            return self._settle(broadcast_id, user, FAILED, address)
                        self._move(user, new_address)
                        continue
                    case Refused():
                        return self._settle(broadcast_id, user, DROPPED, address)
                    case Rejected():
                        return self._settle(broadcast_id, user, FAILED, address)
                # Transient (5xx, network errors, timeouts): the outcome is unknown; retry, capped.
                failures += 1
                logger.warning(
                    "broadcast %d: send failed (%s), attempt %d of %d",
                    broadcast_id,
                    error.code or type(error).__name__,
                    failures,
                    self.max_failures,
                )
                if failures >= self.max_failures:
                    return self._settle(broadcast_id, user, FAILED, address)
                delay = min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1))
                await asyncio.sleep(delay)
                continue
            return self._settle(broadcast_id, user, SENT, address)

    def _claim(self, broadcast_id: int, user: str) -> str | None:
        """Commit ``attempts += 1`` before sending and return the address to send to; None
        if the child unsubscribed (their row is deleted) or the row is no longer pending."""
        key = (BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.user == user)
        with self.database.session() as session:
            address = session.scalar(select(Subscription.address).where(Subscription.user == user))
            if address is None:
                session.execute(delete(BroadcastDelivery).where(*key))
                return None
            claimed = session.execute(
                update(BroadcastDelivery)
                .where(*key, BroadcastDelivery.status == PENDING)
                .values(attempts=BroadcastDelivery.attempts + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
        return address if claimed else None

    def _settle(self, broadcast_id: int, user: str, status: str, address: str) -> str:
        """Record Telegram's answer, in one transaction with the totals (and, for a chat
        that blocked the bot, the end of its subscription)."""
        counter = {
            SENT: Broadcast.sent_count,
            FAILED: Broadcast.failed_count,
            DROPPED: Broadcast.dropped_count,
        }[status]
        with self.database.session() as session:
            session.execute(
                update(BroadcastDelivery)
                .where(
                    BroadcastDelivery.broadcast_id == broadcast_id,
                    BroadcastDelivery.user == user,
                    BroadcastDelivery.status == PENDING,
                )
                .values(status=status, sent_at=self.clock() if status == SENT else None)
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id)
                .values({counter.key: counter + 1})
                .execution_options(synchronize_session=False)
            )
            if status == DROPPED:
                session.execute(
                    delete(Subscription).where(
                        Subscription.user == user,
                        Subscription.address == address,
                    )
                )
        return status

    def _move(self, user: str, new_address: str) -> None:
        with self.database.session() as session:
            session.execute(
                update(Subscription)
                .where(Subscription.user == user)
                .values(address=new_address)
                .execution_options(synchronize_session=False)
            )
