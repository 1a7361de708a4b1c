"""Starting the terminal chat (bot.channels.starting): the fallback, started when no other
channel is configured (and by `python -m bot chat` whatever is). The operator chats as
their own login, pseudonymised like any child; alerts are printed in the terminal (its own
escalation lane, `terminal_lane`)."""

from __future__ import annotations

import asyncio
import getpass
from typing import TYPE_CHECKING

from bot.channels.starting import Starter
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.escalation import EscalationLane
    from bot.runtime import Runtime
    from bot.settings import Settings


def terminal_lane(parts: Runtime) -> EscalationLane:
    """Alerts printed in the terminal (stderr) instead of sent: the local default."""
    from bot.channels.terminal.alerts import TerminalAlertSender
    from bot.escalation import EscalationLane, Relay

    relay = Relay(parts.database, TerminalAlertSender(), None, None)
    return parts.attach(EscalationLane(relay))


def chat(settings: Settings) -> int:
    from bot import runtime
    from bot.channels.terminal.chat import Shell

    parts = runtime.build(settings)
    user = parts.pseudonymize("terminal", getpass.getuser())
    lane = terminal_lane(parts)

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
