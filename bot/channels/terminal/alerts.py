"""Alert cards in the terminal: the relay's `AlertSender` when no protection chat is set."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.escalation.cards import Buttons
from bot.i18n import N_, _s


class TerminalAlertSender:
    """Terminal mode (no protection chat configured): prints the card for the operator."""

    FRAME = N_("=== ALERTA PARA PROTECCIÓN ===")

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    async def send(self, chat_id: int, text: str, buttons: Buttons) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        labels = "  ".join(f"[{label}]" for row in buttons for label, _data in row)
        frame = _s(self.FRAME)
        stream.write(f"\n{frame}\n{text}\n{labels}\n{'=' * len(frame)}\n")
        stream.flush()
