"""`python -m bot campaigns validate|list|open|close|link|import`: the facilitator's
commands on the campaign files (bot/campaigns/schema.py) and their status
(bot/campaigns/launch.py): check files, list them with their status, open or close one,
print its link and write its QR poster, or write one from an XLSForm."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.campaigns.launch import (
    CLOSED,
    OPEN,
    STATUS_WORDS,
    CampaignRegistry,
    UnknownCampaign,
)
from bot.campaigns.model import Campaign
from bot.campaigns.posters import QR_DIR, deep_link, write_qr
from bot.campaigns.schema import (
    CAMPAIGNS_DIR,
    CampaignError,
    campaign_files,
    duplicate_error,
    load_campaign,
    load_campaigns,
)
from bot.i18n import _s, _sn
from bot.settings import Settings, SettingsError, check_bot_username

if TYPE_CHECKING:
    from bot.storage import Database

NAME = "campaigns"
HELP = "validate, list, open, close, link, import"


def arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    validate = actions.add_parser("validate", help="check campaign files (default: all)")
    validate.add_argument("files", nargs="*", metavar="FILE", help="campaign files or folders")
    actions.add_parser("list", help="every campaign: dates, status, live today or not")
    for name, meaning in (
        ("open", "children may take part (between its dates)"),
        ("close", "no one may take part any more"),
    ):
        action = actions.add_parser(name, help=f"{name} a campaign: {meaning}")
        action.add_argument("campaign", metavar="ID")
    imports = actions.add_parser("import", help="write a campaign file from an XLSForm (.xlsx)")
    imports.add_argument("form", type=Path, metavar="FORM.xlsx")
    imports.add_argument(
        "--out", type=Path, metavar="FILE", help="the campaign file (default campaigns/<id>.yml)"
    )
    link = actions.add_parser("link", help="print the campaign's Telegram link, write a QR PNG")
    link.add_argument("campaign", metavar="ID")
    link.add_argument("--bot-username", help="the bot's @username (default TELEGRAM_BOT_USERNAME)")
    link.add_argument(
        "--out", type=Path, default=QR_DIR, metavar="DIR", help=f"where the PNG goes ({QR_DIR})"
    )


def run(args: argparse.Namespace, settings: Settings, folder: Path | None = None) -> int:
    """Run the action on the campaigns of `folder` (default: the repository's campaigns/);
    returns the exit code."""
    from bot.storage import DatabaseUnavailable

    folder = folder if folder is not None else CAMPAIGNS_DIR

    try:
        if args.action == "validate":
            return _validate(args.files, folder)
        if args.action == "link":
            return _link(args, settings, folder)
        if args.action == "import":
            return _import(args.form, args.out, folder)
        registry = CampaignRegistry(_database(settings), folder)
        if args.action == "list":
            return _list(registry)
        return _set_status(registry, args.campaign, OPEN if args.action == "open" else CLOSED)
    except (ValueError, UnknownCampaign, DatabaseUnavailable) as error:
        # ValueError: CampaignError, or BandsError when consent/bands.yml is malformed
        print(_s("error: {error}").format(error=error), file=sys.stderr)
        return 1


def _database(settings: Settings) -> Database:
    from bot.storage import Database

    database = Database(settings.database_url)
    database.migrate()  # as `run` does: the status table exists on a fresh checkout too
    return database


def _validate(names: list[str], folder: Path) -> int:
    from consent.bands import load_bands

    paths: list[Path] = []
    for name in names or [str(folder)]:
        path = Path(name)
        paths.extend(campaign_files(path) if path.is_dir() else [path])
    if not paths:
        print(
            _s("no hay archivos de consultas (*.yml) en {folder}").format(folder=folder),
            file=sys.stderr,
        )
        return 0
    bands = load_bands()
    seen: dict[str, Campaign] = {}
    errors = 0
    for path in paths:
        try:
            campaign = load_campaign(path, bands)
            if campaign.id in seen:
                raise duplicate_error(seen[campaign.id], campaign)
        except CampaignError as error:
            print(_s("error: {error}").format(error=error), file=sys.stderr)
            errors += 1
            continue
        seen[campaign.id] = campaign
        count = len(campaign.questions)
        print(
            _sn(
                "ok: {campaign} ({count} pregunta)", "ok: {campaign} ({count} preguntas)", count
            ).format(campaign=campaign.id, count=count)
        )
    if errors:
        print(
            _sn(
                "{errors} de {total} archivos de consultas tiene errores",
                "{errors} de {total} archivos de consultas tienen errores",
                errors,
            ).format(errors=errors, total=len(paths)),
            file=sys.stderr,
        )
    return 1 if errors else 0


def _import(form: Path, out: Path | None, folder: Path) -> int:
    from bot.campaigns.xlsform import import_xlsform

    path = import_xlsform(form, out, folder)
    print(_s("ok: {path} (escrita y validada)").format(path=path))
    print(
        _s(
            "revise en ella 'description', 'opens', 'closes', 'audience' y 'consent_version' "
            "antes de abrirla"
        )
    )
    return 0


def _list(registry: CampaignRegistry) -> int:
    campaigns = [registry.campaigns[campaign_id] for campaign_id in registry.ids()]
    if not campaigns:
        print(_s("no hay consultas en {folder}").format(folder=registry.folder))
        return 0
    statuses = registry.statuses()
    live = {campaign.id for campaign in registry.open_campaigns()}
    # "id" stays as it is: it is the word of the campaign files and of these commands.
    rows = [("id", _s("estado"), _s("activa"), _s("fechas"), _s("título"))]
    for campaign in campaigns:
        rows.append(
            (
                campaign.id,
                _s(STATUS_WORDS[statuses[campaign.id]]),
                _s("sí") if campaign.id in live else _s("no"),
                _s("{opens} a {closes}").format(opens=campaign.opens, closes=campaign.closes),
                campaign.title,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in rows:
        cells = [row[column].ljust(widths[column]) for column in range(4)]
        print("  ".join([*cells, row[4]]))
    print(_s("(hoy en Costa Rica: {today})").format(today=registry.today()))
    return 0


def _set_status(registry: CampaignRegistry, campaign_id: str, status: str) -> int:
    campaign = registry.set_status(campaign_id, status)
    today = registry.today()
    print(f"{campaign.id}: {_s(STATUS_WORDS[status])}")
    if status == OPEN and not campaign.is_open_on(today):
        if today < campaign.opens:
            note = _s(
                "nota: no está activa hoy ({today}): sus fechas son del {opens} al {closes}; "
                "abre el {day}"
            )
        else:
            note = _s(
                "nota: no está activa hoy ({today}): sus fechas son del {opens} al {closes}; "
                "cerró el {day}"
            )
        day = campaign.opens if today < campaign.opens else campaign.closes
        print(note.format(today=today, opens=campaign.opens, closes=campaign.closes, day=day))
    return 0


def _link(args: argparse.Namespace, settings: Settings, folder: Path) -> int:
    campaigns = load_campaigns(folder)
    campaign = campaigns.get(args.campaign)
    if campaign is None:
        raise UnknownCampaign(args.campaign, sorted(campaigns))
    try:
        username = (
            check_bot_username(args.bot_username, "--bot-username")
            if args.bot_username
            else settings.telegram_bot_username
        )
    except SettingsError as error:
        print(_s("error: {error}").format(error=error), file=sys.stderr)
        return 1
    if not username:
        unknown = _s(
            "no se conoce el nombre de usuario del bot. Solución: pase --bot-username "
            "VozSeguraBot, o defina TELEGRAM_BOT_USERNAME (en .env o en el entorno)"
        )
        print(_s("error: {error}").format(error=unknown), file=sys.stderr)
        return 1
    link = deep_link(username, campaign.id)
    png = write_qr(link, Path(args.out) / f"{campaign.id}-qr.png")
    print(link)
    print(png)
    if campaign.access_code:
        print(_s("nota: esta consulta pide su código de acceso; repártalo en el taller"))
    return 0
