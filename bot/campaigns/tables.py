"""The campaigns' tables: aggregate counters only, and a participation marker that is not
linked to any answer. There is no per-person answer row anywhere.

Counter keys (campaign, question, option, band):
  - (c, q, o, b): how many children of band b chose option o of question q
    (for a multiple-choice question, each chosen option counts once);
  - (c, q, "*", b): how many children of band b were shown question q and answered it
    (SKIP, "prefiero no responder", included);
  - (c, "*", "*", b): how many children of band b completed the campaign.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, String

from bot.storage.models import Base

ANY = "*"


class AnswerCounter(Base):
    __tablename__ = "answer_counters"

    campaign = Column(String(64), primary_key=True)
    question = Column(String(64), primary_key=True)
    option = Column(String(64), primary_key=True)
    band = Column(String(8), primary_key=True)
    count = Column(Integer, nullable=False, default=0)


class Participation(Base):
    """This pseudonym completed this campaign (so it is not counted twice). A date, no
    time, and nothing about what was answered."""

    __tablename__ = "participations"

    campaign = Column(String(64), primary_key=True)
    user = Column(String(64), primary_key=True)
    completed_on = Column(Date, nullable=False)


class CampaignStatus(Base):
    """Facilitators open and close campaigns (`python -m bot campaigns open|close <id>`)."""

    __tablename__ = "campaign_status"

    campaign = Column(String(64), primary_key=True)
    status = Column(String(8), nullable=False)  # open | closed
    changed_at = Column(DateTime, nullable=False)
