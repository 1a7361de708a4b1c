"""The terminal chat: the same engine a child meets on Telegram, in a local terminal.

Buttons are shown numbered; typing the number presses the button. Used when no Telegram
token is set, for trying the bot and for facilitators rehearsing a campaign.

`Shell` is imported on first use, not with the package: `bot.channels` reads `limits.py`
of every channel, and that must not import the engine.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Shell"]


def __getattr__(name: str) -> Any:
    if name == "Shell":
        from bot.channels.terminal.chat import Shell

        return Shell
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
