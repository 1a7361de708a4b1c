"""Per-child flood control (bot.flood): past the limit the child gets one kind answer and the
assistant is not asked, but every message is still triaged, so a disclosure inside a flood
still reaches a person (issue 15)."""

from __future__ import annotations

from sqlalchemy import select

from bot.engine import Engine, Inbound, Kind
from bot.escalation import Cases
from bot.flood import LIMIT, SLOW_DOWN, MessageRate, Pace
from bot.storage import Escalation
from bot.triage import answers
from tests.fakes.assistant import FakeAssistant

CHILD = "c" * 32
OTHER = "o" * 32


class CountingAssistant(FakeAssistant):
    def __init__(self) -> None:
        super().__init__()
        self.responded = 0

    async def respond(self, user, intent, band=None):  # type: ignore[no-untyped-def]
        self.responded += 1
        return await super().respond(user, intent, band)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_flood_gets_one_kind_answer_and_a_disclosure_inside_it_is_escalated(database):
    assistant = CountingAssistant()
    engine = Engine(assistant, Cases(database), rate=MessageRate(clock=Clock()))
    seen: list[str] = []
    for number in range(1, 101):
        text = "ayuda" if number == 50 else f"hola {number}"
        replies = await engine.handle(Inbound(CHILD, Kind.TEXT, text))
        seen.extend(reply.text for reply in replies)
        if number == 50:
            assert answers.TOLD in replies[0].text  # the whole kind answer to a disclosure
    assert assistant.responded == LIMIT  # nothing for the excess
    assert seen.count(SLOW_DOWN) == 1  # one kind answer, not eighty
    assert len(assistant.parsed) == 100  # every message was still read for triage
    with database.session() as session:
        assert session.scalars(select(Escalation.category)).all() == ["help_request"]
    # Another child is not slowed down by this one.
    await engine.handle(Inbound(OTHER, Kind.TEXT, "hola"))
    assert assistant.responded == LIMIT + 1


def test_the_window_slides_and_the_kind_answer_comes_again_in_a_new_flood():
    clock = Clock()
    rate = MessageRate(limit=3, window=60, clock=clock)
    assert [rate.note(CHILD) for _ in range(5)] == [Pace.OK] * 3 + [Pace.SLOW_DOWN, Pace.QUIET]
    clock.now += 61
    assert rate.note(CHILD) is Pace.OK
    assert [rate.note(CHILD) for _ in range(3)] == [Pace.OK, Pace.OK, Pace.SLOW_DOWN]


def test_the_limiter_is_bounded_in_memory():
    rate = MessageRate(limit=2, max_people=100, clock=Clock())
    for number in range(1000):
        for _ in range(5):
            rate.note(f"p{number}")
    assert len(rate._seen) == 100 and len(rate._told) <= 100
    assert all(len(times) <= 3 for times in rate._seen.values())
