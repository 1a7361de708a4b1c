"""Consent's tables. Dates, never times of day: a receipt proves assent was given, not when
a child was online."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, String, UniqueConstraint

from bot.storage.models import Base


class ConsentSession(Base):
    """Where a child is in the assent flow; deleted when the flow ends."""

    __tablename__ = "consent_sessions"

    user = Column(String(64), primary_key=True)  # pseudonym
    campaign = Column(String(64), nullable=False)
    step = Column(String(16), nullable=False)  # code | band | assent | question | decision
    band = Column(String(8))
    wrong_answers = Column(Integer, nullable=False, default=0)
    updated_on = Column(Date, nullable=False)


class ConsentReceipt(Base):
    """A child assented to a campaign under one version of the assent text."""

    __tablename__ = "consent_receipts"
    __table_args__ = (UniqueConstraint("user", "campaign", "text_version"),)

    id = Column(Integer, primary_key=True)
    user = Column(String(64), nullable=False, index=True)  # pseudonym
    campaign = Column(String(64), nullable=False)
    text_version = Column(String(16), nullable=False)
    band = Column(String(8), nullable=False)
    given_on = Column(Date, nullable=False)


class CodeAttempts(Base):
    """Wrong workshop codes, counted per child and campaign in a window.

    Keyed by a one-way token of (campaign, pseudonym), not by the pseudonym: `/borrar`
    deletes what is keyed by the pseudonym, and must not lift a block on guessing codes.
    A row is useless once its window is over and is deleted then (`ConsentFlow.code`)."""

    __tablename__ = "consent_code_attempts"

    token = Column("user", String(64), primary_key=True)  # attempts_token(); not the pseudonym
    campaign = Column(String(64), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    window_start = Column(DateTime, nullable=False)


class ChosenBand(Base):
    """The band a child chose at /start: conversation state with an expiry (consent.chosen).

    A table of its own, never a column beside an answer or a receipt: it says which words a
    child reads, not what they answered or agreed to."""

    __tablename__ = "chosen_bands"

    user = Column(String(64), primary_key=True)  # pseudonym
    band = Column(String(8), nullable=False)
    expires_at = Column(DateTime, nullable=False, index=True)
