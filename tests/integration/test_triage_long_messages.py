"""Long messages (up to Telegram's 4,096 characters) are triaged in overlapping pieces: a
disclosure anywhere in one is found, one across a piece's end too, and the message gets its
most urgent piece's verdict (bot/triage/pieces.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.engine import Engine, Inbound, Kind
from bot.escalation import Cases
from bot.storage import Escalation
from bot.triage import NONE, Triage, Verdict
from bot.triage.pieces import CAP, OVERLAP, most_urgent, pieces, spans

TELEGRAM_LONGEST = 4096
# Everyday words a child might write at length, alarming nothing.
FILLER = (
    "hoy fui al cole y después jugamos fútbol con mis amigos en la plaza, "
    "luego comimos gallo pinto en la casa de mi abuela y vimos una película. "
)
DISCLOSURE = "mi padrastro me pega todos los días con la faja y me deja encerrado"


def filler(length: int) -> str:
    return (FILLER * (length // len(FILLER) + 1))[:length]


def with_disclosure_at(position: int) -> str:
    """A 4,096-character message of filler with the disclosure starting at `position`."""
    head = filler(position - 1) + " "
    tail = " " + filler(TELEGRAM_LONGEST - len(head) - len(DISCLOSURE) - 1)
    return (head + DISCLOSURE + tail)[:TELEGRAM_LONGEST]


# -- the cutting --------------------------------------------------------------------------


def test_a_message_up_to_the_cap_is_one_piece():
    text = filler(CAP)
    assert pieces(text) == [text]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab \n\u200b"), min_size=CAP + 1, max_size=TELEGRAM_LONGEST)
)
def test_every_passage_of_up_to_the_overlap_lies_whole_in_some_piece(text):
    where = spans(text)
    assert pieces(text) == [text[start:end] for start, end in where]
    assert all(end - start <= CAP for start, end in where)
    assert where[0][0] == 0 and where[-1][1] == len(text)
    for start in range(0, len(text) - OVERLAP + 1):
        assert any(s <= start and start + OVERLAP <= e for s, e in where)


def test_the_most_urgent_piece_decides_and_the_earliest_among_equals():
    high = Verdict(True, "high", "abuse", "self")
    emergency = Verdict(True, "emergency", "self_harm", "self")
    ask = Verdict(False, "none", "online_grooming", "none", ask=True)
    assert most_urgent([NONE, ask, high, emergency, NONE]) == emergency
    assert most_urgent([NONE, ask, high]) == high
    assert most_urgent([NONE, ask, NONE]) == ask
    other = Verdict(True, "high", "trafficking", "other")
    assert most_urgent([high, other]) == high


def test_without_an_nlu_the_later_pieces_are_triaged_by_the_rules_alone():
    """A test's fake assistant has no NLU for pieces: the rules still see every piece."""
    text = with_disclosure_at(TELEGRAM_LONGEST - len(DISCLOSURE))
    assert len(pieces(text)) > 1
    assert Triage().assess(text, None).escalate


# -- with the trained models, through the engine -------------------------------------------


@pytest.mark.rasa
async def test_a_disclosure_at_the_end_of_a_long_message_is_escalated(assistant, database):
    text = with_disclosure_at(TELEGRAM_LONGEST - len(DISCLOSURE))
    assert len(text) == TELEGRAM_LONGEST and text.endswith(DISCLOSURE)
    assert await escalated(assistant, database, text)


@pytest.mark.rasa
async def test_a_disclosure_across_a_pieces_end_is_escalated(assistant, database):
    first_end = len(pieces(filler(TELEGRAM_LONGEST))[0])
    text = with_disclosure_at(first_end - len(DISCLOSURE) // 2)
    start = text.index(DISCLOSURE)
    parts = pieces(text)
    # The disclosure is cut by the first piece's end: only the overlap holds it whole.
    assert start < len(parts[0]) < start + len(DISCLOSURE)
    assert await escalated(assistant, database, text)


@pytest.mark.rasa
async def test_a_long_message_that_discloses_nothing_is_not_escalated(assistant, database):
    assert not await escalated(assistant, database, filler(TELEGRAM_LONGEST))
    assert not await escalated(
        assistant, database, with_disclosure_at(3000).replace(DISCLOSURE, FILLER[:60])
    )


async def escalated(assistant, database, text: str) -> bool:
    """Whether the engine escalated the message: a case committed and the helplines given."""
    replies = await Engine(assistant, Cases(database)).handle(Inbound("c" * 32, Kind.TEXT, text))
    helplines = "1147" in "\n".join(reply.text for reply in replies)
    with database.session() as session:
        opened = session.scalar(select(func.count()).select_from(Escalation))
    assert helplines == bool(opened)
    return helplines
