"""The understanding thread: where a message's CPU-heavy work runs (Rasa's NLU, triage), so
that the event loop stays free to answer other children and commit their cases.

One thread, owned here and shared by the Rasa assistant (bot.agent) and triage (bot.triage),
started on first use, serving two queues: ordinary work, and behind it the pieces of long
messages (`behind=True`).
  - Rasa's NLU components then never run two at a time: they read only their fitted state
    (tokenizer, count vectorizers, scikit-learn's classifier), but nothing in Rasa promises
    they may be called concurrently, and one thread needs no such promise;
  - the work is CPU-bound Python, which holds the GIL, so more threads would not make it
    faster on two cores, only contend with the event loop for the GIL.
Fairness: a long message's work (bot.triage, bot.batch_parse) is one job that calls
`give_way` between its steps (a stage of the batch parse, one piece's rules, one piece's
scores: each a few ms at most). While another child's message is in flight (`foreground`,
held by the engine around every message but the long ones), `give_way` runs that message's
understanding jobs at once and then waits, the GIL released, until no ordinary message is in
flight or `MAX_PAUSE` has passed: under a flood of ordinary messages a long one still
advances a step per `MAX_PAUSE` at least, slowed, never skipped. And while long work runs,
the interpreter's switch interval is `SWITCH_INTERVAL` instead of Python's 5 ms, so that the
event loop, woken by a child's message, waits at most about that long for the GIL before it
can even see the message. Each was measured with four senders of 4,096-character messages
beside 30 children (`python -m bench.run --scenario adversarial`, which runs the "queue"
mode below beside this one; the README gives the figures). In trials (10 s phases), the
switch interval alone, or jobs of one piece, left other children's p95 reply at about three
times the quiet one or more.
`mode` "loop" runs the work on the caller's thread instead, as before this module existed;
"queue" is the thread without giving way (long work only queued behind ordinary work, as
before `give_way`); "to_thread" hands the work to `asyncio.to_thread` (a pool of threads):
the bench uses them to measure what each changes (`python -m bench.run --scenario
adversarial`).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

# "thread" | "loop" | "queue" | "to_thread" (the last three: the bench's comparisons)
mode = "thread"
# The longest a long message's work waits at one `give_way` for ordinary messages in flight.
MAX_PAUSE = 0.05
# The switch interval while long work runs (seconds; Python's default is 0.005).
SWITCH_INTERVAL = 0.0005
_Job = tuple[Callable[..., Any], tuple[object, ...], "Future[Any]"]


class _Worker:
    """One daemon thread taking ordinary jobs first, then long messages' jobs, each queue in
    order of arrival; and the count of ordinary messages in flight."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._ordinary: deque[_Job] = deque()
        self._behind: deque[_Job] = deque()
        self.in_flight = 0  # ordinary messages in flight (`foreground`)
        self.yielding = False  # a long message's job is running, and may give way
        self.thread = threading.Thread(target=self._serve, name="voz-understanding", daemon=True)
        self.thread.start()

    def submit(self, behind: bool, work: Callable[..., T], args: tuple[object, ...]) -> Future[T]:
        future: Future[T] = Future()
        with self._ready:
            (self._behind if behind else self._ordinary).append((work, args, future))
            self._ready.notify()
        return future

    def enter(self) -> None:
        with self._ready:
            self.in_flight += 1

    def leave(self) -> None:
        """An ordinary message left flight: the last one wakes a long job in `give_way`."""
        with self._ready:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._ready.notify()

    def _serve(self) -> None:
        while True:
            with self._ready:
                while not self._ordinary and not self._behind:
                    self._ready.wait()
                behind = not self._ordinary
                job = self._behind.popleft() if behind else self._ordinary.popleft()
            if not behind or mode == "queue":
                _run(job)
                continue
            usual = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
            self.yielding = True
            try:
                _run(job)
            finally:
                self.yielding = False
                sys.setswitchinterval(usual)

    def give_way(self) -> None:
        """On this thread, inside a long message's job: run the ordinary jobs waiting, and
        wait while ordinary messages are in flight (at most `MAX_PAUSE`)."""
        if not self.yielding:
            return  # an ordinary job, or one run from here: nothing to give way to
        deadline = time.monotonic() + MAX_PAUSE
        while True:
            with self._ready:
                while not self._ordinary:
                    left = deadline - time.monotonic()
                    if self.in_flight <= 0 or left <= 0:
                        return
                    self._ready.wait(left)
                job = self._ordinary.popleft()
            self.yielding = False
            try:
                _run(job)
            finally:
                self.yielding = True


def _run(job: _Job) -> None:
    work, args, future = job
    if not future.set_running_or_notify_cancel():
        return
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
    future = _the_worker().submit(behind, work, args)  # "thread" and "queue"
    return await asyncio.wrap_future(future)


def give_way() -> None:
    """Called by long work between its steps: on the understanding thread, let ordinary
    messages in flight go first (see the module docstring); elsewhere nothing."""
    worker = _worker
    if worker is not None and threading.current_thread() is worker.thread:
        worker.give_way()


@contextlib.contextmanager
def foreground() -> Iterator[None]:
    """An ordinary message in flight, on the event loop's thread: long work gives way to it
    until it leaves (`give_way`)."""
    worker = _the_worker() if mode == "thread" else None
    if worker is None:
        yield
        return
    worker.enter()
    try:
        yield
    finally:
        worker.leave()


__all__ = ["foreground", "give_way", "off_loop"]
