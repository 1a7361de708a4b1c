"""`python -m bot i18n update|compile|check`: the gettext catalogs in locales/. Its report
is for developers, so it is not itself translated."""

from __future__ import annotations

import argparse
import sys

from bot.settings import Settings

NAME = "i18n"
HELP = "gettext catalogs: update, compile or check"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["update", "compile", "check"])


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot import i18n

    if args.action == "update":
        for change in i18n.update():
            print(change)
    if args.action in ("update", "compile"):
        i18n.compile_catalogs()
        return 0
    problems = i18n.problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0
