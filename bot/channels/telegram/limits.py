"""Telegram's limits, defined once: every part of the bot that must respect one reads it here
(or, for button data, through `bot.channels.BUTTON_DATA_LIMIT`). No python-telegram-bot import.

- a message's text: 4096 characters (UTF-16 code units);
- `callback_data`: 1-64 bytes, and it comes back from the client, so it is parsed strictly;
- about 1 message a second per chat, 20 a minute per group, 30 a second overall
  (TELEGRAM_MAX_RATE lowers the overall one; `retry_after` on a 429 overrides them all).
  Telegram allows short bursts in a private chat; counted here as at most PER_CHAT_BURST
  messages in any PER_CHAT_BURST seconds (the shared budget, budget.py, and the Bot API fake
  that counts breaches both read it so).
- RESERVED_FOR_ALERTS of the overall rate is kept for alert cards: other sends use the rest.
"""

from bot.channels.base import Limits

MESSAGE_LENGTH = 4096
CALLBACK_DATA_LIMIT = 64  # bytes

PER_CHAT_PER_SECOND = 1.0
PER_GROUP_PER_MINUTE = 20
GLOBAL_PER_SECOND = 30

LIMITS = Limits(
    message_length=MESSAGE_LENGTH,
    button_data_bytes=CALLBACK_DATA_LIMIT,
    per_chat_per_second=PER_CHAT_PER_SECOND,
    per_group_per_minute=float(PER_GROUP_PER_MINUTE),
    global_per_second=float(GLOBAL_PER_SECOND),
)
PER_CHAT_BURST = 3  # messages in any 3 s to one private chat
RESERVED_FOR_ALERTS = 3.0  # messages a second of the overall rate
