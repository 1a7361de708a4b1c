"""The Telegram channel: python-telegram-bot 22 over the channel-agnostic engine.

`assemble` builds the whole bot; `build_application` makes the Application (token, API base
URL, rate limiter); `register_handlers` wires children's updates to the engine, and
`contact.py` relays officers' replies. `channel.py` is the `bot.channels.Channel` the rest of
the bot sends through (by address, via `bot.channels.Channels`). Raw user and chat ids are
turned into pseudonyms here, at the boundary, and go no further; a chat to write back to
leaves this folder only as an opaque address (`address.py`: "telegram:<chat id>").

The names below are imported on first use, not with the package: `limits.py` and
`address.py` are read by the rest of the bot, and must not cost it python-telegram-bot's
import.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "assemble": "bot.channels.telegram.application",
    "attach_lane": "bot.channels.telegram.application",
    "build_application": "bot.channels.telegram.application",
    "run": "bot.channels.telegram.application",
    "register_handlers": "bot.channels.telegram.handlers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
