"""Terminal adapter over the engine."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.channels.terminal.channel import TerminalChannel
from bot.engine import Engine, Inbound, Kind, Reply
from bot.events import Participant

PROMPT = "usted> "
BANNER = (
    "Voz Segura — chat local (sin Telegram). Escriba /start para empezar, "
    "/salir para terminar la conversación y Ctrl-D para cerrar."
)


class Shell:
    def __init__(
        self,
        engine: Engine,
        user: str,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        participant: Participant | None = None,
    ) -> None:
        self.engine = engine
        self.user = user
        self.participant = participant  # the operator, counted once per campaign
        self.stdin = stdin
        self.stdout = stdout
        self.channel = TerminalChannel(stdout)

    def event_for(self, line: str) -> Inbound:
        """Turn a typed line into an inbound event, as Telegram would deliver it."""
        line = line.strip()
        buttons = self.channel.buttons
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            return self._event(Kind.BUTTON, buttons[int(line) - 1].data)
        if line.startswith("/") and len(line) > 1:
            command, _, argument = line[1:].partition(" ")
            return self._event(Kind.COMMAND, command.split("@")[0], argument.strip())
        return self._event(Kind.TEXT, line)

    def _event(self, kind: Kind, text: str, argument: str = "") -> Inbound:
        return Inbound(self.user, kind, text, argument, participant=self.participant)

    def show(self, replies: list[Reply]) -> None:
        """One answer: its buttons are the ones a typed number presses, from 1."""
        self.channel.clear()
        for reply in replies:
            self.channel.show(reply)

    async def run(self) -> None:
        self.stdout.write(BANNER + "\n")
        loop = asyncio.get_running_loop()
        while True:
            self.stdout.write(PROMPT)
            self.stdout.flush()
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:  # end of input
                self.stdout.write("\n")
                return
            if not line.strip():
                continue
            self.show(await self.engine.handle(self.event_for(line)))
