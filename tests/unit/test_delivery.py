"""What a failed send means (bot.channels.telegram.delivery.classify). The PTB errors the
relay and the broadcasts meet are pinned through them (tests/test_escalation_relay.py,
tests/test_outreach.py); these are the cases neither reaches through the Bot API fake."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import Conflict

from bot.channels.delivery import Transient
from bot.channels.telegram.delivery import classify


@pytest.mark.parametrize(
    ("raised", "described"),
    [
        (asyncio.TimeoutError(), "Transient TimedOut"),  # our own wait_for around a send
        (Conflict("Conflict: terminated by other getUpdates request"), "Transient Conflict"),
    ],
)
def test_a_timeout_or_an_unexpected_telegram_error_is_transient_and_keeps_no_text(
    raised, described
):
    failure = classify(raised)
    assert isinstance(failure, Transient)
    assert failure.describe() == described
    assert "getUpdates" not in str(failure)
