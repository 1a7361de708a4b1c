"""Nothing leaks into the logs on a bad day: every failure path on which a child's words, a
pseudonym, a raw Telegram id or the bot token could be printed is driven here, and everything
logged (the records, and the lines the project's own handler and formatter write) is scanned."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import sqlite3

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.error import InvalidToken
from telegram.request import HTTPXRequest

from bot import logs
from bot.channels.telegram import assemble
from bot.cli import run as run_command
from bot.engine import Engine, Inbound, Kind, Reply
from bot.escalation import Cases
from bot.privacy import Pseudonymizer
from bot.runtime import Runtime, engine_for
from bot.settings import Settings
from bot.storage import Database
from bot.storage import database as database_module
from botapi_fake import FakeBotApi
from tests.fakes.application import polling

CHILD = 987654321
PROTECTION = -1001234567890
FALLBACK = -1009876543210
OFFICER = 555000111
TOKEN = "424242:AAFakeTokenForTests_abcdefghijk"
DISCLOSURE = "me quiere matar mi papá Pelusa"
PSEUDONYM = Pseudonymizer(b"k" * 32)("telegram", CHILD)


@pytest.fixture
def logged(caplog):
    """Everything logged: the records as caplog sees them, and the project's handler (the
    formatter and filter `logs.configure` installs) writing into a buffer."""
    buffer = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure("DEBUG")
    root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
    root.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)

    def text() -> str:
        plain = logging.Formatter()  # as any handler would print them, filter or none
        records = [plain.format(record) for record in caplog.records]
        return "\n".join([buffer.getvalue(), caplog.text, *records])

    yield text
    root.handlers[:], level = saved
    root.setLevel(level)
    logs.quiet_libraries()


def assert_clean(text: str, *secrets: str) -> None:
    for secret in (DISCLOSURE, "Pelusa", PSEUDONYM, str(CHILD), TOKEN, *secrets):
        assert secret not in text, f"{secret!r} was logged"


class BrokenNlu:
    """Rasa failing the way a library does: its error quotes what it was given."""

    intents: frozenset[str] = frozenset()

    async def parse(self, text):
        raise RuntimeError(f"could not featurize {text!r}")

    async def respond(self, user, intent, band=None):
        return [Reply("respuesta")]

    async def forget(self, user):
        return None


def disclose(engine: Engine) -> list[Reply]:
    return asyncio.run(
        engine.handle(Inbound(PSEUDONYM, Kind.TEXT, DISCLOSURE, address=f"telegram:{CHILD}"))
    )


def test_rasa_failing_on_a_disclosure_logs_no_text(logged, database):
    replies = disclose(Engine(BrokenNlu(), Cases(database)))
    assert replies  # still triaged by the rules, still answered
    assert "RuntimeError" in logged()
    assert_clean(logged())


def test_a_locked_database_while_a_disclosure_is_recorded_logs_no_text(
    logged, tmp_path, monkeypatch
):
    pragmas = database_module._sqlite_pragmas

    def short_wait(connection, record):
        pragmas(connection, record)
        connection.execute("PRAGMA busy_timeout=50")

    monkeypatch.setattr(database_module, "_sqlite_pragmas", short_wait)
    path = tmp_path / "locked.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        replies = disclose(Engine(BrokenNlu(), Cases(database)))
    finally:
        holder.rollback()
        holder.close()
        database.dispose()
    assert replies
    assert "OperationalError" in logged()  # the failure is logged, by class
    assert_clean(logged())


def test_a_database_that_is_down_while_a_disclosure_is_recorded_logs_no_text(logged):
    database = Database("postgresql://voz:secreto@127.0.0.1:1/voz")
    replies = disclose(Engine(BrokenNlu(), Cases(database)))
    assert replies
    assert "OperationalError" in logged()
    assert_clean(logged(), "secreto")


def test_a_failed_statement_never_quotes_its_parameters(database):
    """SQLAlchemy's hide_parameters: an error carries the SQL, never the values."""
    from sqlalchemy import text

    with pytest.raises(Exception) as raised:
        with database.session() as session:
            session.execute(text("SELECT * FROM no_such_table WHERE x = :x"), {"x": DISCLOSURE})
    assert DISCLOSURE not in str(raised.value)


@pytest_asyncio.fixture
async def telegram(database):
    async with FakeBotApi(token=TOKEN) as api:
        settings = Settings(
            telegram_token=api.token,
            telegram_api_base_url=api.base_url.removesuffix("/bot"),
            protection_chat_id=PROTECTION,
            protection_fallback_chat_id=FALLBACK,
            officer_ids=frozenset({OFFICER}),
        )
        engine = engine_for(BrokenNlu(), database)
        application = assemble(Runtime(settings, database, Pseudonymizer(b"k" * 32), engine))
        async with polling(application):
            yield api


@pytest.mark.parametrize("status", [400, 403, 500, 502])
async def test_telegram_errors_on_replies_and_alerts_log_no_text(telegram, logged, status):
    # Telegram's error descriptions can quote what was sent: make them do so.
    quoting = f"Bad Request: can't parse entities in {DISCLOSURE} for chat {CHILD}"
    telegram.fail_next("sendMessage", status=status, description=quoting, times=2)
    telegram.fail_next(
        "sendMessage", status=status, description=quoting, chat_id=PROTECTION, times=2
    )
    telegram.push_text(CHILD, DISCLOSURE)
    for _ in range(100):  # the reply, its apology and the alert card all fail, and are logged
        if "card not delivered" in logged() and "reply could not be delivered" in logged():
            break
        await asyncio.sleep(0.05)
    text = logged()
    assert "card not delivered" in text and "reply could not be delivered" in text
    assert_clean(text, quoting)


async def test_an_invalid_token_is_masked_in_message_and_traceback(logged):
    async with FakeBotApi(token="999999:AAnotTheOneThatIsRejectedXYZ_12345") as api:
        bot = Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest())
        with pytest.raises(InvalidToken) as raised:
            await bot.initialize()
    assert TOKEN in str(raised.value)  # python-telegram-bot does quote it
    logging.getLogger("telegram.ext.Application").error("start-up failed", exc_info=raised.value)
    logging.getLogger("bot").error("start-up failed: %s", raised.value)
    text = logged()
    assert "<token>" in text
    assert_clean(text)


def test_an_invalid_token_at_start_up_is_explained_without_the_token(logged, monkeypatch, capsys):
    from bot import runtime
    from bot.channels import telegram
    from bot.channels.telegram import application

    def rejected(*_args):
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")

    monkeypatch.setattr(runtime, "build", lambda settings: None)
    monkeypatch.setattr(telegram, "assemble", lambda parts: None)
    monkeypatch.setattr(telegram, "run", rejected)
    monkeypatch.setattr(application, "readiness", lambda parts: {})
    assert run_command.run(argparse.Namespace(), Settings(telegram_token=TOKEN)) == 2
    printed = capsys.readouterr()
    assert "TELEGRAM_BOT_TOKEN" in printed.err
    assert_clean(printed.out + printed.err + logged())
