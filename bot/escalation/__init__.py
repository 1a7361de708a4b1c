"""Escalation: cases, the outbox of alerts to the protection contact, and the relay that
delivers them at least once whatever fails (database slow, Telegram 429, a crash). The
senders of cards are the channels' (`bot.channels.telegram.alerts`, `...terminal.alerts`).

`Cases.open` commits a case and its alert together before the child is answered; the
relay (`bot.escalation.relay`) sends pending alerts and marks them sent only when the
protection chat acknowledged them.
"""

from bot.escalation.cases import Cases, Disclosure
from bot.escalation.lane import EscalationLane
from bot.escalation.relay import AlertSender, Relay

__all__ = ["AlertSender", "Cases", "Disclosure", "EscalationLane", "Relay"]
