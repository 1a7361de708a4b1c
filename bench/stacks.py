"""Scenario `stacks`: our bot beside stock Rasa, on the project's own data, in one run.

Stock Rasa is configured as `rasa init` leaves it: its config names no pipeline and no
policies, so Rasa trains its default ones (DIETClassifier, ResponseSelector, TEDPolicy,
UnexpecTEDIntentPolicy ... read from the installed Rasa's own `default_config.yml`), here
with `language: es`. Both stacks are trained on the same `domain/`, `nlu/` and `stories/`.

Each figure comes from a fresh process of its own (`python -m bench.stacks ...`), so one
stack's imports and memory never count against the other:
- training: from process start to the model written (`train`);
- cold start: from process start to the first answer to "hola" (`serve`);
- understanding: one message at a time, for `seconds`: ours is safety triage (the rule
  layer and the NLU parse, what every message goes through first), stock is Rasa's NLU
  parse; messages/s and latency;
- answering: `concurrency` senders in a closed loop for `seconds`, each sending its next
  message as soon as the last was answered: ours is `Engine.handle` (triage, cases
  committed to a SQLite file, consent gate, Rasa), stock is `Agent.handle_text` (NLU and
  dialogue policies); messages/s and latency at that saturation;
- peak memory: the process's high-water resident set (VmHWM) after all of the above.

The texts are the realistic mix of `bench.traffic` (greetings, questions, small talk and
5% disclosures), the same sequence for both stacks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import harness
from bench.harness import peak_rss_mb
from bench.stats import summary_ms
from bench.traffic import CHAT, DISCLOSURES, GREETINGS, QUESTIONS, WEIGHTS

NAME = "stacks"
STACKS = ("ours", "stock")


def texts(count: int, seed: int = 1) -> list[str]:
    """The message sequence both stacks answer: 5% disclosures spread evenly."""
    rng = random.Random(seed)
    # The free-text kinds of the Telegram bench's mix, in the same proportions.
    pools = (GREETINGS, QUESTIONS, CHAT)
    weights = (WEIGHTS["greeting"], WEIGHTS["question"], WEIGHTS["chat"])
    out = []
    for index in range(count):
        if index % 20 == 19:
            out.append(DISCLOSURES[(index // 20) % len(DISCLOSURES)])
        else:
            out.append(rng.choice(rng.choices(pools, weights=weights)[0]))
    return out


def stock_config(path: Path, quick: bool) -> Path:
    """What `rasa init` writes, made explicit: Rasa's default pipeline and policies, read
    from the installed Rasa, for Spanish. Quick mode trains one epoch instead of 100 so a
    smoke test finishes in minutes; its figures are not the baseline's."""
    import yaml
    from rasa.engine.recipes import default_recipe

    source = Path(default_recipe.__file__).parent / "config_files" / "default_config.yml"
    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    config["language"] = "es"
    config["assistant_id"] = "stock-baseline"
    if quick:
        for component in config["pipeline"] + config["policies"]:
            if "epochs" in component:
                component["epochs"] = 1
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


# -- the worker processes ---------------------------------------------------------------


def _train(stack: str, out: Path, quick: bool) -> dict[str, Any]:
    from bot import agent

    if stack == "ours":
        # Quick mode reuses the project's model (trained by `make` anyway) and measures no
        # training time; a full run trains a new one from scratch.
        model = agent.train(out, force=not quick)
    else:
        agent.import_skops_first()
        from rasa.model_training import train

        config = stock_config(out / "config.yml", quick)
        with contextlib.redirect_stdout(sys.stderr):
            result = train(
                domain=str(agent.DOMAIN),
                config=str(config),
                training_files=[str(folder) for folder in agent.TRAINING_DATA],
                output=str(out),
                fixed_model_name="stock",
                force_training=True,
            )
        if result.code != 0:
            raise RuntimeError(f"stock Rasa training failed (code {result.code})")
        model = Path(result.model)
    return {"model": str(model)}


class _Ours:
    def __init__(self, model: Path, workdir: Path) -> None:
        from bot import agent
        from bot.privacy import Pseudonymizer
        from bot.runtime import engine_for
        from bot.storage import Database

        self.database = Database(f"sqlite:///{workdir / 'voz.db'}")
        self.database.migrate()
        self.assistant = agent.RasaAssistant.load(model)
        self.engine = engine_for(self.assistant, self.database)
        self.pseudonymize = Pseudonymizer(os.urandom(32))

    async def understand(self, text: str) -> None:
        self.engine.triage.assess(text, await self.assistant.parse(text))

    async def answer(self, sender: str, text: str) -> None:
        from bot.events import Inbound

        user = self.pseudonymize("bench", sender)
        await self.engine.handle(Inbound(user=user, kind="text", text=text))


class _Stock:
    def __init__(self, model: Path) -> None:
        from bot import agent

        agent.import_skops_first()
        from rasa.core.agent import Agent

        self.agent = Agent.load(str(model))

    async def understand(self, text: str) -> None:
        await self.agent.parse_message(text)

    async def answer(self, sender: str, text: str) -> None:
        await self.agent.handle_text(text, sender_id=sender)


async def _serve(stack: str, model: Path, started: float, seconds: float, concurrency: int):
    with tempfile.TemporaryDirectory(prefix="voz-stacks-") as folder:
        with contextlib.redirect_stdout(sys.stderr):
            bot = _Ours(model, Path(folder)) if stack == "ours" else _Stock(model)
        await bot.answer("cold-start", "hola")
        cold_start = time.time() - started

        sequence = texts(20_000)
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds
        began = time.perf_counter()
        for text in sequence:
            if time.perf_counter() >= deadline:
                break
            sent = time.perf_counter()
            await bot.understand(text)
            latencies.append(time.perf_counter() - sent)
        understanding = {
            "messages": len(latencies),
            "per_s": len(latencies) / (time.perf_counter() - began),
            "latency_ms": summary_ms(latencies),
        }

        answered: list[float] = []
        failures = 0
        position = 0
        deadline = time.perf_counter() + seconds

        async def sender(number: int) -> None:
            nonlocal position, failures
            while time.perf_counter() < deadline:
                text = sequence[position % len(sequence)]
                position += 1
                sent = time.perf_counter()
                try:
                    await bot.answer(f"child-{number}", text)
                except Exception:  # noqa: BLE001 - a failure is counted, never hidden
                    failures += 1
                    continue
                answered.append(time.perf_counter() - sent)

        began = time.perf_counter()
        await asyncio.gather(*(sender(number) for number in range(concurrency)))
        elapsed = time.perf_counter() - began
        answering = {
            "concurrency": concurrency,
            "messages": len(answered),
            "failures": failures,
            "per_s": len(answered) / elapsed,
            "latency_ms": summary_ms(answered),
        }
    return {
        "cold_start_s": cold_start,
        "understanding": understanding,
        "answering": answering,
        "peak_rss_mb": peak_rss_mb(),
    }


def worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stacks")
    parser.add_argument("task", choices=("train", "serve"))
    parser.add_argument("stack", choices=STACKS)
    parser.add_argument("--started", type=float, required=True, help="time.time() at spawn")
    parser.add_argument("--model", type=Path, help="serve: the model file")
    parser.add_argument("--out", type=Path, help="train: the folder for the model")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    if args.task == "train":
        result = _train(args.stack, args.out, args.quick)
        reused = args.quick and args.stack == "ours"
        result["seconds"] = None if reused else time.time() - args.started
    else:
        result = asyncio.run(
            _serve(args.stack, args.model, args.started, args.seconds, args.concurrency)
        )
    print(json.dumps(result))


# -- the parent: one process per stack and task -----------------------------------------


def _spawn(*args: str) -> dict[str, Any]:
    return harness.spawn("bench.stacks", *args)


def run(seconds: float, concurrency: int, quick: bool) -> dict[str, Any]:
    """Both stacks, trained and served one after the other; figures and our/stock ratios."""
    results: dict[str, Any] = {}
    from bot.settings import ROOT

    with tempfile.TemporaryDirectory(prefix="voz-stacks-models-") as folder:
        for stack in STACKS:
            out = ROOT / "models" if quick and stack == "ours" else Path(folder) / stack
            out.mkdir(exist_ok=True)
            extra = ["--quick"] if quick else []
            trained = _spawn("train", stack, "--out", str(out), *extra)
            served = _spawn(
                "serve",
                stack,
                "--model",
                trained["model"],
                "--seconds",
                str(seconds),
                "--concurrency",
                str(concurrency),
            )
            results[stack] = {"training_s": trained["seconds"], **served}
    failures = sum(results[stack]["answering"]["failures"] for stack in STACKS)
    return {
        "scenario": NAME,
        "quick": quick,
        "seconds": seconds,
        "concurrency": concurrency,
        # A message that raised in our stack is a message a child got no answer to.
        "ok": results["ours"]["answering"]["failures"] == 0,
        "failures": failures,
        **results,
        "ratios": ratios(results),
    }


def ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """Ours relative to stock: above 1 is better for rates, below 1 for times and memory."""
    ours, stock = results["ours"], results["stock"]

    def ratio(mine: float | None, theirs: float | None) -> float | None:
        return None if mine is None or not theirs else mine / theirs

    return {
        "answering_per_s": ratio(ours["answering"]["per_s"], stock["answering"]["per_s"]),
        "understanding_per_s": ratio(
            ours["understanding"]["per_s"], stock["understanding"]["per_s"]
        ),
        "cold_start": ratio(ours["cold_start_s"], stock["cold_start_s"]),
        "training": ratio(ours["training_s"], stock["training_s"]),
        "peak_rss": ratio(ours["peak_rss_mb"], stock["peak_rss_mb"]),
    }


def table(result: dict[str, Any]) -> list[str]:
    ours, stock, ratio = result["ours"], result["stock"], result["ratios"]

    def cell(value: float | None, digits: int = 1) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    rows = [
        ("training (s)", ours["training_s"], stock["training_s"], ratio["training"]),
        (
            "cold start to 1st answer (s)",
            ours["cold_start_s"],
            stock["cold_start_s"],
            ratio["cold_start"],
        ),
        (
            "understanding (msg/s)",
            ours["understanding"]["per_s"],
            stock["understanding"]["per_s"],
            ratio["understanding_per_s"],
        ),
        (
            "  p95 (ms)",
            ours["understanding"]["latency_ms"]["p95"],
            stock["understanding"]["latency_ms"]["p95"],
            None,
        ),
        (
            f"answering, {result['concurrency']} senders (msg/s)",
            ours["answering"]["per_s"],
            stock["answering"]["per_s"],
            ratio["answering_per_s"],
        ),
        (
            "  p50 (ms)",
            ours["answering"]["latency_ms"]["p50"],
            stock["answering"]["latency_ms"]["p50"],
            None,
        ),
        (
            "  p95 (ms)",
            ours["answering"]["latency_ms"]["p95"],
            stock["answering"]["latency_ms"]["p95"],
            None,
        ),
        (
            "  p99 (ms)",
            ours["answering"]["latency_ms"]["p99"],
            stock["answering"]["latency_ms"]["p99"],
            None,
        ),
        ("peak memory (MB)", ours["peak_rss_mb"], stock["peak_rss_mb"], ratio["peak_rss"]),
    ]
    quick = " (quick: 1-epoch stock model, our model reused)" if result["quick"] else ""
    lines = [
        f"{NAME}: ours beside stock Rasa (rasa init's defaults), {result['seconds']:g} s "
        f"per phase{quick}",
        "",
        f"{'':<34}{'ours':>10}{'stock':>10}{'ours/stock':>12}",
    ]
    for label, mine, theirs, r in rows:
        lines.append(f"{label:<34}{cell(mine):>10}{cell(theirs):>10}{cell(r, 2):>12}")
    if result["failures"]:
        lines.append(f"FAILED messages: {result['failures']}")
    return lines


if __name__ == "__main__":
    worker(sys.argv[1:])
