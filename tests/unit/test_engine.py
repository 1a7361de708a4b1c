"""The conversation engine on the fake assistant: what a child sees for each event.
What depends on understanding free words is in tests/integration/test_engine_understanding.py."""

from __future__ import annotations

import pytest

from bot.engine import EDITED, NOT_TEXT, STALE_BUTTON, UNKNOWN_COMMAND, Inbound, Kind

USER = "p" * 32
# The commands the engine answers itself, as the answer to an unknown command lists them
# (flows add theirs after: tests/unit/test_flow_plugins.py).
ENGINE_LINES = (
    "/start para empezar\n/ayuda para ver qué puedo hacer\n/salir para terminar\n"
    "/borrar para borrar sus datos\n/privacidad para saber qué se guarda"
)


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
    answer = texts(await engine.handle(Inbound(USER, Kind.COMMAND, "hackear")))
    assert answer == UNKNOWN_COMMAND.format(commands=ENGINE_LINES)


@pytest.mark.parametrize("content", ["sticker", "photo", "voice", "location"])
async def test_non_text_content_gets_a_kind_answer(engine, content):
    assert texts(await engine.handle(Inbound(USER, Kind.UNSUPPORTED, argument=content))) == NOT_TEXT


async def test_edited_message_is_acknowledged(engine):
    assert texts(await engine.handle(Inbound(USER, Kind.EDITED, "hola"))) == EDITED


async def test_empty_text_gets_a_kind_answer(engine):
    assert texts(await engine.handle(Inbound(USER, Kind.TEXT, "   "))) == NOT_TEXT
