"""Safety triage in the engine: a disclosure is committed as a case with its alert before
the child is answered, in every state, and the answer is warm and useful."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.engine import STALE_BUTTON, Engine, Inbound, Kind
from bot.escalation import Cases
from bot.storage import Database, Escalation, OutboxMessage
from bot.triage import answers

pytestmark = pytest.mark.rasa
CHILD = "c" * 32
OTHER = "o" * 32


@pytest.fixture
def engine(assistant, database):
    return Engine(assistant, Cases(database))


def counts(database) -> tuple[int, int]:
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Escalation)),
            session.scalar(select(func.count()).select_from(OutboxMessage)),
        )


def text_of(replies) -> str:
    return "\n".join(reply.text for reply in replies)


@pytest.mark.parametrize(
    "message",
    [
        "un señor me da plata si le mando fotos",
        "me quitaron la cédula en el hotel y no me dejan salir",
        "mi padrastro entra a mi cuarto de noche y me toca",
    ],
)
async def test_disclosure_commits_case_and_alert_and_answers_warmly(engine, database, message):
    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, message))
    assert counts(database) == (1, 1)
    assert answers.TOLD in replies[0].text and "1147" in replies[0].text
    assert replies[1].text == answers.ASK
    assert [b.label for b in replies[1].buttons[0]] == ["Sí", "No, no era eso"]
    with database.session() as session:
        case = session.scalars(select(Escalation)).one()
        assert case.user == CHILD and case.status == "open"


async def test_danger_now_tells_the_child_to_call_911(engine, database):
    replies = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "me tienen encerrada en un cuarto y no me dejan salir")
    )
    assert answers.EMERGENCY in replies[0].text
    with database.session() as session:
        assert session.scalars(select(Escalation.urgency)).one() == "emergency"


async def test_disclosure_about_a_friend_thanks_the_child_for_caring(engine, database):
    replies = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "a mi amiga un señor le pide fotos sin ropa por instagram")
    )
    assert answers.THANKS_OTHER in replies[0].text
    with database.session() as session:
        assert session.scalars(select(Escalation.subject)).one() == "other"


@pytest.mark.parametrize(
    "message",
    [
        "¿qué es la trata?",
        "ese profe me explota con tanta tarea",
        "¿qué haría si un amigo me cuenta que le pegan?",
        "hola",
    ],
)
async def test_questions_slang_and_chat_raise_no_alarm(engine, database, message):
    await engine.handle(Inbound(CHILD, Kind.TEXT, message))
    assert counts(database) == (0, 0)


async def test_edited_message_with_a_disclosure_is_escalated(engine, database):
    await engine.handle(Inbound(CHILD, Kind.EDITED, "un señor me pide fotos sin ropa"))
    assert counts(database) == (1, 1)


async def test_child_can_say_the_bot_understood_wrong(engine, database):
    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, "un señor me pide fotos sin ropa"))
    no = replies[1].buttons[0][1].data
    assert text_of(await engine.handle(Inbound(CHILD, Kind.BUTTON, no))) == answers.CORRECTED
    with database.session() as session:
        assert session.scalars(select(Escalation.child_confirmed)).one() is False
    assert counts(database) == (1, 2)  # the officer is told of the correction


async def test_confirmation_button_of_another_child_is_refused(engine, database):
    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, "un señor me pide fotos sin ropa"))
    yes = replies[1].buttons[0][0].data
    assert text_of(await engine.handle(Inbound(OTHER, Kind.BUTTON, yes))) == STALE_BUTTON
    assert text_of(await engine.handle(Inbound(CHILD, Kind.BUTTON, "t:yes:999999"))) == (
        STALE_BUTTON
    )
    with database.session() as session:
        assert session.scalars(select(Escalation.child_confirmed)).one() is None


async def test_database_down_still_answers_the_child_with_helplines(assistant):
    engine = Engine(assistant, Cases(Database("postgresql://voz@127.0.0.1:1/voz")))
    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, "un señor me pide fotos sin ropa"))
    assert answers.NOT_TOLD in replies[0].text
    assert "911" in replies[0].text


async def test_the_triage_model_still_triages_when_rasa_fails(assistant, database):
    class BrokenNlu:
        intents = assistant.intents
        triage_model = assistant.triage_model  # loaded beside Rasa's, scored without it

        async def parse(self, text):
            raise RuntimeError("model crashed")

        async def respond(self, user, intent, band=None):
            raise AssertionError("must not be reached for a disclosure")

    engine = Engine(BrokenNlu(), Cases(database))
    await engine.handle(Inbound(CHILD, Kind.TEXT, "me quitaron el pasaporte y no me dejan salir"))
    assert counts(database) == (1, 1)


async def test_contact_is_offered_only_where_a_person_can_write_back(assistant, database):
    engine = Engine(assistant, Cases(database))
    on_telegram = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "un señor me pide fotos sin ropa", address="telegram:42")
    )
    assert on_telegram[-1].text == answers.CONTACT
    in_terminal = await engine.handle(Inbound(OTHER, Kind.TEXT, "un señor me pide fotos sin ropa"))
    assert in_terminal[-1].text == answers.ASK
    # A forged "contact" press from where nobody can write back changes nothing.
    forged = await engine.handle(Inbound(OTHER, Kind.BUTTON, "t:contact:2"))
    assert text_of(forged) == STALE_BUTTON


async def test_in_an_open_case_the_childs_words_go_to_the_officer_not_the_assistant(
    assistant, database
):
    engine = Engine(assistant, Cases(database))
    replies = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "un señor me pide fotos sin ropa", address="telegram:42")
    )
    accept = replies[-1].buttons[0][0].data
    assert text_of(
        await engine.handle(Inbound(CHILD, Kind.BUTTON, accept, address="telegram:42"))
    ) == (answers.CONTACT_ACCEPTED)
    assert text_of(
        await engine.handle(Inbound(CHILD, Kind.TEXT, "hola", address="telegram:42"))
    ) == (answers.FORWARDED)
    with database.session() as session:
        bodies = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.kind == "message")
        ).all()
    assert bodies == ["hola"]


async def test_in_an_open_case_danger_now_goes_to_the_officer_and_says_call_911(
    assistant, database
):
    engine = Engine(assistant, Cases(database))
    replies = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "un señor me pide fotos sin ropa", address="telegram:42")
    )
    await engine.handle(
        Inbound(CHILD, Kind.BUTTON, replies[-1].buttons[0][0].data, address="telegram:42")
    )
    urgent = await engine.handle(
        Inbound(
            CHILD,
            Kind.TEXT,
            "me tienen encerrada en un cuarto y no me dejan salir",
            address="telegram:42",
        )
    )
    assert [r.text for r in urgent] == [answers.EMERGENCY, answers.FORWARDED]
    assert counts(database)[0] == 1  # the same case, not a new one


# -- the middle answer (issue 12, item 4) ---------------------------------------------------


async def test_an_faq_question_about_a_harm_gets_its_answer_then_the_middle_question(
    engine, database
):
    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, "¿qué es la sextorsión?"))
    assert counts(database) == (0, 0)  # no alert: a question is not a disclosure
    assert "sextorsión" in replies[0].text.lower()
    assert replies[-1].text == answers.MIDDLE
    assert [b.data for row in replies[-1].buttons for b in row] == [
        "q:me:online_grooming",
        "q:other:online_grooming",
        "q:no:online_grooming",
    ]


async def test_an_ordinary_question_gets_no_middle_question(engine, database):
    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, "¿cuál es el número del PANI?"))
    assert answers.MIDDLE not in text_of(replies)
    assert counts(database) == (0, 0)
