"""The schema, declared once; migrations/ turns it into tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base
from sqlalchemy.sql import true

if TYPE_CHECKING:
    from sqlalchemy import MetaData

    class Base:
        """What mypy sees of the declarative base: SQLAlchemy 1.4 ships no types, so
        declarative_base() is Any, and a class cannot be checked against an Any base."""

        metadata: MetaData

        def __init__(self, **columns: Any) -> None: ...

else:
    Base = declarative_base()


class ProcessedUpdate(Base):
    """Telegram update ids already handled.

    After a crash, polling hands back updates that were handled but not yet confirmed, and a
    webhook may deliver one twice; this table makes handling idempotent. An update id says
    nothing about a person. Rows older than Telegram's 24 h retention are pruned.
    """

    __tablename__ = "processed_updates"

    update_id = Column(BigInteger, primary_key=True, autoincrement=False)
    processed_at = Column(DateTime, nullable=False)  # when claimed, or marked if never claimed
    # False while a handler holds the claim (Database.claim); True once it has finished.
    done = Column(Boolean, nullable=False, server_default=true(), default=True)


class Escalation(Base):
    """A disclosure that a protection officer must see: one case.

    `excerpt` is the only message text the system keeps, because an officer needs it to act;
    it is deleted after the retention period. `contact_address` (the child's chat, as an opaque
    channel address) is the one raw id the system keeps: only while the case is open and only
    if the child asked to be contacted.
    """

    __tablename__ = "escalations"

    id = Column(Integer, primary_key=True)
    user = Column(String(64), nullable=False, index=True)  # the child's pseudonym
    created_at = Column(DateTime, nullable=False)
    urgency = Column(String(16), nullable=False)  # emergency | high
    category = Column(String(32), nullable=False)
    subject = Column(String(8), nullable=False)  # self | other | none
    age_band = Column(String(16))
    campaign = Column(String(64))
    excerpt = Column(Text)
    status = Column(String(16), nullable=False, default="open")  # open|taken|resolved|false_alarm
    child_confirmed = Column(Boolean)  # the child's answer to "¿Entendí bien?"
    contact_requested = Column(Boolean, nullable=False, default=False)
    contact_address = Column(String(64))  # an opaque channel address (bot.channels)
    resolved_at = Column(DateTime)
    # The child's pseudonym while this case takes their later disclosures (one open case per
    # child, bot.escalation.cases); unique, so two disclosures at once cannot open two cases.
    # NULL once closed or unlinked.
    open_for = Column(String(64), unique=True, index=True)

    @property
    def case_number(self) -> str:
        return f"VS-{self.id:06d}"


class OutboxMessage(Base):
    """A message to the protection contact, committed before the child is answered and
    deleted from the queue only once Telegram said ok (at-least-once delivery)."""

    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True)
    escalation_id = Column(
        Integer, ForeignKey("escalations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # alert|update|contact|contact_ended|message|reminder|fallback
    kind = Column(String(16), nullable=False)
    lane = Column(String(16), nullable=False, default="escalation")
    created_at = Column(DateTime, nullable=False)
    next_attempt_at = Column(DateTime, nullable=False, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    sent_at = Column(DateTime)
    failed_at = Column(DateTime)  # given up (400, or handed to the fallback contact)
    last_error = Column(String(200))  # the error's class and code, never message text
    # Only for kind "message": what the child wrote to the officer of an open case. Kept
    # until Telegram acknowledged it, then erased.
    body = Column(Text)


class AuditEntry(Base):
    """Append-only record of what happened to a case and who did it."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    escalation_id = Column(
        Integer, ForeignKey("escalations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at = Column(DateTime, nullable=False)
    actor = Column(String(64), nullable=False)  # "system" or an officer's pseudonym
    action = Column(String(32), nullable=False)


class Setting(Base):
    """Small facts learned at run time, e.g. the protection chat's id after Telegram
    migrated the group to a supergroup."""

    __tablename__ = "settings"

    key = Column(String(64), primary_key=True)
    value = Column(String(200), nullable=False)
