"""What every channel is: an address format, limits, and a way to send and edit replies.

An `Address` is how the bot may reach one chat again: ``"<channel>:<what the channel needs>"``,
e.g. ``"telegram:123456789"``. The part after the first colon belongs to the channel named
before it, which alone makes and reads it (`bot/channels/<name>/address.py`). Everywhere else
(the engine, cases, subscriptions, the database) an address is an opaque string: stored,
compared, handed back to the channels, never taken apart. So a new channel is a new folder,
and no column, event or rule changes for it.

`Limits` are the platform's rules a sender and a data-file validator must respect;
`BUTTON_DATA_LIMIT` (in `bot.channels`) is the smallest button-data limit among them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NewType, Protocol

from bot.events import Reply

Address = NewType("Address", str)


class UnknownChannel(LookupError):
    """An address whose channel is not running here (or not a channel at all)."""


def address(channel: str, target: str | int) -> Address:
    """The address of `target` on `channel`. For the channel's own `address.py` only."""
    if not channel or ":" in channel:
        raise ValueError(f"not a channel name: {channel!r}")
    return Address(f"{channel}:{target}")


def channel_of(value: str) -> str:
    """The channel an address belongs to ("telegram" for "telegram:123"); "" if none."""
    name, colon, _target = value.partition(":")
    return name if colon else ""


def target_of(value: str, channel: str) -> str:
    """What follows "<channel>:" in `value`; `UnknownChannel` if the address is another
    channel's. For the channel's own `address.py` only."""
    name, colon, target = value.partition(":")
    if not colon or name != channel or not target:
        raise UnknownChannel(f"not a {channel} address")
    return target


@dataclass(frozen=True)
class Limits:
    """A platform's limits; None where it has none (the terminal)."""

    message_length: int | None  # characters of one message's text
    button_data_bytes: int | None  # bytes of a button's data (it comes back from the client)
    per_chat_per_second: float | None  # messages to one chat
    per_group_per_minute: float | None  # messages to one group chat
    global_per_second: float | None  # messages from the bot, overall


@dataclass(frozen=True)
class Sent:
    """A message a channel sent, so that it can be edited: its chat, and the channel's own
    id for the message (opaque)."""

    address: Address
    message: str


class Channel(Protocol):
    """One channel, as the rest of the bot sends through it. `send` and `edit` raise a
    `bot.channels.delivery.DeliveryError` when the platform refused or failed, never the
    platform's own exception (whose text can quote the message); `UnknownChannel` for
    another channel's address and ValueError for a malformed one, before sending anything."""

    name: str
    limits: Limits

    async def send(self, to: Address, reply: Reply) -> Sent:
        """Deliver `reply` (text and buttons) to `to`."""
        ...

    async def edit(self, sent: Sent, reply: Reply) -> None:
        """Replace a message sent before; a channel that cannot edit sends `reply` anew."""
        ...


class Channels:
    """The channels running in this process, by name: resolves an address to the channel
    that can deliver to it."""

    def __init__(self, *channels: Channel) -> None:
        self._by_name = {channel.name: channel for channel in channels}

    def for_address(self, to: str) -> Channel:
        channel = self._by_name.get(channel_of(to))
        if channel is None:
            raise UnknownChannel(f"no running channel for {channel_of(to) or 'this'} address")
        return channel

    async def send(self, to: Address, reply: Reply) -> Sent:
        return await self.for_address(to).send(to, reply)

    async def deliver(
        self, to: Address, replies: list[Reply], pressed: Sent | None = None
    ) -> list[Sent]:
        """The engine's replies for one chat, in order: a reply marked `replace` edits
        `pressed` (the message whose button was pressed) when there is one, any other is sent
        anew. Returns what was sent or edited."""
        channel = self.for_address(to)
        done: list[Sent] = []
        for reply in replies:
            if reply.replace and pressed is not None:
                await channel.edit(pressed, reply)
                done.append(pressed)
            else:
                done.append(await channel.send(to, reply))
        return done
