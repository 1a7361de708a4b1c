"""The understanding thread: where a message's CPU-heavy work runs (Rasa's NLU, triage), so
that the event loop stays free to answer other children and commit their cases.

One thread, owned here and shared by the Rasa assistant (bot.agent) and triage (bot.triage),
started on first use, serving ordinary work before the pieces of long messages
(`behind=True`), though never more than four ordinary jobs in a row while a piece waits:
  - Rasa's NLU components then never run two at a time: they read only their fitted state
    (tokenizer, count vectorizers, scikit-learn's classifier), but nothing in Rasa promises
    they may be called concurrently, and one thread needs no such promise;
  - the work is CPU-bound Python, which holds the GIL, so more threads would not make it
    faster on two cores, only contend with the event loop for the GIL;
  - it stays fair: triage hands a long message over piece by piece (bot.triage.pieces), and
    another child's message waits for at most a piece or two, never behind the queued
    pieces of every long message (first come, first served measured 4 to 18 times the quiet
    reply time with four senders of 4,096-character messages; see bench/adversarial.py for
    the figures of each way); and the long message, which may hold a disclosure, is not
    starved when the thread is busy (strict priority left it 17 s at p50 on a loaded
    machine).
`mode` "loop" runs the work on the caller's thread instead, as before this module existed,
and "to_thread" hands it to `asyncio.to_thread` (a pool of threads): the bench uses both to
measure what the thread changes (`python -m bench.run --scenario adversarial`).
"""

from __future__ import annotations

import asyncio
import collections
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

mode = "thread"  # "thread" | "loop" | "to_thread" (the last two: the bench's comparisons)
_Job = tuple[Callable[..., Any], tuple[object, ...], "Future[Any]"]
ORDINARY_RUN = 4


class _Worker:
    """One daemon thread serving two queues: ordinary jobs first, but after `ORDINARY_RUN`
    ordinary jobs in a row one job from behind if any waits, so a long message (which may
    hold a disclosure) still moves on at a fifth of the thread at least while it is busy."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._ordinary: collections.deque[_Job] = collections.deque()
        self._behind: collections.deque[_Job] = collections.deque()
        self._run = 0  # ordinary jobs served while a job from behind waited
        thread = threading.Thread(target=self._serve, name="voz-understanding", daemon=True)
        thread.start()

    def submit(self, behind: bool, work: Callable[..., T], args: tuple[object, ...]) -> Future[T]:
        future: Future[T] = Future()
        with self._ready:
            (self._behind if behind else self._ordinary).append((work, args, future))
            self._ready.notify()
        return future

    def _next(self) -> _Job:
        with self._ready:
            while not self._ordinary and not self._behind:
                self._ready.wait()
            if self._behind and (not self._ordinary or self._run >= ORDINARY_RUN):
                self._run = 0
                return self._behind.popleft()
            # Counted only while a piece waits: the run is how long that piece has waited.
            self._run = self._run + 1 if self._behind else 0
            return self._ordinary.popleft()

    def _serve(self) -> None:
        while True:
            work, args, future = self._next()
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
    future = _the_worker().submit(behind, work, args)
    return await asyncio.wrap_future(future)


__all__ = ["off_loop"]
