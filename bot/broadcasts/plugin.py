"""The news subscriptions' flow, in the engine's order (bot.flows.plugins): /noticias and
/baja; /baja also withdraws the campaign results a child asked for."""

from __future__ import annotations

from bot.broadcasts.news import NewsFlow
from bot.broadcasts.subscriptions import Outreach
from bot.flows import Flow
from bot.flows.plugins import FlowContext, FlowSpec


def news(context: FlowContext) -> Flow:
    return NewsFlow(Outreach(context.database), also=(context.requests.withdraw,))


FLOWS = (FlowSpec("news", 50, news),)
