"""The escalation relay: alert cards reach the protection chat whatever Telegram answers.

A real `telegram.Bot` talks HTTP to the Bot API fake; every test runs on SQLite and on
PostgreSQL. Timing is driven by a fake clock, never by sleeping.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
import re
from datetime import datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import select
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.channels.delivery import ChatMoved, Refused, Rejected, RetryLater, Transient
from bot.channels.telegram.alerts import TelegramAlertSender, alert_bot
from bot.channels.terminal.alerts import TerminalAlertSender
from bot.escalation import Cases, Disclosure
from bot.escalation.cards import REPEAT_LINE, render_card
from bot.escalation.relay import Relay
from bot.storage import AuditEntry, Escalation, OutboxMessage, Setting
from botapi_fake import FakeBotApi

TOKEN = "424242:AAFakeTokenForTests_abcdefghijk"
PROTECTION = -4001  # a basic group
SUPERGROUP = -1004001  # what it becomes after Telegram upgrades it
FALLBACK = -5001
PSEUDONYM = "ps_3f9a1c0d2b7e4a6f"
EXCERPT = "mi tío no me deja salir de la casa y me quitó el pasaporte"
START = datetime(2026, 3, 1, 12, 0, 0)


class Clock:
    """Naive UTC that moves only when a test says so."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture
async def api():
    async with FakeBotApi(token=TOKEN) as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(api):
    async with Bot(api.token, base_url=api.base_url) as telegram_bot:
        yield telegram_bot


def relay_for(database, bot, clock, *, fallback=FALLBACK, timeout=2.0, **options) -> Relay:
    return Relay(
        database,
        TelegramAlertSender(bot, timeout=timeout),
        PROTECTION,
        fallback,
        clock=clock,
        rng=random.Random(7),
        **options,
    )


def open_case(database, clock, urgency="high", category="abuse", excerpt=EXCERPT) -> int:
    return Cases(database, clock=clock).open(
        PSEUDONYM,
        Disclosure(urgency=urgency, category=category, subject="self"),
        excerpt,
        age_band="13-15",
        campaign="jaco-2026",
    )


def outbox(database, kind: str | None = None) -> list[OutboxMessage]:
    with database.session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.scalars(query))


def actions(database, case_id: int) -> list[str]:
    with database.session() as session:
        query = select(AuditEntry.action).where(AuditEntry.escalation_id == case_id)
        return list(session.scalars(query.order_by(AuditEntry.id)))


def sends(api) -> int:
    return len(api.calls_to("sendMessage"))


def callback_data(message) -> list[str]:
    return [b["callback_data"] for row in message.reply_markup["inline_keyboard"] for b in row]


async def drain(relay: Relay, clock: Clock, passes: int = 20, step: float = 61) -> None:
    """Run passes, moving the clock past any backoff, until nothing is left to send."""
    for _ in range(passes):
        await relay.deliver_due()
        if not [r for r in outbox(relay.database) if r.sent_at is None and r.failed_at is None]:
            return
        clock.advance(step)
    raise AssertionError("the outbox did not drain")


# ----------------------------------------------------------------------------- delivery


async def test_first_delivery_sends_one_card_with_three_buttons_and_marks_it_sent(
    database, api, bot, clock
):
    case_id = open_case(database, clock)
    relay = relay_for(database, bot, clock)

    assert await relay.deliver_due() == 1

    [card] = api.messages_to(PROTECTION)
    assert "VS-000001" in card.text
    assert "⚠️ Alta" in card.text and "Abuso o maltrato" in card.text
    assert f"«{EXCERPT}»" in card.text
    assert "13–15 años" in card.text and "jaco-2026" in card.text
    assert "Hora: 1 mar 2026, 12:00\u202fp.\u202fm. UTC" in card.text  # es_CR, by Babel
    assert REPEAT_LINE not in card.text
    assert callback_data(card) == [
        f"e:take:{case_id}",
        f"e:resolve:{case_id}",
        f"e:false:{case_id}",
    ]
    [row] = outbox(database)
    assert row.sent_at == clock.now and row.attempts == 1 and row.last_error is None
    assert actions(database, case_id) == ["opened", "alert_attempt", "alert_sent"]
    # Sent is sent: another pass sends nothing.
    assert await relay.deliver_due() == 0
    assert sends(api) == 1


async def test_429_schedules_the_retry_retry_after_seconds_later_and_holds_the_chat(
    database, api, bot, clock
):
    first = open_case(database, clock)
    open_case(database, clock)
    api.fail_next("sendMessage", status=429, retry_after=7)
    relay = relay_for(database, bot, clock)

    assert await relay.deliver_due() == 0
    assert sends(api) == 1  # the second card did not hit the flood limit too
    row = outbox(database)[0]
    assert row.escalation_id == first
    assert row.next_attempt_at == START + timedelta(seconds=7)
    assert row.last_error == "RetryLater 429"
    assert "alert_retry" in actions(database, first)

    clock.advance(6)
    assert await relay.deliver_due() == 0
    assert sends(api) == 1
    clock.advance(1)
    assert await relay.deliver_due() == 2
    assert [m.text.splitlines()[0] for m in api.messages_to(PROTECTION)] == [
        "🔁 Reenvío: puede que ya lo haya recibido",
        "Nuevo caso VS-000002",
    ]


async def test_server_errors_twice_then_success_backs_off_with_jitter(database, api, bot, clock):
    case_id = open_case(database, clock)
    api.fail_next("sendMessage", status=500, times=2)
    relay = relay_for(database, bot, clock)

    assert await relay.deliver_due() == 0
    row = outbox(database)[0]
    assert row.last_error == "Transient NetworkError"
    assert timedelta(0) <= row.next_attempt_at - clock.now <= timedelta(seconds=1)
    clock.now = row.next_attempt_at
    assert await relay.deliver_due() == 0
    row = outbox(database)[0]
    assert timedelta(0) <= row.next_attempt_at - clock.now <= timedelta(seconds=2)
    clock.now = row.next_attempt_at
    assert await relay.deliver_due() == 1

    assert sends(api) == 3 and len(api.messages_to(PROTECTION)) == 1
    row = outbox(database)[0]
    assert row.sent_at is not None and row.attempts == 3 and row.last_error is None
    assert actions(database, case_id).count("alert_retry") == 2
    assert not outbox(database, kind="fallback")


def test_backoff_is_capped_exponential_with_full_jitter(database, clock):
    relay = Relay(database, TerminalAlertSender(io.StringIO()), None, None, rng=random.Random(1))
    for attempts, ceiling in ((1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (30, 60)):
        delays = [relay._delay(Transient("NetworkError"), attempts) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # spread over the whole range: full jitter
    assert relay._delay(RetryLater(7), 3) == 7


async def test_timeout_after_delivery_leads_to_a_resend_marked_as_repeat(database, api, bot, clock):
    open_case(database, clock)
    # Telegram delivers, then the answer is lost: the client times out.
    api.delay_next("sendMessage", 2, deliver=True)
    relay = relay_for(database, bot, clock, timeout=0.3)

    assert await relay.deliver_due() == 0
    assert len(api.messages_to(PROTECTION)) == 1
    row = outbox(database)[0]
    assert row.sent_at is None and row.last_error == "Transient TimedOut"

    clock.advance(61)
    assert await relay.deliver_due() == 1
    first, resend = api.messages_to(PROTECTION)
    assert REPEAT_LINE not in first.text
    assert resend.text.startswith("🔁 Reenvío: puede que ya lo haya recibido\n")
    assert "VS-000001" in resend.text


async def test_send_interrupted_mid_flight_is_resent_after_the_lease_marked_as_repeat(
    database, api, bot, clock
):
    """What kill -9 during a send leaves behind: a claimed attempt with no outcome."""
    open_case(database, clock)

    class Hangs:
        async def send(self, chat_id, text, buttons):
            await asyncio.Event().wait()

    dying = Relay(database, Hangs(), PROTECTION, FALLBACK, clock=clock, lease=15)
    task = asyncio.create_task(dying.deliver_due())
    for _ in range(200):
        if outbox(database)[0].attempts == 1:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    relay = relay_for(database, bot, clock)
    assert await relay.deliver_due() == 0  # still leased to the dead attempt
    clock.advance(15)
    assert await relay.deliver_due() == 1
    [card] = api.messages_to(PROTECTION)
    assert card.text.startswith(REPEAT_LINE)
    assert outbox(database)[0].attempts == 2


async def test_migrated_group_gets_the_card_and_its_new_id_is_kept_for_the_next_case(
    database, api, bot, clock
):
    open_case(database, clock)
    api.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=SUPERGROUP,
    )
    assert await relay_for(database, bot, clock).deliver_due() == 1

    [card] = api.messages_to(SUPERGROUP)
    assert "VS-000001" in card.text and REPEAT_LINE not in card.text
    assert not api.messages_to(PROTECTION)
    with database.session() as session:
        assert session.get(Setting, "protection_chat_id").value == str(SUPERGROUP)
    assert "chat_migrated" in actions(database, 1)

    # A new relay (a restart) still configured with the old id uses the stored one.
    open_case(database, clock)
    assert await relay_for(database, bot, clock).deliver_due() == 1
    assert "VS-000002" in api.messages_to(SUPERGROUP)[1].text
    assert not api.messages_to(PROTECTION)
    assert sends(api) == 3


async def test_stored_migrated_id_yields_to_a_protection_chat_reconfigured_since(
    database, api, bot, clock
):
    with database.session() as session:
        session.add(Setting(key="protection_chat_id", value=str(SUPERGROUP)))
        session.add(Setting(key="protection_chat_id.migrated_from", value="-999"))
    open_case(database, clock)
    assert await relay_for(database, bot, clock).deliver_due() == 1
    assert len(api.messages_to(PROTECTION)) == 1 and not api.messages_to(SUPERGROUP)


async def test_bot_removed_from_protection_chat_sends_a_fallback_card(database, api, bot, clock):
    case_id = open_case(database, clock, urgency="emergency", category="trafficking")
    api.block_chat(PROTECTION)
    relay = relay_for(database, bot, clock)

    assert await relay.deliver_due() == 1

    [card] = api.messages_to(FALLBACK)
    assert card.text.startswith("📵 Caso sin atender en el chat de protección VS-000001")
    assert "🚨 EMERGENCIA" in card.text and "Trata de personas" in card.text
    assert callback_data(card)[0] == f"e:take:{case_id}"
    alert, fallback = outbox(database)
    assert alert.failed_at is not None and alert.last_error == "Refused 403"
    assert fallback.kind == "fallback" and fallback.sent_at is not None
    assert actions(database, case_id) == [
        "opened",
        "alert_attempt",
        "alert_failed",
        "fallback_queued",
        "fallback_attempt",
        "fallback_alerted",
    ]
    clock.advance(3600)
    assert await relay.deliver_due() == 0
    assert sends(api) == 2


async def test_five_transient_failures_alert_the_fallback_once_while_the_primary_keeps_trying(
    database, api, bot, clock
):
    case_id = open_case(database, clock)
    api.fail_next("sendMessage", status=502, times=5)
    relay = relay_for(database, bot, clock)

    for attempt in range(1, 5):
        assert await relay.deliver_due() == 0
        assert not outbox(database, kind="fallback"), f"fallback too early, attempt {attempt}"
        clock.advance(61)
    # The 5th failure queues the fallback card, which goes out in the same pass.
    assert await relay.deliver_due() == 1
    [card] = api.messages_to(FALLBACK)
    assert "VS-000001" in card.text
    assert outbox(database, kind="alert")[0].failed_at is None

    api.fail_next("sendMessage", status=500, times=3)  # the primary is still down
    await drain(relay, clock)

    assert len(api.messages_to(FALLBACK)) == 1
    assert len(outbox(database, kind="fallback")) == 1
    [alert] = outbox(database, kind="alert")
    assert alert.sent_at is not None and alert.attempts == 9
    assert len(api.messages_to(PROTECTION)) == 1
    assert actions(database, case_id).count("fallback_queued") == 1


async def test_plain_400_is_not_retried_and_the_fallback_is_alerted(database, api, bot, clock):
    case_id = open_case(database, clock)
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    relay = relay_for(database, bot, clock)

    assert await relay.deliver_due() == 1
    alert, fallback = outbox(database)
    assert alert.failed_at is not None and alert.sent_at is None and alert.attempts == 1
    assert alert.last_error == "Rejected 400"
    assert fallback.sent_at is not None
    assert "alert_failed" in actions(database, case_id)
    clock.advance(3600)
    assert await relay.deliver_due() == 0
    assert sends(api) == 2 and not api.messages_to(PROTECTION)


async def test_without_a_fallback_chat_the_case_number_is_logged_and_the_row_failed(
    database, api, bot, clock, caplog
):
    caplog.set_level(logging.DEBUG, logger="bot.escalation.relay")
    case_id = open_case(database, clock)
    api.block_chat(PROTECTION)
    relay = relay_for(database, bot, clock, fallback=None)

    assert await relay.deliver_due() == 0
    clock.advance(3600)
    assert await relay.deliver_due() == 0
    assert sends(api) == 1
    assert all(row.failed_at is not None for row in outbox(database))
    assert outbox(database, kind="fallback")[0].last_error == "NoFallbackChat"
    assert "fallback_failed" in actions(database, case_id)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert sum("VS-000001: no fallback chat" in message for message in errors) == 1


async def test_emergency_is_delivered_before_an_older_high_case(database, api, bot, clock):
    open_case(database, clock, urgency="high")
    clock.advance(60)
    open_case(database, clock, urgency="emergency", category="sexual_exploitation")
    open_case(database, clock, urgency="high", category="online_grooming")

    assert await relay_for(database, bot, clock).deliver_due() == 3

    numbers = [re.search(r"VS-\d{6}", m.text).group(0) for m in api.messages_to(PROTECTION)]
    assert numbers == ["VS-000002", "VS-000001", "VS-000003"]
    assert "🚨 EMERGENCIA" in api.messages_to(PROTECTION)[0].text


async def test_unknown_sender_error_is_retried_like_a_transient_one(database, clock):
    open_case(database, clock)
    stream = io.StringIO()

    class Flaky(TerminalAlertSender):
        calls = 0

        async def send(self, chat_id, text, buttons):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise RuntimeError("boom")
            await super().send(chat_id, text, buttons)

    relay = Relay(database, Flaky(stream), None, None, clock=clock, rng=random.Random(3))
    await drain(relay, clock)
    assert outbox(database)[0].last_error is None and "VS-000001" in stream.getvalue()


async def test_reminder_for_a_case_taken_since_is_dropped_not_sent(database, clock):
    case_id = open_case(database, clock)
    stream = io.StringIO()
    relay = Relay(database, TerminalAlertSender(stream), None, None, clock=clock)
    assert await relay.deliver_due() == 1
    with database.session() as session:
        session.get(Escalation, case_id).status = "taken"
        session.add(
            OutboxMessage(
                escalation_id=case_id,
                kind="reminder",
                lane="escalation",
                created_at=clock.now,
                next_attempt_at=clock.now,
                attempts=0,
            )
        )
    assert await relay.deliver_due() == 0
    assert "sin tomar" not in stream.getvalue()
    assert outbox(database, kind="reminder")[0].failed_at is not None
    assert "reminder_dropped" in actions(database, case_id)


async def test_other_lanes_are_not_served(database, clock):
    open_case(database, clock)
    with database.session() as session:
        session.get(OutboxMessage, 1).lane = "bulk"
    relay = Relay(database, TerminalAlertSender(io.StringIO()), None, None, clock=clock)
    assert await relay.deliver_due() == 0


async def test_run_delivers_as_soon_as_it_is_woken_and_stops_on_request(database, api, clock):
    async with alert_bot(api.token, api.base_url.removesuffix("/bot")) as own_bot:
        relay = relay_for(database, own_bot, clock)
        stop = asyncio.Event()
        task = asyncio.create_task(relay.run(stop, idle=30))
        await asyncio.sleep(0.05)  # the first, empty pass is done; the loop now idles 30 s
        open_case(database, clock)
        relay.wake()
        await api.wait_for_sent(1, chat_id=PROTECTION, timeout=5)
        stop.set()
        await asyncio.wait_for(task, 5)


@pytest.mark.parametrize(
    ("raised", "expected", "detail"),
    [
        (RetryAfter(7), RetryLater, 7.0),
        (RetryAfter(timedelta(seconds=3)), RetryLater, 3.0),
        (ChatMigrated(SUPERGROUP), ChatMoved, SUPERGROUP),
        (Forbidden("Forbidden: bot was kicked from the group chat"), Refused, "Refused 403"),
        (BadRequest("Bad Request: chat not found"), Rejected, "Rejected 400"),
        (TimedOut(), Transient, "Transient TimedOut"),
        (NetworkError("Bad Gateway"), Transient, "Transient NetworkError"),
        (InvalidToken(), Transient, "Transient InvalidToken"),
    ],
)
@pytest.mark.parametrize("timedeltas", [False, True])
async def test_telegram_errors_map_onto_relay_errors_without_their_text(
    raised, expected, detail, timedeltas, monkeypatch
):
    monkeypatch.setenv("PTB_TIMEDELTA", "true" if timedeltas else "false")

    class Failing:
        async def send_message(self, **_kwargs):
            raise raised

    with pytest.raises(expected) as caught:
        await TelegramAlertSender(Failing()).send(PROTECTION, "texto", [])
    error = caught.value
    if isinstance(error, RetryLater):
        assert error.after == detail
    elif isinstance(error, ChatMoved):
        assert error.new_chat_id == detail
    else:
        assert error.describe() == detail
    assert error.__cause__ is None and error.__suppress_context__
    assert "chat not found" not in str(error) and "kicked" not in str(error)


async def test_run_outlives_a_failing_pass(database, clock, caplog):
    stream = io.StringIO()
    relay = Relay(database, TerminalAlertSender(stream), None, None, clock=clock)
    real_claim, failures = relay._claim_next, []

    def claim_fails_once(*args):
        if not failures:
            failures.append(1)
            raise OSError(f"database said something about {EXCERPT}")
        return real_claim(*args)

    relay._claim_next = claim_fails_once
    open_case(database, clock)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop, idle=0.01))
    for _ in range(300):
        if "VS-000001" in stream.getvalue():
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert "VS-000001" in stream.getvalue()
    assert "relay pass failed (OSError)" in caplog.text and EXCERPT not in caplog.text


# ------------------------------------------------------------------- privacy and cards


async def test_terminal_sender_prints_the_card_without_the_pseudonym(database, clock):
    open_case(database, clock)
    stream = io.StringIO()
    relay = Relay(database, TerminalAlertSender(stream), None, None, clock=clock)

    assert await relay.deliver_due() == 1

    printed = stream.getvalue()
    assert "=== ALERTA PARA PROTECCIÓN ===" in printed
    assert "VS-000001" in printed and EXCERPT in printed
    assert "[Tomar caso]" in printed
    assert PSEUDONYM not in printed
    assert outbox(database)[0].sent_at == clock.now


async def test_logs_and_stored_errors_hold_case_numbers_only(database, api, bot, clock, caplog):
    caplog.set_level(logging.DEBUG)
    open_case(database, clock)
    api.fail_next("sendMessage", status=400, migrate_to_chat_id=SUPERGROUP)
    api.fail_next("sendMessage", status=500)
    api.block_chat(FALLBACK)
    relay = relay_for(database, bot, clock, max_failures=1)
    await drain(relay, clock)

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert "VS-000001" in logged
    for secret in (str(PROTECTION), str(SUPERGROUP), str(FALLBACK), PSEUDONYM, EXCERPT, TOKEN):
        assert secret not in logged
    errors = {row.last_error for row in outbox(database)} - {None}
    assert errors == {"Refused 403"}  # the fallback; the alert itself got through in the end


def _case(**fields) -> Escalation:
    values = dict(
        id=12,
        user=PSEUDONYM,
        created_at=START,
        urgency="high",
        category="online_grooming",
        subject="other",
        age_band=None,
        campaign=None,
        excerpt="un señor me pide fotos",
        status="open",
        child_confirmed=None,
        contact_requested=True,
        contact_address="telegram:987654321",
    )
    values.update(fields)
    return Escalation(**values)


@pytest.mark.parametrize(
    ("kind", "fields", "says"),
    [
        ("alert", {}, "Nuevo caso VS-000012"),
        ("update", {"child_confirmed": False}, "corrigió al bot"),
        ("update", {"child_confirmed": True}, "confirmó que el bot entendió bien"),
        ("reminder", {}, "sin tomar"),
        ("fallback", {}, "Caso sin atender en el chat de protección"),
    ],
)
def test_card_names_its_kind_and_never_the_child(kind, fields, says):
    text, buttons = render_card(_case(**fields), kind, repeat=False, now=START + timedelta(hours=2))
    assert says in text
    assert "Acoso sexual en línea (grooming)" in text and "otra persona" in text
    assert "«un señor me pide fotos»" in text
    assert "1 mar 2026, 12:00\u202fp.\u202fm. UTC (hace 2 h 0 min)" in text
    assert PSEUDONYM not in text and "987654321" not in text
    assert "Edad" not in text and "Campaña" not in text  # unknown: left out
    assert [label for row in buttons for label, _ in row] == [
        "Tomar caso",
        "Resolver",
        "Falsa alarma",
    ]
    assert all(len(data.encode()) <= 64 for row in buttons for _, data in row)


def test_repeat_card_starts_with_the_resend_warning():
    text, _ = render_card(_case(), "alert", repeat=True, now=START)
    assert text.splitlines()[0] == REPEAT_LINE
