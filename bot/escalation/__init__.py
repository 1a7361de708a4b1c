"""Escalation: cases, the outbox of alerts to the protection contact, and the relay that
delivers them at least once whatever fails (database slow, Telegram 429, a crash).

`Cases.open` commits a case and its alert together before the child is answered; the
relay (`bot.escalation.relay`) sends pending alerts and marks them sent only when the
protection chat acknowledged them.
"""

from bot.escalation.cases import Cases, Disclosure
from bot.escalation.lane import EscalationLane
from bot.escalation.relay import Relay
from bot.escalation.senders import TelegramAlertSender, TerminalAlertSender, alert_bot

__all__ = [
    "Cases",
    "Disclosure",
    "EscalationLane",
    "Relay",
    "TelegramAlertSender",
    "TerminalAlertSender",
    "alert_bot",
]
