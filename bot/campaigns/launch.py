"""Launching campaigns: which are open (CampaignStatus), which are live today, their links
and QR posters, and the facilitator's command line (`python -m bot campaigns ...`).

A campaign is *live* when a facilitator opened it (`campaigns open <id>`) and today, in
Costa Rica, is within its dates. A campaign never opened is a *draft*.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.campaigns.model import Campaign
from bot.campaigns.schema import (
    CAMPAIGNS_DIR,
    CampaignError,
    campaign_files,
    duplicate_error,
    load_campaign,
    load_campaigns,
)
from bot.campaigns.tables import CampaignStatus
from bot.i18n import N_, _s, _sn
from bot.settings import ROOT, Settings, SettingsError, check_bot_username

if TYPE_CHECKING:
    from bot.storage import Database
    from consent.flow import Scope

OPEN, CLOSED, DRAFT = "open", "closed", "draft"
# A status as the facilitator reads it (the same words as /campanas).
STATUS_WORDS = {DRAFT: N_("borrador"), OPEN: N_("abierta"), CLOSED: N_("cerrada")}
NO_CAMPAIGN_FILES = N_("ninguna (campaigns/ no tiene archivos de consultas)")
# Campaign dates are Costa Rica dates; Costa Rica keeps UTC-6 all year (no daylight time).
LOCAL_OFFSET = timedelta(hours=-6)
QR_DIR = ROOT / "var" / "qr"


class UnknownCampaign(LookupError):
    """No campaign file declares this id; the message (staff language) lists the known ids."""

    def __init__(self, campaign_id: str, known: list[str]) -> None:
        self.campaign_id = campaign_id
        super().__init__(unknown_campaign_message(campaign_id, known))

    def __str__(self) -> str:  # LookupError would quote the message like a KeyError
        return str(self.args[0])


def unknown_campaign_message(campaign_id: str, known: list[str]) -> str:
    return _s(
        "consulta desconocida '{campaign}'. Consultas conocidas: {known}. Solución: use uno de "
        "estos ids (vea `python -m bot campaigns list`)"
    ).format(campaign=campaign_id, known=", ".join(known) if known else _s(NO_CAMPAIGN_FILES))


class CampaignRegistry:
    """The campaigns of a folder, read once, and their open/closed status, read from the
    database on every call (a facilitator may open or close one while the bot runs).
    `clock` returns naive UTC, like the rest of the bot."""

    def __init__(
        self,
        database: Database,
        folder: Path | str | None = None,  # None: the repository's campaigns/
        clock: Callable[[], datetime] = datetime.utcnow,
        campaigns: Mapping[str, Campaign] | None = None,
    ) -> None:
        self.database = database
        self.folder = Path(folder) if folder is not None else CAMPAIGNS_DIR
        self.clock = clock
        self.campaigns: dict[str, Campaign] = (
            dict(campaigns) if campaigns is not None else load_campaigns(self.folder)
        )

    def reload(self) -> None:
        """Read the campaign files again (raises CampaignError, keeping the old ones)."""
        self.campaigns = load_campaigns(self.folder)

    def ids(self) -> list[str]:
        return sorted(self.campaigns)

    def get(self, campaign_id: str) -> Campaign | None:
        return self.campaigns.get(campaign_id)

    def require(self, campaign_id: str) -> Campaign:
        campaign = self.get(campaign_id)
        if campaign is None:
            raise UnknownCampaign(campaign_id, self.ids())
        return campaign

    def today(self) -> date:
        """Today in Costa Rica."""
        return (self.clock() + LOCAL_OFFSET).date()

    def status(self, campaign_id: str) -> str:
        """open | closed | draft (never opened)."""
        with self.database.session() as session:
            row = session.get(CampaignStatus, campaign_id)
            return row.status if row is not None else DRAFT

    def statuses(self) -> dict[str, str]:
        """Every campaign's status, in one query."""
        with self.database.session() as session:
            rows = dict(
                session.execute(select(CampaignStatus.campaign, CampaignStatus.status)).all()
            )
        return {campaign_id: rows.get(campaign_id, DRAFT) for campaign_id in self.ids()}

    def open_campaigns(self) -> list[Campaign]:
        """The campaigns live now (opened, today within their dates), by opening date."""
        today = self.today()
        statuses = self.statuses()
        live = [
            campaign
            for campaign in self.campaigns.values()
            if statuses[campaign.id] == OPEN and campaign.is_open_on(today)
        ]
        return sorted(live, key=lambda campaign: (campaign.opens, campaign.id))

    def is_live(self, campaign: Campaign) -> bool:
        return self.status(campaign.id) == OPEN and campaign.is_open_on(self.today())

    def live(self, campaign_id: str) -> Campaign | None:
        """The campaign if a child may take part now: opened, and today within its dates."""
        campaign = self.get(campaign_id)
        return campaign if campaign is not None and self.is_live(campaign) else None

    def scope(self, campaign_id: str) -> Scope | None:
        """What consent asks assent for, for a live campaign (ConsentFlow's `scopes`)."""
        from consent.flow import Scope

        campaign = self.live(campaign_id)
        if campaign is None:
            return None
        return Scope(
            campaign=campaign.id,
            bands=campaign.audience,
            access_code=campaign.access_code,
            version=campaign.consent_version,
            describe=campaign.description.for_band,
        )

    def closed_for_release(self, campaign: Campaign) -> bool:
        """Closed, for its results (bot.campaigns.releases): closed by a facilitator, or
        past its last day; its last release is then taken."""
        return self.status(campaign.id) == CLOSED or self.today() > campaign.closes

    def set_status(self, campaign_id: str, status: str) -> Campaign:
        if status not in (OPEN, CLOSED):
            raise ValueError(f"status must be {OPEN} or {CLOSED}, not {status!r}")
        campaign = self.require(campaign_id)
        with self.database.session() as session:
            row = session.get(CampaignStatus, campaign_id)
            if row is None:
                session.add(
                    CampaignStatus(campaign=campaign_id, status=status, changed_at=self.clock())
                )
            else:
                row.status, row.changed_at = status, self.clock()
        return campaign

    def open(self, campaign_id: str) -> Campaign:
        return self.set_status(campaign_id, OPEN)

    def close(self, campaign_id: str) -> Campaign:
        return self.set_status(campaign_id, CLOSED)


def deep_link(bot_username: str, campaign_id: str) -> str:
    """The link that starts the bot on this campaign (the id is the /start payload)."""
    return f"https://t.me/{bot_username}?start={campaign_id}"


def write_qr(link: str, path: Path) -> Path:
    """A PNG QR code of the link, large enough for a printed poster."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=12, border=4)
    code.add_data(link)
    code.make(fit=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    code.make_image().save(str(path))
    return path


# -- the command line: python -m bot campaigns ... ------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `campaigns` subcommands, on the parser bot/cli.py made for them."""
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


def command(args: argparse.Namespace, settings: Settings, folder: Path | None = None) -> int:
    """Run `python -m bot campaigns <action>` on the campaigns of `folder` (default: the
    repository's campaigns/); returns the exit code."""
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
