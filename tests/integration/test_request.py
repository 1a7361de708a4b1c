"""Every Bot of ours sends through `bot.channels.telegram.request.AiohttpRequest`: what reaches
Telegram, and what a failure of the connection becomes (the errors python-telegram-bot's own
client raises, which the relay and the broadcast classify)."""

from __future__ import annotations

import asyncio
import io
import socket

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram.request import AiohttpRequest
from botapi_fake import FakeBotApi

CHILD = 7_000_000_001


def bot_for(api: FakeBotApi, request: AiohttpRequest) -> Bot:
    root = api.base_url.removesuffix("/bot")
    return Bot(api.token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot", request=request)


async def test_a_message_with_buttons_reaches_telegram_as_sent():
    async with FakeBotApi() as api, bot_for(api, AiohttpRequest()) as bot:
        keyboard = {"inline_keyboard": [[{"text": "Sí", "callback_data": "c:yes"}]]}
        sent = await bot.send_message(CHILD, "¿Quiere seguir? 💛", reply_markup=keyboard)
        assert sent.text == "¿Quiere seguir? 💛"
        (message,) = api.sent
        assert (message.chat_id, message.text, message.method) == (
            CHILD,
            "¿Quiere seguir? 💛",
            "sendMessage",
        )
        assert message.reply_markup == keyboard


async def test_a_file_is_uploaded_as_multipart_with_its_caption():
    async with FakeBotApi() as api, bot_for(api, AiohttpRequest()) as bot:
        await bot.send_photo(CHILD, io.BytesIO(b"\x89PNG fake"), caption="Resultados")
        (message,) = api.sent
        assert (message.method, message.text) == ("sendPhoto", "Resultados")


@pytest.mark.parametrize(
    ("status", "extra", "raised"),
    [
        (403, {}, Forbidden),
        (400, {}, BadRequest),
        (429, {"retry_after": 3}, RetryAfter),
    ],
)
async def test_telegrams_errors_become_python_telegram_bots_errors(status, extra, raised):
    async with FakeBotApi() as api, bot_for(api, AiohttpRequest()) as bot:
        api.fail_next("sendMessage", status=status, **extra)
        with pytest.raises(raised):
            await bot.send_message(CHILD, "hola")


async def test_a_server_that_does_not_answer_in_time_is_a_timeout():
    async with FakeBotApi() as api, bot_for(api, AiohttpRequest(read_timeout=0.2)) as bot:
        api.delay_next("sendMessage", 2.0)
        with pytest.raises(TimedOut):
            await bot.send_message(CHILD, "hola")


async def test_a_server_that_is_down_is_a_network_error_naming_the_cause():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(connect_timeout=1.0)
    bot = Bot(
        "424242:AAdownDownDownDownDownDownDownDown_xyz",
        base_url=f"http://127.0.0.1:{port}/bot",
        request=request,
    )
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match=r"aiohttp\.ClientConnectorError"):
            await bot.get_me()
    finally:
        await request.shutdown()


async def test_a_request_used_before_initialize_says_so():
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/", "POST")


@pytest.fixture
def no_proxy_set(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


async def test_the_session_is_made_on_the_loop_that_uses_it_and_closed_at_shutdown(no_proxy_set):
    request = AiohttpRequest()
    await request.initialize()
    session = request._session
    assert session is not None and session._loop is asyncio.get_running_loop()
    # No proxy in the environment: the environment is not read (it cost ~/.netrc a request).
    assert not session.trust_env
    await request.shutdown()
    assert session.closed
    await request.shutdown()  # twice is harmless


async def test_a_proxy_in_the_environment_is_used(no_proxy_set, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    request = AiohttpRequest()
    await request.initialize()
    try:
        assert request._session is not None and request._session.trust_env
    finally:
        await request.shutdown()


def test_a_pool_of_no_connections_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpRequest(connection_pool_size=0)
