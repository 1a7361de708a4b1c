"""The conversation engine: one inbound event in, the replies out.

It knows nothing of Telegram or terminals. Adapters turn what they receive into an
`Inbound` (keyed by a pseudonym, never a raw id) and render the `Reply` list it returns.
The order of work for each event is fixed by the safety design:
  1. safety triage of free text (escalation),
  2. the consent gate,
  3. an active survey,
  4. otherwise the Rasa assistant (chat, awareness, FAQ).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

logger = logging.getLogger(__name__)


class Kind(Enum):
    TEXT = "text"
    EDITED = "edited"  # an edited text message: still triaged, since an edit may add a disclosure
    COMMAND = "command"
    BUTTON = "button"
    UNSUPPORTED = "unsupported"  # sticker, photo, voice note, location, ...


@dataclass(frozen=True)
class Inbound:
    user: str  # the pseudonym
    kind: Kind
    text: str = ""  # message text, command name without "/", callback data, or content type
    argument: str = ""  # what follows a command, e.g. the /start deep-link payload


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data: at most 64 bytes, parsed strictly when it comes back


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())


@dataclass(frozen=True)
class Parse:
    intent: str
    confidence: float


class Assistant(Protocol):
    """What the engine needs from the Rasa layer (bot.agent.RasaAssistant)."""

    intents: frozenset[str]

    async def parse(self, text: str) -> Parse: ...

    async def respond(self, user: str, intent: str) -> list[Reply]: ...


# Telegram commands mapped to the Rasa intents that answer them.
COMMAND_INTENTS = {
    "start": "saludar",
    "ayuda": "ver_ayuda",
    "salir": "salir",
}

# Rasa buttons carry "r:<intent>"; anything else that claims to be one is forged or stale.
RASA_BUTTON = re.compile(r"r:([a-z_]{1,60})")

NOT_TEXT = (
    "Gracias por escribir. 💬 Por ahora solo puedo leer mensajes de texto. "
    "¿Me lo puede contar con palabras?\n"
    "Si necesita ayuda, escriba AYUDA en cualquier momento."
)
EDITED = "Vi que cambió un mensaje. Yo leo los mensajes nuevos: si quiere, escríbalo otra vez. 💬"
UNKNOWN_COMMAND = (
    "No conozco ese comando. Puede usar:\n"
    "/start para empezar\n/ayuda para ver qué puedo hacer\n/salir para terminar"
)
STALE_BUTTON = "Ese botón ya no funciona. No pasa nada: escriba /ayuda para ver las opciones."


class Engine:
    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    async def handle(self, event: Inbound) -> list[Reply]:
        if event.kind is Kind.UNSUPPORTED:
            return [Reply(NOT_TEXT)]
        if event.kind is Kind.COMMAND:
            return await self._command(event)
        if event.kind is Kind.BUTTON:
            return await self._button(event)
        if event.kind is Kind.EDITED:
            return [Reply(EDITED)]
        return await self._text(event)

    async def _command(self, event: Inbound) -> list[Reply]:
        intent = COMMAND_INTENTS.get(event.text.lower())
        if intent is None:
            return [Reply(UNKNOWN_COMMAND)]
        return await self.assistant.respond(event.user, intent)

    async def _button(self, event: Inbound) -> list[Reply]:
        match = RASA_BUTTON.fullmatch(event.text)
        if match is None or match.group(1) not in self.assistant.intents:
            logger.info("refused a button with unknown data")
            return [Reply(STALE_BUTTON)]
        return await self.assistant.respond(event.user, match.group(1))

    async def _text(self, event: Inbound) -> list[Reply]:
        # A leading "/" would make Rasa read the text as an intent name: never let a child's
        # text choose an intent directly.
        text = event.text.lstrip("/").strip()
        if not text:
            return [Reply(NOT_TEXT)]
        parse = await self.assistant.parse(text)
        return await self.assistant.respond(event.user, parse.intent)
