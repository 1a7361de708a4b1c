"""What protection officers do to a case: take it, resolve it, or call it a false alarm.

Every press of an officer on a card of an existing case ends here, and is audited in the
append-only log with the officer's pseudonym (never a Telegram id) as the actor: every
accepted press, and the first refused press of each (case, officer, action), so repeated
presses on a closed case write no more rows. Presses refused before this point (not an
officer, not the case on the card, malformed data) write nothing (`bot.channels.telegram.officers`
counts them).

Valid transitions::

    open  --take-->    taken
    open | taken  --resolve-->  resolved
    open | taken  --false-->    false_alarm

Anything else (an unknown case, a case already closed, a second "take") is refused and
changes nothing but the audit log (once). A transition is one conditional UPDATE (``WHERE status IN
<allowed>``), so two officers pressing at the same moment cannot both take a case: one is
accepted, the other told it was already taken.

Closing a case (resolve, false) sets `resolved_at` and deletes `contact_address` in the same
transaction: the child's chat id may live only while the case is open. The result carries
the deleted chat id once, so the Telegram side can tell the child the case was closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from bot.i18n import N_, STAFF_LOCALES, _s, staff_time
from bot.storage import AuditEntry, Database, Escalation

Action = Literal["take", "resolve", "false"]

# action -> (statuses it may start from, the status it leads to, the audit action)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "take": (("open",), "taken", "taken"),
    "resolve": (("open", "taken"), "resolved", "resolved"),
    "false": (("open", "taken"), "false_alarm", "false_alarm"),
}
CLOSED = ("resolved", "false_alarm")

# Staff texts (STAFF_LANGUAGE), translated when shown.
TAKEN_LINE = N_("✅ Tomado por una persona de protección a las {time} UTC")
RESOLVED_LINE = N_("🟢 Resuelto")
FALSE_ALARM_LINE = N_("⚪ Falsa alarma")

# What the officer who pressed is told (a short toast), by outcome.
ANSWERS = {
    "taken": N_("Caso {case} tomado. Gracias."),
    "resolved": N_("Caso {case} marcado como resuelto."),
    "false_alarm": N_("Caso {case} marcado como falsa alarma."),
    "already_taken": N_("Este caso ya fue tomado por otra persona de protección."),
    "already_resolved": N_("Este caso ya está resuelto."),
    "already_false_alarm": N_("Este caso ya fue marcado como falsa alarma."),
    "unknown_case": N_("Ese caso no existe."),
    "unknown_action": N_("Esa acción no existe."),
}
UNKNOWN_OUTCOME = N_("No se pudo.")


def status_prefixes() -> tuple[str, ...]:
    """How a status line starts, in every staff language: a card sent before the language
    changed still has its old status line replaced, not a second one added."""
    return tuple(
        _s(line, language).split("{", 1)[0]
        for language in STAFF_LOCALES
        for line in (TAKEN_LINE, RESOLVED_LINE, FALSE_ALARM_LINE)
    )


def status_line(status: str, taken_at: datetime | None = None) -> str:
    """The line a card shows for a case in `status` ("" while it is open)."""
    if status == "taken":
        time = staff_time(taken_at) if taken_at is not None else "--:--"
        return _s(TAKEN_LINE).format(time=time)
    if status == "resolved":
        return _s(RESOLVED_LINE)
    if status == "false_alarm":
        return _s(FALSE_ALARM_LINE)
    return ""


@dataclass(frozen=True)
class ActionResult:
    """The outcome of one press. `status` is the case's status after it (None: no such
    case); `reason` is None when accepted, else why not, e.g. "already_taken"."""

    case_id: int
    action: str
    accepted: bool
    status: str | None
    reason: str | None
    status_line: str = ""
    # Closing a case the child agreed to be contacted in: the address it just deleted, so
    # the child can be told once that nobody will write any more. Never logged or stored.
    closed_contact: str | None = field(default=None, repr=False)
    # ... and the case's age band (None when not known), so that the services the child is
    # given on closing are those for their age (bot.channels.telegram.contact.case_closed).
    closed_age_band: str | None = field(default=None, repr=False)

    @property
    def exists(self) -> bool:
        return self.status is not None

    @property
    def case_number(self) -> str:
        return f"VS-{self.case_id:06d}"

    @property
    def answer(self) -> str:
        """A short sentence for the officer who pressed, in STAFF_LANGUAGE."""
        key = self.status if self.accepted else self.reason
        return _s(ANSWERS.get(key or "", UNKNOWN_OUTCOME)).format(case=self.case_number)


class Officers:
    def __init__(self, database: Database, clock: Callable[[], datetime] = datetime.utcnow):
        self.database = database
        self.clock = clock

    def act(self, case_id: int, action: Action, officer: str) -> ActionResult:
        """Apply `action` by `officer` (a pseudonym) to the case, if the case's status allows
        it; audit it either way (when the case exists)."""
        now = self.clock()
        with self.database.session() as session:
            rule = TRANSITIONS.get(action)
            if rule is None:
                status = self._status(session, case_id)
                if status is not None:
                    _audit_once(session, case_id, officer, "refused_unknown", now)
                return ActionResult(case_id, action, False, status, "unknown_action")
            allowed_from, to, audited = rule
            values: dict[str, object] = {"status": to}
            contact = age_band = None
            if to in CLOSED:
                values.update(resolved_at=now, contact_address=None, open_for=None)
                row = session.execute(
                    select(Escalation.contact_address, Escalation.age_band)
                    .where(Escalation.id == case_id, Escalation.status.in_(allowed_from))
                    .with_for_update()
                ).first()
                if row is not None:
                    contact, age_band = row
            changed = session.execute(
                update(Escalation)
                .where(Escalation.id == case_id, Escalation.status.in_(allowed_from))
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed == 1:
                _audit(session, case_id, officer, audited, now)
                line = status_line(to, now)
                return ActionResult(case_id, action, True, to, None, line, contact, age_band)
            status = self._status(session, case_id)
            if status is None:
                return ActionResult(case_id, action, False, None, "unknown_case")
            _audit_once(session, case_id, officer, f"refused_{action}", now)
            line = status_line(status, self._taken_at(session, case_id))
            return ActionResult(case_id, action, False, status, f"already_{status}", line)

    def status_line(self, case: Escalation) -> str:
        """The card's status line for `case` (with the time it was taken, from the audit
        log); "" while the case is open."""
        taken_at = None
        if case.status == "taken":
            with self.database.session() as session:
                taken_at = self._taken_at(session, int(case.id))
        return status_line(case.status, taken_at)

    @staticmethod
    def _status(session: Session, case_id: int) -> str | None:
        status: str | None = session.scalar(
            select(Escalation.status).where(Escalation.id == case_id)
        )
        return status

    @staticmethod
    def _taken_at(session: Session, case_id: int) -> datetime | None:
        taken_at: datetime | None = session.scalar(
            select(AuditEntry.at)
            .where(AuditEntry.escalation_id == case_id, AuditEntry.action == "taken")
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        return taken_at


def _audit(session: Session, case_id: int, actor: str, action: str, now: datetime) -> None:
    session.add(AuditEntry(escalation_id=case_id, at=now, actor=actor[:64], action=action[:32]))


def _audit_once(session: Session, case_id: int, actor: str, action: str, now: datetime) -> None:
    """A refusal's entry, unless this actor was already refused this action on this case:
    at most cases x officers x actions rows, however often a button is pressed."""
    seen = session.scalar(
        select(
            exists().where(
                AuditEntry.escalation_id == case_id,
                AuditEntry.actor == actor[:64],
                AuditEntry.action == action[:32],
            )
        )
    )
    if not seen:
        _audit(session, case_id, actor, action, now)
