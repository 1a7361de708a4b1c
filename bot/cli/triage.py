"""`python -m bot triage`: triage JSON lines from stdin (one {"text": ...} a line), or one
message with --text; --evaluate FILE measures triage on a labelled JSON lines file.

Each output line has the four labels of eval/README.md (escalate, urgency, category,
subject) and `ask`: whether the message, not escalated, gets the middle question
(«¿Le está pasando a usted o a alguien que conoce?», bot.triage.Verdict), so a reviewer
sees the triage floor's decision too, not only the alerts."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from typing import Any, TextIO

from bot.cli._assistant import labelled, quiet_assistant
from bot.i18n import _s
from bot.settings import Settings

NAME = "triage"
HELP = "triage JSON lines from stdin, or --text"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text", help="triage this one message instead of reading stdin")
    parser.add_argument(
        "--evaluate", metavar="FILE", help="measure triage on a labelled JSON lines file"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.evaluate:
        return evaluate(settings, args.evaluate)
    assistant = quiet_assistant(settings)
    text = args.text
    source = io.StringIO(json.dumps({"text": text}) + "\n") if text is not None else sys.stdin
    bad = asyncio.run(triage_lines(assistant, source, sys.stdout))
    return 1 if bad else 0


async def triage_lines(assistant: Any, lines: TextIO, out: TextIO) -> int:
    """Triage each JSON line; a malformed line gets an error line in its place, so output
    stays aligned with input. Returns how many lines were malformed."""
    from bot.triage import Triage

    triage = Triage.of(assistant)
    bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = record["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            bad += 1
            error = _s('línea {number}: se esperaba un objeto JSON con un campo "text" de texto')
            error = error.format(number=number)
            print(error, file=sys.stderr)
            out.write(json.dumps({"error": error}, ensure_ascii=False) + "\n")
            continue
        verdict = triage.assess(text, await assistant.parse(text))
        labels = {"text": text, **verdict.as_dict(), "ask": verdict.ask}
        out.write(json.dumps(labels, ensure_ascii=False) + "\n")
    return bad


def evaluate(settings: Settings, path: str) -> int:
    from bot.triage import Triage
    from bot.triage.evaluation import evaluate, format_report, load_rows

    rows = labelled(path, load_rows)
    if rows is None:
        return 1
    assistant = quiet_assistant(settings)
    triage = Triage.of(assistant)

    async def verdicts() -> list[Any]:
        return [triage.assess(row["text"], await assistant.parse(row["text"])) for row in rows]

    print(format_report(evaluate(rows, asyncio.run(verdicts())), title=path))
    return 0
