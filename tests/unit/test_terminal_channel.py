"""The terminal chat as a channel: replies printed after "bot> ", buttons numbered on from
the ones already shown in one answer (typing the number presses it), edits printed anew."""

from __future__ import annotations

import io

from bot.channels import Channels, Sent
from bot.channels.terminal.channel import TerminalChannel, render
from bot.channels.terminal.chat import Shell
from bot.events import Button, Kind, Reply

MENU = Reply("¿Qué quiere hacer?", ((Button("Aprender", "m:learn"), Button("Ayuda", "m:help")),))


def test_a_reply_is_its_text_and_its_numbered_buttons():
    assert render(MENU) == "bot> ¿Qué quiere hacer?\n     [1] Aprender\n     [2] Ayuda\n"
    assert render(Reply("", ((Button("Sí", "c:yes"),),)), shown=2) == "     [3] Sí\n"


async def test_the_channel_prints_and_an_edit_prints_the_reply_anew():
    out = io.StringIO()
    terminal = TerminalChannel(out)
    sent = await Channels(terminal).send("terminal:local", MENU)
    await terminal.edit(sent, Reply("Listo"))
    assert out.getvalue() == render(MENU) + "bot> Listo\n"
    assert isinstance(sent, Sent) and sent.address == "terminal:local"
    assert [button.data for button in terminal.buttons] == ["m:learn", "m:help"]


def test_the_shell_numbers_one_answers_buttons_and_a_number_presses_one():
    out = io.StringIO()
    shell = Shell(engine=None, user="ps_local", stdout=out)  # type: ignore[arg-type]
    shell.show([Reply("Hola"), MENU])
    shell.show([MENU, Reply("Más", ((Button("Salir", "m:exit"),),))])
    assert out.getvalue().endswith(render(MENU) + "bot> Más\n     [3] Salir\n")
    event = shell.event_for("3")
    assert (event.kind, event.text) == (Kind.BUTTON, "m:exit")
    assert shell.event_for("4").kind == Kind.TEXT
