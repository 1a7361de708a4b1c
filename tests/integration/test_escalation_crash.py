"""kill -9 at random moments: every case committed to the database still reaches officers.

Each trial starts tests/integration/crash_worker.py, which opens cases in a loop and runs the relay
against the Bot API fake served by this process, and SIGKILLs it 0.05-0.8 s after it is
ready (a seeded RNG picks the moment; the fake also injects 429s, 5xx and slow answers that
deliver or not, so kills land mid-send too). A fresh relay in this process, on a clock that
jumps past every lease and backoff, then drains the outbox. The trial passes when every
escalation in the database had an alert card delivered (matched by case number) and no case
got two cards without the resend warning.

Trials run a few at a time, each on its own SQLite file and its own chats; with
TEST_POSTGRES_URL set, more trials run on PostgreSQL, one schema each.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, select, text
from telegram import Bot

from bot.channels.telegram.alerts import TelegramAlertSender
from bot.escalation.cards import REPEAT_LINE
from bot.escalation.relay import Relay
from bot.storage import Database, Escalation, OutboxMessage
from botapi_fake import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "515151:AAFakeCrashTokenForTests_abcdefgh"
SEED = 20260301
TRIALS = {"sqlite": 50, "postgres": 20}
CONCURRENCY = 4
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
CASE_NUMBER = re.compile(r"VS-\d{6}")


@dataclass
class Trial:
    number: int
    kill_after: float
    chaos: str
    protection: int
    fallback: int
    committed: int = 0
    delivered: int = 0
    resends: int = 0
    retried: int = 0  # alerts that needed more than one attempt (a kill or a fault)
    doubled: int = 0  # cases whose card arrived twice: killed between delivery and commit
    failed_passes: int = 0  # relay passes the worker logged as failed (e.g. a locked database)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.utcnow()

    def __call__(self) -> datetime:
        return self.now


def _inject(api: FakeBotApi, chaos: str, rng: random.Random) -> None:
    """Faults land on whichever sendMessage comes next: any worker's, or a drain's."""
    if chaos == "slow-delivered":
        api.delay_next("sendMessage", rng.uniform(0.05, 0.4), deliver=True)
    elif chaos == "slow-lost":
        api.delay_next("sendMessage", rng.uniform(0.05, 0.4), deliver=False)
    elif chaos == "5xx":
        api.fail_next("sendMessage", status=rng.choice((500, 502)), times=rng.randint(1, 3))
    elif chaos == "429":
        api.fail_next("sendMessage", status=429, retry_after=1)


async def _drain(database: Database, bot: Bot, trial: Trial) -> None:
    clock = Clock()
    relay = Relay(
        database,
        TelegramAlertSender(bot, timeout=2.0),
        trial.protection,
        trial.fallback,
        clock=clock,
        rng=random.Random(trial.number),
    )
    for _ in range(40):
        await relay.deliver_due()
        with database.session() as session:
            pending = session.scalar(
                select(OutboxMessage.id)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
                .limit(1)
            )
        if pending is None:
            return
        clock.now += timedelta(seconds=61)  # past every lease, backoff and retry_after
    raise AssertionError(f"trial {trial.number}: the outbox did not drain")


def _check(database: Database, api: FakeBotApi, trial: Trial) -> None:
    with database.session() as session:
        cases = {c.case_number for c in session.scalars(select(Escalation))}
        rows = list(session.scalars(select(OutboxMessage)))
    messages = api.messages_to(trial.protection) + api.messages_to(trial.fallback)
    cards = [m.text for m in messages]
    delivered = {n for text in cards for n in CASE_NUMBER.findall(text)}
    missing = sorted(cases - delivered)
    assert not missing, f"trial {trial.number} ({trial.chaos}): never delivered: {missing}"
    assert all(row.sent_at is not None for row in rows), f"trial {trial.number}: unsent rows"
    # A chat may get a case's card again, but only with the resend warning on top.
    unmarked: dict[tuple[int, str], int] = {}
    for message in messages:
        if not message.text.startswith(REPEAT_LINE):
            key = (message.chat_id, CASE_NUMBER.search(message.text).group(0))
            unmarked[key] = unmarked.get(key, 0) + 1
    doubled = {key: count for key, count in unmarked.items() if count > 1}
    assert not doubled, f"trial {trial.number}: duplicates without the resend warning: {doubled}"
    trial.committed = len(cases)
    trial.delivered = len(cases & delivered)
    trial.resends = sum(card.startswith(REPEAT_LINE) for card in cards)
    trial.retried = sum(1 for row in rows if row.attempts > 1)
    per_case = [n for text in cards for n in CASE_NUMBER.findall(text)]
    trial.doubled = len({n for n in per_case if per_case.count(n) > 1})


async def _run_worker(api: FakeBotApi, url: str, trial: Trial) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "CRASH_DATABASE_URL": url,
        "CRASH_API_BASE_URL": api.base_url,
        "CRASH_TOKEN": TOKEN,
        "CRASH_PROTECTION_CHAT": str(trial.protection),
        "CRASH_FALLBACK_CHAT": str(trial.fallback),
        "CRASH_SEED": str(SEED + trial.number),
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "tests" / "integration" / "crash_worker.py"),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    # Signal by pid, once: Popen.send_signal/kill first poll() the child, and a poll that
    # reaps it races asyncio's child watcher, which then reports returncode 255.
    killed = False
    try:
        line = await asyncio.wait_for(worker.stdout.readline(), 20)
        assert line.strip() == b"ready", f"trial {trial.number}: worker did not start: {line!r}"
        await asyncio.sleep(trial.kill_after)
        assert worker.returncode is None, f"trial {trial.number}: worker exited by itself"
        os.kill(worker.pid, signal.SIGKILL)
        killed = True
    finally:
        if not killed and worker.returncode is None:
            os.kill(worker.pid, signal.SIGKILL)
        _, errors = await worker.communicate()
    log = errors.decode(errors="replace")
    assert worker.returncode == -signal.SIGKILL, log[-2000:]
    trial.failed_passes = log.count("relay pass failed")


def _sqlite_databases(tmp_path: Path):
    template = tmp_path / "template.db"
    database = Database(f"sqlite:///{template}")
    database.migrate()
    database.dispose()

    def make(number: int) -> tuple[str, Callable[[], None]]:
        path = tmp_path / f"trial{number:03d}.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}", lambda: None

    return make, lambda: None


def _postgres_databases():
    admin = create_engine(POSTGRES_URL, future=True)
    separator = "&" if "?" in POSTGRES_URL else "?"
    migrating = threading.Lock()

    def make(number: int) -> tuple[str, Callable[[], None]]:
        schema = f"crash_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
        database = Database(url)
        with migrating:  # Alembic's context is process-global: one migration at a time
            database.migrate()
        database.dispose()

        def drop() -> None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

        return url, drop

    return make, admin.dispose


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_every_committed_case_reaches_officers_despite_kill_9(backend, tmp_path):
    if backend == "postgres" and not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    make, close = _sqlite_databases(tmp_path) if backend == "sqlite" else _postgres_databases()
    rng = random.Random(SEED if backend == "sqlite" else SEED + 1)
    chaos_kinds = ("none", "none", "slow-delivered", "slow-lost", "5xx", "429")
    trials = [
        Trial(
            number=n,
            kill_after=rng.uniform(0.05, 0.8),
            chaos=rng.choice(chaos_kinds),
            protection=-(100_000 + n),
            fallback=-(200_000 + n),
        )
        for n in range(TRIALS[backend])
    ]
    started = time.monotonic()
    slots = asyncio.Semaphore(CONCURRENCY)

    async with FakeBotApi(token=TOKEN) as api:
        async with Bot(api.token, base_url=api.base_url) as bot:

            async def run(trial: Trial) -> None:
                async with slots:
                    url, cleanup = await asyncio.to_thread(make, trial.number)
                    try:
                        _inject(api, trial.chaos, rng)
                        await _run_worker(api, url, trial)
                        database = Database(url)
                        try:
                            await _drain(database, bot, trial)
                            _check(database, api, trial)
                        finally:
                            database.dispose()
                    finally:
                        await asyncio.to_thread(cleanup)

            tasks = [asyncio.create_task(run(trial)) for trial in trials]
            try:
                await asyncio.gather(*tasks)
            finally:
                # On a failure, stop the other trials (and kill their workers) before the
                # fake goes away under them.
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                close()

    duration = time.monotonic() - started
    committed = sum(t.committed for t in trials)
    delivered = sum(t.delivered for t in trials)
    print(
        f"\ncrash test ({backend}): {len(trials)} trials, {committed} cases committed, "
        f"{delivered} delivered; {sum(t.retried for t in trials)} alerts retried after the kill "
        f"or a fault, {sum(t.doubled for t in trials)} cases delivered twice, "
        f"{sum(t.resends for t in trials)} resends marked; "
        f"{sum(t.failed_passes for t in trials)} failed relay passes; {duration:.1f} s"
    )
    assert committed == delivered and committed >= len(trials)
