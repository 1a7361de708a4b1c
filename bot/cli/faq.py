"""`python -m bot faq --evaluate FILE`: measure the FAQ answers through the engine, on a
labelled file (YAML or JSON lines)."""

from __future__ import annotations

import argparse
import asyncio
import tempfile

from bot.cli._assistant import labelled, quiet_assistant
from bot.settings import Settings

NAME = "faq"
HELP = "measure the FAQ through the engine"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--evaluate", metavar="FILE", required=True, help="a labelled FAQ file (YAML or JSON lines)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import engine_for
    from bot.storage import Database
    from bot.triage.faq_evaluation import evaluate_faq, format_faq_report, load_questions

    path: str = args.evaluate
    rows = labelled(path, load_questions)
    if rows is None:
        return 1
    assistant = quiet_assistant(settings)
    # A scratch database: the questions open no case anywhere that matters.
    with tempfile.TemporaryDirectory() as scratch:
        database = Database(f"sqlite:///{scratch}/faq.db")
        database.migrate()
        engine = engine_for(assistant, database)
        report = asyncio.run(evaluate_faq(engine, assistant, rows))
        database.dispose()
    print(format_faq_report(report, title=path))
    return 0
