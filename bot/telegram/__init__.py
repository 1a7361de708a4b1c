"""The Telegram adapter: python-telegram-bot 22 over the channel-agnostic engine.

`assemble` builds the whole bot; `build_application` makes the Application (token, API base
URL, rate limiter); `register_handlers` wires children's updates to the engine, and
`contact.py` relays officers' replies. Raw user and chat ids are turned into
pseudonyms here, at the boundary, and go no further.
"""

from bot.telegram.application import assemble, attach_lane, build_application, run
from bot.telegram.handlers import register_handlers

__all__ = ["assemble", "attach_lane", "build_application", "register_handlers", "run"]
