"""Escalation timers: a case nobody takes gets a reminder, then the fallback contact.

A case still "open" (not taken, resolved or called a false alarm) some time after it was
opened gets one "reminder" card in the protection chat; later, one "fallback" card for the
fallback contact. How long, depends on the urgency (defaults: emergency 5 then 15 min, high
30 then 90 min).

There is no timer in memory. Whether a reminder or fallback is due is derived from the
database alone: the case's `created_at` and `status`, and whether the outbox already holds a
"reminder" or "fallback" row for it (sent, pending or failed: each is queued at most once).
So a restarted bot, or a second one, picks up exactly where a stopped one was, and `due()`
may run as often as one likes. Each pass also erases the excerpts that outlived their
retention (`Cases.purge_expired`).

The relay delivers what is queued here under its own rules: a "reminder" for a case taken
or closed since is dropped, never sent; "fallback" rows go to the fallback chat, and
`queue_fallback` (shared with the relay, which queues one when the protection chat cannot
be reached) keeps it to one fallback card per case, whoever asked first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Exists

from bot.escalation.cases import EXCERPT_RETENTION, Cases
from bot.escalation.relay import FALLBACK, LANE, queue_fallback
from bot.storage import AuditEntry, Database, Escalation, OutboxMessage

logger = logging.getLogger(__name__)

REMINDER = "reminder"
REMINDER_AFTER = {"emergency": timedelta(minutes=5), "high": timedelta(minutes=30)}
FALLBACK_AFTER = {"emergency": timedelta(minutes=15), "high": timedelta(minutes=90)}


def _queued(kind: str) -> Exists:
    """EXISTS an outbox row of `kind` for the enclosing query's case."""
    return exists().where(OutboxMessage.escalation_id == Escalation.id, OutboxMessage.kind == kind)


class Timers:
    """See the module docstring. An urgency missing from a mapping gets its shortest delay:
    an unexpected urgency is treated as the most urgent one, never forgotten."""

    def __init__(
        self,
        database: Database,
        clock: Callable[[], datetime] = datetime.utcnow,
        reminder_after: Mapping[str, timedelta] | None = None,
        fallback_after: Mapping[str, timedelta] | None = None,
        retention: timedelta = EXCERPT_RETENTION,
    ) -> None:
        self.database = database
        self.clock = clock
        self.retention = retention  # excerpts of resolved cases are erased after this
        self.reminder_after = dict(REMINDER_AFTER if reminder_after is None else reminder_after)
        self.fallback_after = dict(FALLBACK_AFTER if fallback_after is None else fallback_after)
        if not self.reminder_after or not self.fallback_after:
            raise ValueError("reminder_after and fallback_after need at least one urgency")

    def _after(self, delays: dict[str, timedelta], urgency: str) -> timedelta:
        return delays.get(urgency, min(delays.values()))

    def due(self) -> int:
        """Queue every reminder and fallback card that is due and not queued yet; return how
        many rows were queued. One transaction per case."""
        now = self.clock()
        queued = 0
        for case_id, urgency, created_at, reminded, fell_back in self._candidates(now):
            age = now - created_at
            reminder = not reminded and age >= self._after(self.reminder_after, urgency)
            fallback = not fell_back and age >= self._after(self.fallback_after, urgency)
            if reminder or fallback:
                queued += self._queue(case_id, reminder, fallback, now)
        Cases(self.database, self.clock).purge_expired(self.retention)
        return queued

    def _candidates(self, now: datetime) -> list[tuple[int, str, datetime, bool, bool]]:
        """Open cases old enough for some timer and missing its row (a superset: the exact
        per-urgency check is done by the caller)."""
        reminded, fell_back = _queued(REMINDER), _queued(FALLBACK)
        earliest_reminder = now - min(self.reminder_after.values())
        earliest_fallback = now - min(self.fallback_after.values())
        with self.database.session() as session:
            rows = session.execute(
                select(
                    Escalation.id,
                    Escalation.urgency,
                    Escalation.created_at,
                    reminded.label("reminded"),
                    fell_back.label("fell_back"),
                )
                .where(
                    Escalation.status == "open",
                    or_(
                        and_(Escalation.created_at <= earliest_reminder, ~reminded),
                        and_(Escalation.created_at <= earliest_fallback, ~fell_back),
                    ),
                )
                .order_by(Escalation.id)
            ).all()
        return [(int(r[0]), str(r[1]), r[2], bool(r[3]), bool(r[4])) for r in rows]

    def _queue(self, case_id: int, reminder: bool, fallback: bool, now: datetime) -> int:
        queued: list[str] = []
        with self.database.session() as session:
            # Lock the case (PostgreSQL), then check again: it may have been taken, or the
            # row queued by another process, since the candidates were read.
            status = session.scalar(
                select(Escalation.status)
                .where(Escalation.id == case_id)
                .with_for_update(key_share=True)
            )
            if status != "open":
                return 0
            if reminder and not _has(session, case_id, REMINDER):
                session.add(
                    OutboxMessage(
                        escalation_id=case_id,
                        kind=REMINDER,
                        lane=LANE,
                        created_at=now,
                        next_attempt_at=now,
                        attempts=0,
                    )
                )
                _audit(session, case_id, "reminder_queued", now)
                queued.append("reminder")
            if fallback and queue_fallback(session, case_id, now):
                _audit(session, case_id, "not_taken_in_time", now)
                queued.append("fallback")
        if queued:
            logger.warning("VS-%06d: not taken in time; %s queued", case_id, " and ".join(queued))
        return len(queued)


def _has(session: Session, case_id: int, kind: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(OutboxMessage.escalation_id == case_id, OutboxMessage.kind == kind)
            )
        )
    )


def _audit(session: Session, case_id: int, action: str, now: datetime) -> None:
    session.add(AuditEntry(escalation_id=case_id, at=now, actor="system", action=action))
