"""`python -m bot run`: start the bot, on Telegram if TELEGRAM_BOT_TOKEN is set, else the
terminal chat."""

from __future__ import annotations

import argparse
import sys

from bot.cli.chat import chat
from bot.i18n import _s
from bot.settings import Settings

NAME = "run"
HELP = "start the bot (Telegram, or terminal chat with no token)"


def arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.telegram_token:
        print(
            _s("TELEGRAM_BOT_TOKEN no está definido: se abre el chat local en la terminal."),
            file=sys.stderr,
        )
        return chat(settings)
    from telegram.error import InvalidToken

    from bot import runtime
    from bot.channels.telegram import assemble
    from bot.channels.telegram import run as run_telegram
    from bot.channels.telegram.application import readiness

    try:
        parts = runtime.build(settings)
        run_telegram(assemble(parts), settings, readiness(parts))
    except InvalidToken:
        # python-telegram-bot's message quotes the token: never print it.
        print(
            _s(
                "Telegram rechazó TELEGRAM_BOT_TOKEN. Revise el token con @BotFather (o pida "
                "uno nuevo con /revoke si pudo filtrarse) y vuelva a iniciar el bot."
            ),
            file=sys.stderr,
        )
        return 2
    return 0
