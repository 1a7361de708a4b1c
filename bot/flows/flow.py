"""The protocol of a flow: what a feature tells the engine, and what the engine lends it.

A flow is a feature a child walks through with buttons or commands (consent, a survey,
lessons, news subscriptions, the answers to a case). It declares what it claims, and the
registry (bot.flows.registry) routes to it:
  - `buttons`: its codec, so every button whose data starts with "<prefix>:" is its own;
  - `commands`: the /commands it answers, and `usage`, what each is for ("para recibir
    mensajes"): the engine's answer to an unknown command lists every command with it;
  - `intents`: the assistant's intents it answers instead of the assistant, whether the
    child pressed a Rasa button ("r:<intent>") or typed words that mean it;
  - `erases`: the tables with a person key that its `erase` clears of a person.
It answers through `press`, `command` and `answer`; it may `remind` a child who types while
it waits for a button (the engine's "active flow" step); `forget` drops what it holds for
the person in memory or half-done (/salir), `erase` deletes every row it keeps keyed by the
person (/borrar) and says how many.

The base class answers nothing and keeps nothing, so a flow writes only what it has.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar

from bot.events import Inbound, Reply
from bot.flows.codec import Codec

if TYPE_CHECKING:  # features import this module; triage (and its model) load only if used
    from bot.triage import Verdict


@dataclass(frozen=True)
class Turn:
    """One event, and what the engine lends a flow while answering it."""

    event: Inbound
    menu: Callable[[], Awaitable[list[Reply]]]  # the main menu, to show when a flow ends
    # Open a case as a disclosure would (the engine's safety path), and answer the child.
    escalate: Callable[[Verdict, str], list[Reply]]
    wake: Callable[[], None]  # wake the relay: the officers learn of a change to a case now

    @property
    def user(self) -> str:
        return self.event.user


class Flow:
    """A feature the engine routes to; subclasses set what they claim and override what
    they do."""

    name: ClassVar[str] = "flow"  # named in the registry's errors and in logs
    buttons: Codec | None = None
    commands: frozenset[str] = frozenset()
    usage: Mapping[str, str] = MappingProxyType({})  # command -> what it is for (a child's text)
    intents: frozenset[str] = frozenset()
    erases: frozenset[str] = frozenset()

    async def press(self, turn: Turn) -> list[Reply] | None:
        """A button with this flow's prefix; None when it is forged or stale."""
        return None

    async def command(self, turn: Turn) -> list[Reply]:
        raise NotImplementedError(f"flow '{self.name}' claims a command it does not answer")

    async def answer(self, turn: Turn, intent: str) -> list[Reply]:
        raise NotImplementedError(f"flow '{self.name}' claims an intent it does not answer")

    def remind(self, user: str) -> list[Reply] | None:
        """Typed text (after triage) while this flow waits for a button: what to show."""
        return None

    def forget(self, user: str) -> None:
        """/salir: drop whatever is half-done for the person; nothing partial is kept."""

    def erase(self, user: str) -> int:
        """/borrar: delete every row keyed by the person; how many. Forgets, too."""
        self.forget(user)
        return 0
