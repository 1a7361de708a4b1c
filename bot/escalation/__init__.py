"""Escalation: cases, the outbox of alerts to the protection contact, and the relay that
delivers them at least once whatever fails (database slow, Telegram 429, a crash).

`Cases.open` commits a case and its alert together before the child is answered; the
relay (`bot.escalation.relay`) sends pending alerts and marks them sent only when the
protection chat acknowledged them.
"""

from bot.escalation.cases import Cases, Disclosure

__all__ = ["Cases", "Disclosure"]
