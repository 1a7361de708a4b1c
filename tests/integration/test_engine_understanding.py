"""The engine over the real Rasa model where the outcome depends on what the model
understands: free words (a greeting, a question, gibberish, "quiero ver las lecciones"), and
flows after a disclosure that only the model recognises. Everything else the engine does is
pinned in tests/unit on the fake assistant."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import MetaData, select

from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.schema import load_campaign
from bot.campaigns.tables import AnswerCounter
from bot.engine import ERASED_CONTACT, STALE_BUTTON, Engine, Inbound, Kind
from bot.escalation import Cases
from bot.escalation.cases import CONTACT_ENDED
from bot.runtime import engine_for
from bot.settings import ROOT
from bot.storage import Escalation, OutboxMessage
from bot.triage import answers
from consent import texts as consent_texts
from tests.fakes.participants import participant

pytestmark = pytest.mark.rasa
USER = "p" * 32
CHILD = "c" * 32
OTHER = "o" * 32
CHAT = 42
DISCLOSURE = "un señor me pide fotos sin ropa"  # the model's, not the rule layer's
EXAMPLE = load_campaign(ROOT / "campaigns" / "seguridad-en-linea.yml")


def texts(replies) -> str:
    return "\n".join(reply.text for reply in replies)


async def press(engine, data, address=None):
    event = Inbound(CHILD, Kind.BUTTON, data, address=address, participant=participant(CHILD))
    return await engine.handle(event)


async def consent(engine) -> None:
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", address="telegram:42"))
    for data in ("c:band:16-17", "c:read", "c:q:0", "c:yes"):
        await press(engine, data, address="telegram:42")


async def assent(engine, band="13-15"):
    replies = await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", EXAMPLE.id))
    assert replies[-1].text == consent_texts.ASK_BAND
    for data in (f"c:band:{band}", "c:read", "c:q:0"):
        await press(engine, data)
    return await press(engine, "c:yes")


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


async def accept_contact(engine: Engine, user: str = CHILD) -> int:
    replies = await engine.handle(Inbound(user, Kind.TEXT, DISCLOSURE, address=f"telegram:{CHAT}"))
    data = replies[-1].buttons[0][0].data
    accepted = await engine.handle(Inbound(user, Kind.BUTTON, data, address=f"telegram:{CHAT}"))
    assert accepted[0].text == answers.CONTACT_ACCEPTED
    return int(data.rsplit(":", 1)[1])


def outbox_kinds(database, case_id: int) -> list[str]:
    with database.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage.kind)
                .where(OutboxMessage.escalation_id == case_id)
                .order_by(OutboxMessage.id)
            )
        )


# -- free words (from test_engine.py) --------------------------------------------------------


@pytest.mark.parametrize("text", ["hola", "buenas tardes", "pura vida"])
async def test_free_text_greeting_is_understood(engine, text):
    assert "Soy Voz Segura" in texts(await engine.handle(Inbound(USER, Kind.TEXT, text)))


async def test_question_about_the_bot_is_understood(engine):
    replies = await engine.handle(Inbound(USER, Kind.TEXT, "¿con quién estoy hablando?"))
    assert "soy un programa" in texts(replies)


async def test_gibberish_gets_the_fallback(engine):
    replies = await engine.handle(Inbound(USER, Kind.TEXT, "qwxz pfff zzkq"))
    assert "no le entendí" in texts(replies)
    assert "1147" in texts(replies) and "911" in texts(replies)  # the helplines
    assert replies[-1].buttons  # and the menu


async def test_text_cannot_choose_an_intent_with_a_leading_slash(assistant):
    # Rasa reads "/intent" as an intent name with full confidence; the engine must never let
    # a child's words pick an intent (or skip triage) that way.
    assert (await assistant.parse("/salir")).confidence == 1.0
    seen: list[str] = []

    class Recording:
        intents = assistant.intents

        async def parse(self, text):
            seen.append(text)
            return await assistant.parse(text)

        async def respond(self, user, intent, band=None):
            return await assistant.respond(user, intent)

    await Engine(Recording()).handle(Inbound(USER, Kind.TEXT, "//salir"))
    assert seen == ["salir"]


# -- flows after a disclosure, and lessons in free words -------------------------------------


async def test_a_disclosure_during_a_survey_is_escalated_and_never_counted(database, assistant):
    # A day inside the example campaign's dates, at noon in Costa Rica.
    registry = CampaignRegistry(
        database, clock=lambda: datetime(2027, 2, 10, 18, 0), campaigns={EXAMPLE.id: EXAMPLE}
    )
    engine = engine_for(assistant, database, registry)
    registry.open(EXAMPLE.id)
    await assent(engine)

    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, "un señor me pide fotos sin ropa"))
    assert answers.TOLD in replies[0].text
    with database.session() as session:
        assert session.scalars(select(AnswerCounter)).all() == []


async def test_borrar_leaves_no_row_keyed_by_the_pseudonym_in_any_table(assistant, database):
    engine = engine_for(assistant, database)
    await consent(engine)
    await engine.handle(
        Inbound(CHILD, Kind.TEXT, "un señor me pide fotos sin ropa", address="telegram:42")
    )
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "noticias", address="telegram:42"))
    # The receipt, the band chosen for the conversation, the case, the subscription.
    assert len(rows_mentioning(database, CHILD)) == 4
    replies = await engine.handle(Inbound(CHILD, Kind.COMMAND, "borrar"))
    assert "registros borrados: 4" in replies[0].text
    assert "sigue con la persona de protección" in replies[0].text
    assert rows_mentioning(database, CHILD) == []
    with database.session() as session:  # the case itself stays for the officer
        assert session.scalars(select(Escalation.status)).all() == ["open"]


async def test_menu_button_and_free_words_open_the_lesson_list(assistant, database):
    engine = engine_for(assistant, database)
    by_button = await press(engine, "r:aprender")
    by_words = await engine.handle(Inbound(CHILD, Kind.TEXT, "quiero ver las lecciones"))
    assert by_button == by_words
    assert by_button[0].buttons[0][0].data.startswith("l:o:")


# -- contact with a protection person (from test_promises.py) --------------------------------


async def test_borrar_drops_the_chat_id_of_an_open_case_and_says_nobody_can_write_here(
    assistant, database
):
    engine = engine_for(assistant, database)
    case_id = await accept_contact(engine)
    cases = Cases(database)
    assert cases.contact(case_id) is not None
    replies = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "borrar", address=f"telegram:{CHAT}")
    )
    assert ERASED_CONTACT in replies[0].text
    assert "ya no puede escribirle aquí" in ERASED_CONTACT
    with database.session() as session:
        case = session.get(Escalation, case_id)
        assert (case.contact_address, case.status) == (None, "open")
    assert cases.contact(case_id) is None  # an officer's reply is refused, not lost
    assert outbox_kinds(database, case_id)[-1] == CONTACT_ENDED  # and the officers are told
    # The child's next words reach the assistant, not an officer who can no longer answer.
    later = await engine.handle(Inbound(CHILD, Kind.TEXT, "hola", address=f"telegram:{CHAT}"))
    assert later[0].text != answers.FORWARDED


async def test_the_child_can_stop_a_protection_person_writing(assistant, database):
    engine = Engine(assistant, Cases(database))
    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, DISCLOSURE, address=f"telegram:{CHAT}"))
    accept = replies[-1].buttons[0][0].data
    accepted = await engine.handle(Inbound(CHILD, Kind.BUTTON, accept, address=f"telegram:{CHAT}"))
    [[stop]] = accepted[0].buttons
    assert stop.label == answers.STOP_CONTACT
    case_id = int(stop.data.rsplit(":", 1)[1])
    # Another child's press changes nothing.
    assert (await engine.handle(Inbound(OTHER, Kind.BUTTON, stop.data)))[0].text == STALE_BUTTON
    assert Cases(database).contact(case_id) is not None
    stopped = await engine.handle(Inbound(CHILD, Kind.BUTTON, stop.data))
    assert stopped[0].text == answers.CONTACT_STOPPED
    assert Cases(database).contact(case_id) is None
    with database.session() as session:
        assert session.get(Escalation, case_id).status == "open"  # the case stays
    assert outbox_kinds(database, case_id)[-1] == CONTACT_ENDED
    assert (await engine.handle(Inbound(CHILD, Kind.BUTTON, stop.data)))[0].text == STALE_BUTTON
    later = await engine.handle(Inbound(CHILD, Kind.TEXT, "hola", address=f"telegram:{CHAT}"))
    assert later[0].text != answers.FORWARDED
