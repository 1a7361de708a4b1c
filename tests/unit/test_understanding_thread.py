"""The understanding thread (bot/understanding.py): work runs off the event loop, and
ordinary work goes before long messages' pieces."""

from __future__ import annotations

import asyncio
import threading

from bot import understanding


async def test_work_runs_on_the_understanding_thread_not_the_loop():
    name = await understanding.off_loop(lambda: threading.current_thread().name)
    assert name == "voz-understanding"


async def test_an_error_reaches_the_caller():
    def broken() -> None:
        raise ValueError("no")

    try:
        await understanding.off_loop(broken)
    except ValueError:
        pass
    else:
        raise AssertionError("the error was lost")
    assert await understanding.off_loop(lambda: 1) == 1  # and the thread goes on


async def test_ordinary_work_goes_before_long_messages_pieces():
    gate = threading.Event()
    order: list[str] = []
    # Hold the thread so that everything below queues up behind this job.
    held = asyncio.ensure_future(understanding.off_loop(gate.wait, 10))
    await asyncio.sleep(0.05)
    jobs = [understanding.off_loop(order.append, f"piece{i}", behind=True) for i in range(2)]
    jobs += [understanding.off_loop(order.append, f"child{i}") for i in range(6)]
    tasks = [asyncio.ensure_future(job) for job in jobs]
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.gather(held, *tasks)
    assert order == [*(f"child{i}" for i in range(6)), "piece0", "piece1"]
