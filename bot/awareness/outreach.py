"""Outreach: occasional awareness messages to children who asked for them, and the
facilitator's broadcast that sends them (`python -m bot broadcast`).

The child's side (`Outreach`): /noticias subscribes, /baja unsubscribes, /borrar erases.
A subscription stores only what is needed to send: the pseudonym and the private chat's id,
in `subscriptions`, a table with nothing else in it (bot/awareness/tables.py). Nothing
here logs or prints a chat id.

The facilitator's side (`Broadcaster`, and `command` for the CLI): one message, a free
text, a lesson's invitation or a campaign's invitation, to every subscriber, each message
ending with how to stop (/baja). The children are promised "nunca más de una vez por
semana", so a new broadcast may start only 7 days after the last one started or finished,
and only once every earlier broadcast has finished.

Telegram's limits. Sends are spaced evenly, ``1.1 / rate`` seconds apart (``rate`` below
30, default 25), so no second holds more than ``rate`` messages even if the network bunches
requests up a little; two messages to one chat are at least 1.1 s apart. A 429 pauses the
whole broadcast for its ``retry_after`` (Telegram's flood control is per bot, not per
chat), then the same message is tried again.

Broadcasts never starve escalations. A broadcast sends through its own `telegram.Bot`
(own HTTP connection pool, no shared rate-limiter queue), normally from its own process,
never through the Application's bot that answers children or the relay's bot that carries
alerts to the protection officers. Telegram counts all three against one per-bot budget of
about 30 messages a second: the default rate of 25 leaves the rest to the running bot, and a
429 makes the broadcast, not the alerts, wait it out. On a day of heavy live traffic, pass
a lower ``--rate``.

What a failure does to one message:

==============================  ===========================================================
429 RetryAfter                  the whole broadcast waits `retry_after`, then retries it
403 Forbidden (blocked, kicked) ``dropped``: the subscription is deleted
400 ChatMigrated                the subscription's chat id is updated; retried at once
any other 400 BadRequest        ``failed``
network error, 5xx, timeout     retried after 1, 2, 4, 8 s; ``failed`` after 5 failures
401/404 InvalidToken            the broadcast stops (left pending, resumable)
==============================  ===========================================================

Crashes. Each message is claimed (``attempts += 1``, committed) before it is sent, and its
status (sent, failed, dropped) is committed right after Telegram answers. A broadcast
stopped at any point, even by kill -9, is resumed with ``--resume NAME`` and sends only
the messages still ``pending``. The one message in flight when the process died (claimed,
possibly delivered, not yet recorded) is the only one that can be sent twice: its child may
get it a second time. A network timeout that is retried can repeat a message the same way.
Ctrl-C (or SIGTERM) is gentler: no new message is started, the one in flight is recorded,
and nothing is repeated on resume; a second Ctrl-C stops at once, like a crash. Running two
processes on the same broadcast at once is not supported.

When a broadcast finishes, its per-subscriber rows are deleted; only its totals stay.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.awareness.tables import (
    DROPPED,
    FAILED,
    PENDING,
    SENT,
    Broadcast,
    BroadcastDelivery,
    Subscription,
)
from bot.channels.telegram import address as telegram_address
from bot.i18n import _, _s, _sn

if TYPE_CHECKING:  # telegram is imported where it is used: `python -m bot` starts faster
    from telegram import Bot

    from bot.settings import Settings
    from bot.storage import Database

logger = logging.getLogger(__name__)

# -- what the child reads -------------------------------------------------------------------

SUBSCRIBED = _(
    "Listo: le vamos a mandar mensajes de Voz Segura. 📬\n"
    "Son lecciones cortas para cuidarse e invitaciones a consultas. Llegan de vez en cuando, "
    "nunca más de una vez por semana.\n"
    "Solo guardamos lo que hace falta para escribirle aquí. Para no recibirlos más, escriba "
    "/baja cuando quiera."
)
ALREADY_SUBSCRIBED = _(
    "Ya le estamos enviando los mensajes de Voz Segura, de vez en cuando y nunca más de una "
    "vez por semana. Para dejar de recibirlos, escriba /baja."
)
UNSUBSCRIBED = _(
    "Listo, no le vamos a enviar más mensajes. Si cambia de opinión, escriba /noticias."
)
NOT_SUBSCRIBED = _(
    "Usted no está recibiendo mensajes de Voz Segura, así que no hay nada que quitar. Si "
    "quiere recibirlos de vez en cuando, escriba /noticias."
)
# /noticias where no private chat can be kept (a group, the terminal chat).
NOT_HERE = _(
    "Los mensajes de Voz Segura llegan solo a un chat privado con el bot en Telegram. "
    "Escríbame /noticias desde ahí."
)
# Ends every broadcast message: always a way out.
FOOTER = _("Para no recibir más mensajes como este, escriba /baja.")
LESSON_INVITATION = _(
    "📚 Hay una lección nueva en Voz Segura: «{title}».\n"
    "Para verla, escriba /start y toque «Aprender a cuidarme»."
)
CAMPAIGN_INVITATION = _(
    "🗣️ Hay una consulta nueva en Voz Segura: «{title}».\n"
    "Es anónima y puede salirse cuando quiera. Si quiere participar, toque aquí: {link}"
)

# -- limits -------------------------------------------------------------------------------

DEFAULT_RATE = 25.0  # messages a second, overall
TELEGRAM_RATE = 30.0  # Telegram's limit per bot; a broadcast must stay below it
PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat
MARGIN = 0.1  # sends are spaced 10% wider than the limits, for network jitter
MIN_GAP = timedelta(days=7)  # "nunca más de una vez por semana"
MAX_TEXT = 4096  # Telegram's limit, in UTF-16 code units
MAX_MOVES = 3  # a chat migrates once (group -> supergroup); more means something is wrong
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class BroadcastError(ValueError):
    """A broadcast cannot start; the message says why and what to do, in the staff language
    (what the facilitator reads: the staff catalog, like everything `command` prints)."""


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise BroadcastError(
            _s(
                "el nombre de envío {name} no sirve. Solución: de 1 a 64 letras, dígitos, '-', "
                "'_' o '.', empezando con una letra o un dígito"
            ).format(name=repr(name))
        )


def compose(body: str) -> str:
    """The message every subscriber receives: the body, then how to stop."""
    body = body.strip()
    if not body:
        raise BroadcastError(
            _s("el mensaje está en blanco. Solución: escriba algunas palabras en --text")
        )
    text = f"{body}\n\n{FOOTER}"
    if _utf16_len(text) > MAX_TEXT:
        raise BroadcastError(
            _s(
                "el mensaje tiene {count} caracteres con la línea de /baja; Telegram permite "
                "{limit}. Solución: acórtelo"
            ).format(count=_utf16_len(text), limit=MAX_TEXT)
        )
    return text


# -- subscriptions and broadcasts in the database --------------------------------------------


@dataclass(frozen=True)
class BroadcastInfo:
    id: int
    name: str
    text: str
    created_at: datetime
    finished_at: datetime | None
    sent: int
    failed: int
    dropped: int
    pending: int  # rows still pending (0 once finished)


class Outreach:
    """Subscriptions (/noticias, /baja, /borrar) and the broadcasts' rows. `clock` returns
    naive UTC, like the rest of the bot."""

    def __init__(self, database: Database, clock: Callable[[], datetime] = datetime.utcnow) -> None:
        self.database = database
        self.clock = clock

    # -- the child's commands ---------------------------------------------------------------

    def subscribe(self, user: str, address: str) -> bool:
        """/noticias: True if subscribed now, False if already subscribed. Only a private
        chat may subscribe (a positive id): a group's members must never get a child's
        messages."""
        if not telegram_address.is_private(address):
            raise ValueError("only a private chat (positive chat id) can subscribe")
        try:
            with self.database.session() as session:
                row = session.get(Subscription, user)
                if row is not None:
                    row.address = address  # unchanged for a private chat; kept current
                    return False
                session.add(Subscription(user=user, address=address, since=self._today()))
        except IntegrityError:  # the same child's second /noticias, at the same moment
            return False
        return True

    def unsubscribe(self, user: str) -> bool:
        """/baja: False if there was nothing to remove. Rows of running broadcasts go too,
        so nothing more is sent and nothing stays keyed by the pseudonym."""
        return self._remove(user) > 0

    def erase(self, user: str) -> int:
        """/borrar: every outreach row keyed by this pseudonym. Returns how many."""
        return self._remove(user, deliveries_count=True)

    def is_subscribed(self, user: str) -> bool:
        with self.database.session() as session:
            return session.get(Subscription, user) is not None

    def subscriber_count(self) -> int:
        with self.database.session() as session:
            return session.scalar(select(func.count()).select_from(Subscription)) or 0

    def _remove(self, user: str, deliveries_count: bool = False) -> int:
        with self.database.session() as session:
            subscriptions = session.execute(
                delete(Subscription).where(Subscription.user == user)
            ).rowcount
            deliveries = session.execute(
                delete(BroadcastDelivery).where(BroadcastDelivery.user == user)
            ).rowcount
        return subscriptions + (deliveries if deliveries_count else 0)

    def _today(self):  # type: ignore[no-untyped-def]
        return self.clock().date()

    # -- broadcasts -----------------------------------------------------------------------

    def find(self, name: str) -> BroadcastInfo | None:
        with self.database.session() as session:
            row = session.scalar(select(Broadcast).where(Broadcast.name == name))
            return self._info(session, row) if row is not None else None

    def names(self, limit: int = 5) -> list[str]:
        """The latest broadcasts' names, newest first (for error messages)."""
        with self.database.session() as session:
            return list(
                session.scalars(
                    select(Broadcast.name).order_by(Broadcast.created_at.desc()).limit(limit)
                )
            )

    def check_can_start(self) -> None:
        """Raise BroadcastError unless a new broadcast may start now: every earlier one
        finished, and the last one started or finished at least 7 days ago."""
        with self.database.session() as session:
            unfinished = session.scalar(
                select(Broadcast.name).where(Broadcast.finished_at.is_(None)).limit(1)
            )
            if unfinished is not None:
                raise BroadcastError(
                    _s(
                        "el envío '{name}' no ha terminado. Solución: termínelo primero con "
                        "`python -m bot broadcast --resume {name}`"
                    ).format(name=unfinished)
                )
            last = session.execute(
                select(Broadcast.name, Broadcast.created_at, Broadcast.finished_at)
                .order_by(Broadcast.created_at.desc())
                .limit(1)
            ).first()
        if last is None:
            return
        ended = max(last.created_at, last.finished_at or last.created_at)
        allowed = ended + MIN_GAP
        if self.clock() < allowed:
            raise BroadcastError(
                _s(
                    "el último envío ('{name}') terminó el {ended} UTC, y a las personas "
                    "suscritas se les prometió como máximo un mensaje por semana. Solución: "
                    "espere hasta el {allowed} UTC"
                ).format(
                    name=last.name,
                    ended=f"{ended:%Y-%m-%d %H:%M}",
                    allowed=f"{allowed:%Y-%m-%d %H:%M}",
                )
            )

    def create(self, name: str, text: str) -> BroadcastInfo:
        """A new broadcast to every current subscriber (one pending row each); those who
        subscribe later are not included. Checks `check_can_start` and the name."""
        check_name(name)
        self.check_can_start()
        try:
            with self.database.session() as session:
                if session.scalar(select(Broadcast.id).where(Broadcast.name == name)):
                    raise BroadcastError(
                        _s(
                            "ya existe un envío llamado '{name}'. Solución: escoja otro --name, "
                            "o use `--resume {name}` para terminar ese"
                        ).format(name=name)
                    )
                row = Broadcast(
                    name=name,
                    text=text,
                    created_at=self.clock(),
                    sent_count=0,
                    failed_count=0,
                    dropped_count=0,
                )
                session.add(row)
                session.flush()
                users = list(session.scalars(select(Subscription.user)))
                session.add_all(
                    BroadcastDelivery(broadcast_id=row.id, user=user, status=PENDING, attempts=0)
                    for user in users
                )
                session.flush()
                return self._info(session, row)
        except IntegrityError:  # another process created one with this name just now
            raise BroadcastError(
                _s("ya existe un envío llamado '{name}'. Solución: escoja otro --name").format(
                    name=name
                )
            ) from None

    def pending(self, broadcast_id: int) -> list[str]:
        """The pseudonyms still to send to, in a stable order."""
        with self.database.session() as session:
            return list(
                session.scalars(
                    select(BroadcastDelivery.user)
                    .where(
                        BroadcastDelivery.broadcast_id == broadcast_id,
                        BroadcastDelivery.status == PENDING,
                    )
                    .order_by(BroadcastDelivery.user)
                )
            )

    def finish(self, broadcast_id: int) -> bool:
        """Mark the broadcast finished and delete its per-subscriber rows, if none is
        pending; False (and nothing changed) otherwise."""
        with self.database.session() as session:
            left = session.scalar(
                select(func.count())
                .select_from(BroadcastDelivery)
                .where(
                    BroadcastDelivery.broadcast_id == broadcast_id,
                    BroadcastDelivery.status == PENDING,
                )
            )
            if left:
                return False
            session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.finished_at.is_(None))
                .values(finished_at=self.clock())
            )
            session.execute(
                delete(BroadcastDelivery).where(BroadcastDelivery.broadcast_id == broadcast_id)
            )
        return True

    def info(self, broadcast_id: int) -> BroadcastInfo:
        with self.database.session() as session:
            row = session.get(Broadcast, broadcast_id)
            assert row is not None
            return self._info(session, row)

    @staticmethod
    def _info(session: Any, row: Broadcast) -> BroadcastInfo:
        pending = session.scalar(
            select(func.count())
            .select_from(BroadcastDelivery)
            .where(BroadcastDelivery.broadcast_id == row.id, BroadcastDelivery.status == PENDING)
        )
        return BroadcastInfo(
            id=row.id,
            name=row.name,
            text=row.text,
            created_at=row.created_at,
            finished_at=row.finished_at,
            sent=row.sent_count,
            failed=row.failed_count,
            dropped=row.dropped_count,
            pending=pending or 0,
        )


# -- pacing ------------------------------------------------------------------------------


class Pacer:
    """Grants send slots: evenly spaced overall (``(1 + margin) / rate`` apart), at least
    ``per_chat * (1 + margin)`` apart in one chat, and none during a 429 pause.

    Slots are granted one at a time, in order; a sender waiting for its chat or a pause
    holds up the ones behind it, which is what a pause is for. Chat ids live only in memory
    here, for the length of one run.
    """

    def __init__(
        self,
        rate: float,
        per_chat: float = PER_CHAT_INTERVAL,
        margin: float = MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < rate:
            raise ValueError("rate must be above 0")
        self.interval = (1 + margin) / rate
        self.per_chat = per_chat * (1 + margin)
        self.clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._last: dict[int, float] = {}
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Grant nothing for `seconds` from now (Telegram's retry_after)."""
        self._paused_until = max(self._paused_until, self.clock() + max(seconds, 0.0))

    async def slot(self, chat_id: int) -> None:
        async with self._lock:
            while True:
                now = self.clock()
                last = self._last.get(chat_id)
                ready = max(
                    self._next,
                    self._paused_until,
                    last + self.per_chat if last is not None else 0.0,
                )
                if ready <= now:
                    break
                await asyncio.sleep(ready - now)
            self._next = now + self.interval
            self._last[chat_id] = now


# -- sending -------------------------------------------------------------------------------


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
    """Telegram refused the token mid-broadcast: nothing more can be sent."""


def broadcast_bot(
    token: str, api_base_url: str | None = None, in_flight: int = 1, timeout: float = 10.0
) -> Bot:
    """A Bot for broadcasts only: room for `in_flight` sends and one more."""
    from bot.delivery import own_bot

    return own_bot(token, api_base_url, in_flight + 1, timeout)


class Broadcaster:
    """Sends one broadcast's pending messages; see the module docstring.

    `in_flight` is how many sends may wait on Telegram at once. At 1 (the default) the
    crash promise is exact: at most one message can be repeated after a kill -9. More raises
    throughput on a slow link, and as many messages may then be repeated.
    """

    def __init__(
        self,
        database: Database,
        bot: Bot,
        *,
        rate: float = DEFAULT_RATE,
        in_flight: int = 1,
        clock: Callable[[], datetime] = datetime.utcnow,
        max_failures: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        timeout: float = 10.0,
        on_progress: Callable[[Tally], None] | None = None,
    ) -> None:
        if not 0 < rate < TELEGRAM_RATE:
            raise ValueError(f"rate must be above 0 and below {TELEGRAM_RATE:g}")
        self.outreach = Outreach(database, clock)
        self.database = database
        self.bot = bot
        self.rate = rate
        self.in_flight = max(1, in_flight)
        self.clock = clock
        self.max_failures = max_failures
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.timeout = timeout
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
        from telegram.error import InvalidToken, TelegramError

        from bot.delivery import ChatMoved, Refused, Rejected, RetryLater, classify

        failures = moves = 0
        while True:
            chat_id = self._claim(broadcast_id, user)
            if chat_id is None:
                return None
            await self.pacer.slot(chat_id)
            t = self.timeout
            try:
                await asyncio.wait_for(
                    self.bot.send_message(
                        chat_id=chat_id,
                        text=text,
                        connect_timeout=t,
                        write_timeout=t,
                        read_timeout=t,
                        pool_timeout=t,
                    ),
                    timeout=2 * t,
                )
            except InvalidToken:
                raise Stopped(
                    _s("Telegram rechazó TELEGRAM_BOT_TOKEN (¿lo revocaron?); no se envió nada más")
                ) from None
            except (TelegramError, asyncio.TimeoutError) as error:
                match classify(error):
                    case RetryLater(after=after):
                        logger.warning(
                            "broadcast %d: flood control, waiting %.0f s", broadcast_id, after
                        )
                        self.pacer.pause(after)
                        continue
                    case ChatMoved(new_chat_id=new_chat_id):
                        moves += 1
                        if moves > MAX_MOVES:
                            return self._settle(broadcast_id, user, FAILED, chat_id)
                        self._move(user, new_chat_id)
                        continue
                    case Refused():
                        return self._settle(broadcast_id, user, DROPPED, chat_id)
                    case Rejected():
                        return self._settle(broadcast_id, user, FAILED, chat_id)
                # Transient (5xx, network errors, timeouts): the outcome is unknown; retry, capped.
                failures += 1
                logger.warning(
                    "broadcast %d: send failed (%s), attempt %d of %d",
                    broadcast_id,
                    type(error).__name__,
                    failures,
                    self.max_failures,
                )
                if failures >= self.max_failures:
                    return self._settle(broadcast_id, user, FAILED, chat_id)
                delay = min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1))
                await asyncio.sleep(delay)
                continue
            return self._settle(broadcast_id, user, SENT, chat_id)

    def _claim(self, broadcast_id: int, user: str) -> int | None:
        """Commit ``attempts += 1`` before sending and return the chat id to send to; None
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
        return telegram_address.chat_id(address) if claimed else None

    def _settle(self, broadcast_id: int, user: str, status: str, chat_id: int) -> str:
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
                        Subscription.address == telegram_address.chat_address(chat_id),
                    )
                )
        return status

    def _move(self, user: str, new_chat_id: int) -> None:
        with self.database.session() as session:
            session.execute(
                update(Subscription)
                .where(Subscription.user == user)
                .values(address=telegram_address.chat_address(new_chat_id))
                .execution_options(synchronize_session=False)
            )


class ProgressBar(logging.Filter):
    """``[#####.....] 120/500 enviados, 3 dados de baja`` (in the staff language) on one line
    of stderr, redrawn at most `every` seconds. Counts only: never a chat id or a pseudonym.

    As a logging filter on the handlers that print to the same terminal, it ends the bar's
    line before a log line, so the two never run together."""

    def __init__(self, stream: TextIO | None = None, width: int = 20, every: float = 0.2) -> None:
        super().__init__()
        self.stream = stream
        self.width = width
        self.every = every
        self._drawn_at: float | None = None
        self._line = ""
        self._open = False  # a bar is on screen with no newline after it

    def _out(self) -> TextIO:
        return self.stream if self.stream is not None else sys.stderr

    def __call__(self, tally: Tally) -> None:
        now = time.monotonic()
        final = tally.done >= tally.total
        if not final and self._drawn_at is not None and now - self._drawn_at < self.every:
            return
        filled = self.width * tally.done // tally.total if tally.total else self.width
        counts = [
            _s("{sent}/{total} enviados").format(sent=tally.sent, total=tally.total),
            _sn("{count} dado de baja", "{count} dados de baja", tally.dropped).format(
                count=tally.dropped
            ),
        ]
        if tally.failed:
            failed = _sn("{count} fallido", "{count} fallidos", tally.failed)
            counts.append(failed.format(count=tally.failed))
        if tally.skipped:
            skipped = _sn("{count} se dio de baja", "{count} se dieron de baja", tally.skipped)
            counts.append(skipped.format(count=tally.skipped))
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] " + ", ".join(counts)
        if line == self._line and self._open:
            return
        self._drawn_at, self._line, self._open = now, line, True
        self._out().write(f"\r{line}")
        self._out().flush()

    def filter(self, record: logging.LogRecord) -> bool:
        self.close()
        return True

    def close(self) -> None:
        """End the bar's line (before other output, and when done)."""
        if self._open:
            self._open = False
            self._out().write("\n")
            self._out().flush()


# -- what to send: a text, a lesson or a campaign ------------------------------------------


def _lesson_title(lesson_id: str) -> str:
    """The title of a lesson from bot.awareness.schema, loaded only when asked for."""
    try:
        schema = importlib.import_module("bot.awareness.schema")
    except ImportError as error:
        raise BroadcastError(
            _s(
                "las lecciones no están disponibles: no se puede importar bot.awareness.schema "
                "({error}). Solución: use --text o --campaign hasta que las lecciones estén "
                "instaladas"
            ).format(error=error)
        ) from None
    load = getattr(schema, "load_lessons", None)
    if load is None:
        raise BroadcastError(
            _s(
                "las lecciones no están disponibles: bot.awareness.schema no tiene "
                "load_lessons(). Solución: use --text o --campaign"
            )
        )
    try:
        lessons = load()
    except (ValueError, OSError) as error:  # the schema's own errors name file and line
        raise BroadcastError(
            _s("no se pueden leer las lecciones: {error}").format(error=error)
        ) from None
    if isinstance(lessons, Mapping):
        found = {str(key): value for key, value in lessons.items()}
    else:
        found = {str(getattr(lesson, "id", "")): lesson for lesson in lessons}
    lesson = found.get(lesson_id)
    if lesson is None:
        known = ", ".join(sorted(found)) or _s("ninguna")
        raise BroadcastError(
            _s(
                "lección desconocida '{lesson}'. Lecciones conocidas: {known}. Solución: use uno "
                "de estos ids"
            ).format(lesson=lesson_id, known=known)
        )
    title = getattr(lesson, "title", None)
    title = getattr(title, "default", title)  # a per-band wording: its default text
    if not isinstance(title, str) or not title.strip():
        raise BroadcastError(
            _s("la lección '{lesson}' no tiene un título para nombrarla en la invitación").format(
                lesson=lesson_id
            )
        )
    return title.strip()


def _campaign_invitation(
    campaign_id: str, settings: Settings, database: Database, clock: Callable[[], datetime]
) -> str:
    from bot.campaigns import schema
    from bot.campaigns.launch import (
        STATUS_WORDS,
        CampaignRegistry,
        deep_link,
        unknown_campaign_message,
    )

    try:
        campaigns = schema.load_campaigns(schema.CAMPAIGNS_DIR)
    except schema.CampaignError as error:
        raise BroadcastError(
            _s("no se pueden leer las consultas: {error}").format(error=error)
        ) from None
    campaign = campaigns.get(campaign_id)
    if campaign is None:
        raise BroadcastError(unknown_campaign_message(campaign_id, sorted(campaigns)))
    if not settings.telegram_bot_username:
        raise BroadcastError(
            _s(
                "la invitación necesita el enlace de la consulta, y no se conoce el nombre de "
                "usuario del bot. Solución: defina TELEGRAM_BOT_USERNAME (en .env o en el entorno)"
            )
        )
    registry = CampaignRegistry(database, clock=clock, campaigns=campaigns)
    if not registry.is_live(campaign):
        raise BroadcastError(
            _s(
                "la consulta '{campaign}' no está activa hoy (estado: {status}, fechas del "
                "{opens} al {closes}), así que su enlace no llevaría a ningún lado. Solución: "
                "ábrala con `python -m bot campaigns open {campaign}` un día dentro de sus fechas"
            ).format(
                campaign=campaign_id,
                status=_s(STATUS_WORDS[registry.status(campaign_id)]),
                opens=campaign.opens,
                closes=campaign.closes,
            )
        )
    if campaign.access_code:
        print(
            _s(
                "nota: la consulta '{campaign}' pide un código de acceso del taller; a las "
                "personas suscritas que no lo tengan se les va a pedir"
            ).format(campaign=campaign_id),
            file=sys.stderr,
        )
    link = deep_link(settings.telegram_bot_username, campaign.id)
    return CAMPAIGN_INVITATION.format(title=campaign.title, link=link)


def _source(
    args: argparse.Namespace,
    settings: Settings,
    database: Database,
    clock: Callable[[], datetime],
) -> tuple[str, str]:
    """The message body and a default broadcast name, from --text, --lesson or --campaign."""
    stamp = f"{clock():%Y%m%d-%H%M}"
    if args.text is not None:
        return args.text, f"text-{stamp}"
    if args.lesson is not None:
        title = _lesson_title(args.lesson)
        return LESSON_INVITATION.format(title=title), f"lesson-{args.lesson[:40]}-{stamp}"
    body = _campaign_invitation(args.campaign, settings, database, clock)
    return body, f"campaign-{args.campaign[:40]}-{stamp}"


# -- the command line: python -m bot broadcast ... ------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `broadcast` options, on the parser bot/cli.py made for them."""
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="send these words (a /baja line is added)")
    what.add_argument("--lesson", metavar="ID", help="invite to this lesson, by its title")
    what.add_argument("--campaign", metavar="ID", help="invite to this live campaign, with link")
    what.add_argument("--resume", metavar="NAME", help="finish a broadcast that was stopped")
    parser.add_argument("--name", help="name this broadcast (default: source and time)")
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help=f"messages a second, overall (default {DEFAULT_RATE:g}, below {TELEGRAM_RATE:g})",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be sent, to how many; send none"
    )


def command(
    args: argparse.Namespace,
    settings: Settings,
    clock: Callable[[], datetime] = datetime.utcnow,
) -> int:
    """Run `python -m bot broadcast`; returns the exit code (2: cannot start, 1: stopped)."""
    from bot import logs
    from bot.storage import Database

    if not 0 < args.rate < TELEGRAM_RATE:
        return _error(
            _s(
                "--rate {rate} no se permite: ponga una velocidad mayor que 0 y menor que {limit} "
                "mensajes por segundo (Telegram permite unos 30 para todo el bot; las respuestas "
                "y alertas del bot necesitan el resto). Valor por defecto: {default}"
            ).format(rate=f"{args.rate:g}", limit=f"{TELEGRAM_RATE:g}", default=f"{DEFAULT_RATE:g}")
        )
    if args.resume is not None and args.name is not None:
        return _error(
            _s("--name le pone nombre a un envío nuevo; --resume NOMBRE termina uno. Use solo uno")
        )
    if not args.dry_run and not settings.telegram_token:
        return _error(
            _s(
                "TELEGRAM_BOT_TOKEN no está definido: el envío lo hace el bot en Telegram. "
                "Solución: defina TELEGRAM_BOT_TOKEN (en .env o en el entorno), o use --dry-run"
            )
        )
    logs.configure(settings.log_level)
    database = Database(settings.database_url)
    database.migrate()
    outreach = Outreach(database, clock)
    try:
        if args.resume is not None:
            info = outreach.find(args.resume)
            if info is None:
                known = ", ".join(outreach.names()) or _s("ninguno todavía")
                raise BroadcastError(
                    _s("no hay ningún envío llamado '{name}'. Últimos envíos: {known}").format(
                        name=args.resume, known=known
                    )
                )
            if info.finished_at is not None:
                print(
                    _s("el envío '{name}' ya terminó: {summary}").format(
                        name=info.name, summary=_summary(info)
                    )
                )
                return 0
            if args.dry_run:
                print(
                    _sn(
                        "envío '{name}': falta {count} mensaje por enviar",
                        "envío '{name}': faltan {count} mensajes por enviar",
                        info.pending,
                    ).format(name=info.name, count=info.pending)
                )
                print(_dry_run(_duration(info.pending, args.rate)))
                return 0
            return _send(settings, database, outreach, args.rate, None, info, clock)
        body, default_name = _source(args, settings, database, clock)
        text = compose(body)
        name = args.name or default_name
        check_name(name)
        outreach.check_can_start()
        if outreach.find(name) is not None:
            raise BroadcastError(
                _s("ya existe un envío llamado '{name}'. Solución: escoja otro --name").format(
                    name=name
                )
            )
    except BroadcastError as error:
        return _error(str(error))
    if args.dry_run:
        count = outreach.subscriber_count()
        would = _sn(
            "el envío '{name}' mandaría este mensaje a {count} persona suscrita:",
            "el envío '{name}' mandaría este mensaje a {count} personas suscritas:",
            count,
        )
        print(would.format(name=name, count=count) + "\n")
        print(text)
        print("\n" + _dry_run(_duration(count, args.rate)))
        return 0
    return _send(settings, database, outreach, args.rate, (name, text), None, clock)


def _send(
    settings: Settings,
    database: Database,
    outreach: Outreach,
    rate: float,
    new: tuple[str, str] | None,
    info: BroadcastInfo | None,
    clock: Callable[[], datetime],
) -> int:
    """Open the broadcast's own Bot, create the broadcast if `new`, send, report."""
    from telegram.error import InvalidToken, TelegramError

    assert settings.telegram_token is not None
    bar = ProgressBar()
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(bar)
    started: list[BroadcastInfo] = [info] if info is not None else []

    async def send() -> Tally:
        bot = broadcast_bot(settings.telegram_token or "", settings.telegram_api_base_url)
        async with bot:  # getMe: a refused token or no network stops here, before any row
            if new is not None:
                started.append(outreach.create(*new))
            current = started[0]
            print(
                _sn(
                    "envío '{name}': {count} mensaje por enviar, a un máximo de {rate}/s. Si se "
                    "detiene, termínelo con: python -m bot broadcast --resume {name}",
                    "envío '{name}': {count} mensajes por enviar, a un máximo de {rate}/s. Si se "
                    "detiene, termínelo con: python -m bot broadcast --resume {name}",
                    current.pending,
                ).format(name=current.name, count=current.pending, rate=f"{rate:g}"),
                flush=True,
            )
            broadcaster = Broadcaster(database, bot, rate=rate, clock=clock, on_progress=bar)
            return await broadcaster.run(current.id, _interruptible())

    cannot_start = stopped = None
    try:
        tally = asyncio.run(send())
        if outreach.info(started[0].id).finished_at is None:
            stopped = _s("interrumpido (los mensajes en curso quedaron registrados)")
    except KeyboardInterrupt:
        stopped = _s("interrumpido")
    except BroadcastError as error:
        cannot_start = str(error)
    except InvalidToken:
        cannot_start = _s(
            "Telegram rechazó TELEGRAM_BOT_TOKEN. Solución: copie el token que le dio @BotFather"
        )
    except Stopped as error:
        stopped = str(error)
    except TelegramError as error:
        stopped = _s("no se puede conectar con Telegram ({kind})").format(kind=type(error).__name__)
    except SQLAlchemyError as error:
        # The class only: a database error's text quotes SQL parameters (chat ids).
        stopped = _s("error de la base de datos ({kind})").format(kind=type(error).__name__)
    finally:
        bar.close()
        for handler in handlers:
            handler.removeFilter(bar)
    if cannot_start is not None:
        return _error(cannot_start)
    if stopped is not None:
        return _stopped(started, stopped)
    final = outreach.info(started[0].id)
    print(
        _s("el envío '{name}' terminó: {summary}").format(name=final.name, summary=_summary(final))
    )
    if tally.skipped:
        print(
            _sn(
                "{count} se dio de baja durante el envío y no recibió nada",
                "{count} se dieron de baja durante el envío y no recibieron nada",
                tally.skipped,
            ).format(count=tally.skipped)
        )
    return 0


def _interruptible() -> asyncio.Event:
    """An event set by the first Ctrl-C (or SIGTERM): the broadcast then stops starting
    messages and records the ones in flight, so nothing is repeated on resume. A second
    Ctrl-C interrupts at once, like a crash."""
    import signal

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def first() -> None:
        stop.set()
        loop.remove_signal_handler(signal.SIGINT)
        loop.remove_signal_handler(signal.SIGTERM)

    try:
        loop.add_signal_handler(signal.SIGINT, first)
        loop.add_signal_handler(signal.SIGTERM, first)
    except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
        pass
    return stop


def _summary(info: BroadcastInfo) -> str:
    """ "3 enviados, 1 dado de baja (...), 0 fallidos": each count with its own noun."""
    sent = _sn("{count} enviado", "{count} enviados", info.sent)
    dropped = _sn(
        "{count} dado de baja (bloqueó el bot: se le quitó la suscripción)",
        "{count} dados de baja (bloquearon el bot: se les quitó la suscripción)",
        info.dropped,
    )
    failed = _sn("{count} fallido", "{count} fallidos", info.failed)
    return ", ".join(
        (
            sent.format(count=info.sent),
            dropped.format(count=info.dropped),
            failed.format(count=info.failed),
        )
    )


def _dry_run(duration: str) -> str:
    return _s("aproximadamente {duration}; no se envió nada (prueba sin enviar)").format(
        duration=duration
    )


def _duration(count: int, rate: float) -> str:
    seconds = count * (1 + MARGIN) / rate
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def _stopped(started: list[BroadcastInfo], why: str) -> int:
    if not started:
        return _error(_s("{why}; no se envió nada").format(why=why))
    name = started[0].name
    print(
        _s(
            "el envío '{name}' se detuvo: {why}. Lo enviado quedó registrado; termínelo con: "
            "python -m bot broadcast --resume {name}"
        ).format(name=name, why=why),
        file=sys.stderr,
    )
    return 1


def _error(message: str) -> int:
    print(_s("error: {error}").format(error=message), file=sys.stderr)
    return 2
