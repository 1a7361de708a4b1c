"""The schema, declared once; migrations/ turns it into tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class ProcessedUpdate(Base):
    """Telegram update ids already handled.

    After a crash, polling hands back updates that were handled but not yet confirmed, and a
    webhook may deliver one twice; this table makes handling idempotent. An update id says
    nothing about a person. Rows older than Telegram's 24 h retention are pruned.
    """

    __tablename__ = "processed_updates"

    update_id = Column(BigInteger, primary_key=True, autoincrement=False)
    processed_at = Column(DateTime, nullable=False)
