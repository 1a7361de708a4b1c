"""`python -m bot run`: start the bot on the channel the settings configure (Telegram with
TELEGRAM_BOT_TOKEN), else the terminal chat. Which channels exist, and how each starts, is
their own folders' (bot.channels.starting): this command names none of them."""

from __future__ import annotations

import argparse
import sys

from bot.channels import starting
from bot.i18n import _s
from bot.settings import Settings

NAME = "run"
HELP = "start the bot (Telegram, or terminal chat with no token)"


def arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    found = starting.starters()
    starter = starting.pick(settings, found)
    if starter.fallback is not None:
        notice = _s(starter.fallback).format(settings=starting.unconfigured_settings(found))
        print(notice, file=sys.stderr)
    return starter.start(settings)
