"""Webhook mode end to end: the assembled Application behind our webhook server
(bot.channels.telegram.webhook) on 127.0.0.1, registered with the fake Bot API; requests
posted over real HTTP as Telegram would."""

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
from bot.channels.telegram.application import (
    register_webhook,
    webhook_options,
    webhook_server,
)
from bot.privacy import Pseudonymizer
from bot.runtime import Runtime, engine_for
from bot.settings import Settings
from bot.storage import Database
from bot.storage.chatlock import ChatLocks
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
    """Yields (fake Bot API, the webhook's address, every update any handler saw); /readyz
    checks the database."""
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

        async def database_answers() -> bool:
            return await asyncio.to_thread(database.ping)

        server = webhook_server(application, settings, {"database": database_answers})
        await server.start("127.0.0.1", settings.webhook_port)
        await register_webhook(application, settings)
        try:
            yield api, f"http://127.0.0.1:{settings.webhook_port}/telegram", seen
        finally:
            await server.stop()
            await application.stop()
            await application.post_stop(application)
            await application.post_shutdown(application)
            await application.shutdown()


def text_update(update_id: int, text: str) -> dict:
    user = {"id": CHILD, "is_bot": False, "first_name": "Ana"}
    chat = {"id": CHILD, "type": "private", "first_name": "Ana"}
    message = {"message_id": update_id, "date": 1700000000, "chat": chat, "from": user}
    return {"update_id": update_id, "message": {**message, "text": text}}


async def post(url: str, update: dict | bytes, secret: str | None) -> int:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    body = {"data": update} if isinstance(update, bytes) else {"json": update}
    async with aiohttp.ClientSession() as session:
        async with session.post(url, headers=headers, **body) as response:
            return response.status


async def get(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return response.status, await response.json()


async def test_the_webhook_is_registered_with_its_secret(webhook):
    api, _url, _seen = webhook
    [registered] = api.calls_to("setWebhook")
    assert registered["url"] == "https://bot.example.org/telegram"
    assert registered["secret_token"] == SECRET
    # Telegram's most connections at once (its default, 40, would bound the updates a
    # second that reach every replica together: each request lasts until replies are sent).
    assert int(registered["max_connections"]) == 100


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


UNREADABLE = [
    b"not json at all",
    b'{"update_id": 7010, "message": {"message_id": "x", "chat": 5}}',
    b'["a list"]',
]


@pytest.mark.parametrize("body", UNREADABLE)
async def test_an_unreadable_update_is_answered_200_and_skipped_with_a_redacted_log(
    webhook, database, caplog, body
):
    """Telegram retries a non-2xx update forever: one it cannot be read is skipped, as in
    polling, and the log names the error's class, never the body."""
    api, url, seen = webhook
    caplog.set_level("WARNING")
    assert await post(url, body + b" mi tio me toca", SECRET) == 200
    assert await post(url, text_update(7011, "¿quién es usted?"), SECRET) == 200
    assert seen == [7011]  # the next update is handled as usual
    skipped = [r.getMessage() for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(skipped) == 1
    assert "tio" not in skipped[0] and "list" not in skipped[0]


async def test_the_webhook_answers_after_the_replies_are_sent(webhook):
    api, url, _seen = webhook
    assert await post(url, text_update(7020, "¿quién es usted?"), SECRET) == 200
    assert any("soy un programa" in sent.text for sent in api.messages_to(CHILD))


async def test_health_and_readiness_endpoints(webhook, database, monkeypatch):
    _api, url, _seen = webhook
    root = url.removesuffix("/telegram")
    assert await get(f"{root}/healthz") == (200, {"alive": True})
    assert await get(f"{root}/readyz") == (200, {"ready": True, "database": True})

    def down() -> bool:
        raise OSError("connection refused")

    monkeypatch.setattr(database, "ping", down)
    assert await get(f"{root}/readyz") == (503, {"ready": False, "database": False})
    assert (await get(f"{root}/healthz"))[0] == 200  # alive, only not ready


async def test_an_update_another_handler_holds_unfinished_is_answered_503_until_done(
    webhook, database
):
    """Another replica claimed it and has not finished: 200 would tell Telegram to forget
    it, and it could be lost; 503 has it sent again. On PostgreSQL a live handler holds its
    chat's lock while it works (a dead one's claim is taken over at once:
    tests/integration/test_replicas_nginx.py), so the other replica holds it here too."""
    api, url, _seen = webhook
    shared = database.engine.dialect.name == "postgresql"
    other_replica = ChatLocks(Database(database.url))
    holding = other_replica.holding(Pseudonymizer(b"k" * 32)("telegram", CHILD))
    await holding.__aenter__()
    try:
        assert database.claim(7030)  # the other replica's claim
        answered = asyncio.ensure_future(post(url, text_update(7030, "¿quién es usted?"), SECRET))
        await asyncio.sleep(0.5)
        # SQLite (one process, no shared lock): told to come back. PostgreSQL: it waits for
        # the chat the other replica holds, and then finds the update done.
        assert answered.done() is not shared
        database.mark_processed(7030)  # the other replica finished it
    finally:
        await holding.__aexit__(None, None, None)
        other_replica.dispose()
    assert await answered == (200 if shared else 503)
    assert await post(url, text_update(7030, "¿quién es usted?"), SECRET) == 200
    await asyncio.sleep(0.3)
    assert api.messages_to(CHILD) == []  # handled once, by the other replica
