"""Facilitators' commands in Telegram work only for the allowlist; everyone else gets the
children's "unknown command" answer and nothing about any campaign."""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio

from bot.channels.telegram import assemble
from bot.engine import UNKNOWN_COMMAND
from bot.privacy import Pseudonymizer
from bot.runtime import Runtime, engine_for
from bot.settings import Settings
from botapi_fake import FakeBotApi
from tests.fakes.application import polling

pytestmark = pytest.mark.rasa
FACILITATOR = 4242
CHILD = 987654321


@pytest_asyncio.fixture
async def telegram(assistant, database):
    async with FakeBotApi(token="424242:AAFakeTokenForTests_abcdefghijk") as api:
        settings = Settings(
            telegram_token=api.token,
            telegram_api_base_url=api.base_url.removesuffix("/bot"),
            protection_chat_id=-1001234567890,
            facilitator_ids=frozenset({FACILITATOR}),
        )
        runtime = Runtime(
            settings, database, Pseudonymizer(b"k" * 32), engine_for(assistant, database)
        )
        application = assemble(runtime)
        async with polling(application):
            yield api


async def test_facilitator_lists_campaigns_with_status(telegram):
    telegram.push_text(FACILITATOR, "/campanas")
    [listing] = await telegram.wait_for_sent(1, chat_id=FACILITATOR)
    assert "seguridad-en-linea" in listing.text and "(borrador, " in listing.text


async def test_facilitator_reads_the_latest_release_or_when_the_first_comes(telegram):
    # No completions yet, so no release: never live numbers. The table of a release is
    # pinned in test_campaign_releases (FacilitatorCommands.table).
    telegram.push_text(FACILITATOR, "/resultados seguridad-en-linea")
    sent = await telegram.wait_for_sent(1, chat_id=FACILITATOR)
    assert sent[0].text.startswith("<pre>")
    assert "Todavía no hay resultados publicados de seguridad-en-linea" in sent[0].text


async def test_unknown_campaign_id_lists_the_known_ones(telegram):
    telegram.push_text(FACILITATOR, "/resultados no-existe")
    [answer] = await telegram.wait_for_sent(1, chat_id=FACILITATOR)
    assert "seguridad-en-linea" in answer.text and "No hay una consulta" in answer.text


@pytest.mark.parametrize("command", ["/campanas", "/resultados seguridad-en-linea"])
async def test_anyone_else_gets_nothing_useful(telegram, command):
    telegram.push_text(CHILD, command)
    [answer] = await telegram.wait_for_sent(1, chat_id=CHILD)
    assert answer.text.startswith(UNKNOWN_COMMAND.split("{")[0])
    assert "/noticias" in answer.text and "/campanas" not in answer.text


async def test_facilitator_commands_are_not_answered_in_groups(telegram):
    telegram.push_group_text(-100777, FACILITATOR, "/campanas")
    telegram.push_text(FACILITATOR, "/campanas")  # a marker: the private one is answered
    await telegram.wait_for_sent(1, chat_id=FACILITATOR)
    await asyncio.sleep(0.2)
    assert telegram.messages_to(-100777) == []
