"""Opening and updating cases. Opening commits the case and its alert in one transaction,
before the child is answered, so no later failure can lose the alert.

One open case per child: `Cases.file` sends a disclosure from a child who already has an open
case into that case (its excerpt grows, bounded; its urgency only rises) and queues a short
«nuevo mensaje en el caso» card, instead of opening another case for every message or edit.
An emergency raises the case to emergency rather than opening a case of its own: the officer
keeps the whole story on one card, and the relay sends the cards of an emergency case first,
so the raise is what puts it ahead of every high card. `escalations.open_for` (the pseudonym,
under a unique index) makes two disclosures at the same moment land in one case.

Everything an officer must learn about a case after the first alert (the child's answer
to "¿Entendí bien?", consent to be contacted, the child's own messages) is queued in the
same outbox, so it is delivered by the same relay, at least once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.storage import AuditEntry, Database, Escalation, OutboxMessage

EXCERPT_LIMIT = 500  # characters: enough for an officer to act, no more
MESSAGE_LIMIT = 2000  # a child's message relayed to the officer; Telegram allows 4096
CASE_EXCERPT_LIMIT = 2000  # a case's excerpt after later disclosures: the first, then the newest
ELIDED = "\n[…]\n"
EXCERPT_RETENTION = timedelta(days=30)  # after the case is resolved
OPEN = ("open", "taken")
CONTACT_ENDED = "contact_ended"  # the outbox card: nobody can write to the child here now
MORE = "more"  # the outbox card: a later disclosure in the child's open case
URGENCY_RANK = {"high": 0, "emergency": 1}

# The child's latest open case in which they agreed to be contacted: asked for every text a
# child types, so built once and run with Core rather than through a Session. The status test
# is IN (OPEN) written out as ORs: an IN's list is re-expanded on every execution.
_CONTACT_CASE = (
    select(Escalation.id)
    .where(
        Escalation.user == bindparam("user"),
        or_(*(Escalation.status == status for status in OPEN)),
        Escalation.contact_address.is_not(None),
    )
    .order_by(Escalation.id.desc())
    .limit(1)
)


@dataclass(frozen=True)
class Disclosure:
    urgency: str  # emergency | high
    category: str
    subject: str  # self | other | none


@dataclass(frozen=True)
class Filed:
    """Where `Cases.file` put a disclosure: the case, whether it was an open case of the
    child's (an update rather than a new case), and whether the child should be asked again
    if a protection person may write to them (not when they already answered, unless they
    are asking for help again: the answers to that question promise AYUDA brings it back)."""

    case_id: int
    updated: bool
    ask_contact: bool


def grow_excerpt(excerpt: str | None, more: str) -> str:
    """A case's excerpt with a later disclosure added, at most CASE_EXCERPT_LIMIT characters:
    when it would be longer, the first disclosure is kept whole and the newest words fill
    the rest, since those are what an officer needs to act."""
    more = more[:EXCERPT_LIMIT]
    grown = f"{excerpt}\n{more}" if excerpt else more
    if len(grown) <= CASE_EXCERPT_LIMIT:
        return grown
    head = (excerpt or "").split("\n", 1)[0][:EXCERPT_LIMIT]
    room = CASE_EXCERPT_LIMIT - len(head) - len(ELIDED)
    return f"{head}{ELIDED}{grown[-room:]}"


@dataclass(frozen=True)
class Unlinked:
    """What /borrar did to the child's cases: how many it unlinked from the pseudonym, and
    in how many it deleted the chat id a protection person would have written to."""

    cases: int
    contacts_ended: int


@dataclass(frozen=True)
class Contact:
    """Where an officer's reply for a case goes: the child's chat (an opaque channel address,
    resolved by `bot.channels`), while the case is open."""

    case_id: int
    address: str


def _queue(
    session: Session, case_id: int, kind: str, action: str, now: datetime, body: str | None = None
) -> None:
    session.add(
        OutboxMessage(
            escalation_id=case_id,
            kind=kind,
            lane="escalation",
            created_at=now,
            next_attempt_at=now,
            attempts=0,
            body=body,
        )
    )
    session.add(AuditEntry(escalation_id=case_id, at=now, actor="system", action=action))


def _higher(urgency: str | None, than: str) -> bool:
    return urgency is not None and URGENCY_RANK.get(urgency, 0) > URGENCY_RANK.get(than, 0)


def _declined(session: Session, case_id: int) -> bool:
    declined = session.scalar(
        select(AuditEntry.id)
        .where(AuditEntry.escalation_id == case_id, AuditEntry.action == "contact_declined")
        .limit(1)
    )
    return declined is not None


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
        """Commit a new case and its alert; return the case id. From now on it is the case
        that takes the child's later disclosures (`file`)."""
        now = self.clock()
        with self.database.session() as session:
            session.execute(
                update(Escalation)
                .where(Escalation.open_for == user)
                .values(open_for=None)
                .execution_options(synchronize_session=False)
            )
            case = self._new_case(session, user, disclosure, excerpt, age_band, campaign, now)
            return int(case.id)

    def file(
        self,
        user: str,
        disclosure: Disclosure,
        excerpt: str,
        age_band: str | None = None,
        campaign: str | None = None,
    ) -> Filed:
        """A disclosure goes to the child's open case, or opens one (see the module
        docstring). Commits before returning, like `open`. Two disclosures at once: the
        unique index refuses the second new case, which then updates the first."""
        for attempt in range(2):
            try:
                return self._file(user, disclosure, excerpt, age_band, campaign)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _file(
        self,
        user: str,
        disclosure: Disclosure,
        excerpt: str,
        age_band: str | None,
        campaign: str | None,
    ) -> Filed:
        now = self.clock()
        with self.database.session() as session:
            case: Escalation | None = session.scalars(
                select(Escalation).where(Escalation.open_for == user).with_for_update()
            ).first()
            if case is not None and case.status not in OPEN:
                case.open_for = None  # closed by an officer since: a new disclosure, a new case
                session.flush()
                case = None
            if case is None:
                case = self._new_case(session, user, disclosure, excerpt, age_band, campaign, now)
                return Filed(int(case.id), updated=False, ask_contact=True)
            case.excerpt = grow_excerpt(case.excerpt, excerpt)
            raised = _higher(disclosure.urgency, case.urgency)
            if raised:
                case.urgency = disclosure.urgency
            action = "urgency_raised" if raised else "disclosure_added"
            _queue(session, case.id, MORE, action, now, excerpt[:EXCERPT_LIMIT])
            answered = bool(case.contact_requested) or _declined(session, case.id)
            ask = not answered or disclosure.category == "help_request"
            return Filed(int(case.id), updated=True, ask_contact=ask)

    def _new_case(
        self,
        session: Session,
        user: str,
        disclosure: Disclosure,
        excerpt: str,
        age_band: str | None,
        campaign: str | None,
        now: datetime,
    ) -> Escalation:
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
            open_for=user,
        )
        session.add(case)
        session.flush()
        _queue(session, case.id, "alert", "opened", now)
        return case

    def _own_open_case(self, session: Session, case_id: int, user: str) -> Escalation | None:
        case: Escalation | None = session.get(Escalation, case_id)
        if case is None or case.user != user or case.status not in OPEN:
            return None
        return case

    def confirm(self, case_id: int, user: str, understood: bool) -> bool:
        """Record the child's answer to "¿Entendí bien?"; False if the case is not theirs."""
        with self.database.session() as session:
            case = self._own_open_case(session, case_id, user)
            if case is None:
                return False
            case.child_confirmed = understood
            action = "child_confirmed" if understood else "child_corrected"
            # The officer must see the correction too: an update card.
            _queue(session, case.id, "update", action, self.clock())
            return True

    def accept_contact(self, case_id: int, user: str, address: str) -> bool:
        """The child agreed that an officer writes to them here. The chat's address is the
        one raw id the system keeps, and only while the case is open."""
        with self.database.session() as session:
            case = self._own_open_case(session, case_id, user)
            if case is None:
                return False
            case.contact_requested = True
            case.contact_address = address
            _queue(session, case.id, "contact", "contact_accepted", self.clock())
            return True

    def end_contact(self, case_id: int, user: str) -> bool:
        """The child no longer wants a protection person to write to them here: the chat id
        is deleted at once and the officers get a card saying so. The case stays open, so
        the officers can still act on it. False if the case is not the child's, is closed,
        or has no contact to end."""
        with self.database.session() as session:
            case = self._own_open_case(session, case_id, user)
            if case is None or case.contact_address is None:
                return False
            case.contact_address = None
            _queue(session, case.id, CONTACT_ENDED, "contact_stopped", self.clock())
            return True

    def decline_contact(self, case_id: int, user: str) -> bool:
        with self.database.session() as session:
            case = self._own_open_case(session, case_id, user)
            if case is None:
                return False
            session.add(
                AuditEntry(
                    escalation_id=case.id,
                    at=self.clock(),
                    actor="system",
                    action="contact_declined",
                )
            )
            return True

    def contact_case(self, user: str) -> int | None:
        """The child's latest open case in which they agreed to be contacted, if any."""
        with self.database.read() as connection:
            case_id: int | None = connection.execute(_CONTACT_CASE, {"user": user}).scalar()
        return case_id

    def forward(self, case_id: int, text: str, urgency: str | None = None) -> None:
        """Queue the child's message for the officer of their open case. `urgency` is
        triage's, when the message itself discloses: an emergency raises the case, so its
        cards go first (never the other way)."""
        now = self.clock()
        with self.database.session() as session:
            case = session.get(Escalation, case_id)
            if case is not None and _higher(urgency, case.urgency):
                case.urgency = urgency
                session.add(
                    AuditEntry(
                        escalation_id=case_id, at=now, actor="system", action="urgency_raised"
                    )
                )
            _queue(session, case_id, "message", "child_wrote", now, text[:MESSAGE_LIMIT])

    def contact(self, case_id: int) -> Contact | None:
        """Where to send an officer's reply, if the case is open and the child agreed."""
        with self.database.session() as session:
            case = session.get(Escalation, case_id)
            if case is None or case.status not in OPEN or case.contact_address is None:
                return None
            return Contact(int(case.id), str(case.contact_address))

    def record_officer_message(self, case_id: int, officer: str) -> None:
        with self.database.session() as session:
            session.add(
                AuditEntry(
                    escalation_id=case_id, at=self.clock(), actor=officer, action="officer_wrote"
                )
            )

    def unlink(self, user: str) -> Unlinked:
        """/borrar: no case stays keyed by the child's pseudonym, and no case keeps the
        child's chat id. The cases themselves stay, so officers can still act on what they
        were told; but nobody can write to the child here any more, since the child's
        answers could no longer reach them (they are routed by the pseudonym) and a child
        who erases may be one whose phone is watched. Officers get a card saying so."""
        now = self.clock()
        with self.database.session() as session:
            cases = list(session.scalars(select(Escalation).where(Escalation.user == user)))
            contacts = 0
            for case in cases:
                case.user = "unlinked"
                case.open_for = None
                session.add(
                    AuditEntry(escalation_id=case.id, at=now, actor="system", action="unlinked")
                )
                if case.contact_address is not None:
                    case.contact_address = None
                    contacts += 1
                    if case.status in OPEN:
                        _queue(session, case.id, CONTACT_ENDED, "contact_erased", now)
            return Unlinked(len(cases), contacts)

    def purge_expired(self, retention: timedelta = EXCERPT_RETENTION) -> int:
        """Erase excerpts of cases resolved longer ago than `retention`, and any child's
        message still queued for a closed case. Returns how many cases were purged."""
        now = self.clock()
        with self.database.session() as session:
            purged = session.execute(
                update(Escalation)
                .where(
                    Escalation.resolved_at.is_not(None),
                    Escalation.resolved_at < now - retention,
                    Escalation.excerpt.is_not(None),
                )
                .values(excerpt=None)
                .execution_options(synchronize_session=False)
            ).rowcount
            closed = select(Escalation.id).where(Escalation.status.not_in(OPEN))
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.body.is_not(None), OutboxMessage.escalation_id.in_(closed))
                .values(body=None, failed_at=now, last_error="Obsolete")
                .execution_options(synchronize_session=False)
            )
            return int(purged or 0)
