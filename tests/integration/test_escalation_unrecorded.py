"""An alert that cannot be recorded still reaches the officers (issue 15, item 8).

When the transaction in `Cases.open` fails (the database down or locked), there is no case
and no outbox row; the engine hands urgency and category to the escalation lane, which sends
a minimal card (no words, no case number, no buttons) straight to the protection chat over
the Bot API fake, retried, and counted. The child's answer is the one for an alert not yet
told (NOT_TOLD, with the helplines).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import pytest

from bot.channels.telegram.alerts import TelegramAlertSender, alert_bot
from bot.engine import Engine
from bot.escalation import Cases, EscalationLane, Relay
from bot.events import Inbound, Kind, Reply
from bot.helplines import Helplines
from bot.storage import Database
from bot.triage import Verdict, answers
from botapi_fake import FakeBotApi

TOKEN = "424242:AAFakeTokenForTests_abcdefghijk"
PROTECTION = -1001234567890
FALLBACK = -1009876543210
CHILD = "ps_child_pseudonym"
WORDS = "tengo una pistola y me voy a matar ya"  # the rules alone: emergency, self_harm


class RulesOnly:
    """An assistant whose NLU is down too: triage runs on the rule layer alone."""

    intents: frozenset[str] = frozenset()

    async def parse(self, text: str):  # type: ignore[no-untyped-def]
        raise RuntimeError("NLU down")

    async def respond(self, user: str, intent: str, band: str | None = None) -> list[Reply]:
        return []

    async def forget(self, user: str) -> None:
        return None


@contextmanager
def failing_database(kind: str, tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    """A database on which `Cases.open` fails, as it would on a bad day."""
    if kind == "sqlite-down":  # its directory is gone
        database = Database(f"sqlite:///{tmp_path / 'gone' / 'voz.db'}")
        yield database
    elif kind == "sqlite-locked":  # another writer holds the lock past the busy timeout
        database = Database(f"sqlite:///{tmp_path / 'voz.db'}")
        database.migrate()
        holder = sqlite3.connect(tmp_path / "voz.db", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield database
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:  # PostgreSQL not listening
        database = Database("postgresql://postgres@127.0.0.1:1/voz?connect_timeout=2")
        yield database
    database.dispose()


@asynccontextmanager
async def lane_and_engine(
    api: FakeBotApi, database: Database, fallback: int | None = FALLBACK
) -> AsyncIterator[tuple[Engine, Relay]]:
    bot = alert_bot(api.token, api.base_url.removesuffix("/bot"))
    relay = Relay(
        database,
        TelegramAlertSender(bot),
        PROTECTION,
        fallback,
        backoff_base=0.01,
        backoff_cap=0.05,
        unrecorded_attempts=3,
    )
    lane = EscalationLane(relay, bot, idle=0.2)
    await lane.start()
    engine = Engine(RulesOnly(), Cases(database))  # type: ignore[arg-type]
    engine.on_case_opened = lane.wake
    engine.on_alert_unrecorded = lane.alert_unrecorded  # as bot.runtime wires it
    try:
        yield engine, relay
    finally:
        await lane.stop()


def not_told() -> list[Reply]:
    """The answer when the case could not be recorded, with the help services for self-harm
    the engine fills in (bot.helplines; the engine here has no consent flow, so the
    youngest's)."""
    verdict = Verdict(True, "emergency", "self_harm", "self")
    helplines = Helplines.load()
    return [
        Reply(helplines.fill(reply.text, "autolesion"), reply.buttons)
        for reply in answers.replies(verdict, None, can_contact=True)
    ]


@pytest.mark.parametrize("kind", ["sqlite-down", "sqlite-locked", "postgres-down"])
async def test_an_alert_that_cannot_be_recorded_reaches_the_protection_chat_as_a_minimal_card(
    kind, tmp_path, caplog
):
    caplog.set_level(logging.INFO)
    with failing_database(kind, tmp_path) as database:
        async with (
            FakeBotApi(token=TOKEN) as api,
            lane_and_engine(api, database) as (
                engine,
                relay,
            ),
        ):
            api.fail_next("sendMessage", status=502, chat_id=PROTECTION)  # retried
            replies = await engine.handle(
                Inbound(CHILD, Kind.TEXT, WORDS, address="telegram:987654321")
            )
            [card] = await api.wait_for_sent(1, chat_id=PROTECTION, timeout=15)

    assert replies == not_told()  # the child's answer is unchanged: helplines, not "told"
    assert answers.NOT_TOLD in replies[0].text
    lines = card.text.splitlines()
    assert lines[0] == "🆘 Alerta sin registrar"
    assert lines[1] == "Urgencia: 🚨 EMERGENCIA · Categoría: Autolesión o riesgo de suicidio"
    assert not card.reply_markup  # no case to act on
    for leak in ("tengo", "pistola", "matar", "VS-", CHILD):
        assert leak not in card.text
    assert relay.unrecorded == {"alerts": 1, "delivered": 1}
    assert len(api.calls_to("sendMessage")) == 2  # the 502, then the card

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "could not record an escalation (OperationalError): emergency self_harm" in logged
    assert "minimal card delivered to the protection chat (attempt 2)" in logged
    # What this path logs (the engine's escalation, the lane and relay) carries no words and
    # no pseudonym, in the message or a traceback. (Other paths' logs are item 4's.)
    ours = [
        record
        for record in caplog.records
        if record.funcName == "_escalate" or record.name.startswith("bot.escalation")
    ]
    assert ours
    for record in ours:
        assert record.exc_info is None
        assert "pistola" not in record.getMessage() and CHILD not in record.getMessage()


async def test_a_minimal_card_the_protection_chat_refuses_goes_to_the_fallback(tmp_path):
    with failing_database("sqlite-down", tmp_path) as database:
        async with (
            FakeBotApi(token=TOKEN) as api,
            lane_and_engine(api, database) as (
                engine,
                relay,
            ),
        ):
            api.block_chat(PROTECTION)
            await engine.handle(Inbound(CHILD, Kind.TEXT, WORDS, address="telegram:987654321"))
            [card] = await api.wait_for_sent(1, chat_id=FALLBACK, timeout=15)
    assert card.text.startswith("🆘 Alerta sin registrar")
    assert relay.unrecorded == {"alerts": 1, "delivered": 1}


async def test_a_minimal_card_nobody_can_receive_is_counted_lost(tmp_path, caplog):
    with failing_database("sqlite-down", tmp_path) as database:
        async with (
            FakeBotApi(token=TOKEN) as api,
            lane_and_engine(api, database, fallback=None) as (engine, relay),
        ):
            api.fail_next("sendMessage", status=500, times=3)
            replies = await engine.handle(
                Inbound(CHILD, Kind.TEXT, WORDS, address="telegram:987654321")
            )
            for _ in range(200):  # until the three attempts are spent
                if relay.unrecorded["lost"]:
                    break
                await asyncio.sleep(0.02)
    assert replies == not_told()
    assert relay.unrecorded == {"alerts": 1, "lost": 1}
    assert len(api.calls_to("sendMessage")) == 3
    assert "alert could not be delivered to any chat" in caplog.text
