"""The Telegram adapter: python-telegram-bot 22 over the channel-agnostic engine.

`build_application` makes the Application (token, API base URL, rate limiter);
`register_handlers` wires updates to the engine. Raw user and chat ids are turned into
pseudonyms here, at the boundary, and go no further.
"""

from bot.telegram.application import attach_lane, build_application, run
from bot.telegram.handlers import register_handlers

__all__ = ["attach_lane", "build_application", "register_handlers", "run"]
