"""Fuzzing the Telegram side (issue 15 item 10): hypothesis makes updates of every kind the
bot can receive, and odd ones, and they go through the real bot (python-telegram-bot
long-polling the Bot API fake over HTTP, the real handlers, engine, Rasa and storage).

For every update: nothing reaches the error handler (no apology, no "error while handling"
log line), it is answered at most once (a second delivery of the same update_id sends
nothing more), a private message of a child gets an answer, and nothing a child wrote, nor
their id, appears in the logs.

The bot runs on its own event loop in a thread for the whole module, so hypothesis drives
it from a plain test function: about 150 examples, a minute or two with the trained model.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import threading
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot import logs
from bot.channels.telegram import assemble
from bot.channels.telegram.handlers import SORRY
from bot.privacy import Pseudonymizer
from bot.runtime import Runtime, engine_for
from bot.settings import Settings
from bot.storage import Database
from bot.storage.models import ProcessedUpdate
from botapi_fake import FakeBotApi
from tests.fakes.application import polling

pytestmark = pytest.mark.rasa
T = TypeVar("T")
PROTECTION = -1001234567890
FALLBACK = -1009876543210
OFFICER = 555000111
# Every word a generated child writes carries this, so a leak is found whatever the rest is.
SECRET = "Pelusa9xq"
FIRST_CHILD = 811_000_000


class Bot:
    """The assembled bot polling the fake, on an event loop of its own thread."""

    def __init__(self, assistant: Any, database: Database) -> None:
        self.assistant = assistant
        self.database = database
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.stopping: asyncio.Event | None = None
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._run(),))
        self.thread.start()
        if not self.ready.wait(60):
            raise RuntimeError("the bot did not start")

    async def _run(self) -> None:
        self.stopping = asyncio.Event()
        async with FakeBotApi(token="424242:AAFakeTokenForTests_abcdefghijk") as api:
            settings_ = Settings(
                telegram_token=api.token,
                telegram_api_base_url=api.base_url.removesuffix("/bot"),
                protection_chat_id=PROTECTION,
                protection_fallback_chat_id=FALLBACK,
                officer_ids=frozenset({OFFICER}),
            )
            engine = engine_for(self.assistant, self.database)
            application = assemble(
                Runtime(settings_, self.database, Pseudonymizer(b"k" * 32), engine)
            )
            self.api, self.application = api, application
            async with polling(application):
                self.ready.set()
                await self.stopping.wait()

    def call(self, work: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=120)  # type: ignore[arg-type]

    def stop(self) -> None:
        assert self.stopping is not None
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(60)

    async def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Push the update, wait until it was handled and its replies were sent."""
        pushed = self.api.push_update(update)
        for _ in range(3000):
            if self.done(pushed["update_id"]):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("an update was never handled")
        assert self.application.post_stop is not None
        await self.application.post_stop(self.application)  # the adapter's drain only
        return pushed

    def done(self, update_id: int) -> bool:
        """Whether the update's handling finished (its claim is marked done)."""
        with self.database.session() as session:
            found = session.get(ProcessedUpdate, update_id)
            return found is not None and bool(found.done)

    async def redeliver(self, update: dict[str, Any]) -> None:
        """The same update_id again, as polling after a crash or a webhook retry hands it."""
        application = self.application
        readable = application.bot.readable(update)  # as ReadingBot reads a polled update
        await application.process_update(Update.de_json(readable, application.bot))
        assert application.post_stop is not None
        await application.post_stop(application)


@pytest.fixture(scope="module")
def bot(assistant, tmp_path_factory) -> Iterator[Bot]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'voz.db'}")
    database.migrate()
    running = Bot(assistant, database)
    try:
        yield running
    finally:
        running.stop()
        database.dispose()


@pytest.fixture(scope="module")
def logged() -> Iterator[io.StringIO]:
    """Everything logged while the module runs, as the project's handler writes it and as
    a plain formatter would print each record."""
    buffer = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure("DEBUG")
    root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
    plain = logging.StreamHandler(buffer)
    plain.setFormatter(logging.Formatter("%(message)s %(exc_info)s"))
    root.addHandler(plain)
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)
    logs.quiet_libraries()


# -- what a child (or anyone) can send -------------------------------------------------------

ANY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # no lone surrogates: not JSON
    max_size=40,
)
INVISIBLE = st.sampled_from(["\u200b", "\u2060", "\ufeff", "\u00ad", "\u202e", "\x00", "\x07"])
WORDS = st.builds(
    lambda before, invisible, after, times: (before + invisible + SECRET + after) * times,
    ANY_TEXT,
    INVISIBLE | st.just(""),
    ANY_TEXT,
    st.sampled_from([1, 1, 1, 2, 120]),  # now and then a huge message (up to Telegram's 4,096)
).map(lambda text: text[:4096] if SECRET in text[:4096] else SECRET)
COMMAND = st.builds(
    lambda name, payload: f"/{name} {payload}".rstrip(),
    st.sampled_from(["start", "ayuda", "salir", "borrar", "privacidad", "noticias", "baja"])
    | st.text(alphabet="abcdefghijklmnopqrstuvwxyz_@", min_size=1, max_size=20),
    st.sampled_from(["", "x" * 64, "c-../../etc", "%00", "🙂"]) | ANY_TEXT,
)
BUTTON_DATA = st.sampled_from(
    [
        "r:saludar",
        "r:pedir_ayuda",
        "r:participar",
        "r:aprender",
        "r:no_existe",
        "t:yes:1",
        "t:contact:999999999999",
        "t:no:0",
        "q:me:abuse",
        "q:other:none",
        "q:no:trafficking",
        "c:band:13-15",
        "c:read",
        "c:yes",
        "s:1:2:3",
        "l:x",
        "p:no-existe",
        "e:take:1",
        "",
    ]
) | st.text(max_size=64).filter(lambda data: len(data.encode()) <= 64)


def user(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name or "A", "language_code": "es"}


def chat(chat_id: int, kind: str) -> dict[str, Any]:
    if kind == "private":
        return {"id": chat_id, "type": "private", "first_name": "Ana"}
    return {"id": -chat_id, "type": kind, "title": "grupo"}


def message(sender: int, kind: str, message_id: int, **fields: Any) -> dict[str, Any]:
    found = {"message_id": message_id, "date": 1_765_000_000, "chat": chat(sender, kind)}
    if kind != "channel":
        found["from"] = user(sender, SECRET)
    found.update(fields)
    if str(found.get("text", "")).startswith("/"):
        command = found["text"].split(maxsplit=1)[0]
        found["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return found


PHOTO = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
CONTENT = st.one_of(
    st.builds(lambda words: {"text": words}, WORDS),
    st.builds(lambda command: {"text": command}, COMMAND),
    st.builds(lambda words: {"photo": PHOTO, "caption": words}, WORDS),
    st.just({"photo": PHOTO}),
    st.just(
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        }
    ),
    st.builds(
        lambda question, options: {
            "poll": {
                "id": "1",
                "question": question,
                # As Telegram sends a poll: python-telegram-bot 22.8 requires the fields of
                # Bot API 9.6 and 10.0 (persistent_id, allows_revoting, members_only).
                "options": [
                    {"text": o, "voter_count": 0, "persistent_id": str(n)}
                    for n, o in enumerate(options)
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
        WORDS,
        st.lists(WORDS, min_size=2, max_size=3),
    ),
    st.builds(
        lambda words: {
            "text": words,
            "forward_origin": {"type": "hidden_user", "sender_user_name": SECRET, "date": 1},
        },
        WORDS,
    ),
    st.builds(
        lambda command: {
            "text": command,
            "forward_origin": {"type": "hidden_user", "sender_user_name": "x", "date": 1},
        },
        COMMAND,
    ),
    st.just({"location": {"latitude": 9.93, "longitude": -84.08}}),
    st.just({"dice": {"emoji": "🎲", "value": 3}}),
    st.just({"contact": {"phone_number": "+50688887777", "first_name": SECRET}}),
    st.just({}),  # a message with nothing Telegram's client would show
)
CHAT_KIND = st.sampled_from(["private", "private", "private", "private", "group", "supergroup"])


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    sender = FIRST_CHILD + draw(st.integers(0, 40))
    kind = draw(st.sampled_from(["message", "message", "edited", "button", "channel", "other"]))
    message_id = draw(st.integers(1, 10_000))
    if kind == "message":
        return {"message": message(sender, draw(CHAT_KIND), message_id, **draw(CONTENT))}
    if kind == "edited":
        fields = {**draw(CONTENT), "edit_date": 1_765_000_100}
        return {"edited_message": message(sender, draw(CHAT_KIND), message_id, **fields)}
    if kind == "button":
        query: dict[str, Any] = {
            "id": str(draw(st.integers(1, 10**9))),
            "from": user(sender, SECRET),
            "chat_instance": "1",
        }
        if draw(st.booleans()):
            query["data"] = draw(BUTTON_DATA)
        where = draw(st.sampled_from(["message", "inline", "inaccessible"]))
        if where == "message":
            query["message"] = message(sender, draw(CHAT_KIND), message_id, text="menú")
        elif where == "inline":
            query["inline_message_id"] = "abc"
        else:  # a message too old for Telegram to show: date 0
            query["message"] = {
                "message_id": message_id,
                "date": 0,
                "chat": chat(sender, "private"),
            }
        return {"callback_query": query}
    if kind == "channel":
        return {"channel_post": message(sender, "channel", message_id, **draw(CONTENT))}
    # Kinds the bot has no handler for, and one Telegram may add tomorrow.
    return draw(
        st.sampled_from(
            [
                {"unknown_future_kind": {"x": SECRET}},
                {
                    "my_chat_member": {
                        "chat": chat(sender, "private"),
                        "from": user(sender, SECRET),
                        "date": 1,
                        "old_chat_member": {"status": "member", "user": user(1, "bot")},
                        "new_chat_member": {
                            "status": "kicked",
                            "user": user(1, "bot"),
                            "until_date": 0,
                        },
                    }
                },
                {
                    "poll_answer": {
                        "poll_id": "1",
                        "user": user(sender, SECRET),
                        "option_ids": [0],
                    }
                },
            ]
        )
    )


def answered_in_private(update: dict[str, Any]) -> bool:
    """A child's private message or edit always gets a reply (a button press may be
    answered with nothing when its message is gone)."""
    found = update.get("message") or update.get("edited_message")
    return found is not None and found["chat"]["type"] == "private"


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(update=updates())
def test_no_update_crashes_is_answered_twice_or_leaks(bot, logged, update):
    where = chat_of(update)
    before = len(bot.api.sent)
    pushed = bot.call(bot.deliver(update))
    first = [m for m in bot.api.sent[before:] if m.chat_id not in (PROTECTION, FALLBACK)]
    assert all(m.text != SORRY for m in first), "the error handler answered"
    if answered_in_private(update):
        assert first, "a child's private message went unanswered"
    # Replies go to the chat the update came from (alert cards to the protection chats).
    assert {m.chat_id for m in first} <= {where}

    seen = len(bot.api.sent)
    bot.call(bot.redeliver(pushed))
    again = [m for m in bot.api.sent[seen:] if m.chat_id not in (PROTECTION, FALLBACK)]
    assert again == [], "a redelivered update was answered again"

    text = logged.getvalue()
    assert "error while handling an update" not in text
    assert SECRET not in text, "a child's words were logged"
    for n in range(41):
        assert str(FIRST_CHILD + n) not in text, "a raw Telegram id was logged"


def chat_of(update: dict[str, Any]) -> int | None:
    for kind in ("message", "edited_message", "channel_post"):
        if kind in update:
            return int(update[kind]["chat"]["id"])
    query = update.get("callback_query")
    if query is not None and "message" in query:
        return int(query["message"]["chat"]["id"])
    return None
