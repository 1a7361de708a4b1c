"""Launching campaigns: which are open (CampaignStatus), which are live today, and what
consent asks assent for in a live one (`CampaignRegistry`). A campaign's link and QR poster
are bot/campaigns/posters.py's; the facilitator's commands are bot/cli/campaigns.py.

A campaign is *live* when a facilitator opened it (`campaigns open <id>`) and today, in
Costa Rica, is within its dates. A campaign never opened is a *draft*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.campaigns.model import Campaign
from bot.campaigns.schema import CAMPAIGNS_DIR, load_campaigns
from bot.campaigns.tables import CampaignStatus
from bot.i18n import N_, _s

if TYPE_CHECKING:
    from bot.storage import Database
    from consent.flow import Scope

OPEN, CLOSED, DRAFT = "open", "closed", "draft"
# A status as the facilitator reads it (the same words as /campanas).
STATUS_WORDS = {DRAFT: N_("borrador"), OPEN: N_("abierta"), CLOSED: N_("cerrada")}
NO_CAMPAIGN_FILES = N_("ninguna (campaigns/ no tiene archivos de consultas)")
# Campaign dates are Costa Rica dates; Costa Rica keeps UTC-6 all year (no daylight time).
LOCAL_OFFSET = timedelta(hours=-6)


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
