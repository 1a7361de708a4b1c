"""Webhook mode end to end: the assembled Application serving a real webhook on 127.0.0.1,
registered with the fake Bot API; requests posted over real HTTP as Telegram would."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace

import aiohttp
import pytest
import pytest_asyncio
from telegram import Update
from telegram.ext import TypeHandler

from bot.channels.telegram import assemble
from bot.channels.telegram.application import webhook_options
from bot.privacy import Pseudonymizer
from bot.runtime import Runtime, engine_for
from bot.settings import Settings
from botapi_fake import FakeBotApi

pytestmark = pytest.mark.rasa
CHILD = 987654321
SECRET = "s3cret-Webhook_token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_for(api: FakeBotApi) -> Settings:
    return Settings(
        telegram_token=api.token,
        telegram_api_base_url=api.base_url.removesuffix("/bot"),
        protection_chat_id=-1001234567890,
        officer_ids=frozenset({555000111}),
        webhook_url="https://bot.example.org/",
        webhook_secret=SECRET,
        webhook_port=free_port(),
    )


@pytest_asyncio.fixture
async def webhook(assistant, database):
    """Yields (fake Bot API, the webhook's address, every update any handler saw)."""
    async with FakeBotApi(token="424242:AAFakeTokenForTests_abcdefghijk") as api:
        settings = settings_for(api)
        engine = engine_for(assistant, database)
        application = assemble(Runtime(settings, database, Pseudonymizer(b"k" * 32), engine))
        seen: list[int] = []

        async def record(update: Update, _context: object) -> None:
            seen.append(update.update_id)

        application.add_handler(TypeHandler(Update, record), group=-100)  # before all others
        await application.initialize()
        await application.post_init(application)
        await application.start()
        options = webhook_options(settings)
        await application.updater.start_webhook(**options)
        try:
            yield api, f"http://127.0.0.1:{options['port']}/telegram", seen
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_stop(application)
            await application.post_shutdown(application)
            await application.shutdown()


def text_update(update_id: int, text: str) -> dict:
    user = {"id": CHILD, "is_bot": False, "first_name": "Ana"}
    chat = {"id": CHILD, "type": "private", "first_name": "Ana"}
    message = {"message_id": update_id, "date": 1700000000, "chat": chat, "from": user}
    return {"update_id": update_id, "message": {**message, "text": text}}


async def post(url: str, update: dict, secret: str | None) -> int:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=update, headers=headers) as response:
            return response.status


async def test_the_webhook_is_registered_with_its_secret(webhook):
    api, _url, _seen = webhook
    [registered] = api.calls_to("setWebhook")
    assert registered["url"] == "https://bot.example.org/telegram"
    assert registered["secret_token"] == SECRET


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET.upper()])
async def test_a_request_without_the_right_secret_gets_403_and_reaches_no_handler(
    webhook, database, secret
):
    api, url, seen = webhook
    assert (
        await post(url, text_update(7001, "un señor me da plata si le mando fotos"), secret) == 403
    )
    await asyncio.sleep(0.3)
    assert seen == [] and 7001 not in database.processed_ids()
    assert api.messages_to(CHILD) == [] and api.calls_to("sendMessage") == []


async def test_a_request_with_the_right_secret_is_handled(webhook, database):
    api, url, seen = webhook
    assert await post(url, text_update(7002, "¿quién es usted?"), SECRET) == 200
    sent = await api.wait_for_sent(1, chat_id=CHILD)
    assert "soy un programa" in sent[0].text
    assert seen == [7002]


def test_a_webhook_without_a_secret_is_never_served():
    settings = Settings(telegram_token="1:x", webhook_url="https://bot.example.org")
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        webhook_options(settings)
    assert webhook_options(replace(settings, webhook_secret="s"))["secret_token"] == "s"
