"""A campaign's invitation: what a broadcast needs to invite subscribers to one live
campaign (its title, its link and the words to send), or why it cannot
(`InvitationError`, in the staff language)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.campaigns.launch import STATUS_WORDS, CampaignRegistry, unknown_campaign_message
from bot.campaigns.posters import deep_link
from bot.campaigns.schema import CAMPAIGNS_DIR, CampaignError, load_campaigns
from bot.i18n import _, _s

if TYPE_CHECKING:
    from bot.storage import Database

CAMPAIGN_INVITATION = _(
    "🗣️ Hay una consulta nueva en Voz Segura: «{title}».\n"
    "No tiene que decir su nombre, y puede salirse cuando quiera. Si quiere participar, "
    "toque aquí: {link}"
)


class InvitationError(ValueError):
    """No invitation to this campaign: the message says why and the fix (staff catalog)."""


@dataclass(frozen=True)
class Invitation:
    campaign: str
    title: str
    link: str  # the deep link that starts the bot on the campaign
    text: str  # what the subscriber reads
    needs_code: bool  # the campaign asks for its workshop's access code


def invitation(
    campaign_id: str,
    bot_username: str | None,
    database: Database,
    clock: Callable[[], datetime] = datetime.utcnow,
    folder: Path | str = CAMPAIGNS_DIR,
) -> Invitation:
    """The invitation to `campaign_id`, which must be live now (a link to anything else
    would lead nowhere); `bot_username` makes its link."""
    try:
        campaigns = load_campaigns(folder)
    except CampaignError as error:
        raise InvitationError(
            _s("no se pueden leer las consultas: {error}").format(error=error)
        ) from None
    campaign = campaigns.get(campaign_id)
    if campaign is None:
        raise InvitationError(unknown_campaign_message(campaign_id, sorted(campaigns)))
    if not bot_username:
        raise InvitationError(
            _s(
                "la invitación necesita el enlace de la consulta, y no se conoce el nombre de "
                "usuario del bot. Solución: defina TELEGRAM_BOT_USERNAME (en .env o en el entorno)"
            )
        )
    registry = CampaignRegistry(database, folder, clock=clock, campaigns=campaigns)
    if not registry.is_live(campaign):
        raise InvitationError(
            _s(
                "la consulta '{campaign}' no está activa hoy (estado: {status}, fechas del "
                "{opens} al {closes}), así que su enlace no llevaría a ningún lado. Solución: "
                "ábrala con `python -m bot campaigns open {campaign}` un día dentro de sus fechas"
            ).format(
                campaign=campaign_id,
                status=_s(STATUS_WORDS[registry.status(campaign_id)]),
                opens=campaign.opens,
                closes=campaign.closes,
            )
        )
    link = deep_link(bot_username, campaign.id)
    return Invitation(
        campaign=campaign.id,
        title=campaign.title,
        link=link,
        text=CAMPAIGN_INVITATION.format(title=campaign.title, link=link),
        needs_code=bool(campaign.access_code),
    )
