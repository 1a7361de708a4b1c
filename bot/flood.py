"""Flood control for one child's messages: how many texts a pseudonym may send in a window
before the bot stops answering each one (`MessageRate`).

A child typing fast sends a few messages a minute, and a child in distress may send a burst
of short ones; twenty in a minute is already far beyond what anyone reads, and below that
nothing changes. Above it the child gets one kind answer per window (`SLOW_DOWN`, which
still gives 911) and the assistant is not asked for the rest. Triage is not limited: the
engine triages every message first, so a disclosure inside a flood still reaches a person.

The counts live in memory, keyed by pseudonym (never a chat id, never any text), and are
bounded: at most `max_people` pseudonyms (least recently seen dropped first), each with at
most `limit + 1` timestamps. A restart forgets them.

They stay per process on purpose when several replicas serve the bot (issue 16): with N
replicas a child flooding the bot is told to slow down after at most N × LIMIT messages in a
window instead of LIMIT. That is harmless, because this limit protects no one: triage runs
on every message anyway, the assistant's answers cost a process milliseconds, and what
protects Telegram's limits is the sending limiter, not this one. Sharing the counts would
cost a database or Redis write on every message a child sends, and keep a per-person
activity record outside memory, for a courtesy.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from enum import Enum

from bot.i18n import _

SLOW_DOWN = _(
    "Estoy leyendo sus mensajes; escriba más despacio, por favor. Si es urgente, llame al 911."
)
LIMIT = 20  # messages
WINDOW = 60.0  # seconds
MAX_PEOPLE = 10_000  # pseudonyms counted at once: about 2 MB at most


class Pace(Enum):
    OK = "ok"  # answer as usual
    SLOW_DOWN = "slow_down"  # the first message over the limit: the kind answer
    QUIET = "quiet"  # over the limit and already told: no assistant answer


class MessageRate:
    """Counts each pseudonym's messages in a sliding window (see the module docstring)."""

    def __init__(
        self,
        limit: int = LIMIT,
        window: float = WINDOW,
        max_people: int = MAX_PEOPLE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_people = max_people
        self.clock = clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._told: dict[str, float] = {}  # pseudonym -> when SLOW_DOWN was sent

    def note(self, user: str) -> Pace:
        """Count one message of `user` now, and say how to answer it."""
        now = self.clock()
        times = self._seen.pop(user, None)
        if times is None:
            times = deque(maxlen=self.limit + 1)
        self._seen[user] = times  # most recently seen last
        while times and times[0] <= now - self.window:
            times.popleft()
        times.append(now)
        while len(self._seen) > self.max_people:
            oldest, _times = self._seen.popitem(last=False)
            self._told.pop(oldest, None)
        if len(times) <= self.limit:
            return Pace.OK
        told = self._told.get(user)
        if told is not None and told > now - self.window:
            return Pace.QUIET
        self._told[user] = now
        return Pace.SLOW_DOWN
