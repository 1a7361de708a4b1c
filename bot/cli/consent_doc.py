"""`python -m bot consent-doc`: print docs/consent.md (every assent text per band), made
from the catalogs."""

from __future__ import annotations

import argparse
import sys

from bot.settings import Settings

NAME = "consent-doc"
HELP = "print docs/consent.md, made from the catalogs"


def arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    from consent.document import render

    sys.stdout.write(render())
    return 0
