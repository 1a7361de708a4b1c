"""Opening and updating cases. Opening commits the case and its alert in one transaction,
before the child is answered, so no later failure can lose the alert."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.storage import AuditEntry, Database, Escalation, OutboxMessage

EXCERPT_LIMIT = 500  # characters: enough for an officer to act, no more


@dataclass(frozen=True)
class Disclosure:
    urgency: str  # emergency | high
    category: str
    subject: str  # self | other | none


class Cases:
    def __init__(self, database: Database, clock: Callable[[], datetime] = datetime.utcnow):
        self.database = database
        self.clock = clock

    def open(
        self,
        user: str,
        disclosure: Disclosure,
        excerpt: str,
        age_band: str | None = None,
        campaign: str | None = None,
    ) -> int:
        """Commit a new case and its alert; return the case id."""
        now = self.clock()
        with self.database.session() as session:
            case = Escalation(
                user=user,
                created_at=now,
                urgency=disclosure.urgency,
                category=disclosure.category,
                subject=disclosure.subject,
                age_band=age_band,
                campaign=campaign,
                excerpt=excerpt[:EXCERPT_LIMIT],
                status="open",
                contact_requested=False,
            )
            session.add(case)
            session.flush()
            session.add(
                OutboxMessage(
                    escalation_id=case.id,
                    kind="alert",
                    lane="escalation",
                    created_at=now,
                    next_attempt_at=now,
                    attempts=0,
                )
            )
            session.add(AuditEntry(escalation_id=case.id, at=now, actor="system", action="opened"))
            return int(case.id)

    def confirm(self, case_id: int, user: str, understood: bool) -> bool:
        """Record the child's answer to "¿Entendí bien?"; False if the case is not theirs."""
        now = self.clock()
        with self.database.session() as session:
            case = session.get(Escalation, case_id)
            if case is None or case.user != user:
                return False
            case.child_confirmed = understood
            action = "child_confirmed" if understood else "child_corrected"
            session.add(AuditEntry(escalation_id=case.id, at=now, actor="system", action=action))
            # The officer must see the correction too: a new alert marked as an update.
            session.add(
                OutboxMessage(
                    escalation_id=case.id,
                    kind="update",
                    lane="escalation",
                    created_at=now,
                    next_attempt_at=now,
                    attempts=0,
                )
            )
            return True

    def latest_open(self, user: str) -> Escalation | None:
        from sqlalchemy import select

        with self.database.session() as session:
            return session.scalars(
                select(Escalation)
                .where(Escalation.user == user, Escalation.status.in_(("open", "taken")))
                .order_by(Escalation.id.desc())
                .limit(1)
            ).first()
