"""`python -m bot privacy-doc`: print docs/privacy.md (the privacy notice per band), made
from the catalogs."""

from __future__ import annotations

import argparse
import sys

from bot.settings import Settings

NAME = "privacy-doc"
HELP = "print docs/privacy.md, made from the catalogs"


def arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    from consent.document import render_privacy

    sys.stdout.write(render_privacy())
    return 0
