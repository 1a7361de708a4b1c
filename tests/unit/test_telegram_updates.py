"""Concurrent handling of updates: chats in parallel, each in order, none starving others."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.channels.telegram.updates import PerChatUpdateProcessor


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    return Update(update_id, message=Message(update_id, None, chat))  # type: ignore[arg-type]


async def test_a_flooding_chat_never_holds_the_slots_other_chats_need():
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    release = asyncio.Event()
    order: list[str] = []

    async def slow(name: str) -> None:
        order.append(name)
        await release.wait()

    async def quick(name: str) -> None:
        order.append(name)

    flood = [
        asyncio.create_task(processor.process_update(update(i, 1), slow(f"a{i}")))
        for i in range(10)
    ]
    other = asyncio.create_task(processor.process_update(update(99, 2), quick("b")))
    await asyncio.wait_for(other, timeout=1)  # not stuck behind chat 1's nine waiting updates
    assert order == ["a0", "b"]
    release.set()
    await asyncio.gather(*flood)
    assert order[2:] == [f"a{i}" for i in range(1, 10)]  # chat 1 kept its order
    assert len(processor._locks) == 0  # nothing left behind


def test_the_bot_runs_on_uvloop_event_loops_once_installed():
    import asyncio

    import uvloop

    from bot.channels.telegram.application import install_event_loop

    before = asyncio.get_event_loop_policy()
    try:
        install_event_loop()
        loop = asyncio.new_event_loop()  # as run_polling and the escalation lane make theirs
        try:
            assert isinstance(loop, uvloop.Loop)
        finally:
            loop.close()
    finally:
        asyncio.set_event_loop_policy(before)
