"""Scenario `adversarial` (issue 15 item 2): do senders of the longest messages slow other
children's replies? `python -m bench.run --scenario adversarial`.

In a fresh process, the bot's engine as `python -m bot run` builds it (`runtime.build`: Rasa,
the triage model, Cases on a SQLite file), driven directly on one event loop, as the
Telegram handlers drive it (one `Engine.handle` per update, chats concurrently):
  - ordinary children send the bench's everyday mix (bench/traffic.py: greetings,
    questions, chat, about 5% disclosures), each a message every `gap` seconds, open loop;
  - adversarial senders each send 4,096-character messages (Telegram's longest: a story,
    leetspeak self-harm words with no punctuation, punctuation runs, alarming words in
    bulk, invisible characters), the next as soon as the last was answered.
Two phases of `seconds` each, for each way of running understanding (bot/understanding.py):
ordinary children alone, then with the adversarial senders; `loop` runs NLU and triage on
the event loop (as before the understanding thread), `queue` on the understanding thread
with long messages only queued behind ordinary work, `thread` as the bot runs it (long work
also gives way, between its steps, to ordinary messages in flight), `to_thread` with
`asyncio.to_thread` (a pool of threads, first come first served, the GIL shared among
them), for comparison.
Measured: the ordinary children's reply latency (scheduled send to the engine's answer),
the loop's lag (a 100 ms timer's lateness), and, before the phases, each 4,096-character
text understood alone (Rasa parse and triage, as the engine does: p50/p95 over repeats).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import harness
from bench.stats import summary_ms

NAME = "adversarial"
LONGEST = 4096
MODES = ("loop", "queue", "thread", "to_thread")
TARGETS = {"understanding_4096_p95_ms": 50.0}


def adversarial_texts() -> dict[str, str]:
    """Each 4,096 characters; the worst measured before pieces was `leet` (about 2 s)."""

    def fill(unit: str) -> str:
        return (unit * (LONGEST // len(unit) + 1))[:LONGEST]

    from bench.traffic import CHAT, DISCLOSURES, QUESTIONS

    rng = random.Random(15)
    words = " ".join(rng.choice([*CHAT, *QUESTIONS]) for _ in range(400))
    story = fill("hoy fui al cole y después jugamos fútbol con mis amigos en la plaza. ")
    disclosure = "mi padrastro me pega todos los días con la faja y me deja encerrado"
    hidden = "​m1 p4dr4str0​ m3 p3g4 y m3 t0c4⁠ cu4nd0 n0 h4y n4d13­ "
    return {
        "story": story,
        # Ordinary words with one disclosure in the middle, and leetspeak with invisible
        # characters inside the words, among chat (issue 15's probes).
        "filler_disclosure": (story[:2000] + " " + disclosure + " " + story)[:LONGEST],
        "leet_invisible": fill(words[:300] + " " + hidden),
        "everyday_mix": fill(words + " "),
        "leet_self_harm": fill("m4t4rm3 "),
        "alarming_bulk": fill(" ".join(DISCLOSURES) + " "),
        "punctuation": fill("¿?"),
        "invisible": fill("a\u200b y\u2060 "),
        "one_word": fill("a"),
    }


class Senders:
    def __init__(self, engine: Any, pseudonym: Any, gap: tuple[float, float]) -> None:
        self.engine = engine
        self.pseudonym = pseudonym
        self.gap = gap
        self.ordinary: list[float] = []
        self.adversarial: list[float] = []

    async def child(self, n: int, until: float, rng: random.Random) -> None:
        from bench.traffic import CHAT, DISCLOSURES, GREETINGS, QUESTIONS
        from bot.engine import Inbound, Kind

        user = self.pseudonym(n)
        due = time.monotonic() + rng.uniform(0, self.gap[1])
        pending = []
        while due < until:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if rng.random() < 0.05:
                text = rng.choice(DISCLOSURES)
            else:
                text = rng.choice([*GREETINGS, *QUESTIONS, *CHAT])
            pending.append(asyncio.create_task(self._timed(Inbound(user, Kind.TEXT, text), due)))
            due += rng.uniform(*self.gap)
        await asyncio.gather(*pending)

    async def _timed(self, event: Any, due: float) -> None:
        await self.engine.handle(event)
        self.ordinary.append(time.monotonic() - due)

    async def adversary(self, n: int, until: float, texts: list[str]) -> None:
        from bot.engine import Inbound, Kind

        user = self.pseudonym(100_000 + n)
        i = n
        while time.monotonic() < until:
            began = time.monotonic()
            await self.engine.handle(Inbound(user, Kind.TEXT, texts[i % len(texts)]))
            self.adversarial.append(time.monotonic() - began)
            i += 1


async def _lag(late: list[float], period: float = 0.1) -> None:
    while True:
        due = time.monotonic() + period
        await asyncio.sleep(period)
        late.append(max(0.0, time.monotonic() - due))


async def _phase(
    engine: Any, pseudonym: Any, params: argparse.Namespace, adversaries: int, seed: int
) -> dict[str, Any]:
    texts = list(adversarial_texts().values())
    senders = Senders(engine, pseudonym, tuple(params.gap))
    rng = random.Random(seed)
    until = time.monotonic() + params.seconds
    late: list[float] = []
    probe = asyncio.create_task(_lag(late))
    await asyncio.gather(
        *(senders.child(n, until, random.Random(rng.random())) for n in range(params.children)),
        *(senders.adversary(n, until, texts) for n in range(adversaries)),
    )
    probe.cancel()
    return {
        "adversaries": adversaries,
        "ordinary_reply_ms": summary_ms(senders.ordinary),
        "adversarial_reply_ms": summary_ms(senders.adversarial),
        "loop_lag_ms": summary_ms(late),
    }


async def _batched(engine: Any, text: str) -> Any:
    """A long message as the engine understands it: Rasa's parse of the first piece, then
    every piece triaged together (the others parsed in one batch), one hop of the
    understanding thread."""
    parse = await engine.assistant.parse(text)
    return await engine.triage.assess_async(text, parse)


async def _piecewise(engine: Any, text: str) -> Any:
    """A long message as it was understood before the pieces were batched: each piece
    alone through Rasa's own chain and triage, one hop of the understanding thread a piece.
    The rule layer is today's for both."""
    from bot.triage import pieces
    from bot.understanding import off_loop

    parse = await engine.assistant.parse(text)
    parts = pieces.pieces(text)
    verdicts = [
        await off_loop(engine.triage.assess_nth, part, parse, n, behind=True)
        for n, part in enumerate(parts)
    ]
    return pieces.most_urgent(verdicts)


PATHS = {"batched": _batched, "piecewise": _piecewise}


async def understanding_alone(engine: Any, repeats: int) -> dict[str, Any]:
    """Each 4,096-character text understood alone, both ways, the two alternating so that
    they share the machine's load: wall time (what a child waits) and the process's CPU time
    (both threads), p50/p95 by text and over all; whether both gave the same verdicts; the
    machine's load average before and after."""
    import os

    load_before = os.getloadavg()
    took: dict[str, dict[str, list[float]]] = {path: {} for path in PATHS}
    cpu: dict[str, list[float]] = {path: [] for path in PATHS}
    same = True
    for name, text in adversarial_texts().items():
        for _ in range(repeats):
            verdicts = []
            for path, understand in PATHS.items():
                began, began_cpu = time.perf_counter(), time.process_time()
                verdicts.append(await understand(engine, text))
                took[path].setdefault(name, []).append(time.perf_counter() - began)
                cpu[path].append(time.process_time() - began_cpu)
            same = same and verdicts[0] == verdicts[1]
    figures: dict[str, Any] = {}
    for path in PATHS:
        every = [value for values in took[path].values() for value in values]
        figures[path] = {
            "by_text_ms": {name: summary_ms(values) for name, values in took[path].items()},
            "all_ms": summary_ms(every),
            "cpu_ms": summary_ms(cpu[path]),
        }
    new, old = figures["batched"]["all_ms"], figures["piecewise"]["all_ms"]
    return {
        **figures["batched"],  # the engine's way: what the target is judged on
        "piecewise": figures["piecewise"],
        "piecewise_over_batched": {p: _ratio(old[p], new[p]) for p in ("p50", "p95")},
        "same_verdicts": same,
        "load_average": {"before": load_before, "after": os.getloadavg()},
    }


async def _serve(params: argparse.Namespace) -> dict[str, Any]:
    from bot import understanding

    with tempfile.TemporaryDirectory(prefix="voz-adversarial-") as work:
        settings = harness.settings(f"sqlite:///{Path(work) / 'voz.db'}", Path(work))
        parts = harness.build_runtime(settings)
        engine = parts.engine

        def pseudonym(n: int) -> str:
            return str(parts.pseudonymize("telegram", 7_000_000_001 + n))

        for word in ("hola", "¿Qué es el grooming?"):  # warm caches, as a running bot's are
            await engine.handle(_inbound(pseudonym(-1), word))
        understanding.mode = "thread"
        alone = await understanding_alone(engine, params.repeats)
        phases: dict[str, Any] = {}
        for mode in MODES:
            understanding.mode = mode
            phases[mode] = {
                "quiet": await _phase(engine, pseudonym, params, 0, params.seed),
                "adversarial": await _phase(
                    engine, pseudonym, params, params.adversaries, params.seed
                ),
            }
        parts.database.dispose()
    import os

    # Other work on the machine slows every figure: say how busy it was.
    return {"understanding_4096": alone, "phases": phases, "load_average": os.getloadavg()}


def _inbound(user: str, text: str) -> Any:
    from bot.engine import Inbound, Kind

    return Inbound(user, Kind.TEXT, text)


def worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.adversarial")
    parser.add_argument("--children", type=int, default=30)
    parser.add_argument("--adversaries", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--gap", type=float, nargs=2, default=(1.0, 2.0))
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--started", type=float)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(_serve(args))))


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else round(a / b, 2)


def run(
    children: int, adversaries: int, seconds: float, gap: tuple[float, float], quick: bool
) -> dict[str, Any]:
    served = harness.spawn(
        "bench.adversarial",
        "--children",
        str(children),
        "--adversaries",
        str(adversaries),
        "--seconds",
        str(seconds),
        "--gap",
        str(gap[0]),
        str(gap[1]),
        "--repeats",
        "3" if quick else "10",
    )
    phases = served["phases"]
    ratios = {}
    for mode in MODES:
        quiet, loaded = phases[mode]["quiet"], phases[mode]["adversarial"]
        for p in ("p50", "p95"):
            ratios[f"{mode}_adversarial_over_quiet_{p}"] = _ratio(
                loaded["ordinary_reply_ms"][p], quiet["ordinary_reply_ms"][p]
            )
    for other in ("loop", "queue"):
        for p in ("p50", "p95"):
            ratios[f"adversarial_{other}_over_thread_{p}"] = _ratio(
                phases[other]["adversarial"]["ordinary_reply_ms"][p],
                phases["thread"]["adversarial"]["ordinary_reply_ms"][p],
            )
    alone = served["understanding_4096"]["all_ms"]
    return {
        "scenario": NAME,
        "quick": quick,
        "parameters": {
            "children": children,
            "adversaries": adversaries,
            "seconds_per_phase": seconds,
            "gap": list(gap),
        },
        "ok": served["understanding_4096"]["same_verdicts"]
        and all(
            phases[mode][phase]["ordinary_reply_ms"]["n"] > 0
            for mode in MODES
            for phase in ("quiet", "adversarial")
        ),
        "understanding_4096": served["understanding_4096"],
        "phases": phases,
        "ratios": ratios,
        "targets": TARGETS,
        "understanding_4096_p95_ms": alone["p95"],
        "load_average": served["load_average"],
    }


def alone_table(alone: dict[str, Any]) -> list[str]:
    """The figures of `understanding_alone`, both ways side by side."""
    old = alone["piecewise"]
    lines = [
        "a 4,096-character message understood alone (Rasa parse + triage), wall ms:",
        f"  {'text':<18}{'batched p50':>12}{'p95':>8}{'max':>8}"
        f"{'piecewise p50':>15}{'p95':>8}{'max':>8}",
    ]
    rows = [*alone["by_text_ms"].items(), ("all", alone["all_ms"])]
    for name, figures in rows:
        before = old["all_ms"] if name == "all" else old["by_text_ms"][name]
        lines.append(
            f"  {name:<18}{figures['p50']:>12.1f}{figures['p95']:>8.1f}{figures['max']:>8.1f}"
            f"{before['p50']:>15.1f}{before['p95']:>8.1f}{before['max']:>8.1f}"
        )
    ratio = alone["piecewise_over_batched"]
    load = alone["load_average"]
    lines += [
        f"  CPU ms p50 / p95: batched {alone['cpu_ms']['p50']} / {alone['cpu_ms']['p95']}, "
        f"piecewise {old['cpu_ms']['p50']} / {old['cpu_ms']['p95']}",
        f"  piecewise / batched: p50 {ratio['p50']}x, p95 {ratio['p95']}x; "
        f"same verdicts: {alone['same_verdicts']}",
        "  load average (1, 5, 15 min) before "
        + ", ".join(f"{v:.1f}" for v in load["before"])
        + "; after "
        + ", ".join(f"{v:.1f}" for v in load["after"]),
    ]
    return lines


def table(result: dict[str, Any]) -> list[str]:
    p = result["parameters"]
    alone = result["understanding_4096"]
    lines = [
        f"adversarial: {p['children']} ordinary children (a message every "
        f"{p['gap'][0]:g}-{p['gap'][1]:g} s) for {p['seconds_per_phase']:g} s a phase, "
        f"alone and beside {p['adversaries']} senders of 4,096-character messages",
        "",
        *alone_table(alone),
    ]
    lines += [
        "",
        f"  {'mode':<11}{'phase':<13}{'n':>6}{'reply p50':>11}{'p95':>9}{'max':>9}"
        f"{'lag p95':>9}{'long msg p50':>14}",
    ]
    for mode, phases in result["phases"].items():
        for phase, figures in phases.items():
            reply, lag = figures["ordinary_reply_ms"], figures["loop_lag_ms"]
            long = figures["adversarial_reply_ms"]["p50"]
            lines.append(
                f"  {mode:<11}{phase:<13}{reply['n']:>6}{reply['p50']:>11.1f}{reply['p95']:>9.1f}"
                f"{reply['max']:>9.1f}{lag['p95'] or 0:>9.1f}"
                f"{'-' if long is None else format(long, '.0f'):>14}"
            )
    load = ", ".join(f"{value:.1f}" for value in result["load_average"])
    lines += ["", f"  machine load average (1, 5, 15 min) at the end: {load}"]
    lines += ["  ratios: " + ", ".join(f"{k} {v}" for k, v in result["ratios"].items())]
    return lines


if __name__ == "__main__":
    worker(sys.argv[1:])
