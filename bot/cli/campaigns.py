"""`python -m bot campaigns validate|list|open|close|link|import`: the campaign files and
their status."""

from __future__ import annotations

import argparse

from bot.settings import Settings

NAME = "campaigns"
HELP = "validate, list, open, close, link, import"


def arguments(parser: argparse.ArgumentParser) -> None:
    from bot.campaigns.launch import add_arguments

    add_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.campaigns.launch import command

    return command(args, settings)
