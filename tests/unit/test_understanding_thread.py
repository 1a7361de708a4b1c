"""The understanding thread (bot/understanding.py): work runs off the event loop, ordinary
work goes before long messages' pieces, and a long message's work gives way to other
children's messages in flight."""

from __future__ import annotations

import asyncio
import sys
import threading

from bot import understanding
from bot.events import Parse
from tests.fakes.assistant import FakeAssistant


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


# -- long messages give way to other children's messages in flight -------------------------


async def _long_job_around(step_done: threading.Event, order: list[str]) -> None:
    """A long message's job on the thread: a step, `give_way`, another step."""

    def long_work() -> None:
        order.append("long step 1")
        step_done.set()
        understanding.give_way()
        order.append("long step 2")

    await understanding.off_loop(long_work, behind=True)


async def test_a_long_job_runs_a_message_in_flight_first_and_waits_until_it_leaves(
    monkeypatch,
):
    monkeypatch.setattr(understanding, "MAX_PAUSE", 10.0)  # only leaving may resume it
    order: list[str] = []
    step_done = threading.Event()
    with understanding.foreground():  # another child's message, in flight
        long = asyncio.ensure_future(_long_job_around(step_done, order))
        while not step_done.is_set():
            await asyncio.sleep(0.005)
        # The long job is at `give_way` now: the child's parse runs on the thread at once.
        await understanding.off_loop(order.append, "child's parse")
        await asyncio.sleep(0.05)
        assert order == ["long step 1", "child's parse"], "the long job did not wait"
    await long
    assert order == ["long step 1", "child's parse", "long step 2"]


async def test_a_long_job_is_slowed_never_stopped_by_messages_always_in_flight(monkeypatch):
    monkeypatch.setattr(understanding, "MAX_PAUSE", 0.05)
    order: list[str] = []
    with understanding.foreground():
        await asyncio.wait_for(_long_job_around(threading.Event(), order), timeout=5)
    assert order == ["long step 1", "long step 2"]


async def test_ordinary_work_does_not_give_way(monkeypatch):
    monkeypatch.setattr(understanding, "MAX_PAUSE", 10.0)

    def ordinary() -> str:
        understanding.give_way()  # nothing to give way to: not a long message's job
        return "done"

    with understanding.foreground():
        assert await asyncio.wait_for(understanding.off_loop(ordinary), timeout=5) == "done"


async def test_the_switch_interval_is_short_only_while_long_work_runs():
    usual = sys.getswitchinterval()
    during = await understanding.off_loop(sys.getswitchinterval, behind=True)
    assert during == understanding.SWITCH_INTERVAL < usual
    assert await understanding.off_loop(sys.getswitchinterval) == usual
    assert sys.getswitchinterval() == usual


class _Recording(FakeAssistant):
    """Records, at each parse, how many ordinary messages were in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight: list[int] = []

    async def parse(self, text: str) -> Parse:
        self.in_flight.append(understanding._the_worker().in_flight)
        return await super().parse(text)


async def test_the_engine_holds_ordinary_messages_in_flight_but_not_long_ones():
    from bot.engine import Engine, Inbound, Kind
    from bot.triage.pieces import CAP

    assistant = _Recording()
    engine = Engine(assistant)
    await engine.handle(Inbound("p" * 32, Kind.TEXT, "hola, ¿qué es el grooming?"))
    await engine.handle(Inbound("q" * 32, Kind.TEXT, "hoy jugamos en la plaza " * (CAP // 20)))
    assert assistant.in_flight == [1, 0]
    assert understanding._the_worker().in_flight == 0  # and each left flight


def test_what_start_up_loads_is_out_of_the_garbage_collectors_sight(
    database, tmp_path, monkeypatch
):
    """A full collection walked the loaded models in about 280 ms, holding every thread."""
    import gc

    from bot import agent, runtime
    from bot.settings import Settings

    monkeypatch.setattr(agent, "train", lambda *_: tmp_path / "model.tar.gz")
    monkeypatch.setattr(agent.RasaAssistant, "load", lambda *_: FakeAssistant())
    gc.unfreeze()
    try:
        runtime.build(Settings(database_url=database.url, key_file=tmp_path / "secret.key"))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
