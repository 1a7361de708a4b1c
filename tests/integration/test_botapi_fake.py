"""The fake Bot API must be faithful enough for a real PTB 22 client; these tests prove it."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
import warnings
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from botapi_fake import FakeBotApi

TOKEN = "123:ABC"
USER = 555


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN) as fake:
        yield fake
    # The fake must not leak server or long-poll tasks into the next test.
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert not leftovers, leftovers


@pytest_asyncio.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url) as client:
        yield client


def _seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


async def _raw(
    api: FakeBotApi, method: str, token: str = TOKEN, **kwargs: object
) -> tuple[int, dict]:
    url = api.base_url.removesuffix("/bot") + f"/bot{token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, **kwargs) as resp:
        return resp.status, await resp.json()


@pytest.mark.asyncio
async def test_get_me_parses_into_a_full_ptb_user(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "voz_segura_test_bot" and me.id == 123
    assert me.can_join_groups is True and me.has_main_web_app is False
    assert api.base_url.startswith("http://127.0.0.1:") and api.base_url.endswith("/bot")


@pytest.mark.asyncio
async def test_send_message_is_recorded_and_returns_message_with_seconds_date(
    api: FakeBotApi, bot: Bot
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sí", callback_data="yes")]])
    first = await bot.send_message(USER, "hola", reply_markup=keyboard)
    second = await bot.send_message(USER, "otra", reply_to_message_id=first.message_id)
    assert abs(first.date.timestamp() - time.time()) < 60  # seconds, not milliseconds
    assert first.from_user.is_bot and first.chat.type == "private"
    assert first.reply_markup == keyboard
    assert second.message_id == first.message_id + 1
    assert second.reply_to_message.message_id == first.message_id
    sent = await api.wait_for_sent(2, chat_id=USER)
    assert [m.text for m in sent] == ["hola", "otra"]
    assert sent[0].reply_markup == {"inline_keyboard": [[{"text": "Sí", "callback_data": "yes"}]]}
    assert sent[1].reply_to_message_id == first.message_id and sent[1].method == "sendMessage"
    # PTB form-encodes everything; the recorded params are decoded back to real types.
    assert api.calls_to("sendMessage")[1] == {
        "chat_id": USER,
        "text": "otra",
        "reply_parameters": {"message_id": first.message_id},
    }


@pytest.mark.asyncio
async def test_group_chat_messages_carry_type_and_title(api: FakeBotApi, bot: Bot) -> None:
    card = await bot.send_message(-1001234, "alerta")
    assert card.chat.type == "supergroup" and card.chat.title
    assert (await bot.send_message(-42, "x")).chat.type == "group"
    update = Update.de_json(api.push_group_text(-1001234, 7, "voy", card.message_id), bot)
    assert update.message.reply_to_message.text == "alerta"
    assert update.message.chat.type == "supergroup"


@pytest.mark.asyncio
async def test_get_updates_long_poll_returns_pushed_update(api: FakeBotApi, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    api.push_text(USER, "/start payload")
    [update] = await poll
    assert loop.time() - started < 2  # returned early, did not wait the full timeout
    assert update.message.text == "/start payload"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start")


@pytest.mark.asyncio
async def test_get_updates_offset_confirms_and_limit_caps(api: FakeBotApi, bot: Bot) -> None:
    ids = [api.push_text(USER, f"m{i}")["update_id"] for i in range(3)]
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert await bot.get_updates(offset=ids[2] + 1, timeout=0) == ()
    assert (await bot.get_webhook_info()).pending_update_count == 0


@pytest.mark.asyncio
async def test_get_updates_times_out_empty(bot: Bot) -> None:
    assert await bot.get_updates(timeout=0.2) == ()


@pytest.mark.asyncio
async def test_push_helpers_produce_updates_ptb_can_parse(api: FakeBotApi, bot: Bot) -> None:
    card = await bot.send_message(USER, "¿Confirmas?")
    typo = api.push_text(USER, "corejido")["message"]["message_id"]
    raws = [
        api.push_sticker(USER),
        api.push_photo(USER),
        api.push_voice(USER),
        api.push_document(USER),
        api.push_location(USER),
        api.push_edited_text(USER, "corregido", typo),
        api.push_callback(USER, "confirm", card.message_id),
        api.push_update({"my_chat_member": None}),
    ]
    updates = [Update.de_json(raw, bot) for raw in raws]
    sticker, photo, voice, document, location, edited, callback, _ = updates
    assert sticker.message.sticker and photo.message.photo and voice.message.voice
    assert document.message.document and location.message.location
    assert edited.edited_message.text == "corregido"
    assert callback.callback_query.data == "confirm"
    assert callback.callback_query.message.text == "¿Confirmas?"
    assert edited.edited_message.message_id == typo and edited.edited_message.edit_date
    assert [u.update_id for u in updates] == list(range(2, 10))


@pytest.mark.asyncio
async def test_fail_next_429_raises_retry_after(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22.2+ deprecates the int retry_after
        assert _seconds(caught.value.retry_after) == 3
    await bot.send_message(USER, "x")  # only the next call fails
    assert [m for m, _ in api.calls].count("sendMessage") == 2 and len(api.sent) == 1


@pytest.mark.asyncio
async def test_fail_next_migrate_raises_chat_migrated(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next(
        "sendmessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1009999,
    )
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-42, "x")
    assert caught.value.new_chat_id == -1009999


@pytest.mark.asyncio
async def test_fail_next_times_and_server_errors(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=500, times=2)
    api.fail_next("sendMessage", status=502)
    for _ in range(3):
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "x")
    assert not api.sent


@pytest.mark.asyncio
async def test_blocked_chat_raises_forbidden(api: FakeBotApi, bot: Bot) -> None:
    api.block_chat(USER)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(USER, "x")
    api.fail_next("sendMessage", status=403)
    with pytest.raises(Forbidden):
        await bot.send_message(777, "x")
    assert not api.sent and len(api.calls_to("sendmessage")) == 2


@pytest.mark.asyncio
async def test_wrong_token_raises_invalid_token(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("123:WRONG", base_url=api.base_url):
            pass
    assert api.calls[-1][0] == "getMe"


@pytest.mark.asyncio
async def test_unknown_method_is_404_and_any_casing_works(api: FakeBotApi) -> None:
    assert await _raw(api, "fooBar") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert await _raw(api, "getMe", token="1:X") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    status, body = await _raw(api, "SENDMESSAGE", json={"chat_id": USER, "text": "json"})
    assert status == 200 and body["result"]["text"] == "json"
    form = aiohttp.FormData({"chat_id": str(USER), "caption": "foto"})
    form.add_field("photo", b"\x89PNG", filename="a.png", content_type="image/png")
    status, body = await _raw(api, "sendPhoto", data=form)
    assert status == 200 and body["result"]["caption"] == "foto"
    assert api.calls_to("sendPhoto")[0]["photo"] == {"filename": "a.png", "size": 4}


@pytest.mark.asyncio
async def test_edit_delete_and_commands_round_trip(api: FakeBotApi, bot: Bot) -> None:
    msg = await bot.send_message(USER, "v1")
    edited = await bot.edit_message_text("v2", chat_id=USER, message_id=msg.message_id)
    assert edited.text == "v2" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("v2", chat_id=USER, message_id=msg.message_id)
    assert [m.method for m in api.sent] == ["sendMessage", "editMessageText"]
    assert await bot.delete_message(USER, msg.message_id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.delete_message(USER, msg.message_id)
    await bot.set_my_commands([("start", "Empezar")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert await bot.send_chat_action(USER, "typing")
    api.push_text(USER, "pendiente")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert api.calls_to("deleteWebhook") == [{"drop_pending_updates": True}]
    assert await bot.get_updates(timeout=0) == ()


@pytest.mark.asyncio
async def test_delay_with_delivery_records_message_although_client_times_out(
    api: FakeBotApi,
) -> None:
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as slow_bot:
        api.delay_next("sendMessage", 1.0)
        with pytest.raises(TimedOut):
            await slow_bot.send_message(USER, "tarde")
        assert [m.text for m in await api.wait_for_sent(timeout=0.1)] == ["tarde"]
        api.delay_next("sendMessage", 0.5, deliver=False)
        with pytest.raises(TimedOut):
            await slow_bot.send_message(USER, "perdido")
        await asyncio.sleep(0.5)
    assert [m.text for m in api.sent] == ["tarde"]


@pytest.mark.asyncio
async def test_wait_for_sent_reports_what_was_sent_on_timeout(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(USER, "solo uno")
    with pytest.raises(AssertionError, match="solo uno"):
        await api.wait_for_sent(1, chat_id=USER, since=1, timeout=0.1)
    assert api.messages_to(USER)[0].text == "solo uno"


@pytest.mark.asyncio
async def test_real_application_long_polls_and_replies(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
        await update.message.reply_text("Bienvenida", reply_markup=keyboard)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"eco: {update.message.text}")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"elegiste {update.callback_query.data}")

    app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        api.push_text(USER, "/start")
        [welcome] = await api.wait_for_sent(1, chat_id=USER, timeout=5)
        api.push_text(USER, "hola")
        api.push_callback(USER, "ok", welcome.message_id)
        replies = await api.wait_for_sent(3, chat_id=USER, timeout=5)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert welcome.text == "Bienvenida" and welcome.reply_markup is not None
    assert {(m.method, m.text) for m in replies[1:]} == {
        ("sendMessage", "eco: hola"),
        ("editMessageText", "elegiste ok"),
    }
    assert len(api.calls_to("answerCallbackQuery")) == 1


async def test_the_fake_counts_breaches_of_telegrams_limits(api: FakeBotApi, bot: Bot) -> None:
    for _ in range(3):  # a burst of three to one private chat is within the limit
        await bot.send_message(USER, "hola")
    assert api.breaches == []
    await bot.send_message(USER, "una más")  # the fourth within 3 s is not
    [breach] = api.breaches
    assert (breach.limit, breach.chat_id) == ("chat", USER)
    group = -100123
    for _ in range(21):  # within the overall 30/s too: 4 + 21 messages
        await bot.send_message(group, "aviso")
    assert [b.limit for b in api.breaches] == ["chat", "group"]
    await asyncio.gather(*(bot.send_message(1000 + n, "x") for n in range(35)))
    assert "overall" in [b.limit for b in api.breaches]  # 31 or more within a second
