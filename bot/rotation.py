"""`python -m bot rotate-key`: move the database to a new pseudonym key, in one transaction.

What is true, and so what this does: a pseudonym is an HMAC of a raw Telegram id, and the
raw id is not kept, so most rows cannot be re-keyed by anyone. Only two kinds of row keep a
raw id (an address "<channel>:<id>" of a private chat, whose id is the child's user id, so
the HMAC of the address is the child's pseudonym), and only those are re-keyed:

- awareness subscriptions (`subscriptions.address`), with their pending broadcast deliveries;
- cases where the child agreed to be contacted and that are still open
  (`escalations.contact_address`), so the conversation with the officer goes on.

Every other per-person row is erased, as /borrar would: consent sessions and receipts, the
band chosen in a conversation, survey and quiz progress, workshop-code attempts, survey
participation markers (a child may then take a survey again and be counted twice: counters
are anonymous and cannot be corrected), and every other case is unlinked (kept for the
officers, keyed by no one). The audit log keeps the officers' old pseudonyms: it is
append-only history. Finally the new key's fingerprint is recorded.

The old key, when the operator still has it, is checked against the database's fingerprint
(rotating away from a key the database never used is refused) and confirms each re-keyed
row really was that person's. When the old key is lost the same happens without that check.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.awareness.tables import BroadcastDelivery, Subscription
from bot.campaigns.tables import Participation
from bot.escalation.cases import OPEN
from bot.i18n import _s
from bot.privacy import Pseudonymizer, fingerprint, record_fingerprint, stored_fingerprint
from bot.settings import SettingsError
from bot.storage import AuditEntry, Database, Escalation
from bot.storage.conversation import ConversationState
from consent.models import ChosenBand, CodeAttempts, ConsentReceipt, ConsentSession


def _person(pseudonymize: Pseudonymizer, address: str) -> str:
    """The pseudonym of the person whose private chat `address` is."""
    channel, _, raw = address.partition(":")
    return pseudonymize(channel, raw)


@dataclass(frozen=True)
class Rotation:
    rekeyed_subscriptions: int
    rekeyed_cases: int
    erased_rows: int
    unlinked_cases: int


def rotate(database: Database, old_key: bytes | None, new_key: bytes, dry_run: bool) -> Rotation:
    """Re-key what can be re-keyed, erase the rest, record the new fingerprint; all or
    nothing. `old_key` None: the old key is lost. `dry_run`: count, change nothing."""
    stored = stored_fingerprint(database)
    if old_key is not None and stored is not None:
        if not hmac.compare_digest(stored, fingerprint(old_key)):
            raise SettingsError(
                _s(
                    "la clave anterior que indicó no es la de esta base de datos: revise el "
                    "archivo (o use --old-key-lost si la clave se perdió)"
                )
            )
    if stored is not None and hmac.compare_digest(stored, fingerprint(new_key)):
        raise SettingsError(_s("la base de datos ya usa la clave nueva: no hay nada que rotar"))
    old = Pseudonymizer(old_key) if old_key is not None else None
    new = Pseudonymizer(new_key)
    try:
        return _rotate(database, old, new, new_key, dry_run)
    except _Preview as preview:
        return preview.result


class _Preview(Exception):
    def __init__(self, result: Rotation) -> None:
        self.result = result


def _rotate(
    database: Database,
    old: Pseudonymizer | None,
    new: Pseudonymizer,
    new_key: bytes,
    dry_run: bool,
) -> Rotation:
    now = datetime.utcnow()
    with database.session() as session:
        renamed: dict[str, str] = {}
        subscriptions = list(session.scalars(select(Subscription)))
        for subscription in subscriptions:
            if old is None or _person(old, subscription.address) == subscription.user:
                renamed[subscription.user] = _person(new, subscription.address)
        contact_cases = list(
            session.scalars(
                select(Escalation).where(
                    Escalation.contact_address.is_not(None),
                    Escalation.status.in_(OPEN),
                    Escalation.user != "unlinked",
                )
            )
        )
        rekeyed_cases = [
            case
            for case in contact_cases
            if old is None or _person(old, case.contact_address) == case.user
        ]
        for case in rekeyed_cases:
            renamed[case.user] = _person(new, case.contact_address)
        erased = 0
        for table in (
            ConsentSession,
            ConsentReceipt,
            ChosenBand,
            CodeAttempts,
            Participation,
            ConversationState,
        ):
            erased += session.execute(delete(table)).rowcount or 0
        erased += (
            session.execute(
                delete(BroadcastDelivery).where(BroadcastDelivery.user.not_in(list(renamed)))
            ).rowcount
            or 0
        )
        erased += (
            session.execute(
                delete(Subscription).where(Subscription.user.not_in(list(renamed)))
            ).rowcount
            or 0
        )
        rekeyed_ids = {case.id for case in rekeyed_cases}
        unlinked = list(
            session.scalars(
                select(Escalation).where(
                    Escalation.user != "unlinked", Escalation.id.not_in(rekeyed_ids)
                )
            )
        )
        result = Rotation(
            sum(1 for s in subscriptions if s.user in renamed),
            len(rekeyed_cases),
            erased,
            len(unlinked),
        )
        if dry_run:
            raise _Preview(result)  # rolls the deletions back
        for case in unlinked:
            case.user = "unlinked"
            session.add(
                AuditEntry(escalation_id=case.id, at=now, actor="system", action="unlinked")
            )
        for before, after in renamed.items():
            session.execute(
                update(Subscription).where(Subscription.user == before).values(user=after)
            )
            session.execute(
                update(BroadcastDelivery).where(BroadcastDelivery.user == before).values(user=after)
            )
            session.execute(update(Escalation).where(Escalation.user == before).values(user=after))
        for case in rekeyed_cases:
            session.add(AuditEntry(escalation_id=case.id, at=now, actor="system", action="rekeyed"))
        record_fingerprint(session, new_key)
        return result
