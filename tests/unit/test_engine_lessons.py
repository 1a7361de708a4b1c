"""Lessons reached from the menu, worded for the child's band (reached in free words:
tests/integration/test_engine_understanding.py)."""

from __future__ import annotations

import pytest

from bot.awareness.schema import load_lessons
from bot.engine import STALE_BUTTON, Inbound, Kind
from bot.runtime import engine_for
from consent import texts as consent_texts

CHILD = "c" * 32


@pytest.fixture
def engine(assistant, database):
    return engine_for(assistant, database)


async def press(engine, data):
    return await engine.handle(Inbound(CHILD, Kind.BUTTON, data))


def texts(replies) -> list[str]:
    return [reply.text for reply in replies]


async def test_a_lesson_uses_the_band_the_child_gave_and_the_youngest_before(engine):
    lesson = (await press(engine, "r:aprender"))[0].buttons[0][0].data
    words = load_lessons()[lesson.removeprefix("l:o:")]
    assert words.messages_for("9-12") != words.messages_for("13-15")
    # Before the child says their age: the youngest band's words (in doubt, the younger).
    assert texts(await press(engine, lesson)) == list(words.messages_for("9-12"))
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start"))
    right = consent_texts.QUESTIONS["adolescente"].correct
    for data in ("c:band:13-15", "c:read", f"c:q:{right}", "c:yes"):
        await press(engine, data)
    assert texts(await press(engine, lesson)) == list(words.messages_for("13-15"))


async def test_forged_lesson_button_is_refused(engine):
    assert (await press(engine, "l:o:no-existe"))[0].text == STALE_BUTTON
    assert (await press(engine, "l:a:que-es-la-trata:1:1"))[0].text == STALE_BUTTON


async def test_news_opt_in_and_out_only_from_a_private_chat(engine):
    from bot.broadcasts import texts as outreach

    async def command(name, address="telegram:42"):
        return (await engine.handle(Inbound(CHILD, Kind.COMMAND, name, address=address)))[0].text

    assert await command("noticias", address=None) == outreach.NOT_HERE  # the terminal chat
    assert await command("noticias") == outreach.SUBSCRIBED
    assert await command("noticias") == outreach.ALREADY_SUBSCRIBED
    assert await command("baja") == outreach.UNSUBSCRIBED
    assert await command("baja") == outreach.NOT_SUBSCRIBED
