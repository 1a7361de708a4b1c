"""Scenario `longest` (issue 15 item 2: "triage of 4,096 characters <= 50 ms"):
`python -m bench.run --scenario longest`.

In a fresh process, the engine as `python -m bot run` builds it (Rasa, the triage model), and
each 4,096-character text of the adversarial scenario (bench/adversarial.py: a story,
everyday chat, filler with a disclosure in the middle, leetspeak with invisible characters,
leetspeak self-harm words without punctuation, alarming words in bulk, punctuation runs,
invisible characters, one letter) understood alone, `repeats` times, both ways in turn:
  - batched, as the engine does it: the pieces after the first parsed in one batch on the
    sentence features (bot/batch_parse.py) and triaged together, one hop of the
    understanding thread;
  - piecewise, as before: each piece through Rasa's own chain and triage, a hop a piece.
Both run today's rule layer, so the ratio shows what batching saves; the rule layer's own
speed-up (frames searched once per sentence, required words) is in both. Wall and CPU time,
p50/p95, and the machine's load average: the machine is shared, and load slows every figure.
It is the adversarial scenario's first part, without its phases of senders (minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import harness
from bench.adversarial import alone_table, understanding_alone

NAME = "longest"
TARGETS = {"understanding_4096_p95_ms": 50.0}


async def _serve(repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="voz-longest-") as work:
        settings = harness.settings(f"sqlite:///{Path(work) / 'voz.db'}", Path(work))
        parts = harness.build_runtime(settings)
        engine = parts.engine
        if getattr(engine.assistant, "parse_pieces", None) is None:
            raise RuntimeError("the model's NLU is not the chain the batch parse runs")
        await understanding_alone(engine, 2)  # warm caches, as a running bot's are
        alone = await understanding_alone(engine, repeats)
        parts.database.dispose()
    return alone


def worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.longest")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--started", type=float)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(_serve(args.repeats))))


def run(quick: bool) -> dict[str, Any]:
    alone = harness.spawn("bench.longest", "--repeats", "3" if quick else "20")
    return {
        "scenario": NAME,
        "quick": quick,
        "ok": alone["same_verdicts"],
        "understanding_4096": alone,
        "understanding_4096_p95_ms": alone["all_ms"]["p95"],
        "targets": TARGETS,
    }


def table(result: dict[str, Any]) -> list[str]:
    return [
        "longest: each 4,096-character text understood alone, batched and piecewise",
        "",
        *alone_table(result["understanding_4096"]),
    ]


if __name__ == "__main__":
    worker(sys.argv[1:])
