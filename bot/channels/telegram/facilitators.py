"""Facilitators' commands in Telegram: /campanas and /resultados <id>.

Only Telegram user ids in FACILITATOR_IDS get them, in a private chat with the bot; for
everyone else the command falls through to the children's handlers, which answer it as
an unknown command. Results are the latest release of the published tables (small cells
suppressed, every figure perturbed), never the live counters nor anything about a person.
"""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.campaigns import results
from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.model import Campaign
from bot.channels.telegram.handlers import BotApplication
from bot.i18n import N_, _s, staff_date, staff_number
from bot.storage import Database

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 3500  # characters of table per message, under Telegram's 4096 with markup
# Staff texts (STAFF_LANGUAGE), translated when sent.
USAGE = N_("Escriba /resultados seguido del id de la consulta, por ejemplo: /resultados {example}")
UNKNOWN = N_("No hay una consulta con ese id. Las consultas son: {known}")
NO_CAMPAIGNS = N_("No hay consultas en campaigns/.")
LISTED = N_("{live} {campaign}: {title} ({status}, {opens} → {closes}; completadas: {completed})")
STATUSES = {"draft": N_("borrador"), "open": N_("abierta"), "closed": N_("cerrada")}


class FacilitatorCommands:
    def __init__(self, registry: CampaignRegistry, database: Database) -> None:
        self.registry = registry
        self.database = database

    def published(self, campaign: Campaign) -> results.Results | None:
        """The latest release (perturbed), never the live counters."""
        closed = self.registry.closed_for_release(campaign)
        return results.published(self.database, campaign, self.registry.clock(), closed)

    def listing(self) -> str:
        statuses = self.registry.statuses()
        lines = []
        for campaign_id in self.registry.ids():
            campaign = self.registry.get(campaign_id)
            assert campaign is not None
            published = self.published(campaign)
            completed = "—" if published is None else published.completions.cells[-1].shown
            status = statuses[campaign_id]
            lines.append(
                _s(LISTED).format(
                    live="🟢" if self.registry.live(campaign_id) else "⚪",
                    campaign=campaign_id,
                    title=campaign.title,
                    status=_s(STATUSES[status]) if status in STATUSES else status,
                    opens=staff_date(campaign.opens),
                    closes=staff_date(campaign.closes),
                    completed=completed if isinstance(completed, str) else staff_number(completed),
                )
            )
        return "\n".join(lines) or _s(NO_CAMPAIGNS)

    def table(self, campaign_id: str) -> list[str] | None:
        """The published table in message-sized pieces, or None for an unknown id."""
        campaign = self.registry.get(campaign_id)
        if campaign is None:
            return None
        published = self.published(campaign)
        if published is None:
            return [results.none_yet(campaign)]
        text = results.as_table(published, closed=self.registry.closed_for_release(campaign))
        pieces, current = [], ""
        for block in text.split("\n\n"):
            if current and len(current) + len(block) + 2 > MESSAGE_LIMIT:
                pieces.append(current)
                current = ""
            current = f"{current}\n\n{block}" if current else block
        return [*pieces, current] if current else pieces

    async def on_campaigns(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(self.listing())

    async def on_results(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        ids = self.registry.ids()
        if not context.args:
            await message.reply_text(_s(USAGE).format(example=ids[0] if ids else _s("mi-consulta")))
            return
        pieces = self.table(context.args[0])
        if pieces is None:
            await message.reply_text(_s(UNKNOWN).format(known=", ".join(ids) or "—"))
            return
        for piece in pieces:
            # <pre> keeps the columns aligned in Telegram's proportional font.
            await message.reply_text(f"<pre>{html.escape(piece)}</pre>", parse_mode=ParseMode.HTML)


def register_facilitator_commands(
    application: BotApplication, commands: FacilitatorCommands, facilitator_ids: frozenset[int]
) -> None:
    """Register before the children's handlers, so these win for facilitators only."""
    if not facilitator_ids:
        return
    allowed = filters.ChatType.PRIVATE & filters.User(user_id=facilitator_ids)
    application.add_handler(CommandHandler("campanas", commands.on_campaigns, filters=allowed))
    application.add_handler(CommandHandler("resultados", commands.on_results, filters=allowed))
