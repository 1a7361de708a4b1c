"""The consent gate in the engine: triage always runs first, /salir keeps nothing partial,
and /borrar leaves no row keyed by the child's pseudonym in any table (after a disclosure
only the model recognises: tests/integration/test_engine_understanding.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, select

from bot.engine import STALE_BUTTON, Inbound, Kind
from bot.runtime import engine_for
from bot.storage import Escalation
from bot.triage import answers
from consent import texts
from tests.fakes.participants import participant

CHILD = "c" * 32


@pytest.fixture
def engine(assistant, database):
    return engine_for(assistant, database)


async def press(engine, data: str):
    return await engine.handle(
        Inbound(CHILD, Kind.BUTTON, data, address="telegram:42", participant=participant(CHILD))
    )


async def consent(engine) -> None:
    await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "start", address="telegram:42", participant=participant(CHILD))
    )
    for data in ("c:band:16-17", "c:read", "c:q:0", "c:yes"):
        await press(engine, data)


def rows_mentioning(database, needle: str) -> list[str]:
    metadata = MetaData()
    metadata.reflect(database.engine)
    found = []
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                if any(needle in str(value) for value in row):
                    found.append(f"{table.name}: {row}")
    return found


async def test_consent_ends_with_the_menu(engine):
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", participant=participant(CHILD)))
    for data in ("c:band:16-17", "c:read", "c:q:0"):
        await press(engine, data)
    replies = await press(engine, "c:yes")
    assert replies[0].text == texts.THANKS_YES
    assert replies[-1].buttons[0][0].label == "Participar en una consulta"


async def test_disclosure_during_the_assent_flow_is_escalated_first(engine, database):
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", participant=participant(CHILD)))
    replies = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "mi papá me pega todos los días", participant=participant(CHILD))
    )
    assert answers.TOLD in replies[0].text
    with database.session() as session:
        assert len(session.scalars(select(Escalation)).all()) == 1


async def test_a_child_who_said_no_is_still_helped_and_escalated(engine, database):
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", participant=participant(CHILD)))
    for data in ("c:band:9-12", "c:read", "c:q:0"):
        await press(engine, data)
    await press(engine, "c:no")
    replies = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "AYUDA", participant=participant(CHILD))
    )
    assert answers.HELP_REQUEST in replies[0].text


async def test_salir_in_the_middle_keeps_nothing_and_old_buttons_go_stale(engine, database):
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", participant=participant(CHILD)))
    await press(engine, "c:band:13-15")
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "salir", participant=participant(CHILD)))
    assert rows_mentioning(database, CHILD) == []
    assert (await press(engine, "c:read"))[0].text == STALE_BUTTON


async def test_workshop_code_step_still_triages_first(assistant, database):
    from bot.engine import Engine
    from bot.escalation import Cases
    from consent import ConsentFlow, Scope

    scopes = {"general": Scope(), "taller": Scope("taller", access_code="clave")}.get
    engine = Engine(assistant, Cases(database), consent=ConsentFlow(database, scopes=scopes))
    await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "start", argument="taller", participant=participant(CHILD))
    )
    replies = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "me quiero matar", participant=participant(CHILD))
    )
    assert answers.TOLD in replies[0].text
    replies = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "clave", participant=participant(CHILD))
    )
    assert replies[0].text == texts.CODE_OK
