"""News subscriptions as a flow: /noticias and /baja, and what /borrar erases of them.

Occasional awareness messages go only to a private chat: /noticias where no private chat
can be kept (a group, the terminal chat) says so. The rows and the broadcasts that use
them are `Outreach`'s (bot.broadcasts.subscriptions). /baja also withdraws what else is
waiting to be sent to the child (`also`: a campaign's results, bot.campaigns.feedback).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import MappingProxyType

from bot.awareness.tables import BroadcastDelivery, Subscription
from bot.broadcasts import texts
from bot.broadcasts.subscriptions import Outreach
from bot.events import Reply
from bot.flows import Flow, Turn
from bot.i18n import _


class NewsFlow(Flow):
    name = "news"
    commands = frozenset({"noticias", "baja"})
    usage = MappingProxyType(
        {
            "noticias": _("para recibir mensajes de vez en cuando"),
            "baja": _("para dejar de recibirlos"),
        }
    )
    erases = frozenset({Subscription.__tablename__, BroadcastDelivery.__tablename__})

    def __init__(self, subscriptions: Outreach, also: Sequence[Callable[[str], int]] = ()) -> None:
        self.subscriptions = subscriptions
        self.also = also

    async def command(self, turn: Turn) -> list[Reply]:
        event = turn.event
        if event.text.lower() == "baja":
            removed = self.subscriptions.unsubscribe(event.user)
            removed = sum(withdraw(event.user) for withdraw in self.also) > 0 or removed
            return [Reply(texts.UNSUBSCRIBED if removed else texts.NOT_SUBSCRIBED)]
        if event.address is None:  # only a private chat has an address (bot.events)
            return [Reply(texts.NOT_HERE)]
        new = self.subscriptions.subscribe(event.user, event.address)
        return [Reply(texts.SUBSCRIBED if new else texts.ALREADY_SUBSCRIBED)]

    def erase(self, user: str) -> int:
        return self.subscriptions.erase(user)
