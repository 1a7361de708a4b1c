"""Crash-test worker: opens cases in a loop while a Relay delivers them, until it is killed.

Started by tests/integration/test_escalation_crash.py, which SIGKILLs it at a random moment.
It prints "ready" on stdout once its Bot is initialised and its relay is running. It imports only
bot.storage, bot.escalation and telegram (no Rasa: start-up must stay well under a second).

Environment: CRASH_DATABASE_URL, CRASH_API_BASE_URL (the fake's ".../bot"), CRASH_TOKEN,
CRASH_PROTECTION_CHAT, CRASH_FALLBACK_CHAT, CRASH_SEED.
"""

from __future__ import annotations

import asyncio
import os
import random

from telegram import Bot

from bot.channels.telegram.alerts import TelegramAlertSender
from bot.escalation import Cases, Disclosure
from bot.escalation.relay import Relay
from bot.storage import Database

CATEGORIES = ("trafficking", "sexual_exploitation", "online_grooming", "abuse", "self_harm")


async def main() -> None:
    env = os.environ
    rng = random.Random(int(env.get("CRASH_SEED", "0")))
    database = Database(env["CRASH_DATABASE_URL"])
    cases = Cases(database)
    async with Bot(env["CRASH_TOKEN"], base_url=env["CRASH_API_BASE_URL"]) as bot:
        relay = Relay(
            database,
            TelegramAlertSender(bot, timeout=1.0),
            int(env["CRASH_PROTECTION_CHAT"]),
            int(env["CRASH_FALLBACK_CHAT"]),
            rng=rng,
        )
        stop = asyncio.Event()
        runner = asyncio.create_task(relay.run(stop, idle=0.05))
        print("ready", flush=True)
        number = 0
        while not runner.done():
            number += 1
            disclosure = Disclosure(
                urgency=rng.choice(("emergency", "high")),
                category=rng.choice(CATEGORIES),
                subject=rng.choice(("self", "other")),
            )
            # As the engine does: commit the case and its alert, then nudge the relay.
            cases.open(f"ps_crash_{number:05d}", disclosure, f"relato de prueba {number}")
            relay.wake()
            await asyncio.sleep(rng.uniform(0.002, 0.03))
        await runner  # only reached if the relay died: surface why


if __name__ == "__main__":
    asyncio.run(main())
