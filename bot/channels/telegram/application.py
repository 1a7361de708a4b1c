"""Builds and runs the python-telegram-bot Application (polling or webhook)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, BaseRateLimiter

from bot.campaigns.flow import CampaignChoice, SurveyFlow
from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.results_task import ResultsTask
from bot.campaigns.survey import Surveys
from bot.channels.base import Channel, Channels
from bot.channels.telegram.alerts import TelegramAlertSender, alert_bot
from bot.channels.telegram.broadcasts import TelegramSender, broadcast_bot
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.contact import ContactRelay, register_contact_handlers
from bot.channels.telegram.facilitators import FacilitatorCommands, register_facilitator_commands
from bot.channels.telegram.handlers import BotApplication, TelegramAdapter, register_handlers
from bot.channels.telegram.limits import LIMITS
from bot.channels.telegram.officers import OfficerHandlers, register_officer_handlers
from bot.channels.telegram.request import AiohttpRequest
from bot.channels.telegram.updates import PerChatUpdateProcessor, ReadingBot
from bot.channels.telegram.webhook import Check, WebhookServer, serve
from bot.escalation import EscalationLane, Relay
from bot.escalation.officers import Officers
from bot.escalation.timers import Timers
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.chatlock import ChatLocks


def build_application(settings: Settings) -> BotApplication:
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # The Bot is made here rather than by the builder, to be a ReadingBot (updates.py).
    root = (settings.telegram_api_base_url or "https://api.telegram.org").rstrip("/")
    bot = ReadingBot(
        settings.telegram_token,
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        # PTB's defaults (256 connections for sending, one for getUpdates), over aiohttp.
        request=AiohttpRequest(connection_pool_size=256),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
        rate_limiter=rate_limiter(settings),
    )
    builder = ApplicationBuilder().bot(bot).concurrent_updates(PerChatUpdateProcessor())
    return builder.build()


def rate_limiter(settings: Settings) -> BaseRateLimiter[Any]:
    """Telegram's own limits (TELEGRAM_MAX_RATE, 30 msg/s by default, overall; per chat; 20/min
    per group), with retries that honour retry_after: shared by every replica through Redis
    when REDIS_URL is set (budget.py), else PTB's in-process AIORateLimiter."""
    if settings.redis_url:
        from bot.channels.telegram.budget import SharedBudget, SharedRateLimiter, client_for

        budget = SharedBudget(client_for(settings.redis_url), rate=settings.telegram_max_rate)
        return SharedRateLimiter(budget, max_retries=3)
    return AIORateLimiter(overall_max_rate=settings.telegram_max_rate, max_retries=3)


def assemble(parts: Runtime, *others: Channel) -> BotApplication:
    """The whole Telegram bot: children's chats, officers' replies, the escalation lane and
    the results task (started and stopped with the application). `others` are the channels
    running beside Telegram in this process: an officer's reply reaches a child who wrote
    from one of them."""
    application = build_application(parts.settings)
    lane = escalation_lane(parts)
    adapter = TelegramAdapter(parts.engine, parts.pseudonymize, parts.database)
    # One chat's updates one at a time across replicas (nothing to share on SQLite).
    locks = ChatLocks(parts.database)
    if locks.shared and isinstance(application.update_processor, PerChatUpdateProcessor):
        application.update_processor.across_replicas(
            locks, key=lambda chat: parts.pseudonymize("telegram", chat), settle=adapter.delivered
        )
    choice = parts.engine.flows.find(CampaignChoice)
    campaigns = choice.campaigns if choice is not None else None
    task: ResultsTask | None = None
    if isinstance(campaigns, CampaignRegistry):
        task = results_task(parts, campaigns)
        register_facilitator_commands(
            application,
            FacilitatorCommands(campaigns, parts.database),
            parts.settings.facilitator_ids,
        )
    register_handlers(application, adapter)
    # Where a child is written to by address (an officer's reply, the case closed): every
    # channel running in this process. Officers' words share the children's rate limiter.
    channels = Channels(TelegramChannel(application.bot), *others)
    assert parts.engine.cases is not None
    register_contact_handlers(
        application,
        ContactRelay(
            parts.engine.cases,
            parts.pseudonymize,
            lane.relay.officer_chats,
            parts.settings.officer_ids,
            channels,
        ),
    )
    register_officer_handlers(
        application,
        OfficerHandlers(
            Officers(parts.database),
            parts.pseudonymize,
            lane.relay.officer_chats,
            parts.settings.officer_ids,
            channels,
        ),
    )
    attach_lane(application, lane, task)

    async def drain(_application: BotApplication) -> None:
        await adapter.drain()  # replies already queued still go out before the bot stops
        locks.dispose()

    application.post_stop = drain
    # The webhook answers Telegram once an update's replies are sent (webhook.py).
    application.bot_data[SETTLED] = adapter.settled
    return application


SETTLED = "voz.settled"  # bot_data key: the adapter's `settled`, for the webhook server


def readiness(parts: Runtime) -> dict[str, Check]:
    """What /readyz checks: the database answers, the loaded model parses a word (what every
    message needs first), and Redis answers when REDIS_URL is set."""

    async def database() -> bool:
        return await asyncio.to_thread(parts.database.ping)

    async def model() -> bool:
        await parts.engine.assistant.parse("hola")
        return True

    checks: dict[str, Check] = {"database": database, "model": model}
    if parts.settings.redis_url:
        from bot.channels.telegram.budget import redis_ping

        url = parts.settings.redis_url

        async def redis() -> bool:
            return await redis_ping(url)

        checks["redis"] = redis
    return checks


def escalation_lane(parts: Runtime) -> EscalationLane:
    """Alerts sent to the protection chat through a Bot of their own; reminders and the
    fallback contact for cases nobody takes in time."""
    settings = parts.settings
    assert settings.telegram_token is not None
    bot = alert_bot(
        settings.telegram_token,
        settings.telegram_api_base_url,
        redis_url=settings.redis_url,
        rate=settings.telegram_max_rate,
    )
    relay = Relay(
        parts.database,
        TelegramAlertSender(bot),
        settings.protection_chat_id,
        settings.protection_fallback_chat_id,
        group_per_minute=LIMITS.per_group_per_minute,  # bursts are summarised
    )
    timers = Timers(
        parts.database,
        reminder_after=_per_urgency(settings.reminder_minutes),
        fallback_after=_per_urgency(settings.fallback_minutes),
        retention=timedelta(days=settings.excerpt_retention_days),
    )
    return parts.attach(EscalationLane(relay, bot, timers=timers))


def _per_urgency(minutes: tuple[int, int]) -> dict[str, timedelta]:
    emergency, high = minutes
    return {"emergency": timedelta(minutes=emergency), "high": timedelta(minutes=high)}


def results_task(parts: Runtime, campaigns: CampaignRegistry) -> ResultsTask:
    """The results sent back to the children who asked (bot.campaigns.results_task),
    through a Bot of its own like a broadcast's (in the budget the replicas share, with
    REDIS_URL), woken by a completion that took a release."""
    settings = parts.settings
    assert settings.telegram_token is not None
    bot = broadcast_bot(
        settings.telegram_token,
        settings.telegram_api_base_url,
        redis_url=settings.redis_url,
        rate=settings.telegram_max_rate,
    )
    task = ResultsTask(parts.database, campaigns, TelegramSender(bot), connection=bot)
    flow = parts.engine.flows.find(SurveyFlow)
    if flow is not None and isinstance(flow.surveys, Surveys):
        flow.surveys.on_release = task.wake
    return task


def attach_lane(
    application: BotApplication, lane: EscalationLane, task: ResultsTask | None = None
) -> None:
    """Start the escalation relay (and the results task) with the application and stop
    them after."""

    async def start(_application: BotApplication) -> None:
        await lane.start()
        if task is not None:
            await task.start()

    async def stop(_application: BotApplication) -> None:
        if task is not None:
            await task.stop()
        await lane.stop()

    application.post_init = start
    application.post_shutdown = stop


def install_event_loop() -> None:
    """Every event loop made from now on is uvloop's: the bot's, and the escalation lane's
    on its own thread.

    Why: at 100 messages/s the asyncio loop's own bookkeeping was the next cost after the
    work itself; with uvloop the bench's reply p95 fell from 1.8 s to 0.5 s at the same load
    (150 children, one run each, same machine)."""
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


# Updates Telegram may have in flight to the webhook at once: its maximum (its default is 40).
# A request lasts until the update's replies are sent (webhook.py), so this bounds how many
# updates a second reach the bot: 40 requests of half a second each are 80 a second, for all
# the replicas together.
WEBHOOK_CONNECTIONS = 100


def webhook_options(settings: Settings) -> dict[str, Any]:
    """How the webhook is served: at /telegram, registered with Telegram together with the
    secret it must send back in X-Telegram-Bot-Api-Secret-Token. The server (webhook.py)
    answers 403 to a request without that header or with another value, before any handler
    runs.

    Refused without a secret (Settings.from_env already refuses, this also covers a
    Settings built in code): an open webhook would take forged updates from anyone who
    finds the URL, and a forged update can open cases or write to officers."""
    if not settings.webhook_url:
        raise ValueError("WEBHOOK_URL is not set")
    if not settings.webhook_secret:
        raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": "telegram",
        "webhook_url": settings.webhook_url.rstrip("/") + "/telegram",
        "secret_token": settings.webhook_secret,
        "allowed_updates": Update.ALL_TYPES,
        "max_connections": WEBHOOK_CONNECTIONS,
    }


def webhook_server(
    application: BotApplication, settings: Settings, checks: dict[str, Check] | None = None
) -> WebhookServer:
    """The webhook server for `application`, with its secret and readiness checks."""
    options = webhook_options(settings)
    return WebhookServer(
        application,
        options["secret_token"],
        checks=checks,
        settled=application.bot_data.get(SETTLED),
    )


async def register_webhook(application: BotApplication, settings: Settings) -> None:
    """setWebhook: every replica registers the same URL and secret, so any may do it."""
    options = webhook_options(settings)
    await application.bot.set_webhook(
        url=options["webhook_url"],
        secret_token=options["secret_token"],
        allowed_updates=options["allowed_updates"],
        max_connections=options["max_connections"],
    )


def run(
    application: BotApplication, settings: Settings, checks: dict[str, Check] | None = None
) -> None:
    """Block, serving updates until interrupted (SIGTERM or SIGINT)."""
    install_event_loop()
    if settings.webhook_url:
        server = webhook_server(application, settings, checks)

        async def register() -> None:
            await register_webhook(application, settings)

        asyncio.run(
            serve(application, server, settings.webhook_listen, settings.webhook_port, register)
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
