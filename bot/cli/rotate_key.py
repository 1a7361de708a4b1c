"""`python -m bot rotate-key`: move the database to a new pseudonym key (bot/rotation.py).

The new key is the usual one (VOZ_SECRET_KEY or the key file); the old one is read from a
file the operator names, so it never appears in a command line or history. Without --yes
it only shows what would change, and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.i18n import _s
from bot.settings import Settings, SettingsError

NAME = "rotate-key"
HELP = "move the database to a new pseudonym key (see the README)"


def arguments(parser: argparse.ArgumentParser) -> None:
    old_key = parser.add_mutually_exclusive_group(required=True)
    old_key.add_argument("--old-key-file", metavar="FILE", help="the key the database used")
    old_key.add_argument(
        "--old-key-lost", action="store_true", help="the old key is lost: start fresh"
    )
    parser.add_argument("--yes", action="store_true", help="do it (without: only show what)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.privacy import load_key
    from bot.rotation import rotate
    from bot.storage import Database

    old_key_file: str | None = args.old_key_file
    confirmed: bool = args.yes
    old_key = None
    if old_key_file:
        if not Path(old_key_file).is_file():  # load_key would create it: never here
            raise SettingsError(
                _s("no existe el archivo de la clave anterior {path}").format(path=old_key_file)
            )
        old_key = load_key(None, Path(old_key_file))
    new_key = load_key(settings.secret_key, settings.key_file)
    database = Database(settings.database_url)
    database.migrate()
    done = rotate(database, old_key, new_key, dry_run=not confirmed)
    print(
        _s(
            "con la clave nueva: pasan {subscriptions} suscripciones a /noticias y {cases} "
            "casos abiertos con contacto; se borran {erased} filas por persona (no guardan el "
            "id de Telegram, no se pueden pasar); se desvinculan {unlinked} casos (se conservan "
            "para el equipo de protección)"
        ).format(
            subscriptions=done.rekeyed_subscriptions,
            cases=done.rekeyed_cases,
            erased=done.erased_rows,
            unlinked=done.unlinked_cases,
        )
    )
    if done.recount_campaigns:
        print(
            _s(
                "se borran también las fichas de participación de estas consultas: en ellas, "
                "quien ya participó podrá contestar una vez más y contar dos veces: {campaigns}"
            ).format(campaigns=", ".join(done.recount_campaigns)),
            file=sys.stderr,
        )
    if not confirmed:
        print(
            _s("nada cambió todavía: revise las cifras y repita con --yes para rotar la clave"),
            file=sys.stderr,
        )
        return 1
    return 0
