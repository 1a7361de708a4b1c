"""The HTTP client every Bot of ours sends through: python-telegram-bot's `BaseRequest` on
aiohttp instead of its default httpx.

Why: under load the bot spent a quarter of its CPU inside httpx, httpcore and anyio (lock
set-up, pool bookkeeping and socket checks on every request, measured with py-spy in the
bench); aiohttp, which Rasa already installs, parses HTTP in C. python-telegram-bot keeps
everything else: building the request, reading Telegram's answer and raising its errors
(RetryAfter, Forbidden, ChatMigrated...), which the relay and the broadcast classify. Here a
transport failure becomes `TimedOut` or `NetworkError`, as in PTB's own client.

aiohttp has no separate write timeout: a request may take at most the sum of the four
timeouts (pool, connect, write, read), and the read alone at most `read_timeout`.
"""

from __future__ import annotations

import asyncio
import urllib.request
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    __slots__ = ("_pool_size", "_timeouts", "_media_write_timeout", "_session")

    def __init__(
        self,
        connection_pool_size: int = 256,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._timeouts = {
            "connect": connect_timeout,
            "read": read_timeout,
            "write": write_timeout,
            "pool": pool_timeout,
        }
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        # Made here, not in __init__: a session belongs to the event loop that runs it (the
        # escalation lane's Bot lives on the lane's own loop).
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                # HTTPS_PROXY and the like are honoured, as PTB's httpx client does; without
                # one, trust_env would still read ~/.netrc on every request (5% of a
                # replica's CPU under load), for a proxy's password there is no proxy for.
                trust_env=bool(urllib.request.getproxies()),
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
        media: bool,
    ) -> aiohttp.ClientTimeout:
        def chosen(value: ODVInput[float], name: str) -> float | None:
            if not isinstance(value, DefaultValue):
                return value
            if name == "write" and media:
                return self._media_write_timeout
            return self._timeouts[name]

        given = {"read": read, "write": write, "connect": connect, "pool": pool}
        parts = {name: chosen(value, name) for name, value in given.items()}
        known = [value for value in parts.values() if value is not None]
        return aiohttp.ClientTimeout(
            total=sum(known) if len(known) == len(parts) else None,
            # aiohttp's `connect` covers waiting for a free connection and connecting.
            connect=None
            if parts["pool"] is None or parts["connect"] is None
            else parts["pool"] + parts["connect"],
            sock_connect=parts["connect"],
            sock_read=parts["read"],
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        body: Any = fields
        if files:
            form = aiohttp.FormData()
            for name, value in (fields or {}).items():
                form.add_field(name, value)
            for name, field in files.items():
                filename, content, *mime = field
                form.add_field(
                    name, content, filename=filename, content_type=mime[0] if mime else None
                )
            body = form
        timeout = self._timeout(
            read_timeout, write_timeout, connect_timeout, pool_timeout, media=bool(files)
        )
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name too: some aiohttp errors have an empty message.
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
