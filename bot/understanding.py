"""The understanding thread: where a message's CPU-heavy work runs (Rasa's NLU, triage),
so that the event loop stays free to answer other children and commit their cases.

One thread, owned here and shared by the Rasa assistant (bot.agent) and triage
(bot.triage), started on first use:
  - Rasa's NLU components then never run two at a time: they read their fitted state only
    (tokenizer, count vectorizers, scikit-learn's classifier), but nothing in Rasa promises
    they may be called concurrently, and one thread needs no such promise;
  - the work is CPU-bound Python, which holds the GIL, so more threads would not make it
    faster on the machine's two cores, only contend with the event loop for the GIL;
  - it stays fair: triage hands a long message over piece by piece (bot.triage.pieces), so
    another child's message waits for one piece (a few ms), not for the whole message.
`inline` runs the work on the caller's thread instead, as before this module existed: the
bench uses it to measure what the thread changes (`python -m bench.run --scenario
adversarial`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

inline = False  # True: run on the event loop (the bench's comparison)
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _worker() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voz-understanding")
        return _executor


async def off_loop(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` on the understanding thread, awaited without blocking the loop."""
    if inline:
        return work(*args)
    return await asyncio.get_running_loop().run_in_executor(_worker(), work, *args)


__all__ = ["off_loop"]
