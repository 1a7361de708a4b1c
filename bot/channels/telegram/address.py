"""Telegram addresses: "telegram:<chat id>". Only this channel makes or reads them.

A private chat's id is the child's user id, a positive number; a group's is negative.
"""

from __future__ import annotations

from bot.channels.base import Address, address, target_of

CHANNEL = "telegram"


def chat_address(chat_id: int) -> Address:
    return address(CHANNEL, int(chat_id))


def chat_id(value: str) -> int:
    """The chat id in a Telegram address; `UnknownChannel` for another channel's address,
    ValueError for a malformed one."""
    return int(target_of(value, CHANNEL))


def is_private(value: str) -> bool:
    """A private chat with one person (a positive id), never a group's."""
    return chat_id(value) > 0
