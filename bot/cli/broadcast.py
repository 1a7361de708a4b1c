"""`python -m bot broadcast`: send an awareness message to the children who subscribed."""

from __future__ import annotations

import argparse

from bot.settings import Settings

NAME = "broadcast"
HELP = "send an awareness message to subscribers"


def arguments(parser: argparse.ArgumentParser) -> None:
    from bot.awareness.outreach import add_arguments

    add_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.awareness.outreach import command

    return command(args, settings)
