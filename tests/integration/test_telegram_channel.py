"""The Telegram channel as the rest of the bot sends through it (`TelegramChannel`), against
the Bot API fake over HTTP: a reply's text and buttons as the children's handlers render
them, edits in place, and Telegram's refusals as the channel-neutral failures of
bot.channels.delivery, without Telegram's text."""

from __future__ import annotations

import pytest
import pytest_asyncio
from telegram import Bot

from bot.channels import Channels, Sent, UnknownChannel
from bot.channels.delivery import Refused, Rejected, RetryLater
from bot.channels.telegram.address import chat_address
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.request import AiohttpRequest
from bot.events import Button, Reply
from botapi_fake import FakeBotApi

CHILD = 7_000_000_001
TO_CHILD = chat_address(CHILD)
QUESTION = Reply("¿Quiere seguir? 💛", ((Button("Sí", "c:yes"), Button("No", "c:no")),))


@pytest_asyncio.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


@pytest_asyncio.fixture
async def channel(api):
    root = api.base_url.removesuffix("/bot")
    bot = Bot(api.token, base_url=f"{root}/bot", request=AiohttpRequest())
    async with bot:
        yield TelegramChannel(bot, timeout=2.0)


async def test_a_reply_reaches_the_chat_with_its_buttons_and_can_be_edited(api, channel):
    sent = await channel.send(TO_CHILD, QUESTION)
    [message] = api.messages_to(CHILD)
    assert (message.method, message.text) == ("sendMessage", "¿Quiere seguir? 💛")
    assert message.reply_markup == {
        "inline_keyboard": [
            [{"text": "Sí", "callback_data": "c:yes"}, {"text": "No", "callback_data": "c:no"}]
        ]
    }
    assert sent == Sent(TO_CHILD, str(message.message_id))

    await channel.edit(sent, Reply("Listo ✓"))
    edited = api.messages_to(CHILD)[-1]
    assert (edited.method, edited.text, edited.message_id) == (
        "editMessageText",
        "Listo ✓",
        message.message_id,
    )
    assert not edited.reply_markup  # no buttons: the keyboard is removed
    await channel.edit(sent, Reply("Listo ✓"))  # the same again is no failure


async def test_a_replace_reply_edits_the_pressed_message_through_channels(api, channel):
    pressed = await channel.send(TO_CHILD, QUESTION)
    await Channels(channel).deliver(
        TO_CHILD, [Reply("✓ Sí", replace=True), Reply("Siguiente")], pressed
    )
    methods = [(m.method, m.text) for m in api.messages_to(CHILD)]
    assert methods[1:] == [("editMessageText", "✓ Sí"), ("sendMessage", "Siguiente")]


@pytest.mark.parametrize(
    ("status", "extra", "raised"),
    [(403, {}, Refused), (429, {"retry_after": 3}, RetryLater), (400, {}, Rejected)],
)
async def test_telegrams_refusals_become_channel_failures_without_its_text(
    api, channel, status, extra, raised
):
    api.fail_next("sendMessage", status=status, description="Secreto: el texto", **extra)
    with pytest.raises(raised) as caught:
        await channel.send(TO_CHILD, QUESTION)
    assert "Secreto" not in str(caught.value) and "Secreto" not in caught.value.describe()
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    if raised is RetryLater:
        assert caught.value.after == 3


async def test_a_blocked_chat_is_refused_on_edit_too(api, channel):
    sent = await channel.send(TO_CHILD, QUESTION)
    api.fail_next("editMessageText", status=403)
    with pytest.raises(Refused):
        await channel.edit(sent, Reply("Listo"))


async def test_another_channels_address_is_not_sent_to(api, channel):
    with pytest.raises(UnknownChannel):
        await channel.send("web:3f2a", QUESTION)
    with pytest.raises(ValueError):
        await channel.send("telegram:not-a-number", QUESTION)
    assert api.sent == []
