"""The command line: `python -m bot <command>`.

run      start the bot: on Telegram if TELEGRAM_BOT_TOKEN is set, else a terminal chat
chat     the terminal chat, even when a token is set
train    train the Rasa model if config, domain or data changed (--force to retrain)
migrate  bring the database schema up to date
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from typing import TextIO

from bot.settings import Settings, SettingsError


def _chat(settings: Settings) -> int:
    from bot import runtime
    from bot.shell import Shell

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
            "TELEGRAM_BOT_TOKEN is not set: opening the local terminal chat instead.",
            file=sys.stderr,
        )
        return _chat(settings)
    from bot import runtime
    from bot.telegram import assemble, run

    run(assemble(runtime.build(settings)), settings)
    return 0


def _train(settings: Settings, force: bool) -> int:
    from bot import agent, logs

    logs.configure(settings.log_level)
    print(agent.train(settings.model_dir, force=force))
    return 0


async def triage_lines(assistant, lines: TextIO, out: TextIO) -> int:  # type: ignore[no-untyped-def]
    """Triage each JSON line; a malformed line gets an error line in its place, so output
    stays aligned with input. Returns how many lines were malformed."""
    from bot.triage import triage

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
            error = f'line {number}: expected a JSON object with a string "text" field'
            print(error, file=sys.stderr)
            out.write(json.dumps({"error": error}, ensure_ascii=False) + "\n")
            continue
        verdict = triage(text, await assistant.parse(text))
        out.write(json.dumps({"text": text, **verdict.as_dict()}, ensure_ascii=False) + "\n")
    return bad


def _triage(settings: Settings, text: str | None) -> int:
    import contextlib
    import io

    from bot import agent, logs

    logs.configure("WARNING")
    with contextlib.redirect_stdout(sys.stderr):  # Rasa prints while training: keep stdout JSON
        assistant = agent.RasaAssistant.load(agent.train(settings.model_dir))
    source = io.StringIO(json.dumps({"text": text}) + "\n") if text is not None else sys.stdin
    bad = asyncio.run(triage_lines(assistant, source, sys.stdout))
    return 1 if bad else 0


def _migrate(settings: Settings) -> int:
    from bot.storage import Database

    database = Database(settings.database_url)
    database.migrate()
    print(f"database at {database.where} is up to date")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Voz Segura")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the bot (Telegram, or terminal chat with no token)")
    commands.add_parser("chat", help="terminal chat with the bot")
    train = commands.add_parser("train", help="train the Rasa model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if up to date")
    commands.add_parser("migrate", help="bring the database schema up to date")
    triage = commands.add_parser("triage", help="triage JSON lines from stdin, or --text")
    triage.add_argument("--text", help="triage this one message instead of reading stdin")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "run":
            return _run(settings)
        if args.command == "chat":
            return _chat(settings)
        if args.command == "train":
            return _train(settings, args.force)
        if args.command == "triage":
            return _triage(settings, args.text)
        return _migrate(settings)
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
