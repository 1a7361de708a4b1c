"""Lessons reached from the menu, worded for the child's band (reached in free words:
tests/integration/test_engine_understanding.py)."""

from __future__ import annotations

import pytest

from bot.engine import STALE_BUTTON, Inbound, Kind
from bot.runtime import engine_for

CHILD = "c" * 32


@pytest.fixture
def engine(assistant, database):
    return engine_for(assistant, database)


async def press(engine, data):
    return await engine.handle(Inbound(CHILD, Kind.BUTTON, data))


async def test_a_lesson_uses_the_band_the_child_gave_when_assenting(engine):
    lesson = (await press(engine, "r:aprender"))[0].buttons[0][0].data
    default = await press(engine, lesson)
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start"))
    for data in ("c:band:9-12", "c:read", "c:q:0", "c:yes"):
        await press(engine, data)
    young = await press(engine, lesson)
    assert [r.text for r in young] != [r.text for r in default]


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
