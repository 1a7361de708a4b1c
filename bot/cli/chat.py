"""`python -m bot chat`: the terminal chat with the bot, even when a Telegram token is set."""

from __future__ import annotations

import argparse

from bot.channels.terminal.start import chat
from bot.settings import Settings

NAME = "chat"
HELP = "terminal chat with the bot"


def arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    return chat(settings)
