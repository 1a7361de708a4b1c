"""Channels: the ways a child reaches the bot (Telegram, the terminal chat), one folder each.

A channel turns what its platform delivers into `Inbound` events for the engine and renders
the engine's `Reply` values; nothing outside `bot/channels/` knows a platform's types. What
the rest of the bot may keep of a person's chat is an opaque `Address` ("telegram:123456789"),
made and read only by the channel named before the colon (`base.py`).

Every folder here with a `limits.py` (holding `LIMITS`) is a channel: `LIMITS` names them
all, found by walking this package, so adding a channel edits no list. `BUTTON_DATA_LIMIT`
is what button data written anywhere in the bot must fit: the smallest limit of them all.
`is_private` asks an address's own channel (its `address.is_private`) whether the chat is
one person's, so that code outside the channels can refuse a group without reading it.
A channel's `start.py` says how it starts and when the settings configure it
(`bot.channels.starting`, read by `python -m bot run`); it is not imported here.
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


def is_private(value: str) -> bool:
    """A chat with one person, as the address's own channel reads it. False for a group's,
    a malformed one, one of no known channel, or of a channel that cannot tell (no
    `address.is_private`): only what a channel vouches for counts as private."""
    name = channel_of(value)
    if name not in LIMITS:
        return False
    try:
        module = importlib.import_module(f"{__name__}.{name}.address")
    except ModuleNotFoundError:
        return False
    check = getattr(module, "is_private", None)
    try:
        return check is not None and bool(check(value))
    except (UnknownChannel, ValueError):
        return False


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
    "is_private",
]
