"""Outreach's tables: who asked for awareness messages, and the broadcasts sent to them.

`subscriptions` is the one place a child's raw chat id is kept outside an open case: a
table of its own, with nothing else in it, so that it can be read only to send and dropped
in one statement (/baja, /borrar, or a chat that blocked the bot).

`broadcast_deliveries` exists so that a broadcast stopped by a crash resumes without
sending twice: one row per subscriber snapshotted when the broadcast was created. It holds
no chat id (the chat id is read from `subscriptions` at send time) and lives only as long
as the broadcast runs: when it finishes, its rows are deleted and only the anonymous
totals on `broadcasts` stay.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text

from bot.storage.models import Base

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"


class Subscription(Base):
    """This pseudonym asked for awareness messages (/noticias), in this private chat (an
    opaque channel address, `bot.channels`)."""

    __tablename__ = "subscriptions"

    user = Column(String(64), primary_key=True)  # the child's pseudonym
    address = Column(String(64), nullable=False)
    since = Column(Date, nullable=False)


class Broadcast(Base):
    """One message sent by a facilitator to every subscriber (`python -m bot broadcast`).

    `text` is exactly what each child receives, so a resumed broadcast sends the same words.
    The counters are anonymous totals, kept after the per-subscriber rows are deleted.
    """

    __tablename__ = "broadcasts"

    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False, unique=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)
    finished_at = Column(DateTime)
    sent_count = Column(Integer, nullable=False, default=0)
    failed_count = Column(Integer, nullable=False, default=0)
    dropped_count = Column(Integer, nullable=False, default=0)  # blocked the bot: unsubscribed


class BroadcastDelivery(Base):
    """Where one subscriber stands in one unfinished broadcast.

    pending: not sent yet (`attempts` > 0 means an attempt was made and not settled: after a
    crash, the message that was in flight); sent: Telegram said ok; failed: Telegram refused
    it (400) or it kept failing; dropped: the chat blocked the bot, the subscription is gone.
    """

    __tablename__ = "broadcast_deliveries"

    broadcast_id = Column(
        Integer, ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    user = Column(String(64), primary_key=True, index=True)  # the child's pseudonym
    status = Column(String(8), nullable=False, default=PENDING)
    attempts = Column(Integer, nullable=False, default=0)
    sent_at = Column(DateTime)
