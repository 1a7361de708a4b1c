"""The rows of outreach: who subscribed (/noticias, /baja, /borrar) and the broadcasts with
their per-subscriber rows (`Outreach`), and the weekly promise a new broadcast must keep.

A subscription stores only what is needed to send: the pseudonym and the private chat's
opaque address, in `subscriptions`, a table with nothing else in it (bot/awareness/tables.py).
Nothing here logs or prints an address. The children are promised "nunca más de una vez por
semana", so a new broadcast may start only 7 days after the last one started or finished, and
only once every earlier broadcast has finished. When a broadcast finishes, its
per-subscriber rows are deleted; only its totals stay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from bot.awareness.tables import PENDING, Broadcast, BroadcastDelivery, Subscription
from bot.broadcasts.texts import BroadcastError, check_name
from bot.channels import is_private
from bot.i18n import _s

if TYPE_CHECKING:
    from bot.storage import Database

MIN_GAP = timedelta(days=7)  # "nunca más de una vez por semana"


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
        chat may subscribe (as the address's channel reads it; on Telegram a positive id): a
        group's members must never get a child's messages."""
        if not is_private(address):
            raise ValueError("only a private chat can subscribe")
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
        return int(subscriptions) + (int(deliveries) if deliveries_count else 0)

    def _today(self) -> date:
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
