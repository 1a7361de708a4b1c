"""The running bot sends the results back on its own, on the HTTP Bot API fake with real
`telegram.Bot`s: a child who asked gets the summary once a release is published (by the
completion that reaches release_every, or by the campaign closing), with nobody running
`python -m bot feedback`; exactly once when the task restarts mid-way or two replicas'
tasks run on one database; paced; nothing before the first release; nothing after
/borrar. The assistant is the unit tier's fake: free text plays no part here."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.campaigns import feedback, releases
from bot.campaigns.feedback import ResultsRequests
from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.results_task import ResultsTask
from bot.campaigns.schema import load_campaign
from bot.campaigns.survey import THANKS
from bot.campaigns.tables import ANY, AnswerCounter, Release, ResultsRequest
from bot.channels.telegram import assemble
from bot.channels.telegram.broadcasts import TelegramSender, broadcast_bot
from bot.engine import Inbound, Kind
from bot.privacy import Pseudonymizer
from bot.runtime import Runtime, engine_for
from bot.settings import ROOT, Settings
from botapi_fake import FakeBotApi
from tests.fakes.application import polling
from tests.fakes.assistant import FakeAssistant
from tests.fakes.participants import participant

TOKEN = "525252:AAFakeResultsTaskTokenForTests_abcd"
FIRST_CHAT = 7_340_000_001
NOW = datetime(2027, 2, 10, 18, 0)  # within the example campaign's dates
EXAMPLE = load_campaign(ROOT / "campaigns" / "seguridad-en-linea.yml")


@pytest.fixture
async def api():
    async with FakeBotApi(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def registry(database):
    registry = CampaignRegistry(database, clock=lambda: NOW, campaigns={EXAMPLE.id: EXAMPLE})
    registry.open(EXAMPLE.id)
    return registry


@asynccontextmanager
async def running(database, registry, api, *, rate: float = 25.0, interval: float = 3600.0):
    """A results task as a replica runs it: its own Bot on the fake, started and stopped."""
    bot = broadcast_bot(TOKEN, api.base_url.removesuffix("/bot"))
    task = ResultsTask(
        database, registry, TelegramSender(bot), rate=rate, interval=interval, connection=bot
    )
    await task.start()
    try:
        yield task
    finally:
        await task.stop()


def counted(database, completions: int, band: str = "13-15") -> None:
    """Completions counted before the test's own (only the completions counter)."""
    with database.session() as session:
        cell = {"question": ANY, "option": ANY, "band": band}
        session.add(AnswerCounter(campaign=EXAMPLE.id, **cell, count=completions, key=7))


def ask(database, number: int) -> dict[str, int]:
    """`number` children who finished and asked for the results, by pseudonym: chat id."""
    store = ResultsRequests(database)
    who = {f"ps_task_{n:03d}": FIRST_CHAT + n for n in range(number)}
    for user, chat in who.items():
        assert store.ask(user, f"telegram:{chat}", EXAMPLE.id, "13-15")
    return who


def waiting(database) -> list[str]:
    with database.session() as session:
        return sorted(session.scalars(select(ResultsRequest.user)))


def release_count(database) -> int:
    with database.session() as session:
        return len(list(session.scalars(select(Release.number))))


async def settle(api, count: int, timeout: float = 15.0) -> None:
    """Wait for `count` messages in all, then a moment more: a second copy would show."""
    await api.wait_for_sent(count, timeout=timeout)
    await asyncio.sleep(0.3)


async def complete(engine, user: str, chat: int) -> list:
    """One child through assent and the whole survey (first button each time), in a private
    Telegram chat; the replies after the thanks (the offer to hear the results)."""
    address = f"telegram:{chat}"

    async def send(kind: Kind, text: str, argument: str | None = None) -> list:
        event = Inbound(user, kind, text, argument, address=address, participant=participant(user))
        return await engine.handle(event)

    await send(Kind.COMMAND, "start", EXAMPLE.id)
    for data in ("c:band:13-15", "c:read", "c:q:0"):
        await send(Kind.BUTTON, data)
    replies = await send(Kind.BUTTON, "c:yes")
    while True:
        question = replies[-1]
        replies = await send(Kind.BUTTON, question.buttons[-1 if question.replace else 0][0].data)
        if replies[0].text == THANKS:
            return replies


async def press(engine, user: str, chat: int, data: str) -> list:
    event = Inbound(
        user, Kind.BUTTON, data, address=f"telegram:{chat}", participant=participant(user)
    )
    return await engine.handle(event)


# -- the whole bot ----------------------------------------------------------------------------


async def test_the_completion_that_takes_a_release_sends_the_waiting_child_their_summary(
    database, registry, api
):
    engine = engine_for(FakeAssistant(), database, registry)
    settings = Settings(
        telegram_token=api.token,
        telegram_api_base_url=api.base_url.removesuffix("/bot"),
        protection_chat_id=-1001234567890,
    )
    application = assemble(Runtime(settings, database, Pseudonymizer(b"k" * 32), engine))
    counted(database, 18)
    async with polling(application):  # starts the results task (its passes: every 300 s)
        thanks = await complete(engine, "ps_asker", FIRST_CHAT)  # the 19th completion
        assert thanks[0].text == THANKS
        assert [r.text for r in await press(engine, "ps_asker", FIRST_CHAT, offer(thanks))] == [
            feedback.SAVED
        ]
        await asyncio.sleep(0.3)
        assert api.messages_to(FIRST_CHAT) == [] and release_count(database) == 0
        await complete(engine, "ps_twentieth", FIRST_CHAT + 1)  # takes release 1: wakes it
        [message] = await api.wait_for_sent(1, chat_id=FIRST_CHAT, timeout=10)
        await asyncio.sleep(0.3)
    assert message.text.startswith(feedback.HEADER.format(title=EXAMPLE.title))
    assert len(api.messages_to(FIRST_CHAT)) == 1
    assert api.messages_to(FIRST_CHAT + 1) == []  # asked nothing
    assert waiting(database) == []


def offer(thanks: list) -> str:
    """The data of «Quiero saber los resultados» in the replies after the thanks."""
    [button] = [b for r in thanks for row in r.buttons for b in row if b.label == feedback.ASK]
    return str(button.data)


# -- the task ---------------------------------------------------------------------------------


async def test_nothing_is_sent_before_the_first_release(database, registry, api):
    ask(database, 2)
    counted(database, 19)
    async with running(database, registry, api, interval=0.1):
        await asyncio.sleep(0.6)  # several passes
    assert api.sent == [] and len(waiting(database)) == 2


async def test_closing_the_campaign_sends_the_last_release_with_nobody_reading_results(
    database, registry, api
):
    who = ask(database, 1)
    counted(database, 12)  # below release_every: only closing publishes
    async with running(database, registry, api, interval=0.1):
        await asyncio.sleep(0.3)
        assert api.sent == []
        registry.close(EXAMPLE.id)
        [message] = await api.wait_for_sent(1, chat_id=who["ps_task_000"], timeout=10)
    assert release_count(database) == 1 and waiting(database) == []
    assert message.text.startswith(feedback.HEADER.format(title=EXAMPLE.title))


async def test_borrar_before_the_release_means_nothing_is_sent(database, registry, api):
    engine = engine_for(FakeAssistant(), database, registry)
    counted(database, 18)
    thanks = await complete(engine, "ps_asker", FIRST_CHAT)
    await press(engine, "ps_asker", FIRST_CHAT, offer(thanks))
    assert waiting(database) == ["ps_asker"]
    event = Inbound(
        "ps_asker",
        Kind.COMMAND,
        "borrar",
        address=f"telegram:{FIRST_CHAT}",
        participant=participant("ps_asker"),
    )
    await engine.handle(event)
    assert waiting(database) == []
    await complete(engine, "ps_twentieth", FIRST_CHAT + 1)
    assert release_count(database) == 1
    async with running(database, registry, api, interval=0.1):
        await asyncio.sleep(0.5)
    assert api.messages_to(FIRST_CHAT) == []


async def test_two_replicas_send_each_child_exactly_once(database, registry, api):
    who = ask(database, 12)
    counted(database, 20)
    assert releases.take_due(database, EXAMPLE, NOW) is not None
    async with running(database, registry, api, rate=10) as one:
        async with running(database, registry, api, rate=10) as two:
            one.wake(), two.wake()
            await settle(api, len(who))
    assert [len(api.messages_to(chat)) for chat in who.values()] == [1] * len(who)
    assert len(api.sent) == len(who) and waiting(database) == []


async def test_a_task_stopped_mid_way_and_started_again_sends_each_child_once_paced(
    database, registry, api
):
    who = ask(database, 6)
    counted(database, 20)
    assert releases.take_due(database, EXAMPLE, NOW) is not None
    async with running(database, registry, api, rate=2):
        await api.wait_for_sent(2, timeout=10)
    first_run = len(api.sent)
    assert 0 < len(waiting(database)) < len(who)  # stopped with some left
    async with running(database, registry, api, rate=2):
        await settle(api, len(who))
    assert [len(api.messages_to(chat)) for chat in who.values()] == [1] * len(who)
    for run in (api.sent[:first_run], api.sent[first_run:]):  # each run has its own Pacer
        times = sorted(m.sent_at for m in run)
        assert max(sum(1 for u in times if t <= u < t + 1.0) for t in times) <= 2
