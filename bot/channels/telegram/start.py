"""Starting the Telegram channel (bot.channels.starting): configured by TELEGRAM_BOT_TOKEN;
builds the runtime, assembles the Application and serves until stopped (polling, or a
webhook with WEBHOOK_URL). python-telegram-bot is imported only when it starts."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bot.channels.starting import Starter
from bot.i18n import _s

if TYPE_CHECKING:
    from bot.settings import Settings


def configured(settings: Settings) -> bool:
    return bool(settings.telegram_token)


def start(settings: Settings) -> int:
    from telegram.error import InvalidToken

    from bot import runtime
    from bot.channels import telegram

    try:
        telegram.run(telegram.assemble(runtime.build(settings)), settings)
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


STARTER = Starter("telegram", configured, start, setting="TELEGRAM_BOT_TOKEN")
