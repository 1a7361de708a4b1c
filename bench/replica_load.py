"""`python -m bench.run --scenario telegram_e2e --replicas N [N ...] --database URL`: children
on Telegram against N real replicas behind the shipped nginx config (bench/replicas.py), on
PostgreSQL and Redis, as `deploy/` runs them.

Each simulated child first opens the bot with /start, then sends a message every `gap`
seconds (the free-text mix of bench.traffic: greetings, questions, small talk), each as
Telegram would: POST through nginx, again while not answered 200, with at most the webhook's
max_connections (WEBHOOK_CONNECTIONS, 100) requests in flight for all the children, the
others waiting their turn as they would at Telegram. (Without that bound, 1,200 children
each holding a request open overflowed nginx's connections and the replicas' accept queues,
and the retries measured a storm Telegram never sends.) One of those messages every
`disclosure_every` seconds is a disclosure instead (default 5 s: 12 a minute, within the
protection group's 20 cards a minute, so what is measured is the bot's alert path, not
Telegram's group limit; a share of all messages, as this bench first had, offered 3 a second
at 60 msg/s, and the cards could only queue. Bursts beyond the group's limit are the relay's
summary, tested in tests/unit and measured by the capacity scenario).
Measured from the fake's side, on one clock:
- reply latency: from the POST to the first message the bot sends that chat after it;
- alert latency: from a disclosure's POST to its card in the protection chat;
- answered messages a second over the sending period, and every message answered or not;
- alerts not sent (outbox rows of cases still unsent after the drain), a case's cards beyond
  the outbox rows marked sent (doubles; burst summary cards are counted apart), breaches
  of Telegram's limits the fake counted, by limit.

The children's pace is bounded by Telegram's per-chat limit, which the shared budget enforces
(a short burst, then about one message a second): a child writing faster than that waits for
its own replies, whatever the number of replicas.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import create_engine, text

from bench.cpu import CpuClock, named, per_message, with_children
from bench.replicas import PROTECTION_CHAT, SECRET, Stack
from bench.stats import summary_ms
from bench.traffic import CHAT, DISCLOSURES, GREETINGS, QUESTIONS
from bot.channels.telegram.application import WEBHOOK_CONNECTIONS

NAME = "telegram_e2e"
SUMMARY_MARK = "📋"  # how a burst summary card opens (bot.escalation.cards.SUMMARY_HEADER)
FIRST_CHILD = 500_000


async def _load(
    stack: Stack,
    children: int,
    seconds: float,
    gap: tuple[float, float],
    seed: int,
    disclosure_every: float,
) -> dict[str, Any]:
    rng = random.Random(seed)
    pools = (GREETINGS, QUESTIONS, CHAT)
    posted: list[tuple[int, float, bool]] = []  # chat, when, disclosure
    failures = 0
    count = 0
    last_disclosure = time.monotonic()
    url = f"{stack.url}/telegram"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=60)

    def next_text() -> tuple[str, bool]:
        nonlocal count, last_disclosure
        if time.monotonic() - last_disclosure >= disclosure_every:
            last_disclosure = time.monotonic()
            count += 1
            return DISCLOSURES[count % len(DISCLOSURES)], True
        return rng.choice(rng.choice(pools)), False

    # As Telegram does: at most the webhook's max_connections requests in flight, the rest
    # of the updates waiting at Telegram (their wait counts in the reply latency).
    connections = asyncio.Semaphore(WEBHOOK_CONNECTIONS)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def deliver(chat: int, words: str, disclosure: bool) -> None:
            nonlocal failures
            # The fake lives on its own thread: ask it there, without blocking this loop.
            update = await asyncio.get_running_loop().run_in_executor(None, stack.text, chat, words)
            when = time.monotonic()
            posted.append((chat, when, disclosure))
            for attempt in range(1, 11):
                try:
                    async with (
                        connections,
                        session.post(url, json=update, headers=headers) as answer,
                    ):
                        if answer.status == 200:
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                await asyncio.sleep(min(0.5 * attempt, 5.0))
            failures += 1

        async def child(number: int, until: float) -> None:
            chat = FIRST_CHILD + number
            await asyncio.sleep(rng.uniform(0, gap[1]))  # children do not all start at once
            await deliver(chat, "/start", False)
            while time.monotonic() < until:
                await asyncio.sleep(rng.uniform(*gap))
                if time.monotonic() >= until:
                    break
                words, disclosure = next_text()
                await deliver(chat, words, disclosure)

        began = time.monotonic()
        until = began + seconds
        await asyncio.gather(*(child(n, until) for n in range(children)))
        sending = time.monotonic() - began
    return {"posted": posted, "failures": failures, "sending_s": sending, "began": began}


def _figures(stack: Stack, load: dict[str, Any], drain: float) -> dict[str, Any]:
    posted: list[tuple[int, float, bool]] = load["posted"]
    deadline = time.monotonic() + drain
    disclosures = sum(1 for _, _, d in posted if d)
    sent = list(stack.fake.api.sent)
    while time.monotonic() < deadline:
        sent = list(stack.fake.api.sent)
        cards = [m for m in sent if m.chat_id == PROTECTION_CHAT]
        answered = _first_replies(posted, sent)
        if len(cards) >= disclosures and all(t is not None for t in answered):
            break
        time.sleep(0.5)
    time.sleep(2)  # anything doubled arrives now
    sent = list(stack.fake.api.sent)
    answered = _first_replies(posted, sent)
    replies = [t - when for (_, when, _), t in zip(posted, answered, strict=True) if t is not None]
    cards = [m for m in sent if m.chat_id == PROTECTION_CHAT and not _summary(m)]
    summaries = sum(1 for m in sent if m.chat_id == PROTECTION_CHAT and _summary(m))
    alert_waits = _alert_waits(posted, cards)
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            cases = connection.execute(text("SELECT count(*) FROM escalations")).scalar()
            # An alert is delivered when its outbox row is sent (alone, or in a burst summary
            # card when more cases open than the group's 20 a minute allow).
            undelivered = connection.execute(
                text("SELECT count(*) FROM outbox WHERE kind = 'alert' AND sent_at IS NULL")
            ).scalar()
            # Every card the protection chat gets is an outbox row marked sent (a new case, a
            # new message in an open case ...), or several in one burst summary: more cards
            # than sent rows are doubles.
            rows_sent = connection.execute(
                text("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")
            ).scalar()
    finally:
        engine.dispose()
    in_window = [t for t in answered if t is not None and t - load["began"] <= load["sending_s"]]
    return {
        "messages": len(posted),
        "answered": sum(t is not None for t in answered),
        "answered_per_s": round(len(in_window) / load["sending_s"], 1),
        "offered_per_s": round(len(posted) / load["sending_s"], 1),
        "reply_ms": summary_ms(replies),
        "alert_ms": summary_ms(alert_waits),
        "disclosures": disclosures,
        "cases": cases,
        "cards": len(cards),
        "summary_cards": summaries,
        "cases_without_alert_sent": int(undelivered or 0),
        "outbox_rows_sent": int(rows_sent or 0),
        "doubled_cards": max(len(cards) - int(rows_sent or 0), 0),
        "never_answered_200": load["failures"],
        "breaches": len(stack.fake.api.breaches),
        "breaches_by_limit": {
            limit: sum(b.limit == limit for b in stack.fake.api.breaches)
            for limit in ("overall", "chat", "group")
        },
        "replica_rss_mb": [round(size) for size in stack.rss_mb()],
    }


def _summary(message: Any) -> bool:
    """A burst's summary card (bot.escalation.cards.summary): it lists cases, it is not one."""
    return str(getattr(message, "text", "")).startswith(SUMMARY_MARK)


def _first_replies(posted: list[tuple[int, float, bool]], sent: list[Any]) -> list[float | None]:
    """For each posted message, when the first message to its chat after it was sent."""
    by_chat: dict[int, list[float]] = {}
    for message in sent:
        by_chat.setdefault(message.chat_id, []).append(message.sent_at)
    out: list[float | None] = []
    for chat, when, _ in posted:
        later = [t for t in by_chat.get(chat, []) if t >= when]
        out.append(min(later) if later else None)
    return out


def _alert_waits(posted: list[tuple[int, float, bool]], cards: list[Any]) -> list[float]:
    """Each disclosure's wait for a card: the cards in order, matched to the disclosures in
    order (a card's text carries no chat id, by design)."""
    whens = sorted(when for _, when, disclosure in posted if disclosure)
    stamps = sorted(card.sent_at for card in cards)
    return [max(stamp - when, 0.0) for when, stamp in zip(whens, stamps, strict=False)]


def run(
    replicas: int,
    admin_url: str,
    children: int,
    seconds: float,
    gap: tuple[float, float],
    max_rate: int,
    drain: float,
    seed: int = 1,
    workdir: Path | None = None,
    disclosure_every: float = 5.0,
) -> dict[str, Any]:
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    workdir = workdir or Path(f"/tmp/bench-replicas-{replicas}-{os.getpid()}")
    environment = {"TELEGRAM_MAX_RATE": str(max_rate), "LOG_LEVEL": "WARNING"}
    started = time.monotonic()
    with Stack(workdir, admin_url, redis_url, replicas, environment=environment) as stack:
        startup = time.monotonic() - started
        clock = _clock(stack)
        before = clock.read()
        load = asyncio.run(_load(stack, children, seconds, gap, seed, disclosure_every))
        used = clock.since(before)
        figures = _figures(stack, load, drain)
        answered_in_window = round(figures["answered_per_s"] * load["sending_s"])
        figures["cpu"] = {
            **per_message(used, answered_in_window, os.cpu_count() or 1),
            "cores_used": {k: round(v / load["sending_s"], 2) for k, v in used.items()},
        }
    ok = figures["cases_without_alert_sent"] == 0 and figures["answered"] == figures["messages"]
    return {
        "scenario": NAME,
        "load": f"{replicas} replica{'s' if replicas > 1 else ''}",
        "database": "postgresql",
        "replicas": replicas,
        "parameters": {
            "children": children,
            "seconds": seconds,
            "gap": list(gap),
            "seed": seed,
            "disclosure_every_s": disclosure_every,
        },
        "max_rate": max_rate,
        "startup_s": round(startup, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "ok": ok and figures["doubled_cards"] == 0 and figures["breaches"] == 0,
        **figures,
    }


def _clock(stack: Stack) -> CpuClock:
    """Every part of the stack on this machine, the load generator with the fake included."""
    return CpuClock(
        {
            "replicas": lambda: [p.pid for p in stack.processes if p and p.poll() is None],
            "load generator and fake": lambda: [os.getpid()],
            "postgresql": named("postgres"),
            "redis": named("redis-server"),
            "nginx": with_children(lambda: [stack.nginx.pid] if stack.nginx else []),
        }
    )


def table(result: dict[str, Any]) -> list[str]:
    reply, alert = result["reply_ms"], result["alert_ms"]
    lines = [
        f"{NAME} ({result['load']}, behind nginx, PostgreSQL, Redis): "
        f"{result['parameters']['children']} children for {result['parameters']['seconds']:g} s",
        f"  offered {result['offered_per_s']} msg/s, answered {result['answered_per_s']} msg/s "
        f"({result['answered']}/{result['messages']} answered)",
        f"  reply p50 {reply['p50']} ms, p95 {reply['p95']} ms; alert p95 {alert['p95']} ms",
        f"  disclosures {result['disclosures']}, cases {result['cases']}, cards {result['cards']}, "
        f"breaches {result['breaches']}; load average {result['load_average']}",
    ]
    cpu = result.get("cpu")
    if cpu and cpu["total_ms"]:
        parts = ", ".join(f"{k} {v:g}" for k, v in cpu["ms_per_message"].items())
        lines.append(
            f"  CPU ms a message answered while sending: {parts}; in all {cpu['total_ms']:g}, "
            f"so {cpu['cores']} cores sustain at most {cpu['ceiling_per_s']:g} msg/s"
        )
    return lines


def scaling(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Issue 16's targets from a 1-replica and a 2-replica run: two answer >= 1.5x what one
    answers, with reply p95 <= 150 ms and alert p95 <= 1 s at the two-replica load, and
    nothing lost, doubled or over Telegram's limits."""
    by = {result["replicas"]: result for result in results}
    if 1 not in by or 2 not in by:
        return {"ratio": None, "met": None, "why": "needs a 1-replica and a 2-replica run"}
    one, two = by[1], by[2]
    ratio = (
        round(two["answered_per_s"] / one["answered_per_s"], 2) if one["answered_per_s"] else None
    )
    checks = {
        "ratio >= 1.5": ratio is not None and ratio >= 1.5,
        "reply p95 <= 150 ms": (two["reply_ms"]["p95"] or 1e9) <= 150,
        "alert p95 <= 1000 ms": (two["alert_ms"]["p95"] or 1e9) <= 1000,
        "nothing lost, doubled or over the limits": all(r["ok"] for r in results),
    }
    return {
        "ratio": ratio,
        "checks": checks,
        "met": all(checks.values()),
        "ratio_ceiling": _ratio_ceiling(one, two),
    }


def _ratio_ceiling(one: dict[str, Any], two: dict[str, Any]) -> float | None:
    """The most two replicas could answer on this machine, over what one answered: the
    machine's ceiling at the two-replica run's CPU a message (every part on its cores busy,
    the load generator's included), divided by the one-replica figure. Below 1.5, the
    target cannot be met on this machine whatever the replicas do."""
    ceiling = (two.get("cpu") or {}).get("ceiling_per_s")
    if not ceiling or not one["answered_per_s"]:
        return None
    return round(float(ceiling) / one["answered_per_s"], 2)
