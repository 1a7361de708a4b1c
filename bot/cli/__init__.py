"""The command line: `python -m bot <command>`, one module of this package per command.

This module owns the parser and the dispatch, and nothing about any one command. A command
module declares:

    NAME = "consent-doc"            # what follows `python -m bot`
    HELP = "print docs/consent.md"  # its line in `python -m bot --help`
    def arguments(parser): ...      # its options (may add none)
    def run(args, settings) -> int  # does the work; returns the exit code

and is listed once in COMMANDS below (the order of `--help`). Errors every command can meet
(configuration, data files, the database, Ctrl-C) are answered here, once, with exit code 2
(130 for Ctrl-C).

What these commands print for the person running them is in the staff catalog, in
STAFF_LANGUAGE (Spanish by default, or English); `i18n`'s own report is for developers.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from bot.campaigns.schema import CampaignError
from bot.i18n import _s
from bot.i18n import configure as configure_i18n
from bot.settings import Settings, SettingsError, error_language
from bot.storage import DatabaseUnavailable
from consent import BandsError

# The command modules, in the order `python -m bot --help` lists them.
COMMANDS = (
    "run",
    "chat",
    "train",
    "migrate",
    "consent_doc",
    "privacy_doc",
    "i18n",
    "triage",
    "faq",
    "results",
    "campaigns",
    "broadcast",
    "feedback",
    "rotate_key",
)


def commands() -> dict[str, ModuleType]:
    """Every command module, by the name typed after `python -m bot`."""
    modules = (importlib.import_module(f"{__name__}.{module}") for module in COMMANDS)
    return {module.NAME: module for module in modules}


def parser(registered: dict[str, ModuleType] | None = None) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m bot", description="Voz Segura")
    subparsers = top.add_subparsers(dest="command", required=True)
    for name, module in (registered or commands()).items():
        module.arguments(subparsers.add_parser(name, help=module.HELP))
    return top


def main(argv: list[str] | None = None) -> int:
    registered = commands()
    args = parser(registered).parse_args(argv)
    try:
        settings = Settings.from_env()
        configure_i18n(
            staff_language=settings.staff_language, children_language=settings.children_language
        )
        code: int = registered[args.command].run(args, settings)
        return code
    except SettingsError as error:
        message = _s("error de configuración: {error}", error_language())
        print(message.format(error=error), file=sys.stderr)
        return 2
    except (CampaignError, BandsError) as error:
        print(_s("error en los datos: {error}").format(error=error), file=sys.stderr)
        return 2
    except DatabaseUnavailable as error:
        print(_s("error de la base de datos: {error}").format(error=error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
