"""Through the engine: the band a child picks at /start words their lessons, quizzes and FAQ
answers for the whole conversation, with or without a receipt; it is forgotten after the
idle expiry, on /salir and on /borrar; and it is never written beside an answer or a
receipt."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import yaml
from sqlalchemy import MetaData, select

from bot.engine import Inbound, Kind
from bot.runtime import engine_for
from bot.settings import ROOT
from consent import texts
from consent.chosen import KEPT_FOR

pytestmark = pytest.mark.rasa
CHILD = "c" * 32
LESSON = "que-es-la-trata"
QUESTION = "¿qué es la trata de personas?"
RIGHT = texts.QUESTIONS["nino"].correct


def faq_answer(name: str, band: str | None) -> str:
    domain = yaml.safe_load((ROOT / "domain" / "faq.yml").read_text(encoding="utf-8"))
    variations = domain["responses"][name]
    own = [v["text"] for v in variations if band and v.get("channel") == band]
    return own[0] if own else variations[0]["text"]


class Clock:
    def __init__(self) -> None:
        self.now = datetime.utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def engine(assistant, database, clock):
    engine = engine_for(assistant, database)
    engine.consent.consent.chosen.clock = clock  # the band's expiry, on a clock the test moves
    return engine


async def press(engine, data: str):
    return await engine.handle(Inbound(CHILD, Kind.BUTTON, data, address="telegram:42"))


async def decline(engine, band: str) -> None:
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", address="telegram:42"))
    for data in (f"c:band:{band}", "c:read", f"c:q:{RIGHT}"):
        await press(engine, data)
    assert (await press(engine, "c:no"))[0].text == texts.THANKS_NO


async def what_the_child_reads(engine) -> dict[str, list[str]]:
    """The lesson's messages, its quiz's first question, and an FAQ answer."""
    lesson = [reply.text for reply in await press(engine, f"l:o:{LESSON}")]
    quiz = [reply.text for reply in await press(engine, f"l:q:{LESSON}")]
    faq = [
        r.text
        for r in await engine.handle(Inbound(CHILD, Kind.TEXT, QUESTION, address="telegram:42"))
    ]
    return {"lesson": lesson, "quiz": quiz, "faq": faq}


def worded_for(band: str | None) -> dict[str, list[str]]:
    from bot.awareness.schema import load_lessons

    lesson = load_lessons()[LESSON]
    quiz = lesson.quiz_for(band)
    return {
        "lesson": list(lesson.messages_for(band)),
        "quiz": [f"Pregunta 1 de {len(quiz)}\n\n{quiz[0].text}"],
        "faq": [faq_answer("utter_faq_que_es_trata", band)],
    }


async def test_a_child_of_9_to_12_who_declined_reads_lessons_quiz_and_faq_for_their_age(
    engine,
):
    assert worded_for("9-12") != worded_for(None)  # each of the three has its own words
    for key in ("lesson", "quiz", "faq"):
        assert worded_for("9-12")[key] != worded_for(None)[key], key
    await decline(engine, "9-12")
    assert await what_the_child_reads(engine) == worded_for("9-12")


async def test_before_a_band_is_picked_the_child_reads_the_default_words(engine):
    assert await what_the_child_reads(engine) == worded_for(None)


async def test_after_the_idle_expiry_the_band_is_forgotten(engine, clock):
    await decline(engine, "9-12")
    clock.now += KEPT_FOR - timedelta(minutes=1)
    assert await what_the_child_reads(engine) == worded_for("9-12")
    clock.now += KEPT_FOR + timedelta(minutes=1)  # two idle hours after the last read
    assert await what_the_child_reads(engine) == worded_for(None)


@pytest.mark.parametrize("command", ["salir", "borrar"])
async def test_salir_and_borrar_forget_the_band(engine, database, command):
    await decline(engine, "9-12")
    await engine.handle(Inbound(CHILD, Kind.COMMAND, command, address="telegram:42"))
    assert engine.consent.consent.band(CHILD) is None
    # Checked before reading on: opening the lesson's quiz then keeps its place (and no band).
    assert rows_holding(database, CHILD) == []
    assert await what_the_child_reads(engine) == worded_for(None)


async def test_borrar_counts_the_band_among_the_erased_rows(engine):
    await decline(engine, "9-12")
    (reply,) = await engine.handle(Inbound(CHILD, Kind.COMMAND, "borrar", address="telegram:42"))
    assert "(registros borrados: 1)" in reply.text


def rows_holding(database, needle: str, skip: frozenset[str] = frozenset()) -> list[str]:
    metadata = MetaData()
    metadata.reflect(database.engine)
    found = []
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name in skip:
                continue
            for row in connection.execute(select(table)):
                if any(needle == str(value) for value in row):
                    found.append(f"{table.name}: {row}")
    return found


async def test_the_band_is_never_written_beside_an_answer_or_a_receipt(engine, database):
    await decline(engine, "9-12")
    await what_the_child_reads(engine)
    # Only conversation state with an expiry holds the child or any band: the chosen band,
    # and the open quiz's place (which keeps the band it started in, to its end). No
    # receipt, answer, counter or case.
    state = frozenset({"chosen_bands", "conversation_state"})
    assert rows_holding(database, CHILD, skip=state) == []
    assert rows_holding(database, "9-12", skip=state) == []
    holding = sorted(found.split(":")[0] for found in rows_holding(database, CHILD))
    assert holding == ["chosen_bands", "conversation_state"]
