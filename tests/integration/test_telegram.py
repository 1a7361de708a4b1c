"""End to end on Telegram: the real python-telegram-bot Application, long-polling a fake
Bot API served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging

import pytest
import pytest_asyncio
import yaml
from sqlalchemy import MetaData, select, update
from telegram import Update

from bot import logs
from bot.channels import LIMITS, Sent
from bot.channels.telegram import assemble
from bot.channels.telegram.contact import FROM_OFFICER, OTHER_CHANNEL, case_closed
from bot.channels.telegram.handlers import SORRY
from bot.engine import EDITED, NOT_TEXT, STALE_BUTTON, Reply
from bot.escalation.cards import summary as summary_card
from bot.privacy import Pseudonymizer
from bot.runtime import Runtime, engine_for
from bot.settings import ROOT, Settings
from bot.storage import Escalation, OutboxMessage
from bot.triage import answers
from botapi_fake import FakeBotApi
from tests.fakes.application import polling

pytestmark = pytest.mark.rasa
CHILD = 987654321
PROTECTION = -1001234567890
FALLBACK = -1009876543210
OFFICER = 555000111
SECRET_WORDS = "mi gato se llama Pelusa"


class WebChannel:
    """Another channel running beside Telegram: records what it is asked to send."""

    name = "web"
    limits = LIMITS["terminal"]

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []

    async def send(self, to, reply):
        self.sent.append((to, reply))
        return Sent(to, str(len(self.sent)))

    async def edit(self, sent, reply):
        self.sent.append((sent.address, reply))


@pytest_asyncio.fixture
async def telegram(assistant, database):
    async with FakeBotApi(token="424242:AAFakeTokenForTests_abcdefghijk") as api:
        settings = Settings(
            telegram_token=api.token,
            telegram_api_base_url=api.base_url.removesuffix("/bot"),
            protection_chat_id=PROTECTION,
            protection_fallback_chat_id=FALLBACK,
            officer_ids=frozenset({OFFICER}),
        )
        engine = engine_for(assistant, database)
        api.web = WebChannel()
        runtime = Runtime(settings, database, Pseudonymizer(b"k" * 32), engine)
        application = assemble(runtime, api.web)
        async with polling(application):
            api.application = application  # for tests that feed an update in directly
            yield api


async def test_start_greets_and_asks_for_an_age_band(telegram):
    telegram.push_text(CHILD, "/start")
    sent = await telegram.wait_for_sent(3, chat_id=CHILD)
    assert "Soy Voz Segura" in sent[0].text
    assert "fecha de nacimiento" in sent[1].text
    keyboard = sent[2].reply_markup["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == [
        "Menos de 9",
        "9 a 12 años",
        "13 a 15 años",
        "16 a 17 años",
        "18 a 24 años",
        "Más de 24",
    ]


async def test_child_assents_with_buttons_and_reaches_the_menu(telegram, database):
    telegram.push_text(CHILD, "/start")
    seen = 3
    band_question = (await telegram.wait_for_sent(seen, chat_id=CHILD))[-1]
    presses = [("c:band:13-15", 5), ("c:read", 1), ("c:q:0", 1), ("c:yes", 2)]
    last = band_question
    for data, replies in presses:
        telegram.push_callback(CHILD, data, last.message_id)
        seen += replies
        last = (await telegram.wait_for_sent(seen, chat_id=CHILD))[-1]
    sent = telegram.messages_to(CHILD)
    assert "persona de protección va a saberlo" in sent[6].text
    assert sent[-2].text.startswith("¡Gracias por participar!")
    assert [row[0]["text"] for row in last.reply_markup["inline_keyboard"]] == [
        "Participar en una consulta",
        "Aprender a cuidarme",
        "¿Qué es Voz Segura?",
        "Necesito ayuda",
    ]
    with database.session() as session:
        from consent.models import ConsentReceipt

        assert session.scalars(select(ConsentReceipt.band)).all() == ["13-15"]


async def test_free_text_is_answered_by_the_assistant(telegram):
    telegram.push_text(CHILD, "¿quién es usted?")
    sent = await telegram.wait_for_sent(1, chat_id=CHILD)
    assert "soy un programa" in sent[0].text


async def test_menu_button_press_is_answered(telegram):
    telegram.push_text(CHILD, "hola")
    menu = (await telegram.wait_for_sent(3, chat_id=CHILD))[2]
    data = menu.reply_markup["inline_keyboard"][2][0]["callback_data"]
    telegram.push_callback(CHILD, data, menu.message_id)
    sent = await telegram.wait_for_sent(4, chat_id=CHILD)
    assert "soy un programa" in sent[3].text
    assert telegram.calls_to("answerCallbackQuery")


async def test_forged_button_changes_nothing_and_is_explained(telegram):
    telegram.push_text(CHILD, "hola")
    menu = (await telegram.wait_for_sent(3, chat_id=CHILD))[2]
    telegram.push_callback(CHILD, "r:no_existe", menu.message_id)
    sent = await telegram.wait_for_sent(4, chat_id=CHILD)
    assert sent[3].text == STALE_BUTTON


@pytest.mark.parametrize(
    "push", ["push_sticker", "push_photo", "push_voice", "push_document", "push_location"]
)
async def test_non_text_messages_get_a_kind_answer(telegram, push):
    getattr(telegram, push)(CHILD)
    sent = await telegram.wait_for_sent(1, chat_id=CHILD)
    assert sent[0].text == NOT_TEXT


async def test_edited_message_gets_a_kind_answer(telegram):
    message_id = telegram.push_text(CHILD, "hola")["message"]["message_id"]
    await telegram.wait_for_sent(3, chat_id=CHILD)
    telegram.push_edited_text(CHILD, "hola de nuevo", message_id)
    sent = await telegram.wait_for_sent(4, chat_id=CHILD)
    assert sent[3].text == EDITED


async def test_redelivered_update_is_answered_once(telegram, database):
    update = telegram.push_text(CHILD, "¿quién es usted?")
    for _ in range(100):
        if update["update_id"] in database.processed_ids():
            break
        await asyncio.sleep(0.05)
    await telegram.wait_for_sent(2, chat_id=CHILD)  # the answer and the menu
    # After a crash, polling (or a webhook retry) hands the same update_id back.
    application = telegram.application
    await application.process_update(Update.de_json(update, application.bot))
    telegram.push_text(CHILD, "gracias")
    sent = await telegram.wait_for_sent(3, chat_id=CHILD)
    await asyncio.sleep(0.2)
    assert len(telegram.messages_to(CHILD)) == 3
    assert "gusto" in sent[2].text


async def test_no_raw_id_message_text_or_token_reaches_database_or_logs(telegram, database, caplog):
    logs.quiet_libraries()
    caplog.set_level(logging.DEBUG)
    telegram.push_text(CHILD, "/start")
    telegram.push_text(CHILD, SECRET_WORDS)
    telegram.push_sticker(CHILD)
    await telegram.wait_for_sent(5, chat_id=CHILD)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (str(CHILD), SECRET_WORDS, "Pelusa", telegram.token, "AAFakeToken"):
        assert secret not in logged

    metadata = MetaData()
    metadata.reflect(database.engine)
    stored = []
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            stored.extend(str(row) for row in connection.execute(select(table)))
    assert stored, "the conversation should have left update ids behind"
    dump = "\n".join(stored)
    for secret in (str(CHILD), "Pelusa"):
        assert secret not in dump


async def test_disclosure_reaches_the_protection_chat_as_an_alert_card(telegram):
    telegram.push_text(CHILD, "un señor me da plata si le mando fotos")
    answer = await telegram.wait_for_sent(2, chat_id=CHILD)
    assert "1147" in answer[0].text and answer[1].text == "¿Entendí bien?"
    [card] = await telegram.wait_for_sent(1, chat_id=PROTECTION)
    assert "VS-000001" in card.text
    assert "un señor me da plata si le mando fotos" in card.text  # the excerpt officers need
    assert str(CHILD) not in card.text
    labels = [b["text"] for row in card.reply_markup["inline_keyboard"] for b in row]
    assert labels == ["Tomar caso", "Resolver", "Falsa alarma"]


async def test_alert_is_delivered_even_when_telegram_first_answers_429(telegram):
    telegram.fail_next("sendMessage", status=429, retry_after=1, chat_id=PROTECTION)
    telegram.push_text(CHILD, "me quitaron la cédula en el hotel y no me dejan salir")
    [card] = await telegram.wait_for_sent(1, chat_id=PROTECTION, timeout=15)
    assert "VS-000001" in card.text
    attempts = [c for c in telegram.calls_to("sendMessage") if c.get("chat_id") == PROTECTION]
    assert len(attempts) == 2  # refused once with 429, then delivered


async def disclose_and_accept_contact(telegram) -> list:
    """A child discloses and agrees to be contacted; returns the protection chat's cards."""
    telegram.push_text(CHILD, "un señor me da plata si le mando fotos")
    replies = await telegram.wait_for_sent(3, chat_id=CHILD)
    question = replies[2]
    assert question.text == answers.CONTACT
    accept = question.reply_markup["inline_keyboard"][0][0]["callback_data"]
    telegram.push_callback(CHILD, accept, question.message_id)
    await telegram.wait_for_sent(4, chat_id=CHILD)
    return await telegram.wait_for_sent(2, chat_id=PROTECTION)


async def test_officer_and_child_talk_through_the_bot_once_the_child_agreed(telegram, database):
    alert, contact = await disclose_and_accept_contact(telegram)
    assert "Contacto aceptado en el caso VS-000001" in contact.text
    telegram.push_group_text(
        PROTECTION,
        OFFICER,
        "Hola, soy Laura. ¿Está en un lugar seguro?",
        reply_to_message_id=alert.message_id,
    )
    to_child = await telegram.wait_for_sent(5, chat_id=CHILD)
    assert to_child[4].text == FROM_OFFICER + "Hola, soy Laura. ¿Está en un lugar seguro?"
    [[stop]] = to_child[4].reply_markup["inline_keyboard"]  # the child may end the contact
    assert (stop["text"], stop["callback_data"]) == (answers.STOP_CONTACT, "t:stop:1")
    confirmation = await telegram.wait_for_sent(3, chat_id=PROTECTION)
    assert confirmation[2].text.startswith("✓ Enviado")

    telegram.push_text(CHILD, "sí, estoy en la casa de mi abuela")
    assert (await telegram.wait_for_sent(6, chat_id=CHILD))[5].text == answers.FORWARDED
    relayed = (await telegram.wait_for_sent(4, chat_id=PROTECTION))[3]
    assert "VS-000001" in relayed.text and "«sí, estoy en la casa de mi abuela»" in relayed.text
    assert str(CHILD) not in relayed.text
    await asyncio.sleep(0.2)
    with database.session() as session:  # the child's words are erased once delivered
        assert session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.kind == "message")
        ).all() == [None]
    # ... as the anonymity FAQ tells children.
    faq = yaml.safe_load((ROOT / "domain" / "faq.yml").read_text(encoding="utf-8"))
    anonymity = faq["responses"]["utter_faq_es_anonimo"][0]["text"]
    assert "se guarda solo hasta que le llega" in anonymity


def child_writes_from(database, address: str) -> None:
    with database.session() as session:
        session.execute(update(Escalation).values(contact_address=address))


async def test_an_officers_reply_reaches_a_child_on_another_channel_by_its_address(
    telegram, database
):
    alert, _contact = await disclose_and_accept_contact(telegram)
    child_writes_from(database, "web:3f2a")
    telegram.push_group_text(
        PROTECTION, OFFICER, "Hola, soy Laura.", reply_to_message_id=alert.message_id
    )
    confirmation = (await telegram.wait_for_sent(3, chat_id=PROTECTION))[2]
    assert confirmation.text.startswith("✓ Enviado")
    [(to, reply)] = telegram.web.sent
    assert (to, reply.text) == ("web:3f2a", FROM_OFFICER + "Hola, soy Laura.")
    assert reply.buttons == answers.stop_contact_button(1)
    assert len(telegram.messages_to(CHILD)) == 4  # nothing more on Telegram


async def test_an_officers_reply_to_a_child_on_a_channel_not_running_here_is_refused(
    telegram, database
):
    alert, _contact = await disclose_and_accept_contact(telegram)
    child_writes_from(database, "whatsapp:50688887777")
    telegram.push_group_text(PROTECTION, OFFICER, "Hola", reply_to_message_id=alert.message_id)
    answer = (await telegram.wait_for_sent(3, chat_id=PROTECTION))[2]
    assert answer.text == OTHER_CHANNEL.format(case="VS-000001")
    assert telegram.web.sent == [] and len(telegram.messages_to(CHILD)) == 4


async def test_officer_reply_is_not_sent_when_the_child_did_not_agree(telegram):
    telegram.push_text(CHILD, "un señor me da plata si le mando fotos")
    await telegram.wait_for_sent(3, chat_id=CHILD)
    [alert] = await telegram.wait_for_sent(1, chat_id=PROTECTION)
    telegram.push_group_text(PROTECTION, OFFICER, "Hola", reply_to_message_id=alert.message_id)
    answer = (await telegram.wait_for_sent(2, chat_id=PROTECTION))[1]
    assert answer.text.startswith("No se envió")
    await asyncio.sleep(0.2)
    assert len(telegram.messages_to(CHILD)) == 3


async def test_officer_reply_to_a_burst_summary_reaches_no_child(telegram):
    """A summary card lists many cases (bot.escalation.relay): which child was meant cannot
    be known, so a reply to it is refused, even when the first case listed agreed."""
    await disclose_and_accept_contact(telegram)
    summary = telegram.post_as_bot(
        PROTECTION, summary_card([(1, "VS-000001", "high"), (2, "VS-000002", "high")]), []
    )
    telegram.push_group_text(PROTECTION, OFFICER, "Hola", reply_to_message_id=summary["message_id"])
    answer = (await telegram.wait_for_sent(3, chat_id=PROTECTION))[2]
    assert answer.text.startswith("No se envió: ese mensaje es un resumen")
    await asyncio.sleep(0.2)
    assert len(telegram.messages_to(CHILD)) == 4


async def test_reply_from_someone_not_on_the_officer_list_is_refused(telegram):
    alert, _contact = await disclose_and_accept_contact(telegram)
    telegram.push_group_text(PROTECTION, 999, "Hola", reply_to_message_id=alert.message_id)
    answer = (await telegram.wait_for_sent(3, chat_id=PROTECTION))[2]
    assert answer.text.startswith("No autorizado")
    await asyncio.sleep(0.2)
    assert len(telegram.messages_to(CHILD)) == 4


async def test_no_message_reaches_the_child_after_the_case_is_closed(telegram, database):
    alert, _contact = await disclose_and_accept_contact(telegram)
    with database.session() as session:  # closing a case forgets the child's chat id
        case = session.get(Escalation, 1)
        case.status, case.contact_address = "resolved", None
    telegram.push_group_text(PROTECTION, OFFICER, "Hola", reply_to_message_id=alert.message_id)
    answer = (await telegram.wait_for_sent(3, chat_id=PROTECTION))[2]
    assert answer.text.startswith("No se envió")
    telegram.push_text(CHILD, "hola")  # and the child's words go to the assistant again
    assert "Soy Voz Segura" in (await telegram.wait_for_sent(5, chat_id=CHILD))[4].text


async def test_the_child_is_told_once_when_an_officer_closes_the_case(telegram, database):
    alert, _contact = await disclose_and_accept_contact(telegram)
    telegram.push_callback(OFFICER, "e:resolve:1", alert.message_id, chat_id=PROTECTION)
    closed = (await telegram.wait_for_sent(5, chat_id=CHILD))[4]
    assert closed.text == case_closed() and "AYUDA" in closed.text and "911" in closed.text
    with database.session() as session:
        assert session.get(Escalation, 1).contact_address is None
    # A second press changes nothing and tells the child nothing more.
    telegram.push_callback(OFFICER, "e:false:1", alert.message_id, chat_id=PROTECTION)
    await asyncio.sleep(0.3)
    assert len(telegram.messages_to(CHILD)) == 5


async def test_the_stop_button_ends_the_contact_and_the_officers_are_told(telegram, database):
    alert, _contact = await disclose_and_accept_contact(telegram)
    accepted = telegram.messages_to(CHILD)[3]
    [[stop]] = accepted.reply_markup["inline_keyboard"]
    telegram.push_callback(CHILD, stop["callback_data"], accepted.message_id)
    assert (await telegram.wait_for_sent(5, chat_id=CHILD))[4].text == answers.CONTACT_STOPPED
    ended = (await telegram.wait_for_sent(3, chat_id=PROTECTION))[2]
    assert ended.text.startswith("🔕 Contacto terminado en el caso VS-000001")
    telegram.push_group_text(PROTECTION, OFFICER, "Hola", reply_to_message_id=alert.message_id)
    answer = (await telegram.wait_for_sent(4, chat_id=PROTECTION))[3]
    assert answer.text.startswith("No se envió")
    await asyncio.sleep(0.2)
    assert len(telegram.messages_to(CHILD)) == 5


async def test_a_reply_telegram_refuses_is_followed_by_the_apology_with_the_helplines(telegram):
    telegram.fail_next("sendMessage", status=502, chat_id=CHILD)
    telegram.push_text(CHILD, "¿quién es usted?")
    [apology] = await telegram.wait_for_sent(1, chat_id=CHILD)
    assert apology.text == SORRY and "911" in apology.text


async def test_a_button_press_counts_even_if_acknowledging_it_fails(telegram, database):
    telegram.push_text(CHILD, "hola")
    menu = (await telegram.wait_for_sent(3, chat_id=CHILD))[2]
    telegram.fail_next("answerCallbackQuery", status=502)
    telegram.push_callback(CHILD, "r:pedir_ayuda", menu.message_id)
    await telegram.wait_for_sent(1, chat_id=PROTECTION)  # the case was opened and alerted
    with database.session() as session:
        assert session.scalars(select(Escalation.category)).all() == ["help_request"]


DISCLOSURE = "un señor me da plata si le mando fotos"


async def assert_one_case_opened(telegram, database) -> None:
    [card] = await telegram.wait_for_sent(1, chat_id=PROTECTION)
    assert "VS-000001" in card.text and DISCLOSURE in card.text
    with database.session() as session:
        assert len(session.scalars(select(Escalation.id)).all()) == 1


@pytest.mark.parametrize("kind", ["photo", "video", "document", "animation"])
async def test_a_disclosure_in_a_caption_gets_the_kind_answer_and_opens_a_case(
    telegram, database, kind
):
    telegram.push_message(CHILD, caption=DISCLOSURE, **telegram.media(kind))
    sent = await telegram.wait_for_sent(2, chat_id=CHILD)
    assert sent[0].text == NOT_TEXT  # the media itself is still not read
    assert "1147" in sent[1].text  # ... but its words were, as if sent as a text
    await assert_one_case_opened(telegram, database)


async def test_a_harmless_caption_gets_only_the_kind_answer(telegram, database):
    telegram.push_message(CHILD, caption="mi perro", **telegram.media("photo"))
    [answer] = await telegram.wait_for_sent(1, chat_id=CHILD)
    assert answer.text == NOT_TEXT
    await asyncio.sleep(0.3)
    assert not telegram.messages_to(PROTECTION) and len(telegram.messages_to(CHILD)) == 1


async def test_a_disclosure_added_by_editing_a_caption_opens_a_case(telegram, database):
    photo = telegram.push_message(CHILD, caption="mi perro", **telegram.media("photo"))
    await telegram.wait_for_sent(1, chat_id=CHILD)
    telegram.push_edited(CHILD, photo["message"]["message_id"], caption=DISCLOSURE)
    await assert_one_case_opened(telegram, database)


@pytest.mark.parametrize("text", [DISCLOSURE, "/" + DISCLOSURE])
async def test_the_text_of_a_forwarded_message_is_triaged(telegram, database, text):
    origin = {"type": "hidden_user", "date": 1700000000, "sender_user_name": "Alguien"}
    telegram.push_message(CHILD, text=text, forward_origin=origin)
    await assert_one_case_opened(telegram, database)


async def test_a_poll_the_child_creates_is_triaged_question_and_options(telegram, database):
    poll = {
        "id": "1",
        "question": "¿Qué hago?",
        "type": "regular",
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
        "options": [
            {"persistent_id": "a", "text": "nada", "voter_count": 0},
            {"persistent_id": "b", "text": DISCLOSURE, "voter_count": 0},
        ],
    }
    telegram.push_message(CHILD, poll=poll)
    sent = await telegram.wait_for_sent(2, chat_id=CHILD)
    assert sent[0].text == NOT_TEXT
    await assert_one_case_opened(telegram, database)
