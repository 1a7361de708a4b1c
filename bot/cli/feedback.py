"""`python -m bot feedback ID`: tell the children who asked for a campaign's results what came
of their answers, from the latest release, at once. The running Telegram bot does the same on
its own within minutes of a release (bot.campaigns.results_task); the command is for a dry
run, or to send without waiting. Both claim each request first, so they never both send it.

The work is bot.campaigns.feedback's (the requests, the wording, the paced sending) and
bot.channels.telegram.broadcasts' (a Bot of its own, like a broadcast, so the live bot is
never starved). Each request is deleted once its message is sent: running the command again
sends only what is left, so a run that stopped is finished by running it again. --dry-run
shows how many messages would go, and the one for each age band.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.broadcasts.pacing import DEFAULT_RATE, TELEGRAM_RATE, duration
from bot.i18n import _s, _sn
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.campaigns.model import Campaign
    from bot.campaigns.results import Results
    from bot.storage import Database

NAME = "feedback"
HELP = "send a campaign's results to the children who asked for them"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("campaign", help="the campaign id")
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help=f"messages a second, overall (default {DEFAULT_RATE:g}, below {TELEGRAM_RATE:g})",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be sent, to how many; send none"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Returns the exit code (2: cannot start, 1: stopped with messages left)."""
    from bot import logs
    from bot.campaigns import results
    from bot.campaigns.feedback import ResultsRequests, summary
    from bot.campaigns.launch import CampaignRegistry, UnknownCampaign
    from bot.storage import Database

    if not 0 < args.rate < TELEGRAM_RATE:
        return _error(
            _s("--rate {rate} no se permite: use un número mayor que 0 y menor que {limit}").format(
                rate=f"{args.rate:g}", limit=f"{TELEGRAM_RATE:g}"
            )
        )
    if not args.dry_run and not settings.telegram_token:
        return _error(
            _s(
                "TELEGRAM_BOT_TOKEN no está definido: el envío lo hace el bot en Telegram. "
                "Solución: defina TELEGRAM_BOT_TOKEN (en .env o en el entorno), o use --dry-run"
            )
        )
    logs.configure(settings.log_level)
    database = Database(settings.database_url)
    database.migrate()
    registry = CampaignRegistry(database)
    try:
        campaign = registry.require(args.campaign)
    except UnknownCampaign as error:
        return _error(str(error))
    closed = registry.closed_for_release(campaign)
    published = results.published(database, campaign, registry.clock(), closed)
    if published is None and not closed:
        print(results.none_yet(campaign))
        print(_s("no se envió nada: los mensajes salen con la primera publicación"))
        return 0
    number = published.release.number if published is not None and published.release else 0
    due = ResultsRequests(database).due(campaign.id, number, closed)
    if args.dry_run:
        print(
            _sn(
                "{count} mensaje por enviar; aproximadamente {duration}",
                "{count} mensajes por enviar; aproximadamente {duration}",
                len(due),
            ).format(count=len(due), duration=duration(len(due), args.rate))
        )
        for band in sorted({request.band for request in due}):
            print(f"\n--- {band} ---\n{summary(campaign, published, band)}")
        print("\n" + _s("no se envió nada (prueba sin enviar)"))
        return 0
    return _send(settings, database, campaign, published, closed, args.rate)


def _send(
    settings: Settings,
    database: Database,
    campaign: Campaign,
    published: Results | None,
    closed: bool,
    rate: float,
) -> int:
    import asyncio

    from telegram.error import InvalidToken, TelegramError

    from bot.broadcasts import Stopped
    from bot.campaigns.feedback import MAX_REJECTIONS, Notifier, Sent
    from bot.channels.telegram.broadcasts import TelegramSender, broadcast_bot

    async def send() -> Sent:
        bot = broadcast_bot(
            settings.telegram_token or "",
            settings.telegram_api_base_url,
            redis_url=settings.redis_url,
            rate=settings.telegram_max_rate,
        )
        async with bot:  # getMe: a refused token or no network stops here, before any send
            notifier = Notifier(database, TelegramSender(bot), rate=rate)
            return await notifier.run(campaign, published, closed)

    try:
        sent = asyncio.run(send())
    except InvalidToken:
        return _error(
            _s(
                "Telegram rechazó TELEGRAM_BOT_TOKEN. Solución: copie el token que le dio "
                "@BotFather"
            )
        )
    except (Stopped, TelegramError) as error:
        print(
            _s(
                "se detuvo: {why}. Lo enviado quedó registrado; termine con el mismo comando"
            ).format(why=type(error).__name__),
            file=sys.stderr,
        )
        return 1
    print(
        _s(
            "resultados enviados: {sent} enviados, {dropped} bloquearon el bot, {failed} "
            "fallidos (se reintentan la próxima vez)"
        ).format(sent=sent.sent, dropped=sent.dropped, failed=sent.failed)
    )
    if sent.given_up:
        print(
            _sn(
                "{count} pedido descartado: Telegram lo rechazó {times} veces (error 400)",
                "{count} pedidos descartados: Telegram los rechazó {times} veces (error 400)",
                sent.given_up,
            ).format(count=sent.given_up, times=MAX_REJECTIONS)
        )
    return 0


def _error(message: str) -> int:
    print(_s("error: {error}").format(error=message), file=sys.stderr)
    return 2
