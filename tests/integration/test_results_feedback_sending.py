"""Sending the results to the children who asked, on the HTTP Bot API fake with a real
`telegram.Bot`: each gets one message with the release's figures (never the live counts),
rows go once sent or blocked, a failure keeps its row, paced like a broadcast, and a run
that dies resends nothing already recorded."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.campaigns import feedback, releases, results
from bot.campaigns.feedback import Notifier, ResultsRequests
from bot.campaigns.model import SKIP, Campaign, Option, Question, Wording
from bot.campaigns.tables import ANY, AnswerCounter, ResultsRequest
from bot.channels.telegram.broadcasts import TelegramSender
from botapi_fake import FakeBotApi

TOKEN = "515153:AAFakeFeedbackTokenForTests_abcdefgh"
FIRST_CHAT = 7_320_000_001
NOW = datetime(2027, 1, 10, 18, 0)
CAMPAIGN = Campaign(
    id="barrio",
    title="Mi barrio",
    description=Wording(""),
    opens=date(2026, 12, 1),
    closes=date(2027, 1, 31),
    audience=frozenset({"13-15", "16-17"}),
    consent_version="1",
    access_code=None,
    questions=(
        Question(
            "parque",
            "single",
            Wording("¿Le gusta el parque?"),
            (
                Option("mucho", Wording("Mucho")),
                Option("poco", Wording("Poco")),
                Option("rara", Wording("Rarísimo")),
                Option(SKIP, Wording("Prefiero no responder")),
            ),
        ),
    ),
    release_every=20,
    feedback=Wording("Lo llevaremos al concejo municipal."),
)


@pytest.fixture
async def api():
    async with FakeBotApi(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(api):
    async with Bot(TOKEN, base_url=api.base_url) as client:
        yield client


def count(database, band: str, options: dict[str, int]) -> None:
    """Set the live counters of question "parque" for a band (keys: a fixed 91)."""
    n = sum(options.values())
    cells = {("parque", o, band): v for o, v in options.items()}
    cells |= {("parque", ANY, band): n, (ANY, ANY, band): n}
    with database.session() as session:
        for (q, o, b), value in cells.items():
            row = session.get(AnswerCounter, (CAMPAIGN.id, q, o, b))
            if row is None:
                session.add(
                    AnswerCounter(
                        campaign=CAMPAIGN.id, question=q, option=o, band=b, count=value, key=91
                    )
                )
            else:
                row.count = value


def ask(database, children: dict[str, int], band: str = "13-15") -> ResultsRequests:
    store = ResultsRequests(database)
    for user, chat_id in children.items():
        assert store.ask(user, f"telegram:{chat_id}", CAMPAIGN.id, band)
    return store


def children(number: int) -> dict[str, int]:
    return {f"ps_feedback_{n:03d}": FIRST_CHAT + n for n in range(number)}


def left(database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(ResultsRequest.user)))


def published(database):
    return results.published(database, CAMPAIGN, NOW, closed=False)


async def test_each_child_who_asked_gets_one_message_from_the_release_not_the_live_counts(
    database, api, bot
):
    who = children(3)
    ask(database, who)  # before the first release
    count(database, "13-15", {"mucho": 41, "poco": 23, "rara": 4, SKIP: 5})
    assert releases.take_due(database, CAMPAIGN, NOW) is not None
    count(database, "13-15", {"mucho": 47, "poco": 29, "rara": 7, SKIP: 5})  # live, unreleased
    release = published(database)
    assert release is not None

    sent = await Notifier(database, TelegramSender(bot), rate=25).run(CAMPAIGN, release, False)

    assert (sent.sent, sent.dropped, sent.failed) == (3, 0, 0)
    texts = [m.text for chat in who.values() for m in api.messages_to(chat)]
    assert len(texts) == 3 and len(set(texts)) == 1
    message = texts[0]
    assert message == feedback.summary(CAMPAIGN, release, "13-15")
    column = release.columns.index("13-15")
    table = release.tables[0]
    shown = {row.id: row.cells[column].count for row in table.rows}
    assert f"Mucho: {shown['mucho']} personas" in message
    assert "Rarísimo" not in message  # hidden in the release
    figures = {cell.count for row in table.rows for cell in row.cells}
    figures |= {cell.count for cell in release.completions.cells}
    numbers = {int(n) for n in re.findall(r"\d+", message)}
    assert numbers <= figures  # published figures only: never 47, 29 or 7, the live ones
    assert "Lo llevaremos al concejo municipal." in message
    assert left(database) == []  # each row went once its message was sent


async def test_a_request_made_after_the_release_waits_for_the_next_one(database, api, bot):
    count(database, "13-15", {"mucho": 15, "poco": 10})
    assert releases.take_due(database, CAMPAIGN, NOW) is not None
    ask(database, {"ps_late": FIRST_CHAT})
    sent = await Notifier(database, TelegramSender(bot), rate=25).run(
        CAMPAIGN, published(database), False
    )
    assert sent.total == 0 and api.messages_to(FIRST_CHAT) == []
    assert left(database) == ["ps_late"]
    # Closed: no later release will come, so the last one answers it.
    sent = await Notifier(database, TelegramSender(bot), rate=25).run(
        CAMPAIGN, published(database), True
    )
    assert sent.sent == 1 and left(database) == []


async def test_nothing_is_sent_before_a_release_while_the_campaign_is_open(database, api, bot):
    ask(database, children(2))
    sent = await Notifier(database, TelegramSender(bot), rate=25).run(CAMPAIGN, None, False)
    assert sent.total == 0 and api.sent == [] and len(left(database)) == 2


async def test_a_blocked_chat_drops_its_request_and_a_rejected_one_keeps_it(database, api, bot):
    who = children(3)
    blocked, rejected, fine = who.values()
    api.block_chat(blocked)
    api.fail_next("sendMessage", status=400, description="Bad Request: x", chat_id=rejected)
    ask(database, who)
    count(database, "13-15", {"mucho": 15, "poco": 10})
    releases.take_due(database, CAMPAIGN, NOW)
    sent = await Notifier(database, TelegramSender(bot), rate=25).run(
        CAMPAIGN, published(database), False
    )
    assert (sent.sent, sent.dropped, sent.failed) == (1, 1, 1)
    assert len(api.messages_to(fine)) == 1 and api.messages_to(blocked) == []
    assert left(database) == ["ps_feedback_001"]  # the rejected one is tried next time


async def test_a_429_is_waited_out_and_the_message_is_sent_once(database, api, bot):
    api.fail_next("sendMessage", status=429, retry_after=1, chat_id=FIRST_CHAT)
    ask(database, children(1))
    count(database, "13-15", {"mucho": 15, "poco": 10})
    releases.take_due(database, CAMPAIGN, NOW)
    sent = await Notifier(database, TelegramSender(bot), rate=25).run(
        CAMPAIGN, published(database), False
    )
    assert sent.sent == 1 and len(api.messages_to(FIRST_CHAT)) == 1


async def test_no_second_holds_more_messages_than_the_rate(database, api, bot):
    ask(database, children(8))
    count(database, "13-15", {"mucho": 15, "poco": 10})
    releases.take_due(database, CAMPAIGN, NOW)
    await Notifier(database, TelegramSender(bot), rate=4).run(CAMPAIGN, published(database), False)
    times = sorted(m.sent_at for m in api.sent)
    assert len(times) == 8
    assert max(sum(1 for u in times if t <= u < t + 1.0) for t in times) <= 4


class DiesAfter:
    """A sender that delivers `good` messages, then the process 'dies' before the next."""

    def __init__(self, sender: TelegramSender, good: int) -> None:
        self.sender, self.good = sender, good

    async def send(self, chat_id: int, text: str) -> None:
        if self.good == 0:
            raise SystemExit("killed")
        self.good -= 1
        await self.sender.send(chat_id, text)


async def test_a_run_that_died_resends_nothing_already_sent(database, api, bot):
    who = children(5)
    ask(database, who)
    count(database, "13-15", {"mucho": 15, "poco": 10})
    releases.take_due(database, CAMPAIGN, NOW)
    release = published(database)
    with pytest.raises(SystemExit):
        await Notifier(database, DiesAfter(TelegramSender(bot), 2), rate=25).run(
            CAMPAIGN, release, False
        )
    assert len(left(database)) == 3
    sent = await Notifier(database, TelegramSender(bot), rate=25).run(CAMPAIGN, release, False)
    assert sent.sent == 3
    assert [len(api.messages_to(chat)) for chat in who.values()] == [1] * 5
