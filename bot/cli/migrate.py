"""`python -m bot migrate`: bring the database schema up to date (Alembic)."""

from __future__ import annotations

import argparse

from bot.i18n import _s
from bot.settings import Settings

NAME = "migrate"
HELP = "bring the database schema up to date"


def arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage import Database

    database = Database(settings.database_url)
    database.migrate()
    print(_s("la base de datos en {where} está al día").format(where=database.where))
    return 0
