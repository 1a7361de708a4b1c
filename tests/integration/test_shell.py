"""The terminal chat, driven through stdin and stdout as a person would use it."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from bot.channels.terminal import Shell
from bot.engine import Kind
from bot.runtime import engine_for
from bot.settings import ROOT

pytestmark = pytest.mark.rasa


async def chat(engine, lines: str) -> str:
    out = io.StringIO()
    await Shell(engine, "t" * 32, io.StringIO(lines), out).run()
    return out.getvalue()


@pytest.fixture
def running(assistant, database):
    """The engine as `make run` builds it."""
    return engine_for(assistant, database)


async def test_start_shows_greeting_and_numbered_buttons(running):
    output = await chat(running, "/start\n")
    assert "bot> ¡Hola! 👋 Soy Voz Segura" in output
    assert "[1] Menos de 9" in output
    assert "[3] 13 a 15 años" in output


async def test_typing_a_button_number_presses_it(running):
    output = await chat(running, "/start\n3\n")
    assert "Voz Segura es parte de un programa por los derechos de la niñez" in output


def test_a_number_with_no_button_on_screen_is_plain_text(engine):
    shell = Shell(engine, "t" * 32, io.StringIO(), io.StringIO())
    event = shell.event_for("7")
    assert (event.kind, event.text) == (Kind.TEXT, "7")


def test_commands_keep_their_argument(engine):
    shell = Shell(engine, "t" * 32, io.StringIO(), io.StringIO())
    event = shell.event_for("/start campana-2027")
    assert (event.kind, event.text, event.argument) == (Kind.COMMAND, "start", "campana-2027")


async def test_end_of_input_closes_the_chat_cleanly(engine):
    output = await chat(engine, "")
    assert output.startswith("Voz Segura — chat local")


def test_make_run_without_token_opens_a_terminal_chat_that_answers_start(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'voz.db'}",
        "VOZ_KEY_FILE": str(tmp_path / "secret.key"),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("STAFF_LANGUAGE", None)  # what the person running it reads: Spanish by default
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="/start\nme quitaron la cédula en el hotel y no me dejan salir\n/salir\n",
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "se abre el chat local en la terminal" in result.stderr
    assert "bot> ¡Hola! 👋 Soy Voz Segura" in result.stdout
    assert "terminamos aquí" in result.stdout
    # With no Telegram, the protection alert is printed in the terminal instead of sent.
    assert "ALERTA PARA PROTECCIÓN" in result.stderr
    assert "VS-000001" in result.stderr
    assert "llame ya al 911" in result.stdout
