"""What a failed send means, whatever the channel: five failures that carry no platform text.

A channel reads its platform's errors into these (Telegram: `bot.channels.telegram.delivery`
.classify); a sender decides what each means for it (the relay retries alerts at least once,
a broadcast sends at most once). `describe` is all of an error that may be stored or logged.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A send failed. Carries no platform text: only what a sender needs to decide."""

    code: int | str | None = None

    def describe(self) -> str:
        """What may be stored or logged: the class name and the code, nothing else."""
        return (
            f"{type(self).__name__} {self.code}" if self.code is not None else type(self).__name__
        )


class RetryLater(DeliveryError):
    """429: flood control; try again after `after` seconds."""

    code = 429

    def __init__(self, after: float) -> None:
        super().__init__(f"retry after {after:g} s")
        self.after = max(float(after), 0.0)


class ChatMoved(DeliveryError):
    """400 with migrate_to_chat_id: the group became a supergroup with a new id.
    `new_address` is the chat's new opaque address (what a sender that stores addresses
    keeps); `new_chat_id` the platform's id, for settings that hold one (the protection chat)."""

    code = 400

    def __init__(self, new_chat_id: int, new_address: str = "") -> None:
        super().__init__("chat migrated")
        self.new_chat_id = int(new_chat_id)
        self.new_address = new_address


class Refused(DeliveryError):
    """403: the bot was removed from the chat or blocked."""

    code = 403


class Rejected(DeliveryError):
    """Any other 400: Telegram will never accept this request as it is."""

    code = 400


class Transient(DeliveryError):
    """5xx, a network error or a timeout: the outcome is unknown, trying again may work."""

    def __init__(self, code: int | str | None = None) -> None:
        super().__init__("transient failure")
        self.code = code
