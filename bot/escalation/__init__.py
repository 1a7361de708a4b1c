"""Escalation: cases, the outbox of alerts to the protection contact, and the relay that
delivers them at least once whatever fails (database slow, Telegram 429, a crash). The
senders of cards are the channels' (`bot.channels.telegram.alerts`, `...terminal.alerts`).

`Cases.file` commits a disclosure before the child is answered: a new case and its alert,
or, for a child who already has an open case, an update of that case and its «Nuevo mensaje
en el caso» card (one open case per child). The relay (`bot.escalation.relay`) sends pending
cards, emergencies first and within the group's limit (a burst gets one summary card), and
marks them sent only when the protection chat acknowledged them.
"""

from bot.escalation.cases import Cases, Disclosure
from bot.escalation.lane import EscalationLane
from bot.escalation.relay import AlertSender, Relay

__all__ = ["AlertSender", "Cases", "Disclosure", "EscalationLane", "Relay"]
