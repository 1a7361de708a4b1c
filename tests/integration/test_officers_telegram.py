"""End to end on Telegram: officers press the buttons of alert cards.

The bot is wired by `bot.channels.telegram.assemble` (as `python -m bot run` does) and
long-polls the Bot API fake over real HTTP; only the children's engine is a stub that records
what reaches it, so these tests need no Rasa model. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

import pytest_asyncio
from sqlalchemy import MetaData, select

from bot import logs
from bot.channels.telegram import assemble
from bot.channels.telegram.officers import OfficerHandlers
from bot.engine import Inbound, Reply
from bot.escalation import Cases, Disclosure
from bot.flows import Flows
from bot.privacy import Pseudonymizer
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage import AuditEntry, Escalation, Setting
from botapi_fake import FakeBotApi
from tests.fakes.application import polling

TOKEN = "424242:AAFakeTokenForTests_abcdefghijk"
PROTECTION = -1001234567890
MIGRATED = -1001234567999
FALLBACK = -1009876543210
OFFICER = 55501
OTHER_OFFICER = 55502
STRANGER = 66601
CHILD_CHAT = 987654321
PSEUDONYMIZE = Pseudonymizer(b"k" * 32)
EXCERPT = "un señor me da plata si le mando fotos"


class RecordingEngine:
    """Stands in for the children's engine: records every event that reaches it."""

    def __init__(self, cases: Cases) -> None:
        self.cases = cases
        self.flows = Flows([])  # no campaigns: no facilitator commands in these tests
        self.events: list[Inbound] = []
        self.on_case_opened = lambda: None

    async def handle(self, event: Inbound) -> list[Reply]:
        self.events.append(event)
        return [Reply("ok")]


@asynccontextmanager
async def running_bot(database, officer_ids=frozenset({OFFICER, OTHER_OFFICER})):
    async with FakeBotApi(token=TOKEN) as api:
        settings = Settings(
            telegram_token=api.token,
            telegram_api_base_url=api.base_url.removesuffix("/bot"),
            protection_chat_id=PROTECTION,
            protection_fallback_chat_id=FALLBACK,
            officer_ids=officer_ids,
        )
        engine = RecordingEngine(Cases(database))
        application = assemble(Runtime(settings, database, PSEUDONYMIZE, engine))  # type: ignore[arg-type]
        async with polling(application):
            api.engine = engine
            api.application = application
            yield api


@pytest_asyncio.fixture
async def telegram(database):
    async with running_bot(database) as api:
        yield api


async def open_case_and_get_card(api, database, contact: bool = True):
    """A case as the engine opens it; returns its card in the protection chat."""
    case_id = Cases(database).open("ps_child", Disclosure("high", "abuse", "self"), EXCERPT)
    if contact:
        with database.session() as session:
            case = session.get(Escalation, case_id)
            case.contact_requested, case.contact_address = True, f"telegram:{CHILD_CHAT}"
    api.engine.on_case_opened()  # wakes the relay, as the engine does
    [card] = await api.wait_for_sent(1, chat_id=PROTECTION)
    return case_id, card


async def answers(api, count: int, timeout: float = 10.0) -> list[dict]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(api.calls_to("answerCallbackQuery")) < count:
        if loop.time() > deadline:
            raise AssertionError(f"expected {count} answerCallbackQuery call(s)")
        await asyncio.sleep(0.02)
    return api.calls_to("answerCallbackQuery")


def labels(message) -> list[str]:
    markup = message.reply_markup or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def status(database, case_id: int) -> str:
    with database.session() as session:
        return session.get(Escalation, case_id).status


def audit(database, case_id: int) -> list[tuple[str, str]]:
    with database.session() as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.action)
            .where(AuditEntry.escalation_id == case_id, AuditEntry.actor != "system")
            .order_by(AuditEntry.id)
        ).all()
    return [tuple(row) for row in rows]


def refused(api) -> dict[str, int]:
    """The running bot's count of refused presses, by reason."""
    [handlers] = {
        handler.callback.__self__
        for handlers in api.application.handlers.values()
        for handler in handlers
        if isinstance(getattr(handler.callback, "__self__", None), OfficerHandlers)
    }
    return dict(handlers.refused)


def audit_rows(database) -> int:
    with database.session() as session:
        return len(session.scalars(select(AuditEntry)).all())


def edits(api) -> list:
    return [m for m in api.sent if m.method.startswith("editMessage")]


# --------------------------------------------------------------------------- accepted


async def test_officer_in_the_protection_chat_takes_the_case_and_the_card_shows_it(
    telegram, database
):
    case_id, card = await open_case_and_get_card(telegram, database)
    telegram.push_callback(OFFICER, f"e:take:{case_id}", card.message_id, chat_id=PROTECTION)
    [edited] = await telegram.wait_for_sent(1, chat_id=PROTECTION, since=len(telegram.sent))
    assert edited.method == "editMessageText" and edited.message_id == card.message_id
    assert edited.text.startswith(card.text)
    assert "✅ Tomado por una persona de protección a las" in edited.text.splitlines()[-1]
    assert labels(edited) == ["Resolver", "Falsa alarma"]
    [answer] = await answers(telegram, 1)
    assert answer["text"] == "Caso VS-000001 tomado. Gracias." and not answer.get("show_alert")
    assert status(database, case_id) == "taken"
    assert audit(database, case_id) == [(PSEUDONYMIZE("telegram", OFFICER), "taken")]


async def test_resolving_a_taken_case_removes_the_buttons_and_the_childs_chat_id(
    telegram, database
):
    case_id, card = await open_case_and_get_card(telegram, database)
    telegram.push_callback(OFFICER, f"e:take:{case_id}", card.message_id, chat_id=PROTECTION)
    await telegram.wait_for_sent(2, chat_id=PROTECTION)  # the card, and its edit
    mark = len(telegram.sent)
    telegram.push_callback(OFFICER, f"e:resolve:{case_id}", card.message_id, chat_id=PROTECTION)
    [edited] = await telegram.wait_for_sent(1, chat_id=PROTECTION, since=mark)
    lines = edited.text.splitlines()
    assert lines[-1] == "🟢 Resuelto" and not any("Tomado" in line for line in lines)
    assert labels(edited) == []
    with database.session() as session:
        case = session.get(Escalation, case_id)
        assert (case.status, case.contact_address) == ("resolved", None)
        assert case.resolved_at is not None


async def test_false_alarm_straight_from_open_closes_the_case(telegram, database):
    case_id, card = await open_case_and_get_card(telegram, database)
    telegram.push_callback(OFFICER, f"e:false:{case_id}", card.message_id, chat_id=PROTECTION)
    [edited] = await telegram.wait_for_sent(1, chat_id=PROTECTION, since=len(telegram.sent))
    assert edited.text.splitlines()[-1] == "⚪ Falsa alarma" and labels(edited) == []
    assert status(database, case_id) == "false_alarm"


async def test_second_officer_is_told_the_case_was_taken_and_nothing_changes(telegram, database):
    case_id, card = await open_case_and_get_card(telegram, database)
    telegram.push_callback(OFFICER, f"e:take:{case_id}", card.message_id, chat_id=PROTECTION)
    await answers(telegram, 1)
    # The other officer still sees the old card (pressed before the edit reached them).
    telegram.push_callback(OTHER_OFFICER, f"e:take:{case_id}", card.message_id, chat_id=PROTECTION)
    second = (await answers(telegram, 2))[1]
    assert second["text"] == "Este caso ya fue tomado por otra persona de protección."
    assert second["show_alert"] is True
    assert audit(database, case_id) == [
        (PSEUDONYMIZE("telegram", OFFICER), "taken"),
        (PSEUDONYMIZE("telegram", OTHER_OFFICER), "refused_take"),
    ]


async def test_press_in_the_chat_telegram_migrated_the_group_to_is_accepted(telegram, database):
    case_id, _card = await open_case_and_get_card(telegram, database)
    with database.session() as session:  # what the relay stores after a migrate answer
        session.add(Setting(key="protection_chat_id", value=str(MIGRATED)))
        session.add(Setting(key="protection_chat_id.migrated_from", value=str(PROTECTION)))
    message = telegram.post_as_bot(MIGRATED, "VS-000001", [[f"e:take:{case_id}"]])
    telegram.push_callback(OFFICER, f"e:take:{case_id}", message["message_id"], chat_id=MIGRATED)
    [answer] = await answers(telegram, 1)
    assert answer["text"] == "Caso VS-000001 tomado. Gracias."
    assert status(database, case_id) == "taken"


async def test_without_officer_ids_nobody_may_act(database):
    # Settings refuse to start on Telegram without OFFICER_IDS; should an empty list get here
    # anyway, it means nobody, not everybody in the group.
    async with running_bot(database, officer_ids=frozenset()) as api:
        case_id, card = await open_case_and_get_card(api, database)
        api.push_callback(OFFICER, f"e:take:{case_id}", card.message_id, chat_id=PROTECTION)
        await assert_not_authorized(api, database, case_id, card)


# -------------------------------------------------------------------------- refused


async def assert_not_authorized(api, database, case_id: int, card) -> None:
    [answer] = await answers(api, 1)
    assert answer["text"] == "No autorizado" and answer["show_alert"] is True
    await asyncio.sleep(0.2)
    assert status(database, case_id) == "open"
    assert edits(api) == []
    assert labels(api.messages_to(PROTECTION)[0]) == ["Tomar caso", "Resolver", "Falsa alarma"]
    assert not any(e.text.startswith("e:") for e in api.engine.events)  # children never see it


async def test_press_from_a_user_not_in_officer_ids_is_not_authorized(telegram, database):
    case_id, card = await open_case_and_get_card(telegram, database)
    telegram.push_callback(STRANGER, f"e:take:{case_id}", card.message_id, chat_id=PROTECTION)
    await assert_not_authorized(telegram, database, case_id, card)
    assert audit(database, case_id) == []  # counted, not written
    assert refused(telegram) == {"unauthorized": 1}


async def test_press_from_a_private_chat_is_not_authorized(telegram, database):
    case_id, card = await open_case_and_get_card(telegram, database)
    private = telegram.push_text(OFFICER, "hola")["message"]["message_id"]
    await telegram.wait_for_sent(1, chat_id=OFFICER)  # the stub engine's answer
    telegram.push_callback(OFFICER, f"e:resolve:{case_id}", private)
    await assert_not_authorized(telegram, database, case_id, card)
    assert audit(database, case_id) == []
    assert refused(telegram) == {"unauthorized": 1}


async def test_the_fallback_contact_can_take_a_case_too(telegram, database):
    # The fallback chat receives cards when the protection chat cannot act: its members are
    # protection people, and the buttons on those cards must work.
    case_id, _card = await open_case_and_get_card(telegram, database)
    message = telegram.post_as_bot(FALLBACK, "VS-000001", [[f"e:take:{case_id}"]])
    telegram.push_callback(OFFICER, f"e:take:{case_id}", message["message_id"], chat_id=FALLBACK)
    [answer] = await answers(telegram, 1)
    assert answer["text"] == "Caso VS-000001 tomado. Gracias."
    assert status(database, case_id) == "taken"


async def test_forged_case_number_is_not_authorized(telegram, database):
    case_id, card = await open_case_and_get_card(telegram, database)
    telegram.push_callback(OFFICER, "e:take:999999", card.message_id, chat_id=PROTECTION)
    await assert_not_authorized(telegram, database, case_id, card)
    assert audit(database, case_id) == []


async def test_a_button_acts_only_on_the_case_of_its_card(telegram, database):
    case_a, card_a = await open_case_and_get_card(telegram, database)
    case_b = Cases(database).open("ps_other", Disclosure("high", "abuse", "self"), EXCERPT)
    telegram.engine.on_case_opened()
    card_b = (await telegram.wait_for_sent(2, chat_id=PROTECTION))[1]
    # e:resolve:B pressed on A's card (any client can send any data for any message).
    telegram.push_callback(OFFICER, f"e:resolve:{case_b}", card_a.message_id, chat_id=PROTECTION)
    await assert_not_authorized(telegram, database, case_a, card_a)
    assert status(database, case_b) == "open" and audit(database, case_b) == []
    assert refused(telegram) == {"not_this_card": 1}
    # The same press on B's own card is accepted, and edits B's card only.
    telegram.push_callback(OFFICER, f"e:resolve:{case_b}", card_b.message_id, chat_id=PROTECTION)
    [edited] = await telegram.wait_for_sent(1, chat_id=PROTECTION, since=len(telegram.sent))
    assert edited.message_id == card_b.message_id and status(database, case_b) == "resolved"
    assert status(database, case_a) == "open"


async def test_a_press_on_a_message_that_is_not_the_bots_card_is_refused(telegram, database):
    # A member's own message quoting the case number, or a bot message without that case's
    # buttons, is no card: a forged press bound to it acts on nothing.
    case_id, card = await open_case_and_get_card(telegram, database)
    own = telegram.push_group_text(PROTECTION, OFFICER, f"VS-{case_id:06d}")["message"]
    telegram.push_callback(OFFICER, f"e:take:{case_id}", own["message_id"], chat_id=PROTECTION)
    other = telegram.post_as_bot(PROTECTION, "otra tarjeta", [["e:take:777"]])
    telegram.push_callback(OFFICER, f"e:take:{case_id}", other["message_id"], chat_id=PROTECTION)
    calls = await answers(telegram, 2)
    assert {(c["text"], c["show_alert"]) for c in calls} == {("No autorizado", True)}
    await asyncio.sleep(0.2)
    assert status(database, case_id) == "open" and audit(database, case_id) == []
    assert refused(telegram) == {"not_this_card": 2}


async def test_a_flood_of_refused_presses_writes_no_row_and_is_counted(telegram, database):
    case_id, card = await open_case_and_get_card(telegram, database)
    await asyncio.sleep(0.2)  # the relay records the card's delivery
    rows = audit_rows(database)
    presses = 60
    for n in range(presses):
        forged = ("e:take:01", f"e:take:{case_id}", "e:resolve:999999")[n % 3]
        presser = OFFICER if n % 3 != 1 else STRANGER
        telegram.push_callback(presser, forged, card.message_id, chat_id=PROTECTION)
    await answers(telegram, presses)
    await asyncio.sleep(0.2)
    assert audit_rows(database) == rows and status(database, case_id) == "open"
    assert refused(telegram) == {"malformed": 20, "unauthorized": 20, "not_this_card": 20}


async def test_an_officers_repeated_refused_press_is_audited_once(telegram, database):
    case_id, card = await open_case_and_get_card(telegram, database)
    telegram.push_callback(OFFICER, f"e:take:{case_id}", card.message_id, chat_id=PROTECTION)
    await answers(telegram, 1)
    # Another officer, on a client still showing "Tomar caso", presses it again and again.
    for _ in range(10):
        telegram.push_callback(
            OTHER_OFFICER, f"e:take:{case_id}", card.message_id, chat_id=PROTECTION
        )
    await answers(telegram, 11)
    assert audit(database, case_id) == [
        (PSEUDONYMIZE("telegram", OFFICER), "taken"),
        (PSEUDONYMIZE("telegram", OTHER_OFFICER), "refused_take"),
    ]


async def test_malformed_card_data_is_refused_and_never_reaches_the_childrens_engine(
    telegram, database
):
    case_id, card = await open_case_and_get_card(telegram, database)
    forged = ["e:take:0", "e:take:01", "e:take:1x", "e:steal:1", "e:take:1\n", "e:"]
    for data in forged:
        telegram.push_callback(OFFICER, data, card.message_id, chat_id=PROTECTION)
    calls = await answers(telegram, len(forged))
    assert {(c["text"], c["show_alert"]) for c in calls} == {("No autorizado", True)}
    await asyncio.sleep(0.2)
    assert status(database, case_id) == "open" and edits(telegram) == []
    assert telegram.engine.events == []


async def test_childrens_buttons_still_reach_the_engine(telegram):
    menu = telegram.push_text(CHILD_CHAT, "hola")["message"]["message_id"]
    await telegram.wait_for_sent(1, chat_id=CHILD_CHAT)
    telegram.push_callback(CHILD_CHAT, "r:saludar", menu)
    await telegram.wait_for_sent(2, chat_id=CHILD_CHAT)
    assert [e.text for e in telegram.engine.events] == ["hola", "r:saludar"]


# -------------------------------------------------------------------------- privacy


async def test_no_raw_officer_id_reaches_the_logs_or_the_database(telegram, database, caplog):
    logs.quiet_libraries()
    caplog.set_level(logging.DEBUG)
    case_id, card = await open_case_and_get_card(telegram, database, contact=False)
    telegram.push_callback(OFFICER, f"e:take:{case_id}", card.message_id, chat_id=PROTECTION)
    telegram.push_callback(STRANGER, f"e:false:{case_id}", card.message_id, chat_id=PROTECTION)
    telegram.push_callback(OFFICER, "e:take:999999", card.message_id, chat_id=PROTECTION)
    await answers(telegram, 3)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "VS-000001: taken by an officer" in logged
    for secret in (str(OFFICER), str(STRANGER), str(PROTECTION), "999999", EXCERPT, TOKEN):
        assert secret not in logged

    metadata = MetaData()
    metadata.reflect(database.engine)
    with database.engine.connect() as connection:
        dump = "\n".join(
            str(row)
            for table in metadata.sorted_tables
            for row in connection.execute(select(table))
        )
    for secret in (str(OFFICER), str(STRANGER)):
        assert secret not in dump
