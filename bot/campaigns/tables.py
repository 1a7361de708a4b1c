"""The campaigns' tables: aggregate counters only, a participation marker (the pseudonym,
erased by /borrar) and a participation token (a keyed one-way token per campaign, kept after
/borrar), neither linked to any answer. There is no per-person answer row anywhere.

Counter keys (campaign, question, option, band):
  - (c, q, o, b): how many children of band b chose option o of question q
    (for a multiple-choice question, each chosen option counts once);
  - (c, q, "*", b): how many children of band b were shown question q and answered it
    (SKIP, "prefiero no responder", included);
  - (c, "*", "*", b): how many children of band b completed the campaign.
Each counter also holds `key`: the sum, modulo 256, of the random record keys of the
completions it counts (the cell-key perturbation, bot.campaigns.perturbation).

Results are published in numbered releases (bot.campaigns.releases): a release is a copy
of the counters, keys included, taken at a moment, and what is published is read from
the latest release only, never from the live counters.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, String

from bot.storage.models import Base

ANY = "*"


class AnswerCounter(Base):
    __tablename__ = "answer_counters"

    campaign = Column(String(64), primary_key=True)
    question = Column(String(64), primary_key=True)
    option = Column(String(64), primary_key=True)
    band = Column(String(8), primary_key=True)
    count = Column(Integer, nullable=False, default=0)
    key = Column(Integer, nullable=False, default=0)  # sum of record keys, modulo 256


class Release(Base):
    """A numbered publication of a campaign's results: when it was taken, how many
    completions the counters held then (to know when the next is due; never published),
    and whether it was taken because the campaign closed."""

    __tablename__ = "releases"

    campaign = Column(String(64), primary_key=True)
    number = Column(Integer, primary_key=True)  # 1, 2, ... per campaign
    taken_at = Column(DateTime, nullable=False)
    completions = Column(Integer, nullable=False)
    final = Column(Boolean, nullable=False, default=False)


class ReleaseCounter(Base):
    """The counters (count and key) a release publishes, per band; totals are derived."""

    __tablename__ = "release_counters"

    campaign = Column(String(64), primary_key=True)
    number = Column(Integer, primary_key=True)
    question = Column(String(64), primary_key=True)
    option = Column(String(64), primary_key=True)
    band = Column(String(8), primary_key=True)
    count = Column(Integer, nullable=False)
    key = Column(Integer, nullable=False)


class Participation(Base):
    """This pseudonym completed this campaign (so it is not counted twice). A date, no
    time, and nothing about what was answered."""

    __tablename__ = "participations"

    campaign = Column(String(64), primary_key=True)
    user = Column(String(64), primary_key=True)
    completed_on = Column(Date, nullable=False)


class ParticipationToken(Base):
    """Someone completed this campaign: a keyed one-way token of theirs for this campaign
    only (bot.privacy.Participant), so they are counted once even after /borrar.

    Only the campaign and the token: no pseudonym, no answer, no band, no date. It cannot
    be computed from the pseudonym, nor joined with another campaign's tokens, without the
    key and the raw Telegram id, which no table keeps. /borrar leaves it on purpose (it
    erases what names a person; this names no one, and erasing it would let anyone be
    counted again and again, which is how a hidden small count was read back). It is
    deleted when the campaign is past its last day and its results are read (nobody can
    take part any more), and by `rotate-key` (a new key makes every token unmatchable)."""

    __tablename__ = "participation_tokens"

    campaign = Column(String(64), primary_key=True)
    token = Column(String(64), primary_key=True)


class CampaignStatus(Base):
    """Facilitators open and close campaigns (`python -m bot campaigns open|close <id>`)."""

    __tablename__ = "campaign_status"

    campaign = Column(String(64), primary_key=True)
    status = Column(String(8), nullable=False)  # open | closed
    changed_at = Column(DateTime, nullable=False)


class ResultsRequest(Base):
    """A child who finished a survey asked to hear its results: where to write (the opaque
    address of their private chat), in which band's words, and after which release (the
    answer comes with the next one). Nothing of what they answered.

    Keyed by the pseudonym, not a keyed token: /borrar and /baja know only the pseudonym,
    and a token made from it with a key would link the same way while adding a key to
    rotate. The row adds no link to answers (there is no per-person answer anywhere) and
    only says what the participation marker already says (this pseudonym took part), plus
    the address, which is the point. It is deleted once the message is sent (or the chat
    blocked the bot), on /baja and on /borrar (bot.campaigns.feedback).

    `claimed_at`: when a sender (the running bot's results task on some replica, or
    `python -m bot feedback`) took this row to send it; another sender leaves it alone
    until the claim is CLAIM_LEASE old (bot.campaigns.feedback.ResultsRequests.claim).
    `rejections`: how many times Telegram refused its message with a 400 other than a block;
    at MAX_REJECTIONS the row is deleted (bot.campaigns.feedback.ResultsRequests.rejected)."""

    __tablename__ = "results_requests"

    campaign = Column(String(64), primary_key=True)
    user = Column(String(64), primary_key=True)
    address = Column(String(64), nullable=False)
    band = Column(String(8), nullable=False)
    after_release = Column(Integer, nullable=False)  # the latest release when asked (0: none)
    requested_on = Column(Date, nullable=False)
    claimed_at = Column(DateTime, nullable=True)  # None: no sender holds it
    rejections = Column(Integer, nullable=False, default=0, server_default="0")
