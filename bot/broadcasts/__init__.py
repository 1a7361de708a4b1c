"""Broadcasts: occasional awareness messages to the children who asked for them (/noticias),
sent by a facilitator (`python -m bot broadcast`, bot/cli/broadcast.py).

- `texts`: what the child reads (/noticias, /baja, the /baja line ending every message),
  and the checks on a broadcast's text and name;
- `subscriptions`: `Outreach`, the subscription and broadcast rows, and the weekly promise;
- `pacing`: the limits and the `Pacer` that keeps sends within them;
- `sending`: the `Broadcaster`, and the `Sender` protocol a channel implements
  (bot/channels/telegram/broadcasts.py for Telegram);
- `progress`: the facilitator's progress bar.

The tables are bot/awareness/tables.py's. Nothing here imports `telegram` itself: a send's
failures are bot.channels.delivery's values (RetryLater, Refused, ...), raised by the channel.
"""

from bot.broadcasts.pacing import DEFAULT_RATE, TELEGRAM_RATE, Pacer, duration
from bot.broadcasts.progress import ProgressBar
from bot.broadcasts.sending import Broadcaster, Sender, Stopped, Tally
from bot.broadcasts.subscriptions import BroadcastInfo, Outreach
from bot.broadcasts.texts import BroadcastError, check_name, compose

__all__ = [
    "DEFAULT_RATE",
    "TELEGRAM_RATE",
    "BroadcastError",
    "BroadcastInfo",
    "Broadcaster",
    "Outreach",
    "Pacer",
    "ProgressBar",
    "Sender",
    "Stopped",
    "Tally",
    "check_name",
    "compose",
    "duration",
]
