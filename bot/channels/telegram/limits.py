"""Telegram's limits, defined once: every part of the bot that must respect one reads it here
(or, for button data, through `bot.channels.BUTTON_DATA_LIMIT`). No python-telegram-bot import.

- a message's text: 4096 characters (UTF-16 code units);
- `callback_data`: 1-64 bytes, and it comes back from the client, so it is parsed strictly;
- about 1 message a second per chat, 20 a minute per group, 30 a second overall
  (TELEGRAM_MAX_RATE lowers the overall one; `retry_after` on a 429 overrides them all).
"""

from bot.channels.base import Limits

MESSAGE_LENGTH = 4096
CALLBACK_DATA_LIMIT = 64  # bytes

LIMITS = Limits(
    message_length=MESSAGE_LENGTH,
    button_data_bytes=CALLBACK_DATA_LIMIT,
    per_chat_per_second=1.0,
    per_group_per_minute=20.0,
    global_per_second=30.0,
)
