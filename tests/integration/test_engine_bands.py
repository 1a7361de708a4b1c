"""Through the engine: the band a child picks at /start words their lessons, quizzes and FAQ
answers for the whole conversation, with or without a receipt; before it is picked, and once
it is forgotten (after the idle expiry, on /salir and on /borrar), the child reads the
youngest band's words (in doubt, the younger status applies); and it is never written
beside an answer or a receipt."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import yaml
from sqlalchemy import MetaData, select

from bot.engine import Inbound, Kind
from bot.helplines import AUDIENCE_OF_TEXTS, Helplines
from bot.runtime import engine_for
from bot.settings import ROOT
from consent import texts
from consent.bands import load_bands
from consent.chosen import KEPT_FOR

pytestmark = pytest.mark.rasa
CHILD = "c" * 32
LESSON = "que-es-la-trata"
QUESTION = "¿qué es la trata de personas?"
YOUNGEST = "9-12"


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


def wording(band: str) -> str:
    found = load_bands().get(band)
    assert found is not None
    return found.texts


async def decline(engine, band: str) -> None:
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", address="telegram:42"))
    right = texts.QUESTIONS[wording(band)].correct
    for data in (f"c:band:{band}", "c:read", f"c:q:{right}"):
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
    """What a child of `band` reads (None: the default words, which no band may read)."""
    from bot.awareness.schema import load_lessons

    lesson = load_lessons()[LESSON]
    quiz = lesson.quiz_for(band)
    audience = AUDIENCE_OF_TEXTS[wording(band or YOUNGEST)]
    answer = faq_answer("utter_faq_que_es_trata", band)
    return {
        "lesson": list(lesson.messages_for(band)),
        "quiz": [f"Pregunta 1 de {len(quiz)}\n\n{quiz[0].text}"],
        "faq": [Helplines.load().fill(answer, "trata", audience)],
    }


async def test_a_child_of_9_to_12_who_declined_reads_lessons_quiz_and_faq_for_their_age(
    engine,
):
    assert worded_for("9-12") != worded_for(None)  # each of the three has its own words
    for key in ("lesson", "quiz", "faq"):
        assert worded_for("9-12")[key] != worded_for(None)[key], key
    await decline(engine, "9-12")
    assert await what_the_child_reads(engine) == worded_for("9-12")


async def test_before_a_band_is_picked_the_child_reads_the_youngest_bands_words(engine):
    assert await what_the_child_reads(engine) == worded_for(YOUNGEST)


async def test_after_the_idle_expiry_the_band_is_forgotten(engine, clock):
    assert worded_for("13-15") != worded_for(YOUNGEST)
    await decline(engine, "13-15")
    clock.now += KEPT_FOR - timedelta(minutes=1)
    assert await what_the_child_reads(engine) == worded_for("13-15")
    clock.now += KEPT_FOR + timedelta(minutes=1)  # two idle hours after the last read
    assert await what_the_child_reads(engine) == worded_for(YOUNGEST)


@pytest.mark.parametrize("command", ["salir", "borrar"])
async def test_salir_and_borrar_forget_the_band(engine, database, command):
    await decline(engine, "13-15")
    await engine.handle(Inbound(CHILD, Kind.COMMAND, command, address="telegram:42"))
    assert engine.consent.consent.band(CHILD) is None
    assert rows_holding(database, CHILD) == []
    assert await what_the_child_reads(engine) == worded_for(YOUNGEST)


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
    # Only chosen_bands holds the child or any band: no receipt, answer, counter or case.
    # The quiz the child has on screen keeps its place (bot.storage.conversation: the
    # lesson, the band, the question; gone when the quiz ends or after two idle hours),
    # which is neither an answer nor a receipt.
    kept = frozenset({"chosen_bands", "conversation_state"})
    assert rows_holding(database, CHILD, skip=kept) == []
    assert rows_holding(database, "9-12", skip=kept) == []
    found = sorted(row.split(":")[0] for row in rows_holding(database, CHILD))
    assert found == ["chosen_bands", "conversation_state"]
    assert "'lessons'" in rows_holding(database, CHILD, skip=frozenset({"chosen_bands"}))[0]
