"""Outreach: /noticias, /baja and /borrar leave exactly the rows they should, and a
facilitator's broadcast reaches every subscriber once, within Telegram's limits, through
429s, blocked chats and migrations, and resumes after kill -9 without sending twice.

Broadcasts run against the HTTP Bot API fake with a real `telegram.Bot`; the crash trials
run `python -m bot broadcast` in a subprocess and SIGKILL it.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from argparse import Namespace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import BigInteger, Integer, String, delete, func, select
from telegram import Bot

from bot import cli
from bot.awareness.tables import (
    PENDING,
    Broadcast,
    BroadcastDelivery,
    Subscription,
)
from bot.broadcasts import (
    Broadcaster,
    BroadcastError,
    Outreach,
    ProgressBar,
    Tally,
    compose,
)
from bot.broadcasts.texts import FOOTER
from bot.campaigns.invitation import CAMPAIGN_INVITATION
from bot.campaigns.launch import CampaignRegistry
from bot.channels.telegram.broadcasts import TelegramSender
from bot.cli import broadcast as broadcast_command
from bot.settings import Settings
from bot.storage import Base, Database
from botapi_fake import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "515152:AAFakeOutreachTokenForTests_abcdefgh"
# Chat ids long enough that finding one in the output cannot be a coincidence.
FIRST_CHAT = 7_310_000_001


@pytest.fixture(autouse=True)
def english(staff_in_english):
    """What the facilitator reads is pinned in English (STAFF_LANGUAGE=en), the wording it was
    written in; the default, Spanish, has its own tests."""


def chats(count: int) -> dict[str, int]:
    return {f"ps_outreach_{n:03d}": FIRST_CHAT + n for n in range(count)}


def subscribe_all(database: Database, subscribers: dict[str, int]) -> Outreach:
    outreach = Outreach(database)
    for user, chat_id in subscribers.items():
        assert outreach.subscribe(user, f"telegram:{chat_id}")
    return outreach


def rows(database: Database, table):  # type: ignore[no-untyped-def]
    with database.session() as session:
        return [tuple(row) for row in session.execute(select(*table.__table__.columns))]


def rows_holding(database: Database, value: str | int) -> list[str]:
    """Every table.column in the schema holding `value` (strings or integers)."""
    kind = (String,) if isinstance(value, str) else (Integer, BigInteger)
    found = []
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, kind):
                    count = session.scalar(
                        select(func.count()).select_from(table).where(column == value)
                    )
                    if count:
                        found.append(f"{table.name}.{column.name}")
    return found


@pytest.fixture
async def api():
    async with FakeBotApi(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(api):
    async with Bot(TOKEN, base_url=api.base_url) as client:
        yield client


def window_peak(times: list[float], width: float = 1.0) -> int:
    """The most messages any half-open window [t, t + width) holds."""
    times = sorted(times)
    return max((sum(1 for u in times if t <= u < t + width) for t in times), default=0)


# -- the child's side ---------------------------------------------------------------------


def test_subscribe_keeps_only_the_pseudonym_the_chat_id_and_the_day(database):
    outreach = Outreach(database, clock=lambda: datetime(2026, 12, 3, 15, 0))
    assert outreach.subscribe("ps_ana", f"telegram:{FIRST_CHAT}") is True
    assert outreach.subscribe("ps_ana", f"telegram:{FIRST_CHAT}") is False  # already
    assert rows(database, Subscription) == [("ps_ana", f"telegram:{FIRST_CHAT}", date(2026, 12, 3))]
    assert [c.name for c in Subscription.__table__.columns] == ["user", "address", "since"]
    assert outreach.is_subscribed("ps_ana") and not outreach.is_subscribed("ps_otro")
    assert rows_holding(database, f"telegram:{FIRST_CHAT}") == ["subscriptions.address"]


def test_only_a_private_chat_can_subscribe(database):
    with pytest.raises(ValueError, match="private chat"):
        Outreach(database).subscribe("ps_ana", "telegram:-1001234567890")
    assert rows(database, Subscription) == []


def test_unsubscribe_removes_that_subscription_and_nothing_else(database):
    outreach = subscribe_all(database, {"ps_ana": FIRST_CHAT, "ps_beto": FIRST_CHAT + 1})
    assert outreach.unsubscribe("ps_ana") is True
    assert outreach.unsubscribe("ps_ana") is False  # not subscribed any more
    assert [row[0] for row in rows(database, Subscription)] == ["ps_beto"]
    assert rows_holding(database, "ps_ana") == []


def test_unsubscribe_during_a_broadcast_removes_its_pending_row_too(database):
    outreach = subscribe_all(database, {"ps_ana": FIRST_CHAT, "ps_beto": FIRST_CHAT + 1})
    broadcast = outreach.create("b1", "hola")
    assert outreach.unsubscribe("ps_ana")
    assert outreach.pending(broadcast.id) == ["ps_beto"]


def test_erase_leaves_no_row_keyed_by_the_pseudonym(database):
    outreach = subscribe_all(database, {"ps_ana": FIRST_CHAT, "ps_beto": FIRST_CHAT + 1})
    outreach.create("b1", "hola")  # a pending delivery row for each
    assert outreach.erase("ps_ana") == 2  # the subscription and the delivery row
    assert rows_holding(database, "ps_ana") == []
    assert rows_holding(database, FIRST_CHAT) == []
    assert rows_holding(database, "ps_beto") == [
        "subscriptions.user",
        "broadcast_deliveries.user",
    ]
    assert outreach.erase("ps_ana") == 0


def test_the_tables_match_their_migration(database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    ours = {"subscriptions", "broadcasts", "broadcast_deliveries"}
    with database.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert [d for d in diffs if any(name in repr(d) for name in ours)] == []


# -- the weekly promise and names ----------------------------------------------------------


def test_a_new_broadcast_waits_a_week_after_the_last_and_for_unfinished_ones(database):
    now = [datetime(2026, 12, 1, 12, 0)]
    outreach = Outreach(database, clock=lambda: now[0])
    first = outreach.create("first", "hola")
    with pytest.raises(BroadcastError, match="--resume first"):
        outreach.create("second", "hola")
    assert outreach.finish(first.id)
    now[0] += timedelta(days=6, hours=23)
    with pytest.raises(BroadcastError, match="at most one message a week"):
        outreach.create("second", "hola")
    now[0] += timedelta(hours=1)
    assert outreach.create("second", "hola").name == "second"
    with pytest.raises(BroadcastError, match="not usable"):
        Outreach(database, clock=lambda: now[0] + timedelta(days=30)).create("no spaces", "x")


# -- broadcasting -------------------------------------------------------------------------


async def test_every_subscriber_gets_exactly_one_message_ending_with_how_to_stop(
    database, api, bot
):
    subscribers = chats(6)
    outreach = subscribe_all(database, subscribers)
    broadcast = outreach.create("b1", compose("Una lección nueva."))
    tally = await Broadcaster(database, TelegramSender(bot), rate=25).run(broadcast.id)
    assert (tally.sent, tally.dropped, tally.failed, tally.total) == (6, 0, 0, 6)
    for chat_id in subscribers.values():
        [message] = api.messages_to(chat_id)
        assert message.text == f"Una lección nueva.\n\n{FOOTER}"
    final = outreach.find("b1")
    assert final is not None and final.finished_at is not None
    assert (final.sent, final.dropped, final.failed, final.pending) == (6, 0, 0, 0)
    # Finished: the per-subscriber rows are gone, the totals stay.
    assert rows(database, BroadcastDelivery) == []
    assert len(rows(database, Subscription)) == 6


class StartTimes:
    """A Sender that notes when each send leaves the pacer. The pacer's promise is about
    those moments; arrival times at the fake also carry the machine's scheduling jitter
    (under load, a late arrival and an early one could share a second that the sends did
    not)."""

    def __init__(self, sender: TelegramSender) -> None:
        self.sender = sender
        self.times: list[float] = []

    async def send(self, to: str, text: str) -> None:
        self.times.append(time.monotonic())
        await self.sender.send(to, text)


@pytest.mark.parametrize("in_flight", [1, 3])
async def test_no_second_holds_more_messages_than_the_rate(database, api, bot, in_flight):
    subscribers = chats(11)
    outreach = subscribe_all(database, subscribers)
    broadcast = outreach.create("b1", "hola")
    sender = StartTimes(TelegramSender(bot))
    await Broadcaster(database, sender, rate=5, in_flight=in_flight).run(broadcast.id)
    assert sorted(m.chat_id for m in api.sent) == sorted(subscribers.values())
    assert len(sender.times) == 11
    assert window_peak(sender.times) <= 5


async def test_two_messages_to_one_chat_are_at_least_a_second_apart(database, api, bot):
    outreach = subscribe_all(database, {"ps_a": FIRST_CHAT, "ps_b": FIRST_CHAT, "ps_c": 99})
    broadcast = outreach.create("b1", "hola")
    await Broadcaster(database, TelegramSender(bot), rate=25, in_flight=3).run(broadcast.id)
    first, second = api.messages_to(FIRST_CHAT)
    assert second.sent_at - first.sent_at >= 1.0
    assert len(api.messages_to(99)) == 1


async def test_a_chat_that_blocked_the_bot_is_dropped_and_unsubscribed(database, api, bot):
    subscribers = chats(4)
    blocked_user, blocked_chat = next(iter(subscribers.items()))
    api.block_chat(blocked_chat)
    outreach = subscribe_all(database, subscribers)
    broadcast = outreach.create("b1", "hola")
    tally = await Broadcaster(database, TelegramSender(bot), rate=25).run(broadcast.id)
    assert (tally.sent, tally.dropped) == (3, 1)
    assert api.messages_to(blocked_chat) == []
    assert not outreach.is_subscribed(blocked_user)
    assert rows_holding(database, blocked_chat) == []
    assert rows_holding(database, blocked_user) == []
    info = outreach.find("b1")
    assert info is not None and (info.sent, info.dropped) == (3, 1)


async def test_a_429_is_waited_out_then_the_message_is_sent_once(database, api, bot):
    subscribers = chats(3)
    first_chat = min(subscribers.values())  # sent first: users go in order
    api.fail_next("sendMessage", status=429, retry_after=1, chat_id=first_chat)
    outreach = subscribe_all(database, subscribers)
    broadcast = outreach.create("b1", "hola")
    started = time.monotonic()
    tally = await Broadcaster(database, TelegramSender(bot), rate=25).run(broadcast.id)
    assert tally.sent == 3
    [message] = api.messages_to(first_chat)
    assert message.sent_at - started >= 1.0
    assert [p["chat_id"] for p in api.calls_to("sendMessage")].count(first_chat) == 2
    # Flood control is per bot: nothing else went out during the pause either.
    assert min(m.sent_at for m in api.sent) - started >= 1.0


async def test_a_migrated_chat_gets_the_message_at_its_new_id(database, api, bot):
    new_chat = FIRST_CHAT + 500
    api.fail_next("sendMessage", status=400, migrate_to_chat_id=new_chat, chat_id=FIRST_CHAT)
    outreach = subscribe_all(database, {"ps_ana": FIRST_CHAT})
    broadcast = outreach.create("b1", "hola")
    tally = await Broadcaster(database, TelegramSender(bot), rate=25).run(broadcast.id)
    assert tally.sent == 1 and len(api.messages_to(new_chat)) == 1
    assert rows(database, Subscription)[0][:2] == ("ps_ana", f"telegram:{new_chat}")


async def test_a_rejected_message_fails_and_the_subscription_stays(database, api, bot):
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    outreach = subscribe_all(database, {"ps_ana": FIRST_CHAT})
    broadcast = outreach.create("b1", "hola")
    tally = await Broadcaster(database, TelegramSender(bot), rate=25).run(broadcast.id)
    assert (tally.sent, tally.failed) == (0, 1)
    assert outreach.is_subscribed("ps_ana")
    assert len(api.calls_to("sendMessage")) == 1  # a 400 is not retried


async def test_network_errors_are_retried_and_given_up_after_the_cap(database, api, bot):
    flaky, broken = FIRST_CHAT, FIRST_CHAT + 1
    api.fail_next("sendMessage", status=502, times=2, chat_id=flaky)
    api.fail_next("sendMessage", status=500, times=10, chat_id=broken)
    outreach = subscribe_all(database, {"ps_a": flaky, "ps_b": broken})
    broadcast = outreach.create("b1", "hola")
    broadcaster = Broadcaster(
        database, TelegramSender(bot), rate=25, max_failures=3, backoff_base=0.01
    )
    tally = await broadcaster.run(broadcast.id)
    assert (tally.sent, tally.failed) == (1, 1)
    assert len(api.messages_to(flaky)) == 1 and api.messages_to(broken) == []
    calls = [p["chat_id"] for p in api.calls_to("sendMessage")]
    assert (calls.count(flaky), calls.count(broken)) == (3, 3)
    assert outreach.is_subscribed("ps_b")  # a network failure says nothing about the child


async def test_a_subscriber_who_left_before_their_turn_gets_nothing(database, api, bot):
    outreach = subscribe_all(database, {"ps_a": FIRST_CHAT, "ps_b": FIRST_CHAT + 1})
    broadcast = outreach.create("b1", "hola")
    with database.session() as session:  # left between the snapshot and the send
        session.execute(delete(Subscription).where(Subscription.user == "ps_b"))
    tally = await Broadcaster(database, TelegramSender(bot), rate=25).run(broadcast.id)
    assert (tally.sent, tally.skipped) == (1, 1)
    assert api.messages_to(FIRST_CHAT + 1) == []


async def test_a_broadcast_stopped_mid_send_resumes_and_repeats_only_the_one_in_flight(
    database, api, bot
):
    subscribers = chats(10)
    outreach = subscribe_all(database, subscribers)
    broadcast = outreach.create("b1", "hola")
    run = asyncio.create_task(Broadcaster(database, TelegramSender(bot), rate=20).run(broadcast.id))
    await api.wait_for_sent(3)
    # The 4th message is delivered, but Telegram's answer is late: stop the run right then,
    # as a crash would, with that message sent and not yet recorded.
    api.delay_next("sendMessage", 5.0, deliver=True)
    [*_, in_flight] = await api.wait_for_sent(4)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    await asyncio.sleep(0.3)
    assert len(api.sent) == 4  # nothing left running behind the cancelled broadcast
    with database.session() as session:
        unsettled = session.execute(
            select(BroadcastDelivery.user).where(
                BroadcastDelivery.status == PENDING, BroadcastDelivery.attempts > 0
            )
        ).all()
    assert [subscribers[user] for (user,) in unsettled] == [in_flight.chat_id]
    assert len(outreach.pending(broadcast.id)) == 7

    tally = await Broadcaster(database, TelegramSender(bot), rate=20).run(broadcast.id)
    counts = {chat_id: len(api.messages_to(chat_id)) for chat_id in subscribers.values()}
    assert counts == {c: 2 if c == in_flight.chat_id else 1 for c in subscribers.values()}
    assert (tally.total, tally.sent) == (10, 10)


async def test_a_stop_request_records_the_message_in_flight_so_resume_repeats_nothing(
    database, api, bot
):
    subscribers = chats(8)
    outreach = subscribe_all(database, subscribers)
    broadcast = outreach.create("b1", "hola")
    stop = asyncio.Event()
    run = asyncio.create_task(
        Broadcaster(database, TelegramSender(bot), rate=20).run(broadcast.id, stop)
    )
    await api.wait_for_sent(3)
    stop.set()  # what Ctrl-C does in the CLI
    tally = await run
    assert outreach.find("b1").finished_at is None  # type: ignore[union-attr]
    assert len(outreach.pending(broadcast.id)) == 8 - tally.sent
    await Broadcaster(database, TelegramSender(bot), rate=20).run(broadcast.id)
    assert sorted(m.chat_id for m in api.sent) == sorted(subscribers.values())
    assert outreach.find("b1").finished_at is not None  # type: ignore[union-attr]


class _Lines:
    """A stream that keeps each write apart, so a test can read the bar's last frame."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def write(self, text: str) -> None:
        self.lines.append(text)

    def flush(self) -> None:
        pass


def test_the_progress_bar_shows_counts_only():
    bar_output: list[str] = []
    bar = ProgressBar(_Lines(bar_output), width=10, every=0)  # type: ignore[arg-type]
    bar(Tally(total=500, sent=120, dropped=3, failed=0))
    assert bar_output[-1] == "\r[##........] 120/500 sent, 3 dropped"


def test_by_default_the_progress_bar_and_the_command_speak_spanish(
    cli_env, capsys, staff_in_spanish
):
    bar_output: list[str] = []
    bar = ProgressBar(_Lines(bar_output), width=10, every=0)  # type: ignore[arg-type]
    bar(Tally(total=500, sent=120, dropped=3, failed=2, skipped=1))
    assert bar_output[-1] == (
        "\r[##........] 120/500 enviados, 3 dados de baja, 2 fallidos, 1 se dio de baja"
    )
    subscribe_all(Database(cli_env), chats(3))
    assert cli.main(["broadcast", "--text", "Hola", "--name", "prueba", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "el envío 'prueba' mandaría este mensaje a 3 personas suscritas:" in out
    assert "no se envió nada (prueba sin enviar)" in out
    assert cli.main(["broadcast", "--text", "  ", "--dry-run"]) == 2
    assert capsys.readouterr().err == (
        "error: el mensaje está en blanco. Solución: escriba algunas palabras en --text\n"
    )


# -- the command line ---------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """A migrated SQLite database named by DATABASE_URL, and no Telegram settings."""
    url = f"sqlite:///{tmp_path / 'voz.db'}"
    Database(url).migrate()
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME", "WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    return url


def test_cli_without_a_token_says_so_and_sends_nothing(cli_env, capsys):
    assert cli.main(["broadcast", "--text", "hola"]) == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err


@pytest.mark.parametrize("rate", ["30", "45", "0"])
def test_cli_refuses_a_rate_at_or_above_telegrams_limit(cli_env, capsys, rate):
    assert cli.main(["broadcast", "--text", "hola", "--rate", rate, "--dry-run"]) == 2
    assert f"--rate {rate} is not allowed" in capsys.readouterr().err


def test_cli_unknown_lesson_lists_the_known_ones(cli_env, capsys):
    from bot.awareness.schema import load_lessons

    assert cli.main(["broadcast", "--lesson", "no-existe", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "unknown lesson 'no-existe'. Known lessons:" in err
    assert all(lesson_id in err for lesson_id in load_lessons())


def test_cli_lesson_invitation_names_the_lesson(cli_env, capsys):
    from bot.awareness.schema import load_lessons

    lesson = next(iter(load_lessons().values()))
    assert cli.main(["broadcast", "--lesson", lesson.id, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"«{lesson.title}»" in out and FOOTER in out and "0 subscribers" in out


def test_cli_without_the_lessons_module_says_lessons_are_not_available(
    cli_env, capsys, monkeypatch
):
    monkeypatch.setitem(sys.modules, "bot.awareness.schema", None)  # import fails
    monkeypatch.setitem(sys.modules, "bot.awareness.invitation", None)  # and what needs it
    assert cli.main(["broadcast", "--lesson", "que-es-la-trata", "--dry-run"]) == 2
    assert "lessons are not available" in capsys.readouterr().err


def test_cli_unknown_campaign_lists_the_known_ones(cli_env, capsys):
    assert cli.main(["broadcast", "--campaign", "no-existe", "--dry-run"]) == 2
    assert "unknown campaign 'no-existe'. Known campaigns: seguridad-en-linea" in (
        capsys.readouterr().err
    )


def _args(**given):  # type: ignore[no-untyped-def]
    base = dict(text=None, lesson=None, campaign=None, resume=None, name=None, rate=25.0)
    return Namespace(**{**base, "dry_run": True, **given})


def test_cli_campaign_invitation_needs_a_live_campaign_and_carries_its_link(cli_env, capsys):
    settings = Settings(database_url=cli_env, telegram_bot_username="VozSeguraBot")
    in_dates = lambda: datetime(2027, 1, 15, 18, 0)  # noqa: E731
    args = _args(campaign="seguridad-en-linea")
    assert broadcast_command.run(args, settings, clock=in_dates) == 2
    assert "is not live today (status: draft" in capsys.readouterr().err
    assert broadcast_command.run(args, Settings(database_url=cli_env), clock=in_dates) == 2
    assert "TELEGRAM_BOT_USERNAME" in capsys.readouterr().err

    CampaignRegistry(Database(cli_env), clock=in_dates).open("seguridad-en-linea")
    assert broadcast_command.run(args, settings, clock=in_dates) == 0
    expected = CAMPAIGN_INVITATION.format(
        title="Seguridad en línea y ofertas de trabajo",
        link="https://t.me/VozSeguraBot?start=seguridad-en-linea",
    )
    assert expected in capsys.readouterr().out


def test_cli_dry_run_shows_the_message_and_count_and_writes_nothing(cli_env, capsys):
    database = Database(cli_env)
    subscribe_all(database, chats(3))
    assert cli.main(["broadcast", "--text", "Hola de nuevo", "--name", "prueba", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "'prueba' would send this message to 3 subscribers" in out
    assert f"Hola de nuevo\n\n{FOOTER}" in out
    assert rows(database, Broadcast) == [] and rows(database, BroadcastDelivery) == []


def test_cli_keeps_the_weekly_promise_and_knows_unknown_names(cli_env, capsys):
    outreach = Outreach(Database(cli_env))
    outreach.finish(outreach.create("ayer", "hola").id)
    assert cli.main(["broadcast", "--text", "otra vez", "--dry-run"]) == 2
    assert "at most one message a week" in capsys.readouterr().err
    assert cli.main(["broadcast", "--resume", "no-existe", "--dry-run"]) == 2
    assert "no broadcast named 'no-existe'. Latest broadcasts: ayer" in capsys.readouterr().err
    assert cli.main(["broadcast", "--resume", "ayer"]) == 2  # still needs the token
    assert cli.main(["broadcast", "--resume", "ayer", "--dry-run"]) == 0
    assert "already finished: 0 sent" in capsys.readouterr().out


def test_cli_refuses_an_empty_text(cli_env, capsys):
    assert cli.main(["broadcast", "--text", "  ", "--dry-run"]) == 2
    assert "the message is empty" in capsys.readouterr().err


# -- kill -9 and --resume, end to end ------------------------------------------------------

CRASH_SUBSCRIBERS = 30
CRASH_RATE = 20


def _env(database: Database, api: FakeBotApi) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "TELEGRAM_"))}
    env.update(
        # The default language: Spanish, the catalogs' source, so the child process reads
        # no compiled catalog (this test's copy is not in its locales/).
        STAFF_LANGUAGE="es",
        DATABASE_URL=database.url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url.removesuffix("/bot"),
        PROTECTION_CHAT_ID="-1001000000001",
        OFFICER_IDS="1",
        LOG_LEVEL="INFO",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    if database.url.startswith("postgresql"):
        # The bot refuses PostgreSQL without one key shared by every process (replicas).
        env["VOZ_SECRET_KEY"] = "outreach-test-key-" + "k" * 32
    return env


async def _broadcast(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "broadcast",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_kill_9_midway_then_resume_sends_the_rest_and_nothing_twice(database, api):
    """Trials: SIGKILL at a random count of delivered messages, either while a delivered
    message's answer is still on its way (the worst moment) or at whatever moment the kill
    lands; then `--resume` in a new process. Every subscriber gets the message; only the
    one in flight at the kill may get it twice."""
    rng = random.Random(20261130)
    subscribers = chats(CRASH_SUBSCRIBERS)
    env = _env(database, api)
    figures = []
    for trial, mid_flight in enumerate((True, False, True, False)):
        with database.session() as session:  # each trial a new broadcast, same subscribers
            session.execute(delete(Broadcast))
            session.execute(delete(Subscription))
        subscribe_all(database, subscribers)
        api.sent.clear()
        api.calls.clear()
        kill_at = rng.randint(2, CRASH_SUBSCRIBERS - 5)
        name = f"crash-{trial}"
        first = await _broadcast(
            env, "--text", f"Prueba {trial}", "--name", name, "--rate", str(CRASH_RATE)
        )
        await api.wait_for_sent(kill_at - 1 if mid_flight else kill_at, timeout=30)
        if mid_flight:
            api.delay_next("sendMessage", 10.0, deliver=True)
            await api.wait_for_sent(kill_at, timeout=30)
        else:
            await asyncio.sleep(rng.uniform(0, 1.0 / CRASH_RATE))
        first.send_signal(signal.SIGKILL)
        _, first_err = await first.communicate()
        sent_before = len(api.sent)
        with database.session() as session:
            in_flight = session.scalar(
                select(func.count())
                .select_from(BroadcastDelivery)
                .where(BroadcastDelivery.status == PENDING, BroadcastDelivery.attempts > 0)
            )
            recorded = session.scalar(select(Broadcast.sent_count).where(Broadcast.name == name))

        second = await _broadcast(env, "--resume", name, "--rate", str(CRASH_RATE))
        out, err = await asyncio.wait_for(second.communicate(), timeout=60)
        assert second.returncode == 0, err.decode()
        counts = {chat: len(api.messages_to(chat)) for chat in subscribers.values()}
        repeated = sum(count - 1 for count in counts.values())
        assert min(counts.values()) == 1, f"trial {trial}: a subscriber got nothing"
        assert repeated <= in_flight <= 1, f"trial {trial}: {repeated} repeats"
        if mid_flight:
            assert repeated == 1
        info = Outreach(database).find(name)
        assert info is not None and info.finished_at is not None
        assert info.sent == CRASH_SUBSCRIBERS
        # The facilitator's output: a progress bar and totals, never a chat id.
        output = first_err.decode() + out.decode() + err.decode()
        assert "enviados, 0 dados de baja" in output
        assert f"terminó: {CRASH_SUBSCRIBERS} enviados" in output
        assert not any(str(chat) in output for chat in subscribers.values())
        assert TOKEN not in output
        figures.append(
            f"trial {trial} ({'mid-flight' if mid_flight else 'any moment'}): killed after "
            f"{sent_before} delivered ({recorded} recorded, {in_flight} in flight), resumed "
            f"{len(api.sent) - sent_before} more, repeated {repeated}"
        )
    print("\n" + "\n".join(figures))
