"""The terminal chat as a `bot.channels.Channel`: replies are printed, buttons numbered.

`render` is the one rendering of a reply on the terminal (the `Shell` shows the engine's
replies through a `TerminalChannel`): "bot> " and the text, then each button as
"[n] label", numbered on from the buttons already shown, so that typing n presses it. The
terminal has one person and cannot edit what it printed: an edit prints the reply anew.
Its address is "terminal:<anything>"; there is only one screen.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.channels.base import Address, Limits, Sent
from bot.channels.terminal.limits import LIMITS
from bot.events import Button, Reply

CHANNEL = "terminal"


def render(reply: Reply, shown: int = 0) -> str:
    """What the terminal prints for `reply`, its buttons numbered after `shown` others."""
    lines = [f"bot> {reply.text}"] if reply.text else []
    number = shown
    for row in reply.buttons:
        for button in row:
            number += 1
            lines.append(f"     [{number}] {button.label}")
    return "".join(f"{line}\n" for line in lines)


class TerminalChannel:
    """Prints replies on `stdout`; `buttons` are the buttons on screen since `clear`, in
    the order of their numbers."""

    name: str = CHANNEL
    limits: Limits = LIMITS

    def __init__(self, stdout: TextIO | None = None) -> None:
        self.stdout = stdout if stdout is not None else sys.stdout
        self.buttons: list[Button] = []
        self._printed = 0

    def clear(self) -> None:
        """Forget the buttons on screen: a new answer numbers its buttons from 1."""
        self.buttons = []

    async def send(self, to: Address, reply: Reply) -> Sent:
        self.show(reply)
        self._printed += 1
        return Sent(to, str(self._printed))

    async def edit(self, sent: Sent, reply: Reply) -> None:
        self.show(reply)  # what is printed stays printed

    def show(self, reply: Reply) -> None:
        self.stdout.write(render(reply, len(self.buttons)))
        self.buttons.extend(button for row in reply.buttons for button in row)
        self.stdout.flush()
