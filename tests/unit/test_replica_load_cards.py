"""The replica bench counts cards beyond the outbox rows sent as doubles: a burst's summary
(bot.escalation.burst), which names cases that still get their own card and has no row of
its own, must not count as one."""

from __future__ import annotations

from types import SimpleNamespace

from bench.replica_load import _own_cards
from bench.replicas import PROTECTION_CHAT
from bot.escalation.cards import summary


def test_a_burst_summary_is_not_counted_as_a_card():
    card = SimpleNamespace(chat_id=PROTECTION_CHAT, text="Nuevo caso VS-000001\n\nUrgencia: …")
    burst = SimpleNamespace(
        chat_id=PROTECTION_CHAT,
        text=summary([(2, "VS-000002", "emergency"), (3, "VS-000003", "high")]),
    )
    reply = SimpleNamespace(chat_id=7_330_000_001, text="Hola")
    assert _own_cards([card, burst, reply]) == [card]
