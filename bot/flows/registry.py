"""The ordered registry of flows: who owns a button prefix, a command, an intent.

Built once, when the engine is: two flows claiming one prefix, command or intent (or one
the engine keeps for itself) is a programming error, refused at start with both names,
never found later by a child pressing a button that reaches the wrong feature; so is a
command without its `usage` line. The order
is the order of registration; it is the order /salir and /borrar visit the flows in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from bot.flows.flow import Flow

ENGINE = "engine"  # the owner named for what the engine keeps for itself
F = TypeVar("F", bound=Flow)


class DuplicateClaim(ValueError):
    """Two flows claim the same button prefix, command or intent."""


class MissingUsage(ValueError):
    """A flow's commands and the `usage` that describes them do not match."""


class Flows:
    def __init__(
        self,
        flows: Iterable[Flow],
        reserved_prefixes: Iterable[str] = (),
        reserved_commands: Iterable[str] = (),
    ) -> None:
        self._flows = tuple(flows)
        self._prefixes: dict[str, str | Flow] = dict.fromkeys(reserved_prefixes, ENGINE)
        self._commands: dict[str, str | Flow] = dict.fromkeys(reserved_commands, ENGINE)
        self._intents: dict[str, str | Flow] = {}
        for flow in self._flows:
            if flow.buttons is not None:
                _claim(self._prefixes, flow.buttons.prefix, flow, "the button prefix")
            for command in flow.commands:
                _claim(self._commands, command, flow, "the command /")
            if set(flow.usage) != flow.commands:
                raise MissingUsage(
                    f"flow '{flow.name}' claims the commands {sorted(flow.commands)} but its "
                    f"usage describes {sorted(flow.usage)}: describe each command it claims "
                    "(the answer to an unknown command lists them all)"
                )
            for intent in flow.intents:
                _claim(self._intents, intent, flow, "the intent ")

    def __iter__(self) -> Iterator[Flow]:
        return iter(self._flows)

    def for_button(self, data: str) -> Flow | None:
        prefix = data.partition(":")[0]
        owner = self._prefixes.get(prefix)
        if isinstance(owner, Flow) and owner.buttons is not None and owner.buttons.owns(data):
            return owner
        return None

    def for_command(self, command: str) -> Flow | None:
        owner = self._commands.get(command)
        return owner if isinstance(owner, Flow) else None

    def for_intent(self, intent: str) -> Flow | None:
        owner = self._intents.get(intent)
        return owner if isinstance(owner, Flow) else None

    def commands(self) -> frozenset[str]:
        """Every command a flow answers."""
        return frozenset(name for name, owner in self._commands.items() if owner != ENGINE)

    def erases(self) -> frozenset[str]:
        """Every table with a person key some flow's `erase` clears."""
        return frozenset(table for flow in self._flows for table in flow.erases)

    def find(self, kind: type[F]) -> F | None:
        """The registered flow of this class, if any."""
        return next((flow for flow in self._flows if isinstance(flow, kind)), None)


def _claim(claims: dict[str, str | Flow], key: str, flow: Flow, what: str) -> None:
    owner = claims.setdefault(key, flow)
    if owner is not flow:
        other = owner if isinstance(owner, str) else f"flow '{owner.name}'"
        raise DuplicateClaim(f"flow '{flow.name}' claims {what}{key!r}, already {other}'s")
