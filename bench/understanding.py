"""The understanding bench (issue 12's speed targets): `python -m bench.run --scenario
understanding`.

In fresh processes, one after the other:
  - train: `bot.agent.train(force=True)` into a scratch folder (Rasa's model, then the triage
    model beside it), timed from the process's start, imports included;
  - serve: load both models (timed), then understand every text of the held-out, blind and
    FAQ sets one at a time, as the engine does for each message (Rasa's parse, then triage
    with the triage model), timing each; and a 4,096-character message (Telegram's longest).
Targets: training <= 120 s, load <= 10 s, parse p95 <= 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import harness
from bench.stats import summary_ms

NAME = "understanding"
TARGETS = {"training_s": 120.0, "load_s": 10.0, "parse_p95_ms": 10.0}


def texts() -> list[str]:
    import yaml

    from bot.settings import ROOT

    found = []
    for path in [
        ROOT / "eval" / "triage_heldout.jsonl",
        *sorted((ROOT / "eval" / "blind").glob("*.jsonl")),
    ]:
        found += [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    for path in [
        ROOT / "tests" / "data" / "faq_heldout.yml",
        *sorted((ROOT / "eval" / "blind").glob("*.yml")),
    ]:
        found += [row["text"] for row in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return found


def _train(out: Path, quick: bool) -> dict[str, Any]:
    from bot import agent
    from bot.settings import ROOT

    if quick:  # the models `make train` keeps, trained if their inputs changed; not timed
        return {"model": str(agent.train(ROOT / "models"))}
    return {"model": str(agent.train(out, force=True))}


async def _serve(model: Path, started: float) -> dict[str, Any]:
    from bot import agent
    from bot.triage import Triage

    begin = time.perf_counter()
    assistant = agent.RasaAssistant.load(model)
    load_s = time.perf_counter() - begin
    triage = Triage.of(assistant)
    samples = texts()
    for text in samples[:50]:  # warm caches, as a running bot's are
        triage.assess(text, await assistant.parse(text))
    took = []
    for text in samples:
        begin = time.perf_counter()
        triage.assess(text, await assistant.parse(text))
        took.append(time.perf_counter() - begin)
    long = ("hola quiero contarle algo que me pasa en la casa " * 90)[:4096]
    begin = time.perf_counter()
    triage.assess(long, await assistant.parse(long))
    return {
        "cold_start_s": time.time() - started,
        "load_s": load_s,
        "messages": len(took),
        "latency_ms": summary_ms(took),
        "longest_message_ms": (time.perf_counter() - begin) * 1000,
    }


def worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.understanding")
    parser.add_argument("task", choices=("train", "serve"))
    parser.add_argument("--started", type=float, required=True)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.task == "train":
        result = _train(args.out, args.quick)
        result["seconds"] = None if args.quick else time.time() - args.started
    else:
        result = asyncio.run(_serve(args.model, args.started))
    print(json.dumps(result))


def _spawn(*args: str) -> dict[str, Any]:
    return harness.spawn("bench.understanding", *args)


def run(quick: bool) -> dict[str, Any]:
    """Quick: the cached models, training not timed. `ok` says every text was understood
    (an exception would have stopped the serving process); the targets are judged apart."""
    with tempfile.TemporaryDirectory(prefix="voz-understanding-") as folder:
        trained = _spawn("train", "--out", folder, *(["--quick"] if quick else []))
        served = _spawn("serve", "--model", trained["model"])
    figures = {
        "training_s": trained["seconds"],
        "load_s": served["load_s"],
        "parse_p95_ms": served["latency_ms"]["p95"],
    }
    return {
        "scenario": NAME,
        "quick": quick,
        "ok": served["messages"] == len(texts()),
        **figures,
        "cold_start_s": served["cold_start_s"],
        "messages": served["messages"],
        "latency_ms": served["latency_ms"],
        "longest_message_ms": served["longest_message_ms"],
        "targets": TARGETS,
    }


def table(result: dict[str, Any]) -> list[str]:
    latency = result["latency_ms"]
    training = "not timed" if result["training_s"] is None else f"{result['training_s']:7.1f} s"
    return [
        "understanding (Rasa parse + triage model), one message at a time",
        f"  training        {training}   (target <= {TARGETS['training_s']:.0f} s)",
        f"  model load      {result['load_s']:7.1f} s   (target <= {TARGETS['load_s']:.0f})",
        f"  parse p50 / p95 {latency['p50']:7.2f} / {latency['p95']:.2f} ms over "
        f"{result['messages']} texts (target p95 <= {TARGETS['parse_p95_ms']:.0f})",
        f"  4,096 chars     {result['longest_message_ms']:7.1f} ms",
    ]


if __name__ == "__main__":
    worker(sys.argv[1:])
