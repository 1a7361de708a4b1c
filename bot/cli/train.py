"""`python -m bot train`: train the Rasa model if config, domain or data changed."""

from __future__ import annotations

import argparse

from bot.settings import Settings

NAME = "train"
HELP = "train the Rasa model if its inputs changed"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="train even if up to date")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot import agent, logs

    logs.configure(settings.log_level)
    print(agent.train(settings.model_dir, force=args.force))
    return 0
