"""Logging that cannot leak: no message text, no raw Telegram id, no bot token.

Our own code never passes text or ids to a logger. Libraries do: Rasa logs user text at
debug level (through stdlib logging and structlog), and httpx logs request URLs, which
carry the bot token. Those loggers are held at WARNING whatever LOG_LEVEL says, and a
filter on every handler masks anything shaped like a bot token as a last line of defence.
"""

from __future__ import annotations

import logging
import re

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
    "aiohttp",  # the bots' HTTP client (bot/telegram/request.py) and the webhook server
    "tensorflow",
    "absl",
    "matplotlib",
    "urllib3",
    "asyncio",
    "alembic",
    "sqlalchemy",
)


class RedactTokens(logging.Filter):
    """Masks bot tokens in the formatted message of any record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_PATTERN.search(message):
            record.msg = TOKEN_PATTERN.sub("<token>", message)
            record.args = None
        return True


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


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_libraries()
