"""The relay: delivers the escalation outbox to the protection officers, at least once.

`Cases.open` commits a case and its outbox row before the child is answered; from then on
this relay owns the row until Telegram said ok. Nothing here is kept only in memory that
delivery depends on: every timer is a column (`next_attempt_at`), so a restarted relay (or
one in another process) picks up exactly where a killed one stopped.

Escalations never wait behind other traffic. The relay serves only lane "escalation" and
sends through its own `AlertSender`, which the channel of the officers' chat provides
(`bot.channels.telegram.alerts`: a Bot of its own, not the Application's bot, which answers
children through a rate limiter whose queue a burst of replies could fill). The relay sends
to one chat, so it stays far below Telegram's limits on its own, and it honours
`retry_after` itself.

One delivery attempt of one outbox row:

1. claim, in one transaction: ``attempts += 1``, ``next_attempt_at = now + lease``, an
   audit entry. On PostgreSQL the row is selected ``FOR UPDATE SKIP LOCKED``, so relays of
   several replicas each claim a different row at once instead of queueing on one; the
   update is also conditional on `attempts` being unchanged, so two relays never both claim
   the same attempt, and the lease keeps a second relay off a row in flight;
2. send;
3. only if the sender returned: ``sent_at = now`` and an audit entry.

A kill -9 between 1 and 3 leaves the row unsent with ``attempts > 0``: once the lease ends it
is sent again, with a first line telling the officer it may be a repeat
(``repeat = attempts before this one > 0``).

What a failure (a `bot.channels.delivery` error, as the sender raises it) does:

==========================  ===============================================================
429 `RetryLater`            retry after `retry_after`; nothing more goes to that chat before
`Transient` (5xx, network,  retry after a capped exponential backoff with full jitter
timeout, anything unknown)  (base 1 s, cap 60 s)
400 + migrate `ChatMoved`   store the new id (Setting "protection_chat_id") and resend at once
403 `Refused`               give up on that chat for this row; the fallback contact is alerted
400 `Rejected`              give up (``failed_at``); the fallback contact is alerted
5th failed attempt          the fallback contact is alerted; the primary keeps retrying
==========================  ===============================================================

An alert that could not be recorded (the transaction in `Cases.open` failed: database down
or locked) has no outbox row to deliver. `send_unrecorded` sends a minimal card straight to
the protection chat instead: urgency and category only (no case number, no words, no
buttons, since there is no case to act on), retried `unrecorded_attempts` times with the
same backoff and `retry_after`, then to the fallback chat if the protection chat refused it.
It is counted (`Relay.unrecorded`: "alerts", "delivered", "lost") and logged without text.
Nothing of it is stored, so a restart forgets it: it is a last resort, not the outbox.

A burst: the protection chat is a group, and Telegram takes about 20 messages a minute in a
group (`group_per_minute`, from the channel's limits). The relay never sends more to one chat
in any minute (its own sends counted in memory; a restart forgets them, and a 429's
`retry_after` covers that). When more cards are due than that minute allows, emergencies go
first with their own cards while more than one slot remains; then (the minute's last slot, or
as soon as no emergency is first) ONE summary card names every new case waiting, emergencies
first («Casos nuevos de prioridad alta (40): VS-…, VS-…»), at most one a minute (claimed in
the database, so for all replicas and across a restart), so every case is named to the group
within about a minute of opening (`bot.escalation.burst` says why). Each case's own card, with
its buttons, still follows as the budget allows, so the summary is a notice, not a
replacement, and nothing is lost. A case is listed in one summary only (audit "summarised",
written once Telegram took the summary). A summary that fails is not recorded: after a 429 the
chat waits `retry_after`, after a network failure the next pass sends it again (the minute's
claim is given back; when the outcome was unknown, its cases may be listed twice: a case is
never left unnamed), after a 400 or 403 no summary goes for a minute and the cards carry the
burst.

The fallback contact gets at most one "fallback" card per case. With no fallback chat
configured the relay logs an error naming the case number and marks that row failed.

Nothing here logs message text or a chat id: logs name case numbers only, and `last_error`
holds an error's class and code, never its text.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels.delivery import (
    ChatMoved,
    DeliveryError,
    Refused,
    Rejected,
    RetryLater,
    Transient,
)
from bot.escalation.burst import (
    CLAIM_ORDER,
    GroupBudget,
    claim_summary,
    due_cards,
    give_back,
    record_listed,
    to_list,
)
from bot.escalation.cards import Buttons, render_card, summary, unrecorded_card
from bot.storage import AuditEntry, Database, Escalation, OutboxMessage, Setting

logger = logging.getLogger(__name__)
T = TypeVar("T")

LANE = "escalation"
PROTECTION = "protection"
FALLBACK = "fallback"
SYSTEM = "system"
MAX_MOVES = 3  # a chat migrates once (group -> supergroup); more means something is wrong


# ------------------------------------------------------------------------------ senders


class AlertSender(Protocol):
    """How cards reach the officers' chat; each channel that officers use provides one
    (`bot.channels.telegram.alerts`, `bot.channels.terminal.alerts`). `chat_id` is the chat
    as configured (PROTECTION_CHAT_ID) or as a `ChatMoved` failure renamed it."""

    async def send(self, chat_id: int, text: str, buttons: Buttons) -> None:
        """Deliver one card; return only once the chat has it, else raise a
        `bot.channels.delivery.DeliveryError` (never the platform's own error)."""


# -------------------------------------------------------------------------------- relay


@dataclass(frozen=True)
class _Job:
    """One claimed attempt: everything needed to send and settle it without the session."""

    row_id: int
    case_id: int
    case_number: str
    kind: str
    attempts: int  # including this one
    role: str  # PROTECTION | FALLBACK
    chat_id: int
    text: str
    buttons: Buttons


def _audit(session: Session, case_id: int, action: str, now: datetime) -> None:
    session.add(AuditEntry(escalation_id=case_id, at=now, actor=SYSTEM, action=action[:32]))


def queue_fallback(session: Session, case_id: int, now: datetime) -> bool:
    """Queue the case's one fallback card; False if it already has one.

    The one rule for "at most one fallback card per case", whoever asks: the relay when the
    protection chat cannot be reached, the timers (`bot.escalation.timers`) when nobody took
    the case in time. The case row is locked first (PostgreSQL; SQLite has one writer
    anyway), so two callers at once cannot both find no fallback and both queue one.
    """
    session.execute(
        select(Escalation.id).where(Escalation.id == case_id).with_for_update(key_share=True)
    )
    already = session.scalar(
        select(
            exists().where(OutboxMessage.escalation_id == case_id, OutboxMessage.kind == FALLBACK)
        )
    )
    if already:
        return False
    session.add(
        OutboxMessage(
            escalation_id=case_id,
            kind=FALLBACK,
            lane=LANE,
            created_at=now,
            next_attempt_at=now,
            attempts=0,
        )
    )
    _audit(session, case_id, "fallback_queued", now)
    return True


class Relay:
    """Delivers due outbox rows of lane "escalation"; see the module docstring.

    `protection_chat_id` None means terminal mode: the sender gets chat id 0 and is expected
    to be a `bot.channels.terminal.alerts.TerminalAlertSender`. `clock` returns naive UTC.
    """

    def __init__(
        self,
        database: Database,
        sender: AlertSender,
        protection_chat_id: int | None,
        fallback_chat_id: int | None,
        clock: Callable[[], datetime] = datetime.utcnow,
        rng: random.Random | None = None,
        *,
        lease: float = 15.0,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        max_failures: int = 5,
        unrecorded_attempts: int = 5,
        group_per_minute: float | None = None,
    ) -> None:
        self.database = database
        self.sender = sender
        self.protection_chat_id = protection_chat_id
        self.fallback_chat_id = fallback_chat_id
        self.clock = clock
        self.rng = rng if rng is not None else random.Random()
        self.lease = timedelta(seconds=lease)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_failures = max_failures
        self.unrecorded_attempts = unrecorded_attempts
        # Messages one officers' chat takes in a minute (None: no limit, e.g. a terminal).
        self.budget = GroupBudget(group_per_minute)
        self._last_summary: datetime | None = None  # the last summary's claim, as last seen
        # Alerts that could not be recorded: "alerts" reported, "delivered", "lost".
        self.unrecorded: Counter[str] = Counter()
        self._paused: dict[str, datetime] = {}  # role -> until (a 429's retry_after)
        self._unrecorded: dict[int, tuple[_Job, datetime]] = {}  # sent, commit failed
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._warned_config_change = False

    # -- public -------------------------------------------------------------------------

    def wake(self) -> None:
        """Ask `run` for a pass now (e.g. right after a case was opened). Call it from the
        thread of the loop running `run` (`EscalationLane.wake` does that from any thread);
        the relay also finds new rows on its own within `idle`."""
        self._wake.set()

    def officer_chats(self) -> set[int]:
        """The chats whose members act on cases: the protection chat (as configured, and its
        migrated id if Telegram moved it) and the fallback chat. Reads the database."""
        with self.database.session() as session:
            chats = {
                self.protection_chat_id,
                self._target(session, PROTECTION),
                self._target(session, FALLBACK),
            }
        return {chat for chat in chats if chat is not None}

    async def send_unrecorded(self, urgency: str, category: str) -> bool:
        """Send the minimal card of an alert that could not be recorded (see the module
        docstring); True once a chat has it. Runs in the relay's loop, beside `run`."""
        self.unrecorded["alerts"] += 1
        text = unrecorded_card(urgency, category)
        for role in (PROTECTION, FALLBACK):
            chat_id = await self._unrecorded_target(role)
            if chat_id is None and not (role == PROTECTION and self.protection_chat_id is None):
                continue  # no fallback configured (None for protection: terminal mode)
            chat_id = chat_id if chat_id is not None else 0
            for attempt in range(1, self.unrecorded_attempts + 1):
                try:
                    self.budget.spend(role, self.clock())
                    await self.sender.send(chat_id, text, [])
                except ChatMoved as moved:
                    chat_id = moved.new_chat_id  # stored by the next outbox card's move
                    continue
                except (Refused, Rejected) as error:
                    logger.error(
                        "unrecorded %s %s alert refused by the %s chat (%s)",
                        urgency,
                        category,
                        role,
                        error.describe(),
                    )
                    break
                except Exception as error:  # noqa: BLE001 - retried like any transient error
                    failure = (
                        error
                        if isinstance(error, DeliveryError)
                        else Transient(type(error).__name__)
                    )
                    logger.warning(
                        "unrecorded %s %s alert not delivered to the %s chat (%s, attempt %d)",
                        urgency,
                        category,
                        role,
                        failure.describe(),
                        attempt,
                    )
                    if attempt < self.unrecorded_attempts:
                        await asyncio.sleep(self._delay(failure, attempt))
                    continue
                self.unrecorded["delivered"] += 1
                logger.warning(
                    "unrecorded %s %s alert: minimal card delivered to the %s chat (attempt %d)",
                    urgency,
                    category,
                    role,
                    attempt,
                )
                return True
        self.unrecorded["lost"] += 1
        logger.error("unrecorded %s %s alert could not be delivered to any chat", urgency, category)
        return False

    async def _unrecorded_target(self, role: str) -> int | None:
        """The chat for `role`, from the database if it answers (a migrated id), else as
        configured: the database is probably what just failed."""
        try:
            return await asyncio.to_thread(self._target_now, role)
        except Exception:  # noqa: BLE001 - the configured chat will do
            return self.protection_chat_id if role == PROTECTION else self.fallback_chat_id

    def _target_now(self, role: str) -> int | None:
        with self.database.session() as session:
            return self._target(session, role)

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Deliver until `stop` is set; between passes wait for `stop`, `wake()` or `idle`."""
        # Made anew in the loop that runs the relay: the lane gives each start its own
        # thread and loop, and an asyncio primitive serves one loop only.
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        while not stop.is_set():
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception as error:  # noqa: BLE001 - the relay must outlive any failure
                # The class only: a database error's text can quote SQL parameters.
                logger.error("relay pass failed (%s); retrying", type(error).__name__)
            await self._pause(stop, idle)

    async def deliver_due(self) -> int:
        """One pass over due, unsent, not-failed rows, emergencies first, then oldest first.
        Returns how many were sent."""
        async with self._lock:
            await self._record_unrecorded()
            sent = 0
            seen: set[int] = set(self._unrecorded)
            held: set[str] = set()  # roles not to send to again in this pass
            tried = self.budget.per_minute is None  # a pass tries one summary at most
            while True:
                now = self.clock()
                held |= {role for role, until in self._paused.items() if until > now}
                held |= {
                    role for role in (PROTECTION, FALLBACK) if self.budget.left(role, now) == 0
                }
                if not tried and PROTECTION not in held:
                    tried = await self._summarise(now, seen, held)
                    if self.budget.left(PROTECTION, now) == 0:
                        held.add(PROTECTION)
                job = await asyncio.to_thread(self._claim_next, now, seen, held)
                if job is None:
                    return sent
                seen.add(job.row_id)
                if await self._attempt(job, held):
                    sent += 1

    async def _summarise(self, now: datetime, seen: set[int], held: set[str]) -> bool:
        """Send the summary of a burst if one is due now (`bot.escalation.burst.to_list`);
        True once one was tried, so a pass tries one at most."""
        due = await asyncio.to_thread(self._in_session, due_cards, LANE, now, seen)
        listed = to_list(due, self.budget.left(PROTECTION, now), self._last_summary, now)
        if not listed:
            return False
        try:
            taken, before = await asyncio.to_thread(self._in_session, claim_summary, now)
        except IntegrityError:  # another relay took the first summary at the same moment
            taken, before = False, now
        if not taken:
            self._last_summary = before  # another relay's (or before a restart)
            return True
        self._last_summary = now
        chat_id = await asyncio.to_thread(self._target_now, PROTECTION)
        text = summary([(card.case_id, card.number, card.urgency) for card in listed])
        try:  # a migration is audited on the first case listed
            await self._send(PROTECTION, listed[0].case_id, chat_id or 0, text, [])
        except Exception as error:  # noqa: BLE001 - the cards themselves still follow
            failure = error if isinstance(error, DeliveryError) else Transient(type(error).__name__)
            if isinstance(failure, RetryLater):
                self._paused[PROTECTION] = self.clock() + timedelta(seconds=failure.after)
            if isinstance(failure, (RetryLater, Transient)):
                held.add(PROTECTION)  # busy or unreachable: the summary goes again next pass
                await asyncio.to_thread(self._in_session, give_back, now, before)
                self._last_summary = before
            # A 400 or 403 keeps the claim: no summary for a minute, the cards take the slots.
            logger.warning("burst summary not delivered (%s)", failure.describe())
            return True
        ids = [card.case_id for card in listed]
        await asyncio.to_thread(self._in_session, record_listed, ids, self.clock(), SYSTEM)
        logger.warning("burst: %d new cases listed in one summary card", len(listed))
        return True

    def _in_session(self, work: Callable[..., T], *args: object) -> T:
        with self.database.session() as session:
            return work(session, *args)

    # -- one attempt ----------------------------------------------------------------------

    async def _attempt(self, job: _Job, held: set[str]) -> bool:
        try:
            await self._send(job.role, job.case_id, job.chat_id, job.text, job.buttons)
        except Exception as error:  # noqa: BLE001 - an unknown error is a transient one
            failure = error if isinstance(error, DeliveryError) else Transient(type(error).__name__)
            if isinstance(failure, (RetryLater, Transient)):
                held.add(job.role)  # the chat is busy or unreachable: next pass
            if isinstance(failure, RetryLater):
                self._paused[job.role] = self.clock() + timedelta(seconds=failure.after)
            await asyncio.to_thread(self._record_failure, job, failure, self.clock())
            return False
        sent_at = self.clock()
        try:
            await asyncio.to_thread(self._record_success, job, sent_at)
        except Exception as error:  # noqa: BLE001 - delivered: keep it, record it next pass
            self._unrecorded[job.row_id] = (job, sent_at)
            logger.error(
                "%s: delivered but not recorded (%s)", job.case_number, type(error).__name__
            )
        return True

    async def _send(
        self, role: str, case_id: int, chat_id: int, text: str, buttons: Buttons
    ) -> None:
        """Send one message to `role`'s chat, following (and storing) a migration."""
        for move in range(MAX_MOVES + 1):
            try:
                self.budget.spend(role, self.clock())
                await self.sender.send(chat_id, text, buttons)
                return
            except ChatMoved as moved:
                if move == MAX_MOVES:
                    raise Rejected() from None
                await asyncio.to_thread(self._store_move, role, case_id, chat_id, moved.new_chat_id)
                logger.warning("VS-%06d: %s chat migrated; resending", case_id, role)
                chat_id = moved.new_chat_id

    async def _record_unrecorded(self) -> None:
        for row_id, (job, sent_at) in list(self._unrecorded.items()):
            await asyncio.to_thread(self._record_success, job, sent_at)
            del self._unrecorded[row_id]

    async def _pause(self, stop: asyncio.Event, idle: float) -> None:
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    # -- database (run in a worker thread: a slow database must not stall the bot) --------

    def _target(self, session: Session, role: str) -> int | None:
        """The chat for `role`: a migrated id learned from Telegram wins over the configured
        one, unless the configuration was changed to another chat since the migration."""
        configured = self.protection_chat_id if role == PROTECTION else self.fallback_chat_id
        stored = session.get(Setting, f"{role}_chat_id")
        if stored is None:
            return configured
        origin = session.get(Setting, f"{role}_chat_id.migrated_from")
        if configured is not None and origin is not None and origin.value != str(configured):
            if not self._warned_config_change:
                self._warned_config_change = True
                logger.warning("%s chat reconfigured since it migrated; using the setting", role)
            return configured
        return int(stored.value)

    def _claim_next(self, now: datetime, seen: set[int], held: set[str]) -> _Job | None:
        while True:
            with self.database.session() as session:
                query = (
                    select(OutboxMessage)
                    .join(Escalation, Escalation.id == OutboxMessage.escalation_id)
                    .where(
                        OutboxMessage.lane == LANE,
                        OutboxMessage.sent_at.is_(None),
                        OutboxMessage.failed_at.is_(None),
                        OutboxMessage.next_attempt_at <= now,
                    )
                    .order_by(*CLAIM_ORDER)
                    .limit(1)
                    # PostgreSQL: a row another relay is claiming is skipped, not waited
                    # for, so relays on several replicas each take a different row at once
                    # (SQLite renders nothing: it has one writer anyway).
                    .with_for_update(skip_locked=True, of=OutboxMessage)
                )
                if seen:
                    query = query.where(OutboxMessage.id.not_in(seen))
                if PROTECTION in held:
                    query = query.where(OutboxMessage.kind == FALLBACK)
                if FALLBACK in held:
                    query = query.where(OutboxMessage.kind != FALLBACK)
                row = session.scalars(query).first()
                if row is None:
                    return None
                seen.add(row.id)
                job = self._claim(session, row, now)
            if job is not None:
                return job

    def _claim(self, session: Session, row: OutboxMessage, now: datetime) -> _Job | None:
        case = session.get(Escalation, row.escalation_id)
        assert case is not None  # a foreign key with ON DELETE CASCADE
        role = FALLBACK if row.kind == FALLBACK else PROTECTION
        if row.kind == "reminder" and case.status != "open":
            # "sin tomar" would mislead: the case was taken or closed since.
            row.failed_at, row.last_error = now, "Obsolete"
            _audit(session, case.id, "reminder_dropped", now)
            return None
        chat_id = self._target(session, role)
        if role == FALLBACK and chat_id is None:
            row.failed_at, row.last_error = now, "NoFallbackChat"
            _audit(session, case.id, "fallback_failed", now)
            logger.error(
                "%s: no fallback chat configured; the alert has nowhere to go", case.case_number
            )
            return None
        claimed = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row.id,
                OutboxMessage.attempts == row.attempts,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
            )
            .values(attempts=row.attempts + 1, next_attempt_at=now + self.lease)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            return None  # another relay claimed it first
        _audit(session, case.id, f"{row.kind}_attempt", now)
        text, buttons = render_card(case, row.kind, repeat=row.attempts > 0, now=now, body=row.body)
        return _Job(
            row_id=row.id,
            case_id=case.id,
            case_number=case.case_number,
            kind=row.kind,
            attempts=row.attempts + 1,
            role=role,
            chat_id=chat_id if chat_id is not None else 0,
            text=text,
            buttons=buttons,
        )

    def _record_success(self, job: _Job, now: datetime) -> None:
        with self.database.session() as session:
            row = session.get(OutboxMessage, job.row_id)
            if row is None or row.sent_at is not None:
                return
            row.sent_at, row.failed_at, row.last_error = now, None, None
            row.body = None  # a child's words are kept only until the officer has them
            action = "fallback_alerted" if job.role == FALLBACK else f"{job.kind}_sent"
            _audit(session, job.case_id, action, now)
        logger.info(
            "%s: %s card delivered to the %s chat (attempt %d)",
            job.case_number,
            job.kind,
            job.role,
            job.attempts,
        )

    def _record_failure(self, job: _Job, error: DeliveryError, now: datetime) -> None:
        fallback_queued = False
        with self.database.session() as session:
            row = session.get(OutboxMessage, job.row_id)
            if row is None or row.sent_at is not None or row.failed_at is not None:
                return
            row.last_error = error.describe()[:200]
            give_up = isinstance(error, (Refused, Rejected))
            if give_up:
                row.failed_at = now
                _audit(session, job.case_id, f"{job.kind}_failed", now)
            else:
                row.next_attempt_at = now + timedelta(seconds=self._delay(error, row.attempts))
                _audit(session, job.case_id, f"{job.kind}_retry", now)
            if job.role == PROTECTION and (give_up or row.attempts >= self.max_failures):
                fallback_queued = queue_fallback(session, job.case_id, now)
        log = logger.error if give_up else logger.warning
        log(
            "%s: %s card not delivered to the %s chat (%s, attempt %d)%s",
            job.case_number,
            job.kind,
            job.role,
            error.describe(),
            job.attempts,
            "; fallback contact queued" if fallback_queued else "",
        )

    def _delay(self, error: DeliveryError, attempts: int) -> float:
        if isinstance(error, RetryLater):
            return error.after
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** max(attempts - 1, 0))
        return self.rng.uniform(0, ceiling)  # full jitter

    def _store_move(self, role: str, case_id: int, old_chat_id: int, new_chat_id: int) -> None:
        now = self.clock()
        with self.database.session() as session:
            for key, value in (
                (f"{role}_chat_id", str(new_chat_id)),
                (f"{role}_chat_id.migrated_from", str(self._configured(role, old_chat_id))),
            ):
                setting = session.get(Setting, key)
                if setting is None:
                    session.add(Setting(key=key, value=value))
                else:
                    setting.value = value
            _audit(session, case_id, "chat_migrated", now)

    def _configured(self, role: str, fallback: int) -> int:
        configured = self.protection_chat_id if role == PROTECTION else self.fallback_chat_id
        return configured if configured is not None else fallback
