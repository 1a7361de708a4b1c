"""The terminal chat has no platform limits: one person, one local screen."""

from bot.channels.base import Limits

LIMITS = Limits(
    message_length=None,
    button_data_bytes=None,
    per_chat_per_second=None,
    per_group_per_minute=None,
    global_per_second=None,
)
