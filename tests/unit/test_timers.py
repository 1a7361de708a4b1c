"""Escalation timers: a case nobody takes gets one reminder, then one fallback card, at the
times its urgency sets, derived from the database alone (so a restart loses nothing).

Every test runs on SQLite and on PostgreSQL; time moves only when a test says so.
"""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.channels.delivery import Refused
from bot.channels.terminal.alerts import TerminalAlertSender
from bot.escalation import Cases, Disclosure, EscalationLane, Relay
from bot.escalation.cards import Buttons
from bot.escalation.officers import Officers
from bot.escalation.timers import Timers
from bot.storage import AuditEntry, OutboxMessage

START = datetime(2026, 3, 1, 12, 0, 0)
PROTECTION = -4001
FALLBACK = -5001


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def at(self, **delta: float) -> None:
        """Set the clock to START + delta."""
        self.now = START + timedelta(**delta)


class RecordingSender:
    """Records (chat, first line) of every card; refuses chats in `refuse` with a 403."""

    def __init__(self, refuse: frozenset[int] = frozenset()) -> None:
        self.sent: list[tuple[int, str]] = []
        self.refuse = refuse

    async def send(self, chat_id: int, text: str, buttons: Buttons) -> None:
        if chat_id in self.refuse:
            raise Refused()
        self.sent.append((chat_id, text.splitlines()[0]))


@pytest.fixture
def clock() -> Clock:
    return Clock()


def open_case(database, clock, urgency: str) -> int:
    return Cases(database, clock=clock).open(
        "ps_child", Disclosure(urgency, "abuse", "self"), "me pegan en la casa"
    )


def kinds(database, case_id: int) -> list[str]:
    with database.session() as session:
        query = select(OutboxMessage.kind).where(OutboxMessage.escalation_id == case_id)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def actions(database, case_id: int) -> list[str]:
    with database.session() as session:
        query = select(AuditEntry.action).where(AuditEntry.escalation_id == case_id)
        return list(session.scalars(query.order_by(AuditEntry.id)))


@pytest.mark.parametrize(
    "urgency, reminder_min, fallback_min",
    [("emergency", 5, 15), ("high", 30, 90)],
)
def test_untaken_case_gets_one_reminder_then_one_fallback_at_its_urgency_times(
    database, clock, urgency, reminder_min, fallback_min
):
    case_id = open_case(database, clock, urgency)
    timers = Timers(database, clock=clock)
    clock.at(minutes=reminder_min, seconds=-1)
    assert timers.due() == 0
    assert kinds(database, case_id) == ["alert"]
    clock.at(minutes=reminder_min)
    assert timers.due() == 1
    assert kinds(database, case_id) == ["alert", "reminder"]
    assert timers.due() == 0  # once
    clock.at(minutes=fallback_min, seconds=-1)
    assert timers.due() == 0
    clock.at(minutes=fallback_min)
    assert timers.due() == 1
    assert kinds(database, case_id) == ["alert", "reminder", "fallback"]
    clock.at(hours=24)
    assert timers.due() == 0  # once
    assert actions(database, case_id) == [
        "opened",
        "reminder_queued",
        "fallback_queued",
        "not_taken_in_time",
    ]


def test_emergency_and_high_cases_opened_together_are_reminded_at_their_own_times(database, clock):
    emergency = open_case(database, clock, "emergency")
    high = open_case(database, clock, "high")
    timers = Timers(database, clock=clock)
    clock.at(minutes=5)
    assert timers.due() == 1
    assert (kinds(database, emergency), kinds(database, high)) == (
        ["alert", "reminder"],
        ["alert"],
    )
    clock.at(minutes=30)
    assert timers.due() == 2  # the emergency's fallback (15 min) and the high's reminder
    assert kinds(database, emergency) == ["alert", "reminder", "fallback"]
    assert kinds(database, high) == ["alert", "reminder"]


def test_a_bot_down_past_both_times_queues_reminder_and_fallback_once_on_return(database, clock):
    case_id = open_case(database, clock, "emergency")
    clock.at(hours=3)
    assert Timers(database, clock=clock).due() == 2
    assert Timers(database, clock=clock).due() == 0
    assert kinds(database, case_id) == ["alert", "reminder", "fallback"]


def test_timers_recreated_after_a_restart_still_fire_and_never_twice(database, clock):
    case_id = open_case(database, clock, "high")
    clock.at(minutes=10)
    assert Timers(database, clock=clock).due() == 0
    # Restart: nothing in memory survives; the new Timers sees only the database.
    clock.at(minutes=31)
    assert Timers(database, clock=clock).due() == 1
    clock.at(minutes=45)
    assert Timers(database, clock=clock).due() == 0
    clock.at(minutes=91)
    assert Timers(database, clock=clock).due() == 1
    assert kinds(database, case_id) == ["alert", "reminder", "fallback"]


@pytest.mark.parametrize("action", ["take", "resolve", "false"])
def test_a_case_taken_or_closed_in_time_gets_no_reminder_and_no_fallback(database, clock, action):
    case_id = open_case(database, clock, "emergency")
    clock.at(minutes=4)
    assert Officers(database, clock=clock).act(case_id, action, "ps_officer").accepted
    clock.at(hours=5)
    assert Timers(database, clock=clock).due() == 0
    assert kinds(database, case_id) == ["alert"]


def test_a_case_taken_after_its_reminder_gets_no_fallback(database, clock):
    case_id = open_case(database, clock, "emergency")
    timers = Timers(database, clock=clock)
    clock.at(minutes=6)
    assert timers.due() == 1
    Officers(database, clock=clock).act(case_id, "take", "ps_officer")
    clock.at(minutes=16)
    assert timers.due() == 0
    assert kinds(database, case_id) == ["alert", "reminder"]


def test_delays_are_configurable_and_an_unknown_urgency_gets_the_shortest(database, clock):
    timers = Timers(
        database,
        clock=clock,
        reminder_after={"emergency": timedelta(minutes=1), "high": timedelta(minutes=2)},
        fallback_after={"emergency": timedelta(minutes=3), "high": timedelta(minutes=4)},
    )
    high = open_case(database, clock, "high")
    odd = open_case(database, clock, "medium")  # never written by triage; still not forgotten
    clock.at(minutes=1)
    assert timers.due() == 1 and kinds(database, odd) == ["alert", "reminder"]
    clock.at(minutes=2)
    assert timers.due() == 1 and kinds(database, high) == ["alert", "reminder"]
    clock.at(minutes=3)
    assert timers.due() == 1 and kinds(database, odd)[-1] == "fallback"
    clock.at(minutes=4)
    assert timers.due() == 1 and kinds(database, high)[-1] == "fallback"


async def test_reminder_goes_to_the_protection_chat_and_fallback_to_the_fallback_chat(
    database, clock
):
    case_id = open_case(database, clock, "emergency")
    sender = RecordingSender()
    relay = Relay(database, sender, PROTECTION, FALLBACK, clock=clock)
    timers = Timers(database, clock=clock)
    assert await relay.deliver_due() == 1
    clock.at(minutes=5)
    timers.due()
    assert await relay.deliver_due() == 1
    clock.at(minutes=15)
    timers.due()
    assert await relay.deliver_due() == 1
    assert sender.sent == [
        (PROTECTION, "Nuevo caso VS-000001"),
        (PROTECTION, "⏰ Recordatorio: caso sin tomar VS-000001"),
        (FALLBACK, "📵 Caso sin atender en el chat de protección VS-000001"),
    ]
    assert "fallback_alerted" in actions(database, case_id)


async def test_no_second_fallback_when_the_relay_already_sent_one_for_a_failed_delivery(
    database, clock
):
    case_id = open_case(database, clock, "emergency")
    sender = RecordingSender(refuse=frozenset({PROTECTION}))
    relay = Relay(database, sender, PROTECTION, FALLBACK, clock=clock)
    await relay.deliver_due()  # 403 from the protection chat: the relay queues the fallback
    assert kinds(database, case_id) == ["alert", "fallback"]
    clock.at(minutes=15)
    assert Timers(database, clock=clock).due() == 1  # the reminder only
    assert kinds(database, case_id) == ["alert", "fallback", "reminder"]
    assert actions(database, case_id).count("fallback_queued") == 1


async def test_reminder_fires_after_a_restart_of_the_lane(database, clock):
    """Lane (relay + timers) runs, stops; time passes; a new lane over the same database
    sends the reminder."""
    case_id = open_case(database, clock, "emergency")
    stream = io.StringIO()

    def lane() -> EscalationLane:
        relay = Relay(database, TerminalAlertSender(stream), None, None, clock=clock)
        timers = Timers(database, clock=clock)
        return EscalationLane(relay, idle=0.05, timers=timers, timer_interval=0.05)

    first = lane()
    await first.start()
    await until(lambda: "Nuevo caso VS-000001" in stream.getvalue())
    clock.at(minutes=4)
    await asyncio.sleep(0.2)  # several timer passes: not due yet
    await first.stop()
    assert "Recordatorio" not in stream.getvalue()

    clock.at(minutes=5)
    second = lane()
    await second.start()
    try:
        await until(lambda: "⏰ Recordatorio: caso sin tomar VS-000001" in stream.getvalue())
    finally:
        await second.stop()
    with database.session() as session:
        reminder = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "reminder")
        ).one()
    assert reminder.sent_at is not None and reminder.escalation_id == case_id


async def test_lane_timers_outlive_a_failing_pass(database, clock, caplog):
    open_case(database, clock, "emergency")
    stream = io.StringIO()
    relay = Relay(database, TerminalAlertSender(stream), None, None, clock=clock)
    timers = Timers(database, clock=clock)
    real_due, calls = timers.due, []

    def flaky() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("password=hunter2")
        return real_due()

    timers.due = flaky  # type: ignore[method-assign]
    clock.at(minutes=5)
    lane = EscalationLane(relay, idle=0.05, timers=timers, timer_interval=0.05)
    await lane.start()
    try:
        await until(lambda: "Recordatorio" in stream.getvalue())
    finally:
        await lane.stop()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "timers pass failed (RuntimeError)" in logged and "hunter2" not in logged


async def until(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
