"""`python -m bot broadcast`: one awareness message, a free text (--text), a lesson's
invitation (--lesson) or a live campaign's (--campaign), to every subscriber, each message
ending with how to stop (/baja); --resume NAME finishes one that was stopped, --dry-run
shows what would be sent, to how many.

The work is bot.broadcasts' (rows, pacing, sending) and bot.channels.telegram.broadcasts' (the
broadcast's own Bot); this module reads the options, says what happens, and turns Ctrl-C
into a gentle stop: the first Ctrl-C (or SIGTERM) starts no new message and records the
one in flight, so nothing is repeated on resume; a second stops at once, like a crash.
A broadcast stopped either way is resumed with `--resume NAME`. On a day of heavy live
traffic, pass a lower `--rate`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from bot.broadcasts import (
    DEFAULT_RATE,
    TELEGRAM_RATE,
    Broadcaster,
    BroadcastError,
    BroadcastInfo,
    Outreach,
    ProgressBar,
    Stopped,
    Tally,
    check_name,
    compose,
    duration,
)
from bot.i18n import _s, _sn
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.storage import Database

NAME = "broadcast"
HELP = "send an awareness message to subscribers"


def _source(
    args: argparse.Namespace,
    settings: Settings,
    database: Database,
    clock: Callable[[], datetime],
) -> tuple[str, str]:
    """The message body and a default broadcast name, from --text, --lesson or --campaign."""
    stamp = f"{clock():%Y%m%d-%H%M}"
    if args.text is not None:
        return args.text, f"text-{stamp}"
    if args.lesson is not None:
        return _lesson_invitation(args.lesson), f"lesson-{args.lesson[:40]}-{stamp}"
    return _campaign_invitation(args.campaign, settings, database, clock), (
        f"campaign-{args.campaign[:40]}-{stamp}"
    )


def _lesson_invitation(lesson_id: str) -> str:
    try:
        from bot.awareness.invitation import InvitationError, invitation
    except ImportError as error:  # a checkout without its lessons: the rest still works
        raise BroadcastError(
            _s(
                "las lecciones no están disponibles: no se puede importar bot.awareness.schema "
                "({error}). Solución: use --text o --campaign hasta que las lecciones estén "
                "instaladas"
            ).format(error=error)
        ) from None
    try:
        return invitation(lesson_id)
    except InvitationError as error:
        raise BroadcastError(str(error)) from None


def _campaign_invitation(
    campaign_id: str, settings: Settings, database: Database, clock: Callable[[], datetime]
) -> str:
    from bot.campaigns.invitation import InvitationError, invitation

    try:
        invited = invitation(campaign_id, settings.telegram_bot_username, database, clock)
    except InvitationError as error:
        raise BroadcastError(str(error)) from None
    if invited.needs_code:
        print(
            _s(
                "nota: la consulta '{campaign}' pide un código de acceso del taller; a las "
                "personas suscritas que no lo tengan se les va a pedir"
            ).format(campaign=campaign_id),
            file=sys.stderr,
        )
    return invited.text


def arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="send these words (a /baja line is added)")
    what.add_argument("--lesson", metavar="ID", help="invite to this lesson, by its title")
    what.add_argument("--campaign", metavar="ID", help="invite to this live campaign, with link")
    what.add_argument("--resume", metavar="NAME", help="finish a broadcast that was stopped")
    parser.add_argument("--name", help="name this broadcast (default: source and time)")
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help=f"messages a second, overall (default {DEFAULT_RATE:g}, below {TELEGRAM_RATE:g})",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be sent, to how many; send none"
    )


def run(
    args: argparse.Namespace,
    settings: Settings,
    clock: Callable[[], datetime] = datetime.utcnow,
) -> int:
    """Returns the exit code (2: cannot start, 1: stopped)."""
    from bot import logs
    from bot.storage import Database

    if not 0 < args.rate < TELEGRAM_RATE:
        return _error(
            _s(
                "--rate {rate} no se permite: ponga una velocidad mayor que 0 y menor que {limit} "
                "mensajes por segundo (Telegram permite unos 30 para todo el bot; las respuestas "
                "y alertas del bot necesitan el resto). Valor por defecto: {default}"
            ).format(rate=f"{args.rate:g}", limit=f"{TELEGRAM_RATE:g}", default=f"{DEFAULT_RATE:g}")
        )
    if args.resume is not None and args.name is not None:
        return _error(
            _s("--name le pone nombre a un envío nuevo; --resume NOMBRE termina uno. Use solo uno")
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
    outreach = Outreach(database, clock)
    try:
        if args.resume is not None:
            info = outreach.find(args.resume)
            if info is None:
                known = ", ".join(outreach.names()) or _s("ninguno todavía")
                raise BroadcastError(
                    _s("no hay ningún envío llamado '{name}'. Últimos envíos: {known}").format(
                        name=args.resume, known=known
                    )
                )
            if info.finished_at is not None:
                print(
                    _s("el envío '{name}' ya terminó: {summary}").format(
                        name=info.name, summary=summary(info)
                    )
                )
                return 0
            if args.dry_run:
                print(
                    _sn(
                        "envío '{name}': falta {count} mensaje por enviar",
                        "envío '{name}': faltan {count} mensajes por enviar",
                        info.pending,
                    ).format(name=info.name, count=info.pending)
                )
                print(_dry_run(duration(info.pending, args.rate)))
                return 0
            return _send(settings, database, outreach, args.rate, None, info, clock)
        body, default_name = _source(args, settings, database, clock)
        text = compose(body)
        name = args.name or default_name
        check_name(name)
        outreach.check_can_start()
        if outreach.find(name) is not None:
            raise BroadcastError(
                _s("ya existe un envío llamado '{name}'. Solución: escoja otro --name").format(
                    name=name
                )
            )
    except BroadcastError as error:
        return _error(str(error))
    if args.dry_run:
        count = outreach.subscriber_count()
        would = _sn(
            "el envío '{name}' mandaría este mensaje a {count} persona suscrita:",
            "el envío '{name}' mandaría este mensaje a {count} personas suscritas:",
            count,
        )
        print(would.format(name=name, count=count) + "\n")
        print(text)
        print("\n" + _dry_run(duration(count, args.rate)))
        return 0
    return _send(settings, database, outreach, args.rate, (name, text), None, clock)


def _send(
    settings: Settings,
    database: Database,
    outreach: Outreach,
    rate: float,
    new: tuple[str, str] | None,
    info: BroadcastInfo | None,
    clock: Callable[[], datetime],
) -> int:
    """Open the broadcast's own Bot, create the broadcast if `new`, send, report."""
    from telegram.error import InvalidToken, TelegramError

    from bot.channels.telegram.broadcasts import TelegramSender, broadcast_bot

    assert settings.telegram_token is not None
    bar = ProgressBar()
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(bar)
    started: list[BroadcastInfo] = [info] if info is not None else []

    async def send() -> Tally:
        bot = broadcast_bot(
            settings.telegram_token or "",
            settings.telegram_api_base_url,
            redis_url=settings.redis_url,
            rate=settings.telegram_max_rate,
        )
        async with bot:  # getMe: a refused token or no network stops here, before any row
            if new is not None:
                started.append(outreach.create(*new))
            current = started[0]
            print(
                _sn(
                    "envío '{name}': {count} mensaje por enviar, a un máximo de {rate}/s. Si se "
                    "detiene, termínelo con: python -m bot broadcast --resume {name}",
                    "envío '{name}': {count} mensajes por enviar, a un máximo de {rate}/s. Si se "
                    "detiene, termínelo con: python -m bot broadcast --resume {name}",
                    current.pending,
                ).format(name=current.name, count=current.pending, rate=f"{rate:g}"),
                flush=True,
            )
            sender = TelegramSender(bot)
            broadcaster = Broadcaster(database, sender, rate=rate, clock=clock, on_progress=bar)
            return await broadcaster.run(current.id, _interruptible())

    cannot_start = stopped = None
    try:
        tally = asyncio.run(send())
        if outreach.info(started[0].id).finished_at is None:
            stopped = _s("interrumpido (los mensajes en curso quedaron registrados)")
    except KeyboardInterrupt:
        stopped = _s("interrumpido")
    except BroadcastError as error:
        cannot_start = str(error)
    except InvalidToken:
        cannot_start = _s(
            "Telegram rechazó TELEGRAM_BOT_TOKEN. Solución: copie el token que le dio @BotFather"
        )
    except Stopped as error:
        stopped = str(error)
    except TelegramError as error:
        stopped = _s("no se puede conectar con Telegram ({kind})").format(kind=type(error).__name__)
    except SQLAlchemyError as error:
        # The class only: a database error's text quotes SQL parameters (chat ids).
        stopped = _s("error de la base de datos ({kind})").format(kind=type(error).__name__)
    finally:
        bar.close()
        for handler in handlers:
            handler.removeFilter(bar)
    if cannot_start is not None:
        return _error(cannot_start)
    if stopped is not None:
        return _stopped(started, stopped)
    final = outreach.info(started[0].id)
    print(
        _s("el envío '{name}' terminó: {summary}").format(name=final.name, summary=summary(final))
    )
    if tally.skipped:
        print(
            _sn(
                "{count} se dio de baja durante el envío y no recibió nada",
                "{count} se dieron de baja durante el envío y no recibieron nada",
                tally.skipped,
            ).format(count=tally.skipped)
        )
    return 0


def _interruptible() -> asyncio.Event:
    """An event set by the first Ctrl-C (or SIGTERM): the broadcast then stops starting
    messages and records the ones in flight, so nothing is repeated on resume. A second
    Ctrl-C interrupts at once, like a crash."""
    import signal

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def first() -> None:
        stop.set()
        loop.remove_signal_handler(signal.SIGINT)
        loop.remove_signal_handler(signal.SIGTERM)

    try:
        loop.add_signal_handler(signal.SIGINT, first)
        loop.add_signal_handler(signal.SIGTERM, first)
    except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
        pass
    return stop


def summary(info: BroadcastInfo) -> str:
    """ "3 enviados, 1 dado de baja (...), 0 fallidos": each count with its own noun."""
    sent = _sn("{count} enviado", "{count} enviados", info.sent)
    dropped = _sn(
        "{count} dado de baja (bloqueó el bot: se le quitó la suscripción)",
        "{count} dados de baja (bloquearon el bot: se les quitó la suscripción)",
        info.dropped,
    )
    failed = _sn("{count} fallido", "{count} fallidos", info.failed)
    return ", ".join(
        (
            sent.format(count=info.sent),
            dropped.format(count=info.dropped),
            failed.format(count=info.failed),
        )
    )


def _dry_run(duration: str) -> str:
    return _s("aproximadamente {duration}; no se envió nada (prueba sin enviar)").format(
        duration=duration
    )


def _stopped(started: list[BroadcastInfo], why: str) -> int:
    if not started:
        return _error(_s("{why}; no se envió nada").format(why=why))
    name = started[0].name
    print(
        _s(
            "el envío '{name}' se detuvo: {why}. Lo enviado quedó registrado; termínelo con: "
            "python -m bot broadcast --resume {name}"
        ).format(name=name, why=why),
        file=sys.stderr,
    )
    return 1


def _error(message: str) -> int:
    print(_s("error: {error}").format(error=message), file=sys.stderr)
    return 2
