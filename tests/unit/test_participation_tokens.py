"""A person counts once per campaign, even after /borrar (issue 14, item 3).

The attack this answers, as a facilitator could run it: complete a survey with known
answers, /borrar, complete it again, and so on; each round used to add one more completion
with the same answers, until a hidden "<10" cell was published as 10 and subtracting the
rounds gave back the true count. Now a keyed one-way token per campaign
(bot.privacy.Participant, table participation_tokens) is written with the answers and kept
on /borrar: the person comes back, is told kindly that they already took part, and the
counters and the published figures do not move. The token is not the pseudonym, cannot be
made from it, and differs between campaigns; what rotation and a campaign's end do to the
tokens is pinned too."""

from __future__ import annotations

import hashlib
import hmac
import pickle
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, inspect, select, text

from bot import rotation
from bot.campaigns import releases, results
from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.schema import load_campaign
from bot.campaigns.survey import ALREADY, ALREADY_ERASED, NOT_SAVED, THANKS, Surveys
from bot.campaigns.tables import AnswerCounter, Participation, ParticipationToken
from bot.engine import ERASED, Inbound, Kind
from bot.privacy import Pseudonymizer, check_key
from bot.runtime import engine_for
from bot.settings import ROOT
from consent import texts
from tests.conftest import migrate_to
from tests.fakes.participants import TEST_KEY, participant

ATTACKER = "a" * 32
EXAMPLE = load_campaign(ROOT / "campaigns" / "seguridad-en-linea.yml")
NOON = datetime(2027, 2, 10, 18, 0)  # inside the example campaign's dates, in Costa Rica
ROUNDS = 7  # the run: after 7 rounds a hidden "<10" was published as 10


@pytest.fixture
def registry(database):
    registry = CampaignRegistry(database, clock=lambda: NOON, campaigns={EXAMPLE.id: EXAMPLE})
    registry.open(EXAMPLE.id)
    return registry


@pytest.fixture
def engine(assistant, database, registry):
    return engine_for(assistant, database, registry)


async def send(engine, kind, text, argument="", who=ATTACKER, key=TEST_KEY):
    event = Inbound(who, kind, text, argument, participant=participant(who, key))
    return await engine.handle(event)


async def take_part(engine, who=ATTACKER, key=TEST_KEY):
    """Follow the campaign link, assent as a 13-15, and answer every question with its first
    option (the same known answers each time); the replies after the assent."""
    await send(engine, Kind.COMMAND, "start", EXAMPLE.id, who, key)
    for data in ("c:band:13-15", "c:read", "c:q:0"):
        await send(engine, Kind.BUTTON, data, who=who, key=key)
    replies = await send(engine, Kind.BUTTON, "c:yes", who=who, key=key)
    assert replies[0].text == texts.THANKS_YES
    if len(replies) < 3 or replies[1].text != EXAMPLE.title:
        return replies  # no question asked
    question = replies[2]
    while True:
        replies = await send(engine, Kind.BUTTON, question.buttons[0][0].data, who=who, key=key)
        if replies[0].text == THANKS:
            return replies
        question = replies[-1]
        if question.replace:  # a multiple-choice tick: confirm with «Listo»
            replies = await send(
                engine, Kind.BUTTON, question.buttons[-1][0].data, who=who, key=key
            )
            if replies[0].text == THANKS:
                return replies
            question = replies[-1]


def counters(database):
    with database.session() as session:
        rows = session.execute(
            select(
                AnswerCounter.question,
                AnswerCounter.option,
                AnswerCounter.band,
                AnswerCounter.count,
                AnswerCounter.key,
            )
        )
        return sorted(tuple(row) for row in rows)


def completions(database):
    with database.session() as session:
        return session.scalar(
            select(func.sum(AnswerCounter.count)).where(
                AnswerCounter.question == "*", AnswerCounter.option == "*"
            )
        )


def others_take_part(database, how_many):
    """Other 13-15s complete the survey (first option each), through Surveys itself."""
    surveys = Surveys(database, clock=lambda: NOON)
    for number in range(how_many):
        user = f"other-{number:02d}".ljust(32, "x")
        step = surveys.start(user, EXAMPLE, "13-15", participant(user))
        while not step.finished:
            question = step.replies[-1]
            data = question.buttons[0][0].data
            step = surveys.press(user, data, lambda campaign: True, participant(user))
            if step.replies and step.replies[-1].replace:
                step = surveys.press(
                    user, step.replies[-1].buttons[-1][0].data, lambda c: True, participant(user)
                )


def published(database):
    table = results.published(database, EXAMPLE, NOON, closed=False)
    assert table is not None
    return table


async def test_complete_erase_repeat_counts_the_person_once_and_publishes_nothing_new(
    engine, database
):
    others_take_part(database, EXAMPLE.release_every - 1)
    first = await take_part(engine)
    assert first[0].text == THANKS  # the 20th completion: release 1 is taken
    after_one_round, release = counters(database), published(database)
    assert completions(database) == EXAMPLE.release_every

    for _ in range(ROUNDS):
        erased = await send(engine, Kind.COMMAND, "borrar")
        assert erased[0].text.startswith(ERASED.split("{")[0])
        again = await take_part(engine)
        # A kind answer, no question asked again, nothing counted twice.
        assert again[1].text == ALREADY_ERASED
        assert all(THANKS != reply.text for reply in again)

    assert counters(database) == after_one_round
    assert completions(database) == EXAMPLE.release_every
    assert published(database) == release

    # What stops it is the token: without it (the old behaviour) one more round counts.
    with database.session() as session:
        session.query(ParticipationToken).delete()
    await send(engine, Kind.COMMAND, "borrar")
    assert (await take_part(engine))[0].text == THANKS
    assert completions(database) == EXAMPLE.release_every + 1


async def test_without_erasing_the_person_is_told_they_took_part(engine, database):
    await take_part(engine)
    again = await send(engine, Kind.COMMAND, "start", EXAMPLE.id)  # assented already
    assert ALREADY in [reply.text for reply in again]
    assert completions(database) == 1


async def test_borrar_keeps_the_token_and_nothing_that_names_the_person(engine, database):
    pseudonym = Pseudonymizer(TEST_KEY)("test", ATTACKER)
    await take_part(engine)
    await send(engine, Kind.COMMAND, "borrar")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Participation)) == 0
        (row,) = session.scalars(select(ParticipationToken)).all()
    assert (row.campaign, row.token) == (EXAMPLE.id, participant(ATTACKER).token(EXAMPLE.id))
    assert row.token != pseudonym
    # Only the campaign and the token: no pseudonym, answer, band or date beside it.
    columns = {c["name"] for c in inspect(database.engine).get_columns("participation_tokens")}
    assert columns == {"campaign", "token"}


def test_a_token_is_not_the_pseudonym_and_cannot_be_made_from_it():
    pseudonymize = Pseudonymizer(TEST_KEY)
    for raw in range(200):
        pseudonym = pseudonymize("telegram", raw)
        token = pseudonymize.participant("telegram", raw).token("consulta")
        assert token != pseudonym
        # Neither the pseudonym hashed, nor keyed with the pseudonym key: the raw id is needed.
        assert token != hashlib.sha256(pseudonym.encode()).hexdigest()[:32]
        assert token != hmac.new(TEST_KEY, pseudonym.encode(), hashlib.sha256).hexdigest()[:32]
        assert pseudonym not in token and token not in pseudonym


def test_tokens_differ_between_campaigns_and_keys_and_are_stable():
    pseudonymize = Pseudonymizer(TEST_KEY)
    people = [pseudonymize.participant("telegram", raw) for raw in range(500)]
    first = {person.token("consulta-a") for person in people}
    second = {person.token("consulta-b") for person in people}
    pseudonyms = {pseudonymize("telegram", raw) for raw in range(500)}
    assert len(first) == len(second) == 500
    assert not first & second and not first & pseudonyms and not second & pseudonyms
    # The same person, the same campaign: the same token, every time (even in a new process).
    again = Pseudonymizer(TEST_KEY).participant("telegram", 0).token("consulta-a")
    assert again == people[0].token("consulta-a")
    other_key = Pseudonymizer(b"k" * 32).participant("telegram", 0).token("consulta-a")
    assert other_key != again
    # One channel's id is not another's.
    assert pseudonymize.participant("terminal", 0).token("consulta-a") != again


def test_a_participant_never_shows_or_serialises_the_raw_id():
    person = Pseudonymizer(TEST_KEY).participant("telegram", 7310000999)
    assert "7310000999" not in repr(person) and "t" * 32 not in repr(person)
    with pytest.raises(TypeError):
        pickle.dumps(person)
    event = Inbound(ATTACKER, Kind.TEXT, "hola", participant=person)
    assert "7310000999" not in repr(event) and "Participant" not in repr(event)


def test_telegram_lends_the_engine_a_participant_of_the_sender():
    from datetime import timezone

    from telegram import Chat, Message, Update, User

    from bot.channels.telegram.handlers import TelegramAdapter

    pseudonymize = Pseudonymizer(TEST_KEY)
    adapter = TelegramAdapter(None, pseudonymize, None)  # type: ignore[arg-type]
    child = User(id=42, first_name="Ana", is_bot=False)
    message = Message(
        1, datetime.now(timezone.utc), Chat(id=42, type="private"), from_user=child, text="hola"
    )
    event = adapter.event(Update(1, message=message), Kind.TEXT, "hola")
    assert event.participant is not None
    expected = pseudonymize.participant("telegram", 42).token(EXAMPLE.id)
    assert event.participant.token(EXAMPLE.id) == expected


async def test_an_event_without_a_participant_starts_no_survey(engine, database):
    await engine.handle(Inbound(ATTACKER, Kind.COMMAND, "start", EXAMPLE.id))
    for data in ("c:band:13-15", "c:read", "c:q:0"):
        await engine.handle(Inbound(ATTACKER, Kind.BUTTON, data))
    replies = await engine.handle(Inbound(ATTACKER, Kind.BUTTON, "c:yes"))
    assert replies[1].text == NOT_SAVED
    assert counters(database) == []


async def test_tokens_go_when_the_campaign_is_past_its_last_day(engine, database):
    await take_part(engine)
    # 23:59 in Costa Rica on the last day (05:59 UTC the next day): it may still be live.
    late = datetime.combine(EXAMPLE.closes, time(23, 59)) - releases.LOCAL_OFFSET
    assert releases.forget_participants(database, EXAMPLE, late) == 0
    results.published(database, EXAMPLE, late, closed=False)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ParticipationToken)) == 1
    # A minute later it is over for good: reading the results deletes the tokens.
    results.published(database, EXAMPLE, late + timedelta(minutes=1), closed=True)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ParticipationToken)) == 0


async def test_rotation_erases_the_tokens_and_names_the_campaigns_to_recount(engine, database):
    """Decided and documented (bot/rotation.py, README): under a new key no token could
    match again, so rotation erases them and names the campaigns where a person who took
    part may then be counted once more."""
    new_key = b"n" * 64
    check_key(database, TEST_KEY, "test")
    await take_part(engine)
    preview = rotation.rotate(database, TEST_KEY, new_key, dry_run=True)
    assert preview.recount_campaigns == (EXAMPLE.id,)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ParticipationToken)) == 1
    done = rotation.rotate(database, TEST_KEY, new_key, dry_run=False)
    assert done.recount_campaigns == (EXAMPLE.id,)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ParticipationToken)) == 0
    # The consequence, as documented: under the new key the same person counts once more.
    before = completions(database)
    replies = await take_part(engine, key=new_key)
    assert replies[0].text == THANKS and completions(database) == before + 1


def test_migration_0014_adds_the_token_table_and_takes_it_back(database):
    migrate_to(database, "0013", down=True)
    assert "participation_tokens" not in inspect(database.engine).get_table_names()
    migrate_to(database, "head")
    assert "participation_tokens" in inspect(database.engine).get_table_names()


def test_the_terminal_chat_lends_the_operator_as_participant():
    from bot.channels.terminal import Shell

    operator = Pseudonymizer(TEST_KEY).participant("terminal", "ana")
    shell = Shell(engine=None, user="ps_local", participant=operator)  # type: ignore[arg-type]
    assert all(
        shell.event_for(line).participant is operator for line in ("hola", "/start", "/borrar")
    )


async def test_a_survey_under_way_keeps_no_token_beside_the_pseudonym(engine, database):
    """The survey's state (conversation_state, keyed by the pseudonym) must not hold the
    token: the two would be linked in the table for as long as the survey lasts."""
    await send(engine, Kind.COMMAND, "start", EXAMPLE.id)
    for data in ("c:band:13-15", "c:read", "c:q:0"):
        await send(engine, Kind.BUTTON, data)
    asked = await send(engine, Kind.BUTTON, "c:yes")
    await send(engine, Kind.BUTTON, asked[2].buttons[0][0].data)  # a first answer, held
    token = participant(ATTACKER).token(EXAMPLE.id)
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM conversation_state")).all()
    assert rows, "the survey's state is where this test looks"
    assert not any(token in str(value) for row in rows for value in row)
