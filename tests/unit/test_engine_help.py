"""Help that needs no understanding: the safe word AYUDA (the rule layer), the «Necesito
ayuda» button, and the buttons of the middle question open a case (or nothing) at once.
Disclosures in free words, which the model recognises, are in
tests/integration/test_engine_triage.py."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.engine import STALE_BUTTON, Engine, Inbound, Kind
from bot.escalation import Cases
from bot.storage import Escalation, OutboxMessage
from bot.triage import answers

CHILD = "c" * 32


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


@pytest.mark.parametrize("word", ["AYUDA", "ayuda", "auxilio", "aiuda"])
async def test_safe_word_goes_straight_to_help(engine, database, word):
    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, word))
    assert answers.HELP_REQUEST in replies[0].text
    with database.session() as session:
        assert session.scalars(select(Escalation.category)).one() == "help_request"


async def test_help_button_reaches_a_person(engine, database):
    replies = await engine.handle(Inbound(CHILD, Kind.BUTTON, "r:pedir_ayuda"))
    assert answers.HELP_REQUEST in replies[0].text
    assert counts(database) == (1, 1)


@pytest.mark.parametrize(("answer", "subject"), [("me", "self"), ("other", "other")])
async def test_yes_to_the_middle_question_opens_a_case_at_once(engine, database, answer, subject):
    replies = await engine.handle(Inbound(CHILD, Kind.BUTTON, f"q:{answer}:online_grooming"))
    assert counts(database) == (1, 1)
    assert answers.TOLD in replies[0].text
    with database.session() as session:
        case = session.scalars(select(Escalation)).one()
        assert (case.category, case.subject, case.urgency) == ("online_grooming", subject, "high")
        assert "¿Le está pasando" in case.excerpt  # what the child answered, not their words


async def test_no_to_the_middle_question_opens_nothing(engine, database):
    replies = await engine.handle(Inbound(CHILD, Kind.BUTTON, "q:no:online_grooming"))
    assert text_of(replies) == answers.MIDDLE_NO
    assert counts(database) == (0, 0)


@pytest.mark.parametrize("data", ["q:me:bogus", "q:yes:abuse", "q:me:", "q:me:abuse:1"])
async def test_a_forged_middle_answer_opens_nothing(engine, database, data):
    assert text_of(await engine.handle(Inbound(CHILD, Kind.BUTTON, data))) == STALE_BUTTON
    assert counts(database) == (0, 0)
