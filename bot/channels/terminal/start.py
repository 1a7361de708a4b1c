"""Starting the terminal chat (bot.channels.starting): the fallback, started when no other
channel is configured (and by `python -m bot chat` whatever is). The operator chats as
their own login, pseudonymised like any child; alerts are printed in the terminal."""

from __future__ import annotations

import asyncio
import getpass
from typing import TYPE_CHECKING

from bot.channels.starting import Starter
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.settings import Settings


def chat(settings: Settings) -> int:
    from bot import runtime
    from bot.channels.terminal.chat import Shell

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


STARTER = Starter(
    "terminal",
    configured=lambda _settings: True,
    start=chat,
    # {settings}: what would configure another channel (TELEGRAM_BOT_TOKEN).
    fallback=N_("{settings} no está definido: se abre el chat local en la terminal."),
)
