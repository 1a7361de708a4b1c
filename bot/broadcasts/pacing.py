"""How fast a broadcast may send: the limits (a rate below Telegram's ~30 messages a second
for the whole bot, at least 1 s between two messages to one chat, 10% of margin for network
jitter) and the `Pacer` that grants send slots within them and pauses for a 429.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

DEFAULT_RATE = 25.0  # messages a second, overall
TELEGRAM_RATE = 30.0  # Telegram's limit per bot; a broadcast must stay below it
PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat
MARGIN = 0.1  # sends are spaced 10% wider than the limits, for network jitter


class Pacer:
    """Grants send slots: evenly spaced overall (``(1 + margin) / rate`` apart), at least
    ``per_chat * (1 + margin)`` apart in one chat, and none during a 429 pause.

    Slots are granted one at a time, in order; a sender waiting for its chat or a pause
    holds up the ones behind it, which is what a pause is for. Chats are keyed by their
    opaque address, kept only in memory here, for the length of one run.
    """

    def __init__(
        self,
        rate: float,
        per_chat: float = PER_CHAT_INTERVAL,
        margin: float = MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < rate:
            raise ValueError("rate must be above 0")
        self.interval = (1 + margin) / rate
        self.per_chat = per_chat * (1 + margin)
        self.clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._last: dict[str, float] = {}
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Grant nothing for `seconds` from now (Telegram's retry_after)."""
        self._paused_until = max(self._paused_until, self.clock() + max(seconds, 0.0))

    async def slot(self, address: str) -> None:
        async with self._lock:
            while True:
                now = self.clock()
                last = self._last.get(address)
                ready = max(
                    self._next,
                    self._paused_until,
                    last + self.per_chat if last is not None else 0.0,
                )
                if ready <= now:
                    break
                await asyncio.sleep(ready - now)
            self._next = now + self.interval
            self._last[address] = now


def duration(count: int, rate: float) -> str:
    """About how long `count` messages take at `rate`, as the facilitator reads it."""
    seconds = count * (1 + MARGIN) / rate
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"
