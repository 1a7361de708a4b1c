"""A small, real HTTP fake of the Telegram Bot API for end-to-end tests.

It serves ``/bot<token>/<method>`` on 127.0.0.1 with aiohttp so an unmodified
python-telegram-bot 22 ``Application`` can long-poll it. The npm
telegram-test-api emulator is not usable with PTB 22 (no ``is_bot`` in getMe,
dates in milliseconds), hence this fake: dates are int *seconds* and getMe is
complete.

Typical use::

    async with FakeBotApi() as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        ...
        api.push_text(42, "/start")
        [reply] = await api.wait_for_sent(chat_id=42)
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from botapi_fake.updates import UpdateBuilder, _utf16_len

JsonDict = dict[str, Any]
_Handler = Callable[[JsonDict], Any]  # may return an awaitable (getUpdates long-polls)

# PTB 22 posts application/x-www-form-urlencoded (multipart for files) where every
# non-string value is JSON-encoded, so objects, ints and bools arrive as strings.
_JSON_KEYS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
    }
)
_INT_KEYS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "user_id",
    }
)
_BOOL_KEYS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
    }
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and "
    "reply markup are exactly the same as a current content and reply markup "
    "of the message"
)
_BLOCKED = "Forbidden: bot was blocked by the user"
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    403: _BLOCKED,
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class SentMessage:
    """One message the bot sent or edited (``method`` tells which)."""

    chat_id: int
    text: str
    reply_markup: JsonDict | None
    message_id: int
    method: str
    reply_to_message_id: int | None = None
    # When the fake recorded it (time.monotonic()), for latency measurements (bench/).
    sent_at: float = field(default_factory=time.monotonic, compare=False, repr=False)


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JsonDict | None = None):
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters or {}


class _Signal:
    """Wakes every current waiter; an Event swapped on each fire avoids lost wake-ups
    without a lock, so ``push_*`` helpers can stay synchronous."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._event.wait(), max(timeout, 0))
        except asyncio.TimeoutError:
            pass


def _int(params: JsonDict, key: str, default: int | None = None) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _ApiError(400, f"Bad Request: invalid {key}") from None


# Telegram's limits, as the bot reads them (bot.channels.telegram.limits): the fake counts every
# message sent or edited past one in `breaches` (and still delivers it; Telegram would answer
# 429 sooner or later). (messages, seconds): overall; one private chat (a short burst, about
# 1 a second); one group.
# A chat's window is counted JITTER seconds short: the fake sees arrival times, which carry
# the test machine's scheduling delays (a send granted on time may arrive late, beside the
# next one granted on time); on a loaded two-core CI machine they reached a few hundred ms.
# An unpaced burst still counts at once (its messages arrive well inside the window).
JITTER = 0.5
OVERALL_LIMIT = (30, 1.0)
PRIVATE_CHAT_LIMIT = (3, 3.0 - JITTER)
GROUP_LIMIT = (20, 60.0 - JITTER)
_COUNTED = frozenset(
    {"sendmessage", "sendphoto", "editmessagetext", "editmessagereplymarkup", "copymessage"}
)


@dataclass(frozen=True)
class Breach:
    """A message past one of Telegram's limits: which limit, the chat, when (monotonic)."""

    limit: str  # "overall", "chat" or "group"
    chat_id: int
    at: float


class FakeBotApi(UpdateBuilder):
    """Fake Telegram Bot API server; see the module docstring."""

    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "voz_segura_test_bot",
        bot_first_name: str = "Voz Segura",
        overall_per_second: int = OVERALL_LIMIT[0],
    ) -> None:
        """`overall_per_second`: the bot's overall limit the breaches are counted against
        (30, Telegram's for an ordinary bot; a bot with paid broadcasts may send up to 1000)."""
        self.token = token
        self.overall_limit = (overall_per_second, OVERALL_LIMIT[1])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else 1
        self.base_url = ""  # set by start(); the port is only known then
        self.sent: list[SentMessage] = []
        self.calls: list[tuple[str, JsonDict]] = []
        self.webhook_url = ""
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._updates: list[JsonDict] = []
        self._next_update_id = 1
        self._next_message_id: dict[int, int] = defaultdict(int)
        self._messages: dict[tuple[int, int], JsonDict] = {}
        self._users: dict[int, JsonDict] = {}
        self._faults: dict[str, deque[tuple[int | None, _ApiError]]] = defaultdict(deque)
        self._delays: dict[str, deque[tuple[float, bool]]] = defaultdict(deque)
        self._blocked: set[int] = set()
        self.breaches: list[Breach] = []
        self._overall_sent: deque[float] = deque()
        self._chat_sent: dict[int, deque[float]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self._tasks: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        # One signal for "an update was pushed or a message was sent": waiters re-check.
        self._changed = _Signal()
        self._stopped = asyncio.Event()
        methods: dict[str, _Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": lambda p: {
                "url": self.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            },
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda p: self.commands.get(self._commands_key(p), []),
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": lambda p: bool(self._target_chat(p)),
            "editMessageText": lambda p: self._edit(p, "editMessageText", str(p.get("text", ""))),
            "editMessageReplyMarkup": lambda p: self._edit(p, "editMessageReplyMarkup", None),
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": lambda p: True,
            "close": lambda p: True,
            "logOut": lambda p: True,
        }
        self._methods = {name.lower(): handler for name, handler in methods.items()}

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        # Fresh primitives: asyncio ties them to the loop that first waits on them.
        self._changed, self._stopped = _Signal(), asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Short shutdown_timeout: stop() already releases long polls and delays.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/bot"

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._stopped.set()
        self._changed.fire()
        await self._runner.cleanup()
        self._runner = None
        # aiohttp cancels connection tasks without awaiting them and forgets handlers
        # whose client hung up; wait so callers can assert that nothing leaked.
        pending = [task for task in self._tasks if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=2.0)

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------ fault control
    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id`` only, if given)
        with a Telegram-shaped error."""
        pairs = (("retry_after", retry_after), ("migrate_to_chat_id", migrate_to_chat_id))
        parameters = {key: value for key, value in pairs if value is not None}
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else _DEFAULT_DESCRIPTIONS.get(status, "Error")
            )
        for _ in range(times):
            self._faults[method.lower()].append(
                (chat_id, _ApiError(status, description, parameters))
            )

    def delay_next(self, method: str, seconds: float, times: int = 1, deliver: bool = True) -> None:
        """Sleep ``seconds`` before answering the next ``times`` calls of ``method``.

        ``deliver=True`` performs the call *before* sleeping (a timeout after
        delivery: the client errors but the message exists). ``deliver=False``
        performs it after sleeping only if the client is still connected (a
        timeout before delivery: nothing is sent).
        """
        for _ in range(times):
            self._delays[method.lower()].append((seconds, deliver))

    def block_chat(self, chat_id: int) -> None:
        """Make every send* to ``chat_id`` fail with 403 like a user who blocked the bot."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    # -------------------------------------------------------------- inspection
    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def calls_to(self, method: str) -> list[JsonDict]:
        return [p for name, p in self.calls if name.lower() == method.lower()]

    async def wait_for_sent(
        self, count: int = 1, chat_id: int | None = None, timeout: float = 10.0, since: int = 0
    ) -> list[SentMessage]:
        """Wait until ``count`` messages (to ``chat_id`` if given) exist in ``sent[since:]``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [m for m in self.sent[since:] if chat_id is None or m.chat_id == chat_id]
            if len(found) >= count:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                listing = "\n".join(f"  {m}" for m in self.sent) or "  (nothing)"
                raise AssertionError(
                    f"expected {count} sent message(s) to chat {chat_id} since #{since} "
                    f"within {timeout}s, got {len(found)}; all sent:\n{listing}"
                )
            await self._changed.wait(remaining)

    def _record(self, msg: JsonDict, method: str, markup: JsonDict | None) -> None:
        reply = msg.get("reply_to_message", {}).get("message_id")
        text = str(msg.get("text") or msg.get("caption") or "")
        self.sent.append(
            SentMessage(msg["chat"]["id"], text, markup, msg["message_id"], method, reply)
        )
        self._changed.fire()

    # ------------------------------------------------------------ HTTP plumbing
    async def _parse(self, request: web.Request) -> JsonDict:
        params: JsonDict = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        with value.file:  # aiohttp spools uploads to a temp file
                            params[key] = {
                                "filename": value.filename,
                                "size": len(value.file.read()),
                            }
                    else:
                        params[key] = value
        for key, value in params.items():
            if not isinstance(value, str):
                continue
            if key in _BOOL_KEYS and value in ("true", "false"):
                params[key] = value == "true"
            elif key in _JSON_KEYS or (key in _INT_KEYS and value.lstrip("-").isdigit()):
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    pass  # keep the raw string; the method answers 400 if it matters
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            params = await self._parse(request)
        except ValueError:
            params = {}
        is_bot_path = request.path.startswith("/bot")
        token, _, method = request.path[len("/bot") :].partition("/")
        self.calls.append((method, params))
        try:
            if not is_bot_path:
                raise _ApiError(404, "Not Found")
            if token != self.token:
                raise _ApiError(401, "Unauthorized")
            if method.lower() not in self._methods:
                raise _ApiError(404, "Not Found")
            result = await self._dispatch(request, method.lower(), params)
            if method.lower() in _COUNTED:
                self._count(_int(params, "chat_id"))
        except _ApiError as err:
            body: JsonDict = {"ok": False, "error_code": err.status, "description": err.description}
            if err.parameters:
                body["parameters"] = err.parameters
            return web.json_response(body, status=err.status)
        return web.json_response({"ok": True, "result": result})

    def _count(self, chat_id: int | None) -> None:
        """Record one message for the limits; a message past one is a Breach."""
        if chat_id is None:
            return
        now = time.monotonic()
        limits = [("overall", self._overall_sent, *self.overall_limit)]
        kind, chat_limit = ("chat", PRIVATE_CHAT_LIMIT) if chat_id > 0 else ("group", GROUP_LIMIT)
        limits.append((kind, self._chat_sent[chat_id], *chat_limit))
        for name, stamps, most, window in limits:
            while stamps and stamps[0] <= now - window:
                stamps.popleft()
            stamps.append(now)
            if len(stamps) > most:
                self.breaches.append(Breach(name, chat_id, now))

    async def _dispatch(self, request: web.Request, key: str, params: JsonDict) -> Any:
        delay = self._delays[key].popleft() if self._delays[key] else None
        fault = self._take_fault(key, params.get("chat_id"))
        if delay is not None and delay[1] and fault is None:
            try:
                return await self._call(key, params)
            finally:
                await self._sleep(delay[0])
        if delay is not None:
            await self._sleep(delay[0])
            if request.transport is None or request.transport.is_closing():
                # Nobody is listening any more: model "never delivered".
                raise _ApiError(499, "client went away; call dropped")
        if fault is not None:
            raise fault
        return await self._call(key, params)

    def _take_fault(self, key: str, chat_id: Any) -> _ApiError | None:
        for entry in self._faults[key]:
            if entry[0] is None or entry[0] == chat_id:
                self._faults[key].remove(entry)
                return entry[1]
        return None

    async def _call(self, key: str, params: JsonDict) -> Any:
        result = self._methods[key](params)
        return await result if asyncio.iscoroutine(result) else result

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopped.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    # ----------------------------------------------------------------- methods
    def _get_me(self, params: JsonDict) -> JsonDict:
        # PTB 22's User.de_json needs is_bot; the can_*/supports_* flags complete getMe.
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is "
                "active; use deleteWebhook to delete the webhook first",
            )
        offset = _int(params, "offset", 0) or 0
        limit = min(max(_int(params, "limit", 100) or 100, 1), 100)
        timeout = float(params.get("timeout") or 0)
        if offset > 0:  # confirms (forgets) everything before offset
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:  # Telegram: -N keeps only the last N updates
            self._updates = self._updates[offset:]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._updates and not self._stopped.is_set() and loop.time() < deadline:
            await self._changed.wait(deadline - loop.time())
        return self._updates[:limit]

    def _set_webhook(self, params: JsonDict) -> bool:
        self.webhook_url = str(params.get("url", ""))
        return True

    def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    @staticmethod
    def _commands_key(params: JsonDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: JsonDict) -> bool:
        self.commands[self._commands_key(params)] = list(params.get("commands") or [])
        return True

    def _delete_my_commands(self, params: JsonDict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _target_chat(self, params: JsonDict) -> int:
        chat_id = _int(params, "chat_id")
        if chat_id is None:
            raise _ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise _ApiError(403, _BLOCKED)
        return chat_id

    def _outgoing(self, params: JsonDict, method: str, **fields: Any) -> JsonDict:
        chat_id = self._target_chat(params)
        reply_params = params.get("reply_parameters")
        reply_to = (
            _int(reply_params, "message_id")
            if isinstance(reply_params, dict)
            else _int(params, "reply_to_message_id")
        )
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            # Telegram echoes only inline keyboards; PTB would fail to parse others.
            fields["reply_markup"] = markup
        msg = self._new_message(chat_id, self._bot_user(), reply_to=reply_to, **fields)
        self._record(msg, method, markup if isinstance(markup, dict) else None)
        return msg

    def _send_message(self, params: JsonDict) -> JsonDict:
        text = str(params.get("text") or "")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._outgoing(params, "sendMessage", text=text)

    def _send_photo(self, params: JsonDict) -> JsonDict:
        fields: JsonDict = {"photo": self._photo_sizes()}
        if params.get("caption"):
            fields["caption"] = str(params["caption"])
        return self._outgoing(params, "sendPhoto", **fields)

    def _existing(self, params: JsonDict, action: str) -> JsonDict:
        key = (_int(params, "chat_id"), _int(params, "message_id"))
        if key not in self._messages:
            raise _ApiError(400, f"Bad Request: message to {action} not found")
        return self._messages[key]

    def _edit(self, params: JsonDict, method: str, text: str | None) -> JsonDict | bool:
        if params.get("inline_message_id"):
            return True
        msg = self._existing(params, "edit")
        markup = params.get("reply_markup")
        new_text = msg.get("text", "") if text is None else text
        if new_text == msg.get("text", "") and markup == msg.get("reply_markup"):
            raise _ApiError(400, _NOT_MODIFIED)
        msg["text"], msg["edit_date"] = new_text, int(time.time())
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        msg.pop("reply_markup", None)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        self._record(msg, method, markup if isinstance(markup, dict) else None)
        return msg

    def _delete_message(self, params: JsonDict) -> bool:
        msg = self._existing(params, "delete")
        del self._messages[(msg["chat"]["id"], msg["message_id"])]
        return True
