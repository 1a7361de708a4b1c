"""`python -m bot chat`: the terminal chat with the bot, even when a Telegram token is set."""

from __future__ import annotations

import argparse
import asyncio
import getpass

from bot.settings import Settings

NAME = "chat"
HELP = "terminal chat with the bot"


def arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    return chat(settings)


def chat(settings: Settings) -> int:
    """The terminal chat, as the operator's own login (pseudonymised like any child)."""
    from bot import runtime
    from bot.channels.terminal import Shell

    parts = runtime.build(settings)
    user = parts.pseudonymize("terminal", getpass.getuser())
    lane = parts.terminal_lane()

    async def talk() -> None:
        await lane.start()
        try:
            await Shell(parts.engine, user).run()
        finally:
            await lane.stop()

    asyncio.run(talk())
    return 0
