"""Channels: the ways a child reaches the bot (Telegram, the terminal chat), one folder each.

A channel turns what its platform delivers into `Inbound` events for the engine and renders
the engine's `Reply` values; nothing outside `bot/channels/` knows a platform's types. What
the rest of the bot may keep of a person's chat is an opaque `Address` ("telegram:123456789"),
made and read only by the channel named before the colon (`base.py`).

Every folder here with a `limits.py` (holding `LIMITS`) is a channel: `LIMITS` names them
all, found by walking this package, so adding a channel edits no list. `BUTTON_DATA_LIMIT`
is what button data written anywhere in the bot must fit: the smallest limit of them all.
"""

from __future__ import annotations

import importlib
import pkgutil

from bot.channels.base import (
    Address,
    Channel,
    Channels,
    Limits,
    Sent,
    UnknownChannel,
    channel_of,
)


def _limits() -> dict[str, Limits]:
    found: dict[str, Limits] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg:
            limits = importlib.import_module(f"{__name__}.{module.name}.limits")
            found[module.name] = limits.LIMITS
    return found


LIMITS: dict[str, Limits] = _limits()
BUTTON_DATA_LIMIT: int = min(
    limits.button_data_bytes for limits in LIMITS.values() if limits.button_data_bytes is not None
)

__all__ = [
    "BUTTON_DATA_LIMIT",
    "LIMITS",
    "Address",
    "Channel",
    "Channels",
    "Limits",
    "Sent",
    "UnknownChannel",
    "channel_of",
]
