"""Two replicas on one database (issue 16): a child's presses may reach either, and nothing
is lost, refused or counted twice.

Each "replica" is an Engine built as the bot builds it (`bot.runtime.engine_for`) over the
fake assistant, with a Database handle of its own on the same database file or server. The
conversation state store's contract is pinned on both of its backends first."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.awareness.lessons import SUMMARY
from bot.awareness.schema import answer_data, load_lessons, quiz_data
from bot.campaigns.flow import SurveyFlow
from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.schema import load_campaign
from bot.campaigns.survey import THANKS
from bot.campaigns.tables import ANY, AnswerCounter
from bot.engine import STALE_BUTTON, Engine, Inbound, Kind, Reply
from bot.runtime import engine_for
from bot.settings import ROOT
from bot.storage import Database
from bot.storage.conversation import (
    BadPayload,
    ConversationState,
    DatabaseStates,
    Held,
    MemoryStates,
    States,
)
from consent import texts
from tests.fakes.assistant import FakeAssistant
from tests.fakes.participants import participant

CHILD = "c" * 32
EXAMPLE = load_campaign(ROOT / "campaigns" / "seguridad-en-linea.yml")
LESSON = load_lessons()["sus-derechos"]
NOW = datetime(2027, 2, 10, 18, 0)  # inside the example campaign's dates
HOUR = timedelta(hours=1)


# -- the store's contract, on both backends -----------------------------------------------------


@pytest.fixture(params=["memory", "database"])
def states(request: pytest.FixtureRequest) -> Iterator[tuple[States, list[datetime]]]:
    now = [NOW]
    if request.param == "memory":
        yield MemoryStates("survey", 2 * HOUR, clock=lambda: now[0]), now
        return
    database = request.getfixturevalue("database")
    yield DatabaseStates(database, "survey", 2 * HOUR, clock=lambda: now[0]), now


def test_of_two_writers_that_read_the_same_state_only_the_first_advances_it(states):
    store, _now = states
    started = store.put(CHILD, {"question": "uso"}, after=None)
    assert started is not None and store.get(CHILD) == started
    first = store.put(CHILD, {"question": "redes"}, after=started)
    second = store.put(CHILD, {"question": "seguro"}, after=started)
    assert first is not None and second is None
    assert store.get(CHILD) == first
    assert not store.drop(CHILD, after=started)  # a stale finisher deletes nothing
    assert store.drop(CHILD, after=first) and store.get(CHILD) is None


def test_state_expires_after_its_last_write_and_a_new_start_sweeps_expired_rows(states):
    store, now = states
    held = store.put(CHILD, {"question": "uso"}, after=None)
    store.put("otra", {"question": "uso"}, after=None)
    now[0] += HOUR
    held = store.put(CHILD, {"question": "redes"}, after=held)  # slides the expiry
    now[0] += HOUR + timedelta(seconds=1)
    assert store.get("otra") is None and store.get(CHILD) == held
    now[0] += HOUR
    assert store.get(CHILD) is None
    assert store.put(CHILD, {"question": "uso"}, after=held) is None  # expired: not advanced


def test_starting_afresh_replaces_the_state_and_erase_removes_it(states):
    store, _now = states
    old = store.put(CHILD, {"campaign": "a"}, after=None)
    new = store.put(CHILD, {"campaign": "b"}, after=None)
    assert new is not None and old is not None and new.version != old.version
    assert store.get(CHILD) == new
    assert store.erase(CHILD) == 1 and store.erase(CHILD) == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"question": "me pegan en la casa"},  # words, not an id
        {"answers": {"uso": ["Sí"]}},
        {"texto libre": 1},
        {"when": 1.5},
        {"band": datetime(2026, 1, 1)},
    ],
)
def test_only_ids_and_numbers_are_kept(states, payload):
    store, _now = states
    with pytest.raises(BadPayload):
        store.put(CHILD, payload, after=None)
    assert store.get(CHILD) is None


def test_two_flows_of_one_child_keep_separate_rows(database):
    survey = DatabaseStates(database, "survey", HOUR)
    lessons = DatabaseStates(database, "lessons", HOUR)
    survey.put(CHILD, {"question": "uso"}, after=None)
    lessons.put(CHILD, {"question": 0}, after=None)
    assert survey.erase(CHILD) == 1
    assert lessons.get(CHILD) is not None


# -- two replicas ------------------------------------------------------------------------------


@pytest.fixture
def replicas(database: Database, assistant: FakeAssistant) -> Iterator[list[Engine]]:
    """Two engines, each with its own Database handle and campaign registry, on one database."""
    handles = [database, Database(database.url)]
    engines = []
    for handle in handles:
        registry = CampaignRegistry(handle, clock=lambda: NOW, campaigns={EXAMPLE.id: EXAMPLE})
        engines.append(engine_for(FakeAssistant(), handle, registry))
    registry.open(EXAMPLE.id)
    yield engines
    handles[1].dispose()


async def press(engine: Engine, data: str, user: str = CHILD) -> list[Reply]:
    return await engine.handle(Inbound(user, Kind.BUTTON, data, participant=participant(user)))


async def assent_alternating(engines: list[Engine], user: str = CHILD) -> list[Reply]:
    """/start on one replica, each consent button on the other one by one."""
    replies = await engines[0].handle(Inbound(user, Kind.COMMAND, "start", EXAMPLE.id))
    assert replies[-1].text == texts.ASK_BAND
    for turn, data in enumerate(("c:band:13-15", "c:read", "c:q:0", "c:yes")):
        replies = await press(engines[(turn + 1) % 2], data, user)
    assert replies[1].text == EXAMPLE.title
    return replies


def first_option(question: Reply) -> str:
    return question.buttons[0][0].data


async def answer_alternating(
    engines: list[Engine], question: Reply, stop_at: str | None = None
) -> tuple[dict[tuple[str, str], int], list[Reply], int]:
    """Answer each question with its first option, every press on the other replica than the
    last; stop before the question `stop_at`. Returns the totals expected, the last replies
    and the number of presses."""
    expected = {(ANY, ANY): 1}
    turn, replies = 0, [question]
    while True:
        data = first_option(question)
        _prefix, question_id, option = data.split(":")
        if question_id == stop_at:
            return expected, replies, turn
        replies = await press(engines[turn % 2], data)
        turn += 1
        if question.buttons[-1][0].data.endswith(":done"):  # multiple: «Listo» elsewhere
            assert replies[-1].replace
            replies = await press(engines[turn % 2], replies[-1].buttons[-1][0].data)
            turn += 1
        expected[(question_id, ANY)] = 1
        expected[(question_id, option)] = 1
        if replies[0].text == THANKS:
            return expected, replies, turn
        question = replies[-1]


def totals(database: Database) -> dict[tuple[str, str], int]:
    with database.session() as session:
        rows = session.scalars(select(AnswerCounter).where(AnswerCounter.campaign == EXAMPLE.id))
        return {(row.question, row.option): row.count for row in rows if row.band == "13-15"}


def kept_state(database: Database) -> int:
    with database.engine.connect() as connection:
        return (
            connection.execute(
                select(ConversationState.user).where(ConversationState.user == CHILD)
            )
            .all()
            .__len__()
        )


async def test_a_survey_whose_presses_alternate_between_replicas_completes_with_its_totals(
    replicas, database
):
    replies = await assent_alternating(replicas)
    expected, replies, presses = await answer_alternating(replicas, replies[-1])
    assert replies[0].text == THANKS
    assert presses >= 8  # every question was answered, on both replicas in turn
    assert totals(database) == expected
    assert kept_state(database) == 0  # the answers held until the end went with the thanks


async def test_a_lesson_quiz_whose_presses_alternate_between_replicas_reaches_its_summary(
    replicas, database
):
    quiz = LESSON.quiz_for("9-12")  # the child has not said their age: the youngest's quiz
    replies = await press(replicas[0], quiz_data(LESSON.id))
    for index, question in enumerate(quiz):
        right = next(n for n, option in enumerate(question.options, 1) if option.correct)
        replies = await press(replicas[(index + 1) % 2], answer_data(LESSON.id, index + 1, right))
        assert replies[0].replace, replies[0].text  # the answer's feedback, not a stale button
    assert replies[-1].text == SUMMARY.format(right=len(quiz), total=len(quiz))
    assert kept_state(database) == 0


async def test_salir_on_one_replica_ends_the_survey_on_the_other(replicas, database):
    replies = await assent_alternating(replicas)
    await replicas[1].handle(Inbound(CHILD, Kind.COMMAND, "salir"))
    stale = await press(replicas[0], first_option(replies[-1]))
    assert stale[0].text == STALE_BUTTON
    assert totals(database) == {}


class Rendezvous:
    """A survey store whose readers wait for each other once armed: two presses handled at
    the same moment both read the same state before either writes."""

    def __init__(self, inner: States, barrier: threading.Barrier) -> None:
        self.inner, self.barrier, self.armed = inner, barrier, False
        self.flow = inner.flow

    def get(self, user: str) -> Held | None:
        held = self.inner.get(user)
        if self.armed:
            self.barrier.wait(timeout=10)
        return held

    def put(self, user: str, payload: dict, after: Held | None) -> Held | None:
        return self.inner.put(user, payload, after)

    def drop(self, user: str, after: Held | None = None) -> bool:
        return self.inner.drop(user, after)

    def erase(self, user: str) -> int:
        return self.inner.erase(user)


async def test_the_last_question_pressed_on_two_replicas_at_once_is_counted_once(
    replicas, database
):
    replies = await assent_alternating(replicas)
    last = EXAMPLE.questions[-1].id
    expected, replies, _presses = await answer_alternating(replicas, replies[-1], stop_at=last)
    barrier = threading.Barrier(2)
    stores = []
    for engine in replicas:
        surveys = engine.flows.find(SurveyFlow).surveys
        surveys.states = Rendezvous(surveys.states, barrier)
        surveys.states.armed = True
        stores.append(surveys.states)
    data = first_option(replies[-1])
    answered: list[list[Reply]] = []

    def on_replica(engine: Engine) -> None:
        answered.append(asyncio.run(press(engine, data)))

    threads = [threading.Thread(target=on_replica, args=(engine,)) for engine in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not barrier.broken, "the two presses did not read the same state"
    firsts = sorted(replies[0].text for replies in answered)
    assert firsts == sorted([THANKS, STALE_BUTTON])
    _prefix, question_id, option = data.split(":")
    expected[(question_id, ANY)] = expected[(question_id, option)] = 1
    assert totals(database) == expected  # once, not twice


async def test_borrar_on_one_replica_erases_the_survey_in_progress_for_both(replicas, database):
    replies = await assent_alternating(replicas)
    assert kept_state(database) == 1
    await replicas[1].handle(Inbound(CHILD, Kind.COMMAND, "borrar"))
    assert kept_state(database) == 0
    stale = await press(replicas[0], first_option(replies[-1]))
    assert stale[0].text == STALE_BUTTON


def test_a_new_conversation_state_row_holds_no_text(database):
    """What a row looks like on disk: ids and numbers only, here for a survey half done."""
    store = DatabaseStates(database, "survey", HOUR)
    store.put(CHILD, {"campaign": EXAMPLE.id, "answers": {"redes": ["tiktok"]}}, after=None)
    with database.engine.connect() as connection:
        payload = connection.execute(text("SELECT payload FROM conversation_state")).scalar_one()
    assert payload == '{"answers":{"redes":["tiktok"]},"campaign":"seguridad-en-linea"}'


async def test_a_state_row_of_another_shape_is_stale_not_an_error(replicas, database):
    """A row another version of the bot wrote (a rolling upgrade) makes the button stale."""
    replies = await assent_alternating(replicas)
    DatabaseStates(database, "survey", HOUR).put(CHILD, {"campaign": EXAMPLE.id}, after=None)
    DatabaseStates(database, "lessons", HOUR).put(CHILD, {"page": 2}, after=None)
    assert (await press(replicas[1], first_option(replies[-1])))[0].text == STALE_BUTTON
    assert (await press(replicas[0], answer_data(LESSON.id, 1, 1)))[0].text == STALE_BUTTON
