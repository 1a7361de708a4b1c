"""The values that cross the engine's boundary: events in, replies out.

Adapters build `Inbound` events keyed by a pseudonym and render `Reply` lists; nothing in
them is specific to Telegram or a terminal (a chat is an opaque address).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol


class Kind(Enum):
    TEXT = "text"
    EDITED = "edited"  # an edited text message: still triaged, since an edit may add a disclosure
    COMMAND = "command"
    BUTTON = "button"
    # A photo, sticker, voice note, poll, ...: `argument` names the content type, `text` is
    # whatever words it carries (a caption, a poll's question and options), triaged as a text.
    UNSUPPORTED = "unsupported"


class Participant(Protocol):
    """The sender, for counting them once per campaign (bot.privacy.Participant): a keyed
    one-way token per campaign, made by the channel from the raw id it does not pass on."""

    def token(self, campaign: str) -> str: ...


@dataclass(frozen=True)
class Inbound:
    user: str  # the pseudonym
    kind: Kind
    text: str = ""  # message text or caption, command name without "/", or callback data
    argument: str = ""  # what follows a command (the /start deep-link payload); a content type
    # How to reach this person again in a private chat: an opaque channel address
    # ("telegram:123456789", see bot.channels), or None where that is not possible (the
    # terminal, a group). Kept only if the child asks a protection person to write to them or
    # subscribes to /noticias; never logged.
    address: str | None = field(default=None, repr=False)
    # The sender as a survey counts them (one token per campaign, kept after /borrar so
    # nobody is counted twice); None from a channel that cannot tell people apart, and then
    # no survey is counted (bot.campaigns.survey).
    participant: Participant | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # at most bot.channels.BUTTON_DATA_LIMIT bytes, parsed strictly when it comes back


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    # Replace the message whose button was pressed instead of sending a new one (e.g. ticking
    # options of a multiple-choice question). Channels that cannot edit just send it.
    replace: bool = False


@dataclass(frozen=True)
class Parse:
    intent: str
    confidence: float
    ranking: tuple[tuple[str, float], ...] = ()  # (intent, confidence), best first
