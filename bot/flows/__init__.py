"""Flows: the features a child walks through, plugged into the engine.

- `bot.flows.codec`: `Codec`, the button data of one flow ("<prefix>:<fields>"), checked
  against Telegram's 64-byte limit and the flow's grammar once, parsed strictly.
- `bot.flows.flow`: `Flow`, the protocol (its codec, commands, intents, the tables it
  erases; `press`, `command`, `answer`, `remind`, `forget`, `erase`) and `Turn`, what the
  engine lends a flow for one event.
- `bot.flows.registry`: `Flows`, the ordered registry; a prefix, command or intent claimed
  twice is refused when it is built.
- `bot.flows.plugins`: `FlowSpec` and `FlowContext`: how a feature package declares its
  flows (in its `plugin.py`), found and ordered without a hand-written list.
- `bot.flows.cases`: the engine's own flows, the child's answers about a disclosure.

Each feature's flow lives in the feature's package (bot.campaigns.flow, bot.awareness.lessons,
bot.broadcasts.news), declared in its `plugin.py`; bot.runtime.engine_for builds what
`plugins.discover` finds. The consent gate (consent.gate) is the engine's, in its fixed place.
"""

from bot.flows.codec import CALLBACK_DATA_LIMIT, Codec
from bot.flows.flow import Flow, Turn
from bot.flows.registry import DuplicateClaim, Flows, MissingUsage

__all__ = [
    "CALLBACK_DATA_LIMIT",
    "Codec",
    "DuplicateClaim",
    "Flow",
    "Flows",
    "MissingUsage",
    "Turn",
]
