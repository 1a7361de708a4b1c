"""Flows: the features a child walks through, plugged into the engine.

- `bot.flows.codec`: `Codec`, the button data of one flow ("<prefix>:<fields>"), checked
  against Telegram's 64-byte limit and the flow's grammar once, parsed strictly.
- `bot.flows.flow`: `Flow`, the protocol (its codec, commands, intents, the tables it
  erases; `press`, `command`, `answer`, `remind`, `forget`, `erase`) and `Turn`, what the
  engine lends a flow for one event.
- `bot.flows.registry`: `Flows`, the ordered registry; a prefix, command or intent claimed
  twice is refused when it is built.
- `bot.flows.cases`: the engine's own flows, the child's answers about a disclosure.

Each feature's flow lives in the feature's package (consent.gate, bot.campaigns.flow,
bot.awareness.lessons, bot.broadcasts.news); bot.runtime.engine_for registers them.
"""

from bot.flows.codec import CALLBACK_DATA_LIMIT, Codec
from bot.flows.flow import Flow, Turn
from bot.flows.registry import DuplicateClaim, Flows

__all__ = ["CALLBACK_DATA_LIMIT", "Codec", "DuplicateClaim", "Flow", "Flows", "Turn"]
