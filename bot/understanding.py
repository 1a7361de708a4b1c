"""The understanding thread: where a message's CPU-heavy work runs (Rasa's NLU, triage), so
that the event loop stays free to answer other children and commit their cases.

One thread, owned here and shared by the Rasa assistant (bot.agent) and triage (bot.triage),
started on first use, serving a queue in which ordinary work goes before the pieces of long
messages (`behind=True`):
  - Rasa's NLU components then never run two at a time: they read only their fitted state
    (tokenizer, count vectorizers, scikit-learn's classifier), but nothing in Rasa promises
    they may be called concurrently, and one thread needs no such promise;
  - the work is CPU-bound Python, which holds the GIL, so more threads would not make it
    faster on two cores, only contend with the event loop for the GIL;
  - it stays fair: a long message's pieces (bot.triage.pieces) are understood in one job,
    batched (a few tens of ms for 4,096 characters; `python -m bench.run --scenario
    longest`), behind the ordinary work waiting, and another child's message waits for at
    most the one job being done, never behind the queued long messages (first come, first
    served measured 4 to 18 times the quiet reply time with four senders of
    4,096-character messages when each piece took its own parse; see bench/adversarial.py
    for the figures of each way).
`mode` "loop" runs the work on the caller's thread instead, as before this module existed,
and "to_thread" hands it to `asyncio.to_thread` (a pool of threads): the bench uses both to
measure what the thread changes (`python -m bench.run --scenario adversarial`).
"""

from __future__ import annotations

import asyncio
import itertools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

mode = "thread"  # "thread" | "loop" | "to_thread" (the last two: the bench's comparisons)
_Job = tuple[int, int, Callable[..., Any], tuple[object, ...], "Future[Any]"]


class _Worker:
    """One daemon thread taking jobs from a priority queue, lowest priority number first,
    in order of arrival among equals."""

    def __init__(self) -> None:
        self._jobs: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self._order = itertools.count()
        thread = threading.Thread(target=self._serve, name="voz-understanding", daemon=True)
        thread.start()

    def submit(self, priority: int, work: Callable[..., T], args: tuple[object, ...]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((priority, next(self._order), work, args, future))
        return future

    def _serve(self) -> None:
        while True:
            _priority, _order, work, args, future = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(work(*args))
            except BaseException as error:  # noqa: BLE001 - handed to the awaiting caller
                future.set_exception(error)


_worker: _Worker | None = None
_lock = threading.Lock()


def _the_worker() -> _Worker:
    global _worker
    with _lock:
        if _worker is None:
            _worker = _Worker()
        return _worker


async def off_loop(work: Callable[..., T], *args: object, behind: bool = False) -> T:
    """`work(*args)` on the understanding thread, awaited without blocking the event loop;
    `behind`: after every ordinary job waiting (a piece of a long message)."""
    if mode == "loop":
        return work(*args)
    if mode == "to_thread":
        return await asyncio.to_thread(work, *args)
    future = _the_worker().submit(1 if behind else 0, work, args)
    return await asyncio.wrap_future(future)


__all__ = ["off_loop"]
