"""The conversation engine over the real Rasa model: what a child sees for each event."""

from __future__ import annotations

import pytest

from bot.engine import EDITED, NOT_TEXT, STALE_BUTTON, UNKNOWN_COMMAND, Engine, Inbound, Kind

pytestmark = pytest.mark.rasa
USER = "p" * 32


def texts(replies) -> str:
    return "\n".join(reply.text for reply in replies)


async def test_start_greets_shows_privacy_and_a_menu_with_buttons(engine):
    replies = await engine.handle(Inbound(USER, Kind.COMMAND, "start"))
    assert "Soy Voz Segura" in texts(replies)
    assert "no le voy a pedir su nombre" in texts(replies)
    # The limit of confidentiality, and what is kept for it.
    assert "para que una persona de protección lo lea" in texts(replies)
    labels = [button.label for reply in replies for row in reply.buttons for button in row]
    assert labels == [
        "Participar en una consulta",
        "Aprender a cuidarme",
        "¿Qué es Voz Segura?",
        "Necesito ayuda",
    ]


async def test_menu_button_explains_what_the_bot_is(engine):
    start = await engine.handle(Inbound(USER, Kind.COMMAND, "start"))
    button = start[-1].buttons[2][0]
    replies = await engine.handle(Inbound(USER, Kind.BUTTON, button.data))
    assert "No soy una persona, soy un programa" in texts(replies)


@pytest.mark.parametrize(
    "data", ["r:borrar_todo", "x", "", "r:SALUDAR", "r:saludar;drop", "r:" + "a" * 70]
)
async def test_forged_or_stale_button_is_refused_kindly(engine, data):
    replies = await engine.handle(Inbound(USER, Kind.BUTTON, data))
    assert texts(replies) == STALE_BUTTON


async def test_help_command_lists_commands_and_helplines(engine):
    replies = await engine.handle(Inbound(USER, Kind.COMMAND, "ayuda"))
    assert "/salir" in texts(replies)
    assert "1147" in texts(replies) and "911" in texts(replies)


async def test_exit_command_ends_the_conversation(engine):
    replies = await engine.handle(Inbound(USER, Kind.COMMAND, "salir"))
    assert "terminamos aquí" in texts(replies)


async def test_unknown_command_lists_the_known_ones(engine):
    assert texts(await engine.handle(Inbound(USER, Kind.COMMAND, "hackear"))) == UNKNOWN_COMMAND


@pytest.mark.parametrize("content", ["sticker", "photo", "voice", "location"])
async def test_non_text_content_gets_a_kind_answer(engine, content):
    assert texts(await engine.handle(Inbound(USER, Kind.UNSUPPORTED, argument=content))) == NOT_TEXT


async def test_edited_message_is_acknowledged(engine):
    assert texts(await engine.handle(Inbound(USER, Kind.EDITED, "hola"))) == EDITED


@pytest.mark.parametrize("text", ["hola", "buenas tardes", "pura vida"])
async def test_free_text_greeting_is_understood(engine, text):
    assert "Soy Voz Segura" in texts(await engine.handle(Inbound(USER, Kind.TEXT, text)))


async def test_question_about_the_bot_is_understood(engine):
    replies = await engine.handle(Inbound(USER, Kind.TEXT, "¿con quién estoy hablando?"))
    assert "soy un programa" in texts(replies)


async def test_gibberish_gets_the_fallback(engine):
    replies = await engine.handle(Inbound(USER, Kind.TEXT, "qwxz pfff zzkq"))
    assert "no le entendí" in texts(replies)
    assert "1147" in texts(replies) and "911" in texts(replies)  # the helplines
    assert replies[-1].buttons  # and the menu


async def test_text_cannot_choose_an_intent_with_a_leading_slash(assistant):
    # Rasa reads "/intent" as an intent name with full confidence; the engine must never let
    # a child's words pick an intent (or skip triage) that way.
    assert (await assistant.parse("/salir")).confidence == 1.0
    seen: list[str] = []

    class Recording:
        intents = assistant.intents

        async def parse(self, text):
            seen.append(text)
            return await assistant.parse(text)

        async def respond(self, user, intent, band=None):
            return await assistant.respond(user, intent)

    await Engine(Recording()).handle(Inbound(USER, Kind.TEXT, "//salir"))
    assert seen == ["salir"]


async def test_empty_text_gets_a_kind_answer(engine):
    assert texts(await engine.handle(Inbound(USER, Kind.TEXT, "   "))) == NOT_TEXT
