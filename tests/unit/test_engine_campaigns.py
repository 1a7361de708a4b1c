"""A consultation end to end in the engine: campaign link, assent, survey, totals."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.schema import load_campaign
from bot.campaigns.survey import NONE_OPEN, THANKS
from bot.campaigns.tables import AnswerCounter
from bot.engine import STALE_BUTTON, Inbound, Kind
from bot.runtime import engine_for
from bot.settings import ROOT
from consent import texts
from tests.fakes.participants import participant

CHILD = "c" * 32
EXAMPLE = load_campaign(ROOT / "campaigns" / "seguridad-en-linea.yml")


@pytest.fixture
def registry(database):
    # A day inside the example campaign's dates, at noon in Costa Rica.
    return CampaignRegistry(
        database, clock=lambda: datetime(2027, 2, 10, 18, 0), campaigns={EXAMPLE.id: EXAMPLE}
    )


@pytest.fixture
def engine(assistant, database, registry):
    return engine_for(assistant, database, registry)


async def press(engine, data):
    return await engine.handle(Inbound(CHILD, Kind.BUTTON, data, participant=participant(CHILD)))


async def assent(engine, band="13-15"):
    replies = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "start", EXAMPLE.id, participant=participant(CHILD))
    )
    assert replies[-1].text == texts.ASK_BAND
    for data in (f"c:band:{band}", "c:read", "c:q:0"):
        await press(engine, data)
    return await press(engine, "c:yes")


async def test_a_link_to_a_campaign_not_open_is_explained(engine, registry):
    replies = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "start", EXAMPLE.id, participant=participant(CHILD))
    )
    assert texts.BAD_LINK in [r.text for r in replies]
    registry.open(EXAMPLE.id)
    await assent(engine)
    registry.close(EXAMPLE.id)  # closed while the child was reading: nothing more is asked
    replies = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "start", EXAMPLE.id, participant=participant(CHILD))
    )
    assert texts.BAD_LINK in [r.text for r in replies]


async def test_campaign_closed_between_assent_and_survey_says_so(engine, registry):
    registry.open(EXAMPLE.id)
    await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "start", EXAMPLE.id, participant=participant(CHILD))
    )
    for data in ("c:band:13-15", "c:read", "c:q:0"):
        await press(engine, data)
    registry.close(EXAMPLE.id)
    replies = await press(engine, "c:yes")
    assert replies[0].text == texts.CLOSED


async def test_child_takes_part_from_the_link_to_the_last_question(engine, registry, database):
    registry.open(EXAMPLE.id)
    replies = await assent(engine)
    assert replies[0].text == texts.THANKS_YES and replies[1].text == EXAMPLE.title
    question = replies[2]
    while True:
        first = question.buttons[0][0].data
        if first.endswith(":skip"):
            break
        replies = await press(engine, first)
        if replies[0].text == THANKS:
            break
        question = replies[-1]
        if question.replace:  # a multiple-choice tick: confirm with «Listo»
            replies = await press(engine, question.buttons[-1][0].data)
            if replies[0].text == THANKS:
                break
            question = replies[-1]
    assert replies[0].text == THANKS
    assert replies[-1].buttons  # back at the menu
    with database.session() as session:
        completed = session.get(AnswerCounter, (EXAMPLE.id, "*", "*", "13-15"))
        assert completed.count == 1
        bands = set(session.scalars(select(AnswerCounter.band)))
    assert bands == {"13-15"}


async def test_typed_text_during_a_survey_shows_the_question_again(engine, registry):
    registry.open(EXAMPLE.id)
    replies = await assent(engine)
    again = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "no entiendo", participant=participant(CHILD))
    )
    assert again[-1].text == replies[-1].text


async def test_participar_opens_the_only_open_campaign(engine, registry):
    assert (await press(engine, "r:participar"))[0].text == NONE_OPEN
    registry.open(EXAMPLE.id)
    replies = await press(engine, "r:participar")
    assert replies[-1].text == texts.ASK_BAND


async def test_salir_in_a_survey_counts_nothing_and_its_buttons_go_stale(
    engine, registry, database
):
    registry.open(EXAMPLE.id)
    replies = await assent(engine)
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "salir", participant=participant(CHILD)))
    stale = await press(engine, replies[-1].buttons[0][0].data)
    assert stale[0].text == STALE_BUTTON
    with database.session() as session:
        assert session.scalars(select(AnswerCounter)).all() == []
