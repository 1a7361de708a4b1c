"""The command line: `python -m bot <command>`.

run      start the bot: on Telegram if TELEGRAM_BOT_TOKEN is set, else a terminal chat
chat     the terminal chat, even when a token is set
train    train the Rasa model if config, domain or data changed (--force to retrain)
migrate  bring the database schema up to date
i18n     gettext catalogs: update from the sources, compile, or check completeness
consent-doc  print docs/consent.md (every assent text per band), made from the catalogs
privacy-doc  print docs/privacy.md (the privacy notice per band), made from the catalogs
triage   triage JSON lines from stdin (--text for one message, --evaluate FILE to measure)
faq      --evaluate FILE: measure FAQ answers through the engine (labelled YAML or JSON lines)
campaigns  validate | list | open ID | close ID | link ID | import FORM.xlsx: campaign files
results  a campaign's results with small-cell suppression: table, csv or json (--charts DIR)
broadcast  send an awareness message to subscribers (bot/awareness/outreach.py)

What these commands print for the person running them is in the staff catalog, in
STAFF_LANGUAGE (Spanish by default, or English); `i18n`'s own report is for developers.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from typing import TextIO

from bot.campaigns.schema import CampaignError
from bot.i18n import _s
from bot.settings import Settings, SettingsError
from bot.storage import DatabaseUnavailable
from consent import BandsError


def _chat(settings: Settings) -> int:
    from bot import runtime
    from bot.channels.terminal import Shell

    parts = runtime.build(settings)
    user = parts.pseudonymize("terminal", getpass.getuser())
    lane = parts.terminal_lane()

    async def chat() -> None:
        await lane.start()
        try:
            await Shell(parts.engine, user).run()
        finally:
            await lane.stop()

    asyncio.run(chat())
    return 0


def _run(settings: Settings) -> int:
    if not settings.telegram_token:
        print(
            _s("TELEGRAM_BOT_TOKEN no está definido: se abre el chat local en la terminal."),
            file=sys.stderr,
        )
        return _chat(settings)
    from telegram.error import InvalidToken

    from bot import runtime
    from bot.channels.telegram import assemble, run

    try:
        run(assemble(runtime.build(settings)), settings)
    except InvalidToken:
        # python-telegram-bot's message quotes the token: never print it.
        print(
            _s(
                "Telegram rechazó TELEGRAM_BOT_TOKEN. Revise el token con @BotFather (o pida "
                "uno nuevo con /revoke si pudo filtrarse) y vuelva a iniciar el bot."
            ),
            file=sys.stderr,
        )
        return 2
    return 0


def _rotate_key(settings: Settings, old_key_file: str | None, confirmed: bool) -> int:
    """The new key is the usual one (VOZ_SECRET_KEY or the key file); the old one is read
    from a file the operator names, so it never appears in a command line or history."""
    from pathlib import Path

    from bot.privacy import load_key
    from bot.rotation import rotate
    from bot.storage import Database

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
    if not confirmed:
        print(
            _s("nada cambió todavía: revise las cifras y repita con --yes para rotar la clave"),
            file=sys.stderr,
        )
        return 1
    return 0


def _train(settings: Settings, force: bool) -> int:
    from bot import agent, logs

    logs.configure(settings.log_level)
    print(agent.train(settings.model_dir, force=force))
    return 0


async def triage_lines(assistant, lines: TextIO, out: TextIO) -> int:  # type: ignore[no-untyped-def]
    """Triage each JSON line; a malformed line gets an error line in its place, so output
    stays aligned with input. Returns how many lines were malformed."""
    from bot.triage import Triage

    triage = Triage(getattr(assistant, "triage_model", None))
    bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = record["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            bad += 1
            error = _s('línea {number}: se esperaba un objeto JSON con un campo "text" de texto')
            error = error.format(number=number)
            print(error, file=sys.stderr)
            out.write(json.dumps({"error": error}, ensure_ascii=False) + "\n")
            continue
        verdict = triage.assess(text, await assistant.parse(text))
        out.write(json.dumps({"text": text, **verdict.as_dict()}, ensure_ascii=False) + "\n")
    return bad


def _quiet_assistant(settings: Settings):  # type: ignore[no-untyped-def]
    """The assistant (Rasa and the triage model), trained if needed, with logs at WARNING
    and whatever Rasa prints while training sent to stderr, so stdout stays the report."""
    import contextlib

    from bot import agent, logs

    logs.configure("WARNING")
    with contextlib.redirect_stdout(sys.stderr):
        return agent.RasaAssistant.load(agent.train(settings.model_dir))


def _labelled(path: str, load):  # type: ignore[no-untyped-def]
    """The rows of a labelled file, or None after saying on stderr why it cannot be read."""
    from pathlib import Path

    from bot.triage.evaluation import LabelError

    try:
        return load(Path(path))
    except (OSError, LabelError) as error:
        print(
            _s("no se puede evaluar {path}: {error}").format(path=path, error=error),
            file=sys.stderr,
        )
        return None


def _triage(settings: Settings, text: str | None) -> int:
    import io

    assistant = _quiet_assistant(settings)
    source = io.StringIO(json.dumps({"text": text}) + "\n") if text is not None else sys.stdin
    bad = asyncio.run(triage_lines(assistant, source, sys.stdout))
    return 1 if bad else 0


def _evaluate(settings: Settings, path: str) -> int:
    from bot.triage import Triage
    from bot.triage.evaluation import evaluate, format_report, load_rows

    rows = _labelled(path, load_rows)
    if rows is None:
        return 1
    assistant = _quiet_assistant(settings)
    triage = Triage(assistant.triage_model)

    async def verdicts():  # type: ignore[no-untyped-def]
        return [triage.assess(row["text"], await assistant.parse(row["text"])) for row in rows]

    print(format_report(evaluate(rows, asyncio.run(verdicts())), title=path))
    return 0


def _faq_evaluate(settings: Settings, path: str) -> int:
    import tempfile

    from bot.runtime import engine_for
    from bot.storage import Database
    from bot.triage.faq_evaluation import evaluate_faq, format_faq_report, load_questions

    rows = _labelled(path, load_questions)
    if rows is None:
        return 1
    assistant = _quiet_assistant(settings)
    # A scratch database: the questions open no case anywhere that matters.
    with tempfile.TemporaryDirectory() as scratch:
        database = Database(f"sqlite:///{scratch}/faq.db")
        database.migrate()
        engine = engine_for(assistant, database)
        report = asyncio.run(evaluate_faq(engine, assistant, rows))
        database.dispose()
    print(format_faq_report(report, title=path))
    return 0


def _i18n(action: str) -> int:
    from bot import i18n

    if action == "update":
        for change in i18n.update():
            print(change)
    if action in ("update", "compile"):
        i18n.compile_catalogs()
        return 0
    problems = i18n.problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def _consent_doc() -> int:
    from consent.document import render

    sys.stdout.write(render())
    return 0


def _privacy_doc() -> int:
    from consent.document import render_privacy

    sys.stdout.write(render_privacy())
    return 0


def _migrate(settings: Settings) -> int:
    from bot.storage import Database

    database = Database(settings.database_url)
    database.migrate()
    print(_s("la base de datos en {where} está al día").format(where=database.where))
    return 0


def _results(settings: Settings, campaign_id: str, form: str, chart_dir: str | None) -> int:
    from pathlib import Path

    from bot.campaigns import results
    from bot.campaigns.launch import CampaignRegistry, UnknownCampaign
    from bot.campaigns.report import as_html
    from bot.storage import Database

    database = Database(settings.database_url)
    database.migrate()
    registry = CampaignRegistry(database)
    try:
        campaign = registry.require(campaign_id)
    except UnknownCampaign as error:
        print(error, file=sys.stderr)
        return 1
    closed = registry.closed_for_release(campaign)
    published = results.published(database, campaign, registry.clock(), closed)
    if published is None:  # no release yet: nothing is published, live counts never are
        print(results.none_yet(campaign), file=sys.stderr)
        return 0
    render = {
        "table": lambda r: results.as_table(r, closed=closed),
        "csv": results.as_csv,
        "json": results.as_json,
        "html": lambda r: as_html(r, closed=closed),
    }
    sys.stdout.write(render[form](published))
    if chart_dir:
        for path in results.charts(published, Path(chart_dir)):
            print(path, file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Voz Segura")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the bot (Telegram, or terminal chat with no token)")
    commands.add_parser("chat", help="terminal chat with the bot")
    train = commands.add_parser("train", help="train the Rasa model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if up to date")
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser("consent-doc", help="print docs/consent.md, made from the catalogs")
    commands.add_parser("privacy-doc", help="print docs/privacy.md, made from the catalogs")
    i18n = commands.add_parser("i18n", help="gettext catalogs: update, compile or check")
    i18n.add_argument("action", choices=["update", "compile", "check"])
    triage = commands.add_parser("triage", help="triage JSON lines from stdin, or --text")
    triage.add_argument("--text", help="triage this one message instead of reading stdin")
    triage.add_argument(
        "--evaluate", metavar="FILE", help="measure triage on a labelled JSON lines file"
    )
    faq = commands.add_parser("faq", help="measure the FAQ through the engine")
    faq.add_argument(
        "--evaluate", metavar="FILE", required=True, help="a labelled FAQ file (YAML or JSON lines)"
    )
    results = commands.add_parser("results", help="a campaign's results, safe to publish")
    results.add_argument("campaign", help="the campaign id")
    results.add_argument(
        "--format",
        choices=["table", "csv", "json", "html"],
        default="table",
        help="html: one self-contained web page of the latest release",
    )
    results.add_argument("--charts", metavar="DIR", help="also write one PNG per question here")
    campaigns = commands.add_parser("campaigns", help="validate, list, open, close, link, import")
    from bot.campaigns.launch import add_arguments as add_campaign_arguments

    add_campaign_arguments(campaigns)
    broadcast = commands.add_parser("broadcast", help="send an awareness message to subscribers")
    from bot.awareness.outreach import add_arguments as add_broadcast_arguments

    add_broadcast_arguments(broadcast)
    rotate = commands.add_parser(
        "rotate-key", help="move the database to a new pseudonym key (see the README)"
    )
    old_key = rotate.add_mutually_exclusive_group(required=True)
    old_key.add_argument("--old-key-file", metavar="FILE", help="the key the database used")
    old_key.add_argument(
        "--old-key-lost", action="store_true", help="the old key is lost: start fresh"
    )
    rotate.add_argument("--yes", action="store_true", help="do it (without: only show what)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "run":
            return _run(settings)
        if args.command == "chat":
            return _chat(settings)
        if args.command == "train":
            return _train(settings, args.force)
        if args.command == "triage" and args.evaluate:
            return _evaluate(settings, args.evaluate)
        if args.command == "faq":
            return _faq_evaluate(settings, args.evaluate)
        if args.command == "consent-doc":
            return _consent_doc()
        if args.command == "privacy-doc":
            return _privacy_doc()
        if args.command == "i18n":
            return _i18n(args.action)
        if args.command == "triage":
            return _triage(settings, args.text)
        if args.command == "results":
            return _results(settings, args.campaign, args.format, args.charts)
        if args.command == "campaigns":
            from bot.campaigns.launch import command as campaigns_command

            return campaigns_command(args, settings)
        if args.command == "rotate-key":
            return _rotate_key(settings, args.old_key_file, args.yes)
        if args.command == "broadcast":
            from bot.awareness.outreach import command as broadcast_command

            return broadcast_command(args, settings)
        return _migrate(settings)
    except SettingsError as error:
        print(_s("error de configuración: {error}").format(error=error), file=sys.stderr)
        return 2
    except (CampaignError, BandsError) as error:
        print(_s("error en los datos: {error}").format(error=error), file=sys.stderr)
        return 2
    except DatabaseUnavailable as error:
        print(_s("error de la base de datos: {error}").format(error=error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
