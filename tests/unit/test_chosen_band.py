"""The band a child picks at /start is conversation state: kept whatever they answer to
assent, read before the band of a receipt, forgotten after KEPT_FOR idle, on /salir and
/borrar, and stored only in its own table."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from consent import ConsentFlow, Scope, texts
from consent.chosen import KEPT_FOR, REFRESH_EVERY
from consent.models import ChosenBand, ConsentReceipt, ConsentSession

CHILD = "c" * 32
OTHER = "o" * 32
TEEN_ONLY = Scope(campaign="solo-jovenes", bands=frozenset({"13-15", "16-17"}))
RIGHT = texts.QUESTIONS["nino"].correct


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 5, 15, 30)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def flow(database, clock):
    scopes = {"general": Scope(), TEEN_ONLY.campaign: TEEN_ONLY}
    return ConsentFlow(database, clock=clock, scopes=scopes.get)


def decline(flow, band: str, user: str = CHILD) -> None:
    flow.start(user)
    for data in (f"c:band:{band}", "c:read", f"c:q:{RIGHT}", "c:no"):
        assert flow.press(user, data) is not None, data


def consent(flow, band: str, user: str = CHILD) -> None:
    flow.start(user)
    for data in (f"c:band:{band}", "c:read", f"c:q:{RIGHT}", "c:yes"):
        assert flow.press(user, data) is not None, data


def count(database, table) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table))


def test_a_child_who_declines_keeps_their_band_for_the_conversation(flow, database):
    decline(flow, "9-12")
    assert flow.band(CHILD) == "9-12"
    assert count(database, ConsentReceipt) == 0 and count(database, ConsentSession) == 0


def test_the_band_is_kept_from_the_moment_it_is_picked(flow):
    flow.start(CHILD)
    assert flow.band(CHILD) is None
    flow.press(CHILD, "c:band:13-15")
    assert flow.band(CHILD) == "13-15"  # before assent, and if the child stops there


def test_a_campaign_not_for_the_childs_band_still_words_what_they_read(flow):
    flow.start(CHILD, TEEN_ONLY.campaign)
    outcome = flow.press(CHILD, "c:band:9-12")
    assert outcome.replies[0].text == texts.NOT_FOR_BAND
    assert flow.band(CHILD) == "9-12"


def test_correcting_the_band_words_the_rest_in_the_new_band(flow):
    flow.start(CHILD)
    flow.press(CHILD, "c:band:16-17")
    flow.press(CHILD, "c:fixband")
    flow.press(CHILD, "c:band:9-12")
    assert flow.band(CHILD) == "9-12"


@pytest.mark.parametrize("outside", ["younger", "older"])
def test_a_child_outside_every_band_has_no_band(flow, outside):
    decline(flow, "13-15")
    flow.start(CHILD)
    flow.press(CHILD, f"c:{outside}")
    assert flow.band(CHILD) is None


def test_the_chosen_band_comes_before_the_receipts_and_the_receipts_after_it_expires(flow, clock):
    consent(flow, "16-17")
    flow.start(CHILD, TEEN_ONLY.campaign)
    flow.press(CHILD, "c:band:13-15")
    assert flow.band(CHILD) == "13-15"
    clock.now += KEPT_FOR + timedelta(seconds=1)
    assert flow.band(CHILD) == "16-17"  # the latest receipt's band


def test_after_two_idle_hours_the_band_is_forgotten_and_its_row_deleted(flow, clock, database):
    decline(flow, "9-12")
    clock.now += KEPT_FOR - timedelta(seconds=1)
    assert flow.band(CHILD) == "9-12"
    assert count(database, ChosenBand) == 1
    clock.now += KEPT_FOR
    assert flow.band(CHILD) is None
    assert count(database, ChosenBand) == 0


def test_using_the_band_keeps_it_while_the_conversation_goes_on(flow, clock):
    decline(flow, "9-12")
    for _ in range(6):  # three hours, a read every half hour
        clock.now += timedelta(minutes=30)
        assert flow.band(CHILD) == "9-12"
    clock.now += KEPT_FOR
    assert flow.band(CHILD) is None


def test_a_read_writes_the_expiry_at_most_every_few_minutes(flow, clock, database):
    decline(flow, "9-12")

    def expires() -> datetime:
        with database.session() as session:
            return session.get(ChosenBand, CHILD).expires_at

    first = expires()
    clock.now += REFRESH_EVERY - timedelta(seconds=1)
    flow.band(CHILD)
    assert expires() == first
    clock.now += timedelta(seconds=2)
    flow.band(CHILD)
    assert expires() == clock.now + KEPT_FOR


def test_expired_rows_of_anyone_are_deleted_when_a_band_is_next_picked(flow, clock, database):
    decline(flow, "9-12", user=OTHER)
    clock.now += KEPT_FOR
    decline(flow, "13-15")
    with database.session() as session:
        assert [row.user for row in session.scalars(select(ChosenBand))] == [CHILD]


def test_forget_and_erase_remove_the_childs_band_only(flow):
    decline(flow, "9-12")
    decline(flow, "13-15", user=OTHER)
    assert flow.chosen.forget(CHILD) and not flow.chosen.forget(CHILD)
    assert flow.band(CHILD) is None and flow.band(OTHER) == "13-15"
    assert flow.chosen.erase(OTHER) == 1 and flow.band(OTHER) is None


def test_the_band_is_stored_in_its_own_table_with_no_answer_or_receipt_beside_it():
    columns = {column.name for column in ChosenBand.__table__.columns}
    assert columns == {"user", "band", "expires_at"}
    assert not ChosenBand.__table__.foreign_keys


# -- a child whose band is not known reads the youngest band's words, everywhere ------------


def test_the_band_read_is_the_childs_else_the_youngest(flow, clock):
    assert flow.band(CHILD) is None and flow.reading_band(CHILD) == "9-12"
    decline(flow, "16-17")
    assert flow.reading_band(CHILD) == "16-17"
    clock.now += KEPT_FOR + timedelta(minutes=1)  # forgotten: in doubt, the younger again
    assert flow.band(CHILD) is None and flow.reading_band(CHILD) == "9-12"


async def test_before_the_age_is_known_lessons_quiz_faq_and_notice_are_the_youngests(database):
    """A safeguarding lead's reading: a child who has not said their age may be 9, so every
    text that has words for a band reads as the youngest band's; not a mix of the default
    lesson words and the youngest's privacy notice."""
    from bot.awareness.schema import load_lessons
    from bot.engine import Inbound, Kind
    from bot.runtime import engine_for
    from consent.notice import notice
    from tests.fakes.assistant import FakeAssistant

    question = "¿qué es la trata?"
    assistant = FakeAssistant({question: "faq_que_es_trata"})
    engine = engine_for(assistant, database)
    lesson = load_lessons()["que-es-la-trata"]
    assert lesson.messages_for("9-12") != lesson.messages_for(None)  # the words differ
    assert lesson.quiz_for("9-12") != lesson.quiz_for(None)

    async def reads(kind: Kind, text: str) -> list[str]:
        return [reply.text for reply in await engine.handle(Inbound(CHILD, kind, text))]

    assert await reads(Kind.BUTTON, "l:o:que-es-la-trata") == list(lesson.messages_for("9-12"))
    (first,) = await reads(Kind.BUTTON, "l:q:que-es-la-trata")
    assert first.endswith(lesson.quiz_for("9-12")[0].text)
    young = [r.text for r in await assistant.respond(CHILD, "faq_que_es_trata", "9-12")]
    default = [r.text for r in await assistant.respond(CHILD, "faq_que_es_trata", None)]
    assert young != default
    faq = await reads(Kind.TEXT, question)
    assert faq[0].startswith(young[0].split("$servicios")[0])  # services filled after it
    assert await reads(Kind.COMMAND, "privacidad") == ["\n\n".join(notice("nino", None, None))]
