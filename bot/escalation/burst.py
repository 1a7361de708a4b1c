"""A burst of cards for one group: its budget of messages a minute, and when a summary goes.

Telegram takes about 20 messages a minute in a group. The relay (`bot.escalation.relay`)
counts its own sends per chat here (`GroupBudget`, a sliding minute) and, when more cards are
due than the minute allows, asks `to_list` which new cases one summary card should name now:

- only when some new case, not yet named, would otherwise wait past this minute's slots;
- not while an emergency is first in line and more than one slot remains: emergencies go
  with their own cards (and buttons) first; the last slot of the minute, or the first one
  after the emergencies, carries the summary;
- at most one summary in any minute, so summaries never starve the cases' own cards: 19
  cards and one summary a minute at worst. A slot frees at most a minute after any case
  opened while the group was full, and the summary's own slot a minute after it was sent,
  so every new case is named (its own card or a summary) within about a minute. The
  minute's summary is claimed in the database (`claim_summary`), so relays of several
  replicas, or a relay just restarted, send no second one within the minute and never list
  a case twice at once;
- every new case due and not yet listed, emergencies first (the claim order), so a case is
  listed in one summary only (`record_listed`: audit "summarised") and an emergency is never
  listed below a lower urgency.

Only due rows count: a row in backoff or leased by another relay is not this pass's to name.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case as sql_case
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.storage import AuditEntry, Escalation, OutboxMessage, Setting

MINUTE = timedelta(minutes=1)
SUMMARY_CASES = 300  # case numbers in one summary: about 3,300 characters, under 4096
LISTED = "summarised"  # the audit action of a case named in a summary
SUMMARY_AT = "protection_summary_at"  # Setting: when the last summary was taken (naive UTC)


class GroupBudget:
    """Messages sent to each role's chat in the last minute, as this process sent them (a
    restart forgets them; a 429's `retry_after` covers that). `per_minute` None: no limit."""

    def __init__(self, per_minute: float | None) -> None:
        self.per_minute = int(per_minute) if per_minute else None
        self._sends: dict[str, deque[datetime]] = {}

    def left(self, role: str, now: datetime) -> int | None:
        """How many more messages `role`'s chat takes in the minute up to `now`."""
        if self.per_minute is None:
            return None
        sends = self._sends.setdefault(role, deque())
        while sends and sends[0] <= now - MINUTE:
            sends.popleft()
        return max(self.per_minute - len(sends), 0)

    def spend(self, role: str, at: datetime) -> None:
        if self.per_minute is not None:
            self._sends.setdefault(role, deque()).append(at)


@dataclass(frozen=True)
class Due:
    """One due card for the protection chat, in the claim order."""

    case_id: int
    number: str
    urgency: str
    new: bool  # a new case's alert, not yet listed in a summary


def to_list(
    due: list[Due], budget: int | None, last_summary: datetime | None, now: datetime
) -> list[Due]:
    """The cases one summary sent now should name (see the module docstring); [] for none."""
    if budget is None or budget < 1 or len(due) <= budget:
        return []  # no limit, no slot, or every due card goes in this minute anyway
    if last_summary is not None and now - last_summary < MINUTE:
        return []
    if due[0].urgency == "emergency" and budget > 1:
        return []  # emergencies first, with their own cards and buttons
    if not any(card.new for card in due[budget:]):
        return []  # nobody new waits past this minute (e.g. only updates of known cases)
    return [card for card in due if card.new][:SUMMARY_CASES]


# The relay's claim order, which the summary must see the cards in: emergencies, then oldest.
CLAIM_ORDER = (
    sql_case((Escalation.urgency == "emergency", 0), else_=1),
    OutboxMessage.created_at,
    OutboxMessage.id,
)


def due_cards(session: Session, lane: str, now: datetime, seen: set[int]) -> list[Due]:
    """The protection chat's due cards of `lane` in the relay's claim order (emergencies,
    then oldest); `seen` are rows this pass already tried."""
    listed = exists().where(AuditEntry.escalation_id == Escalation.id, AuditEntry.action == LISTED)
    query = (
        select(OutboxMessage.id, OutboxMessage.kind, Escalation, listed)
        .join(Escalation, Escalation.id == OutboxMessage.escalation_id)
        .where(
            OutboxMessage.lane == lane,
            OutboxMessage.kind != "fallback",
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(*CLAIM_ORDER)
    )
    return [
        Due(int(case.id), case.case_number, str(case.urgency), kind == "alert" and not was_listed)
        for row_id, kind, case, was_listed in session.execute(query)
        if row_id not in seen
    ]


def claim_summary(session: Session, now: datetime) -> tuple[bool, datetime | None]:
    """Take the protection chat's one summary of the minute up to `now`, for every relay:
    one `Setting` row, locked, so relays of two replicas cannot both take it and a restarted
    relay knows when the last one went. Returns whether it was taken, and the time of the
    claim before (to give back if the summary is not delivered)."""
    row = session.get(Setting, SUMMARY_AT, with_for_update=True)
    before = datetime.fromisoformat(row.value) if row is not None else None
    if before is not None and now - before < MINUTE:
        return False, before
    if row is None:  # two relays adding it at once: one commit fails, and that one lost
        session.add(Setting(key=SUMMARY_AT, value=now.isoformat()))
    else:
        row.value = now.isoformat()
    return True, before


def give_back(session: Session, claimed: datetime, before: datetime | None) -> None:
    """Undo `claim_summary` (the summary failed and may go again the next pass)."""
    row = session.get(Setting, SUMMARY_AT, with_for_update=True)
    if row is None or row.value != claimed.isoformat():
        return
    if before is None:
        session.delete(row)
    else:
        row.value = before.isoformat()


def record_listed(session: Session, case_ids: list[int], now: datetime, actor: str) -> None:
    for case_id in case_ids:
        session.add(AuditEntry(escalation_id=case_id, at=now, actor=actor, action=LISTED))
