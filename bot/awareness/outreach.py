"""/noticias and /baja as bot/engine.py reaches them: the answers the child reads and
`Outreach`, the subscription rows. Both live in bot.broadcasts (texts, subscriptions); this
module only names them for the engine, and goes when the engine imports bot.broadcasts.
"""

from bot.broadcasts.subscriptions import Outreach
from bot.broadcasts.texts import (
    ALREADY_SUBSCRIBED,
    NOT_HERE,
    NOT_SUBSCRIBED,
    SUBSCRIBED,
    UNSUBSCRIBED,
)

__all__ = [
    "ALREADY_SUBSCRIBED",
    "NOT_HERE",
    "NOT_SUBSCRIBED",
    "SUBSCRIBED",
    "UNSUBSCRIBED",
    "Outreach",
]
