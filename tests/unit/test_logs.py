"""Logs never carry the bot token, and chatty libraries are held at WARNING."""

from __future__ import annotations

import logging

from bot import logs


def test_bot_token_in_a_log_line_is_masked():
    record = logging.LogRecord(
        "httpx",
        logging.WARNING,
        __file__,
        1,
        "POST https://api.telegram.org/bot%s/sendMessage",
        ("123456:ABCdefGHIjklMNOpqrSTUvwxYZ_0123-45",),
        None,
    )
    logs.RedactTokens().filter(record)
    assert "ABCdef" not in record.getMessage()
    assert "<token>" in record.getMessage()


def test_libraries_that_log_text_or_urls_are_quiet_even_at_debug():
    logs.configure("DEBUG")
    try:
        for name in ("rasa", "httpx", "telegram", "rasa.core.processor"):
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG)
            assert not logging.getLogger(name).isEnabledFor(logging.INFO)
    finally:
        logs.configure("INFO")
