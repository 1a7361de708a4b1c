"""Logging that cannot leak: no message text, no raw Telegram id, no bot token.

Our own code never passes text or ids to a logger. Libraries do: Rasa logs user text at
debug level (through stdlib logging and structlog), and httpx logs request URLs, which
carry the bot token. Those loggers are held at WARNING whatever LOG_LEVEL says, and a
filter and the formatter of every handler mask anything shaped like a bot token as a last line
of defence, in the message, the arguments, the traceback and the exception's own message
(python-telegram-bot's InvalidToken quotes the token it was given).

Where an exception may carry message text (a failed INSERT quotes its parameters; a
library's error may quote what it was sending), our code logs `describe(error)`: the class
and where it was raised, never its message.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import IO, Any

TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")

# Libraries known to log message text or request URLs below WARNING.
QUIET_LOGGERS = (
    "rasa",
    "rasa_sdk",
    "httpx",
    "httpcore",
    "telegram",
    "apscheduler",
    "sanic",
    "aiohttp",  # the bots' HTTP client (bot/channels/telegram/request.py) and the webhook server
    "tensorflow",
    "absl",
    "matplotlib",
    "urllib3",
    "asyncio",
    "alembic",
    "sqlalchemy",
)


def mask(text: str) -> str:
    return TOKEN_PATTERN.sub("<token>", text)


def describe(error: BaseException | None) -> str:
    """What may be logged of an exception that may quote message text or ids: its class,
    its cause's class, and the frames it passed through (file:line function), no message."""
    if error is None:
        return "no exception"
    where = [
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
        for frame in traceback.extract_tb(error.__traceback__)[-3:]
    ]
    name = type(error).__name__
    cause = error.__cause__ or error.__context__
    if cause is not None:
        name += f" from {type(cause).__name__}"
    return f"{name} at {' < '.join(reversed(where))}" if where else name


# python-telegram-bot logs an update it could not read whole, at CRITICAL ("Received data
# was ..."): a child's words, name and ids. Such a record keeps its first words only.
RECEIVED_DATA = "Received data was"


class RedactTokens(logging.Filter):
    """Masks bot tokens in the message, the traceback and the stack of any record, and drops
    the raw updates python-telegram-bot quotes (`RECEIVED_DATA`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and RECEIVED_DATA in str(record.msg):
            record.msg = str(record.msg).split(RECEIVED_DATA)[0] + RECEIVED_DATA + " (not shown)"
            record.args = None
            if record.exc_info:
                record.exc_text = describe(record.exc_info[1])
                record.exc_info = None
        message = record.getMessage()
        if TOKEN_PATTERN.search(message):
            record.msg = mask(message)
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: every handler prints the masked one.
            record.exc_text = mask("".join(traceback.format_exception(*record.exc_info)).rstrip())
        elif record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class _MaskingFactory:
    """Records are masked as they are made, so that a handler without RedactTokens (a
    library's, a test's) still prints the masked message and traceback."""

    masking = True  # configure() wraps the record factory once, not again on each call

    def __init__(self, make: Callable[..., logging.LogRecord]) -> None:
        self.make = make

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.make(*args, **kwargs)
        try:
            RedactTokens().filter(record)
        except Exception:  # noqa: BLE001 - a bad format string fails in the handler, as usual
            pass
        return record


class SafeFormatter(logging.Formatter):
    """The project's formatter: whatever ends up in the line, tokens are masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


def _log_uncaught(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    """An exception nobody caught goes through the masked handler, not raw to stderr."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    logging.getLogger("bot").critical("uncaught %s", describe(error), exc_info=(kind, error, trace))


def quiet_libraries() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    _quiet_structlog()


def _quiet_structlog() -> None:
    """Rasa 3.6 also logs through structlog, which prints to stdout unless configured."""
    try:
        import structlog
    except ImportError:  # structlog comes with Rasa; a bot-layer-only install has none
        return
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=False,
    )


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str = "INFO", stream: IO[str] | None = None) -> None:
    """One handler on the root logger (stderr unless `stream`), masked and quiet."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SafeFormatter(FORMAT))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    sys.excepthook = _log_uncaught
    make = logging.getLogRecordFactory()
    if not getattr(make, "masking", False):
        logging.setLogRecordFactory(_MaskingFactory(make))
    quiet_libraries()
