"""Kept only for bot/awareness/outreach.py, until broadcasts move to bot/broadcasts/: what a
failure means is `bot.channels.delivery`, Telegram's errors and Bots are
`bot.channels.telegram.delivery`. Delete this module once nothing imports it.
"""

from bot.channels.delivery import ChatMoved, DeliveryError, Refused, Rejected, RetryLater, Transient
from bot.channels.telegram.delivery import classify, own_bot

__all__ = [
    "ChatMoved",
    "DeliveryError",
    "Refused",
    "Rejected",
    "RetryLater",
    "Transient",
    "classify",
    "own_bot",
]
