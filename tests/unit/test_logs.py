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


def test_an_update_python_telegram_bot_could_not_read_is_not_quoted():
    """PTB logs such an update whole, at CRITICAL (its webhook handler still does)."""
    update = {"message": {"text": "me pega mi tío Pelusa", "chat": {"id": 987654321}}}
    try:
        raise TypeError(f"cannot read {update!r}")
    except TypeError as error:
        failure = (TypeError, error, error.__traceback__)
    record = logging.LogRecord(
        "telegram.ext.Updater",
        logging.CRITICAL,
        __file__,
        1,
        "Something went wrong processing the data received from Telegram. "
        "Received data was *not* processed! Received data was: %r",
        (update,),
        failure,
    )
    logs.RedactTokens().filter(record)
    shown = logs.SafeFormatter(logs.FORMAT).format(record)
    assert "Received data was (not shown)" in shown and "TypeError" in shown
    assert "Pelusa" not in shown and "987654321" not in shown
