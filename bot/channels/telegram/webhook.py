"""The webhook server of our own (aiohttp), in place of python-telegram-bot's tornado one.

Why our own: PTB's server answers 400 to an update it cannot read, and Telegram retries a
non-2xx update forever, so one malformed update would be redelivered for ever. Polling skips
such an update (`ReadingBot`, updates.py); here it is skipped the same way: 200 and a log line
naming the error's class only (the body can carry a child's words).

Routes:
- ``POST /telegram``: Telegram's updates. Without the secret Telegram was given
  (``X-Telegram-Bot-Api-Secret-Token``), 403 before anything is read. A readable update is
  handled through the Application's update processor (per-chat order, bounded concurrency)
  and answered 200 only once it is handled and its replies are sent (`settled`): a replica
  killed mid-request answers nothing, so the load balancer or Telegram delivers the update
  again and the claim in the database keeps it from being handled twice. An update whose
  claim another handler holds unfinished is answered 503: Telegram sends it again later, and
  once the claim is done (200) or stale (taken over and handled here), it is settled.
- ``GET /healthz``: the process is alive and serving (for restarts).
- ``GET /readyz``: the parts a reply needs answer: the database, the model, and Redis when
  configured (for the load balancer); 503 with which one failed otherwise.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from telegram import Update

from bot.channels.telegram.handlers import BotApplication

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "/telegram"
# A check is a coroutine answering whether one part is ready; a failing check may also raise.
Check = Callable[[], Awaitable[bool]]
# Waits until an update's replies are sent; False if another handler holds it unfinished.
Settled = Callable[[Update], Awaitable[bool]]
RETRY_AFTER = 5  # seconds, in a 503's Retry-After


class WebhookServer:
    """Serves `application` at /telegram, /healthz and /readyz on `listen`:`port`."""

    def __init__(
        self,
        application: BotApplication,
        secret: str,
        checks: Mapping[str, Check] | None = None,
        settled: Settled | None = None,
        check_timeout: float = 2.0,
    ) -> None:
        if not secret:
            # An open webhook takes forged updates from anyone who finds the URL.
            raise ValueError("a webhook needs a secret token (WEBHOOK_SECRET)")
        self.application = application
        self.secret = secret.encode()
        self.checks = dict(checks or {})
        self.settled = settled
        self.check_timeout = check_timeout
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(PATH, self.telegram)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        return app

    async def telegram(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403)
        update = await self._read(request)
        if update is None:
            return web.Response(status=200)  # skipped: Telegram must not send it again
        processor = self.application.update_processor
        await processor.process_update(update, self.application.process_update(update))
        if self.settled is not None and not await self.settled(update):
            # Claimed by a handler that has not finished (another replica, perhaps killed):
            # not 200, or Telegram would never send it again and it could be lost.
            return web.Response(status=503, headers={"Retry-After": str(RETRY_AFTER)})
        return web.Response(status=200)

    async def _read(self, request: web.Request) -> Update | None:
        """The update in the body, or None (logged, by error class only) if it cannot be read."""
        update_id: object = None
        try:
            raw = json.loads(await request.read())
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            update = Update.de_json(raw, self.application.bot)
        except Exception as error:  # noqa: BLE001 - anything unreadable is skipped, as in polling
            logger.warning(
                "skipped a webhook update that could not be read (%s, update_id %s)",
                type(error).__name__,
                update_id if isinstance(update_id, int) else "unknown",
            )
            return None
        if update is None:
            logger.warning("skipped an empty webhook update")
        return update

    async def healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"alive": True})

    async def readyz(self, _request: web.Request) -> web.Response:
        results = {name: await self._check(check) for name, check in self.checks.items()}
        ready = self._runner is not None and all(results.values())
        return web.json_response({"ready": ready, **results}, status=200 if ready else 503)

    async def _check(self, check: Check) -> bool:
        try:
            return bool(await asyncio.wait_for(check(), self.check_timeout))
        except Exception as error:  # noqa: BLE001 - a failing part means not ready
            logger.warning("readiness check failed (%s)", type(error).__name__)
            return False

    async def start(self, listen: str, port: int) -> None:
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, listen, port).start()
        self._runner = runner

    async def stop(self) -> None:
        """Stop accepting; requests in flight are finished first (aiohttp's shutdown)."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()


async def serve(
    application: BotApplication,
    server: WebhookServer,
    listen: str,
    port: int,
    register: Callable[[], Awaitable[Any]],
) -> None:
    """Run the Application behind `server` until SIGTERM or SIGINT, in PTB's own order
    (initialize, post_init, start ... stop, post_stop, shutdown, post_shutdown).
    `register` tells Telegram where to send updates (setWebhook), once the server listens."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await server.start(listen, port)
        await register()
        logger.info("webhook served on %s:%d%s", listen, port, PATH)
        await stopping.wait()
        await server.stop()
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    finally:
        await server.stop()
        if application.running:  # start-up failed half way, or the loop was cancelled
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
