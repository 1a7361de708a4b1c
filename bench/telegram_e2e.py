"""Scenario `telegram_e2e`: many children on Telegram at once, end to end (issue 5).

What runs is the bot as `python -m bot run` builds it: `runtime.build` (database, migrations,
pseudonym key, Rasa model, engine with Cases), the real python-telegram-bot Application
long-polling with its rate limiter, its per-chat update processor and its handlers, and the
escalation lane with its own Bot, started and stopped with the application. Telegram is
`botapi_fake.FakeBotApi`, a real HTTP server on 127.0.0.1, run with the children in
a second process (`telegram_side`), so the bot's process does the bot's work only.

N children each send a message every `gap` seconds (uniformly jittered), open loop: the
next message leaves on schedule whether or not the last one was answered, so a slow bot
shows up as latency rather than as fewer messages. After `seconds`, sending stops and the
run drains: it waits until every message was handled, every reply queued for it was sent
(or its send failed: the bot's own drain, `post_stop`, tells) and every case's alert card
arrived.

How the bot works, and so how replies are told apart: updates of different chats are
handled concurrently, those of one chat one at a time in the order received
(`bot.channels.telegram.updates.PerChatUpdateProcessor`). A handler asks the engine for the replies
and only queues them (`TelegramAdapter.send`): they are sent after the handler returned,
by a background task per update chained after the previous one of the same chat, paced by
the rate limiter. So in each chat the replies arrive in blocks, one per handled update, in
handling order, each block as long as the engine's answer (a `replace` reply to a pressed
button arrives as an `editMessageText`; it counts in the block like any other), or shorter
if a send failed: the delivery of a block stops at its first failed send.

The bench records, per update: when handling started and ended (two passive handlers that
run before and after every other one and change nothing), whether handling raised (a
passive error handler after the bot's), and the replies the engine returned for it
(`Engine.handle` is wrapped; its event's pseudonym tells the chat, and the chat's update
being handled at that moment is the one). Each chat's messages are then cut into those
blocks, every message checked against the reply it must be (text and buttons). When every
block is whole the cut is unique; when some were cut short it is used only if exactly one
cut fits. Anything else (a message left over, out of order or different from its reply, or
two possible cuts) stops the run with `AttributionError` instead of publishing wrong
figures. The one reply outside the chains is the apology the bot's error handler sends
while a failed update is being handled; it goes to that update. The case a disclosure
opened is read from the buttons of the engine's replies for it (the same buttons reach the
child when its block arrives whole).

Measured, from the moment a message is pushed into the fake (as if Telegram received it):
- reply latency: until the first reply of its block (or its apology) reaches the fake;
- alert latency: for a disclosure, until the alert card of its case reaches the protection
  chat (the card carries "VS-<id>");
- where the time goes: queue wait (push until handling starts), handling (the handlers'
  own work: engine, storage, answering a button press; no reply is sent in it) and
  delivery (handling end until the last reply of its block reached the fake: the wait
  behind the chat's earlier blocks and in the rate limiter, plus the sends themselves);
  for disclosures, the alert latency split the same way: queue wait, handling (the case is
  committed in it) and handling start until the card arrived (the lane sends the card as soon
  as the case is committed, so it may arrive before handling ends: the two overlap).
An update the engine answers with no reply has no reply latency and no delivery time; one
whose block was cut short counts as cut short and has no delivery time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from telegram import Update
from telegram.ext import Application, TypeHandler

from bench import harness
from bench.stats import summary_ms
from bench.traffic import HELP_BUTTON, Action, Mix
from bot.engine import Inbound, Reply
from bot.runtime import Runtime
from botapi_fake import FakeBotApi, SentMessage

NAME = "telegram_e2e"
TOKEN = "424242:AABenchTokenForTheFakeBotApi_xyz"
PROTECTION = -1001234567890
FALLBACK = -1009876543210
FIRST_CHILD = 7_000_000_001
CASE_BUTTON = re.compile(r"t:([a-z]+):([0-9]+)")
CASE_NUMBER = re.compile(r"\bVS-([0-9]{6,})\b")
POLL = 0.02  # seconds between checks while draining


@dataclass(frozen=True)
class Parameters:
    children: int = 50
    seconds: float = 30.0
    gap: tuple[float, float] = (1.0, 2.0)  # seconds between one child's messages
    disclosure_share: float = 0.05
    drain: float = 120.0  # at most this long after sending stops
    seed: int = 1


@dataclass
class Push:
    update_id: int
    chat: int
    action: Action
    at: float  # time.monotonic() just before the update was queued in the fake


@dataclass
class Child:
    chat: int
    menu: tuple[int, tuple[str, ...]] | None = None  # (message id, callback data) of the last
    case_buttons: dict[str, int] = field(default_factory=dict)  # data -> message id
    prompt: tuple[int, tuple[str, ...]] | None = None  # the bot's open question's buttons


class AttributionError(AssertionError):
    """The replies sent to a chat do not line up with what the engine answered: the
    figures would be wrong, so none are given."""


Expected = tuple[str, tuple[str, ...]]  # a reply as it must reach the fake: text, buttons' data


class Stamps:
    """Per update: when its handling started and ended (time.monotonic()), the replies the
    engine gave for it and whether its handling raised; per chat, its updates as handled."""

    def __init__(self, chat_of: dict[str, int]) -> None:
        self.chat_of = chat_of  # pseudonym -> chat id
        self.started: dict[int, float] = {}
        self.ended: dict[int, float] = {}
        self.order: dict[int, list[int]] = defaultdict(list)  # chat -> update ids, as handled
        self.replies: dict[int, list[Expected]] = defaultdict(list)  # update id -> its replies
        self.failed: set[int] = set()  # updates whose handling raised: the bot apologises
        self.stray: list[str] = []  # engine calls not tied to an update being handled
        self._handling: dict[int, int] = {}  # chat -> the update being handled in it

    def attach(self, application: Application, runtime: Runtime) -> None:
        """Passive handlers first and last, a passive error handler after the bot's, and a
        wrapper around `Engine.handle` that keeps what it returns."""

        async def start(update: Update, _context: Any) -> None:
            if update.update_id in self.started:
                return
            self.started[update.update_id] = time.monotonic()
            if update.effective_chat is not None:
                self._handling[update.effective_chat.id] = update.update_id
                self.order[update.effective_chat.id].append(update.update_id)

        async def end(update: Update, _context: Any) -> None:
            self.ended.setdefault(update.update_id, time.monotonic())

        async def failure(update: object, _context: Any) -> None:
            if isinstance(update, Update):
                self.failed.add(update.update_id)

        application.add_handler(TypeHandler(Update, start), group=-1_000_000)
        application.add_handler(TypeHandler(Update, end), group=1_000_000)
        application.add_error_handler(failure)

        engine = runtime.engine
        handle = engine.handle  # the bound method; the adapter looks it up on each update

        async def counted(event: Inbound) -> list[Reply]:
            update_id = self._update_of(event)
            replies = await handle(event)
            if update_id is not None:
                self.replies[update_id] += [(r.text, _data_of(r)) for r in replies]
            return replies

        engine.handle = counted  # type: ignore[method-assign]

    def _update_of(self, event: Inbound) -> int | None:
        """The update this engine call answers: the one being handled in the event's chat
        (a chat handles one update at a time)."""
        chat = self.chat_of.get(event.user)
        update_id = self._handling.get(chat) if chat is not None else None
        if update_id is None or update_id in self.ended:
            self.stray.append(f"an engine call ({event.kind.value}) outside any update's handling")
            return None
        return update_id

    def cases(self) -> set[int]:
        """The cases the engine's replies offered buttons for."""
        return {case for replies in self.replies.values() for case in _cases(replies)}

    def replies_expected(self) -> int:
        """Replies to children the engine's answers call for, and one apology per failure."""
        return sum(len(replies) for replies in self.replies.values()) + len(self.failed)


def _cases(replies: list[Expected]) -> set[int]:
    return {
        int(m.group(2)) for _text, data in replies for m in map(CASE_BUTTON.fullmatch, data) if m
    }


def _data_of(reply: Reply) -> tuple[str, ...]:
    return tuple(button.data for row in reply.buttons for button in row)


class Inbox:
    """What the fake has sent so far, indexed as it comes: each child's last menu and
    pending case buttons, and the first card naming each case (its own, or a burst summary)."""

    def __init__(self, api: FakeBotApi, children: dict[int, Child]) -> None:
        self.api = api
        self.children = children
        self.read = 0
        self.first_card: dict[int, SentMessage] = {}

    def catch_up(self) -> None:
        sent = self.api.sent
        while self.read < len(sent):
            message = sent[self.read]
            self.read += 1
            if message.chat_id == PROTECTION:
                # The first card that names a case tells the officers it exists: its own
                # card, or the summary of a burst (the relay keeps to the group's 20 cards a
                # minute, so in a burst most cases are first named there).
                for number in CASE_NUMBER.findall(message.text):
                    self.first_card.setdefault(int(number), message)
                continue
            child = self.children.get(message.chat_id)
            data = _callback_data(message)
            if child is None or not data:
                continue
            cases = {int(m.group(2)) for m in map(CASE_BUTTON.fullmatch, data) if m}
            if cases:
                if any(_case_of(item) not in cases for item in child.case_buttons):
                    child.case_buttons = {}  # a newer disclosure: only its questions count
                for item in data:
                    # Accepting contact would turn the child's chat into a line to an
                    # officer: another scenario. "No, gracias" and "¿Entendí bien?" stay.
                    if CASE_BUTTON.fullmatch(item) and not item.startswith("t:contact:"):
                        child.case_buttons[item] = message.message_id
            elif any(item.startswith("r:") for item in data):
                child.menu = (message.message_id, data)
                child.prompt = None  # the menu comes when a flow (consent) has ended
            else:
                child.prompt = (message.message_id, data)


def _callback_data(message: SentMessage) -> tuple[str, ...]:
    rows = (message.reply_markup or {}).get("inline_keyboard") or []
    return tuple(b["callback_data"] for row in rows for b in row if "callback_data" in b)


def _case_of(data: str) -> int:
    match = CASE_BUTTON.fullmatch(data)
    return int(match.group(2)) if match else -1


class Load:
    """The children: paced, open-loop senders sharing one message mix."""

    def __init__(self, api: FakeBotApi, params: Parameters, inbox: Inbox, rng: random.Random):
        self.api = api
        self.params = params
        self.inbox = inbox
        self.rng = rng
        self.mix = Mix(rng, params.disclosure_share)
        self.pushes: list[Push] = []

    async def run(self, children: list[Child], until: float) -> None:
        await asyncio.gather(*(self._child(child, until) for child in children))

    async def _child(self, child: Child, until: float) -> None:
        low, high = self.params.gap
        due = time.monotonic() + self.rng.uniform(0, high)  # children arrive staggered
        first = True
        while due < until:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            self.inbox.catch_up()
            action = self.mix.next(
                first,
                child.menu is not None,
                tuple(child.case_buttons),
                child.prompt[1] if child.prompt else (),
            )
            self._push(child, action)
            first = False
            due += self.rng.uniform(low, high)

    def _push(self, child: Child, action: Action) -> None:
        api, chat = self.api, child.chat
        at = time.monotonic()
        if action.kind == "sticker":
            update = api.push_sticker(chat)
        elif action.kind == "case_button":
            update = api.push_callback(chat, action.text, child.case_buttons[action.text])
            child.case_buttons = {}  # one answer per disclosure
        elif action.kind == "prompt_button":
            assert child.prompt is not None
            update = api.push_callback(chat, action.text, child.prompt[0])
            child.prompt = None  # until the bot asks again
        elif action.kind == "menu_button" or action.text == HELP_BUTTON:
            assert child.menu is not None
            message_id, data = child.menu
            if action.text == HELP_BUTTON:
                choices = [d for d in data if d == HELP_BUTTON]
            else:
                choices = [d for d in data if d.startswith("r:") and d != HELP_BUTTON]
            if choices:
                update = api.push_callback(chat, self.rng.choice(choices), message_id)
            elif action.disclosure:  # a menu without the help button: the safe word instead
                action = dataclasses.replace(action, text="AYUDA")
                update = api.push_text(chat, action.text)
            else:
                action = Action("question", "¿Quién es usted?")
                update = api.push_text(chat, action.text)
        else:
            update = api.push_text(chat, action.text)
        self.pushes.append(Push(update["update_id"], chat, action, at))


class LoopLag:
    """How late the bot's event loop runs a timer that asks to wake every `period` s: a late
    timer means every ready task (an update to handle, a reply to send) waited that long for
    its turn. (The escalation lane has a loop of its own, on its own thread.)"""

    def __init__(self, period: float = 0.1) -> None:
        self.period = period
        self.late: list[float] = []

    async def run(self) -> None:
        while True:
            due = time.monotonic() + self.period
            await asyncio.sleep(self.period)
            self.late.append(max(0.0, time.monotonic() - due))


def _build_application(parts: Runtime) -> Application:
    """The Application exactly as `python -m bot run` assembles it."""
    from bot.channels.telegram import assemble

    return assemble(parts)


# -- Telegram's side: the fake and the children, in a process of their own --------------


async def _receive(conn: Connection) -> Any:
    """The next message from the other process, without blocking this event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, conn.recv)


def telegram_side(conn: Connection, params: Parameters, chats: list[int]) -> None:
    """The process that plays Telegram: runs the fake Bot API and the children until the
    bot's process says stop, then sends back what was pushed and what the bot sent."""
    from bot.channels.telegram.application import install_event_loop

    install_event_loop()
    asyncio.run(_telegram(conn, params, chats))


async def _telegram(conn: Connection, params: Parameters, chats: list[int]) -> None:
    rng = random.Random(params.seed)
    children = {chat: Child(chat) for chat in chats}
    async with FakeBotApi(token=TOKEN) as api:
        conn.send(("ready", api.base_url))
        assert await _receive(conn) == "go"
        inbox = Inbox(api, children)
        load = Load(api, params, inbox, rng)
        cpu0 = time.process_time()
        await load.run(list(children.values()), time.monotonic() + params.seconds)
        conn.send(("sent", [push.update_id for push in load.pushes]))
        # The bot's process drains, then asks for the cards of the cases it opened.
        cases, deadline = await _receive(conn)
        while True:
            inbox.catch_up()
            if cases <= set(inbox.first_card) or time.monotonic() >= deadline:
                break
            await asyncio.sleep(POLL)
        conn.send(("cards", cases <= set(inbox.first_card)))
        assert await _receive(conn) == "stop"  # the bot has stopped polling and sending
        inbox.catch_up()
        cpu = time.process_time() - cpu0
        conn.send(("log", load.pushes, api.sent, inbox.first_card, cpu))


# -- the bot's side: this process -----------------------------------------------------


async def _drain(
    application: Application, conn: Connection, stamps: Stamps, deadline: float
) -> bool:
    """When the children stop: wait until every update was handled and every reply queued
    for it was sent (or failed), then until Telegram's side saw every offered case's card."""
    (tag, pushed) = await _receive(conn)
    assert tag == "sent"
    drained = await _handled(stamps, pushed, deadline)
    # Replies go out after handling. `post_stop` is the bot's own drain (set by `assemble`):
    # it returns once every queued reply was sent or failed, and changes nothing else.
    if drained and application.post_stop is not None:
        try:
            await asyncio.wait_for(
                application.post_stop(application), max(0.0, deadline - time.monotonic())
            )
        except asyncio.TimeoutError:
            drained = False
    conn.send((stamps.cases(), deadline))  # Telegram's side answers once it saw the cards
    (tag, cards) = await _receive(conn)
    return drained and cards


async def _handled(stamps: Stamps, update_ids: list[int], deadline: float) -> bool:
    """Whether every one of the updates was handled before the deadline."""
    while not all(update_id in stamps.ended for update_id in update_ids):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL)
    return True


async def run(parts: Runtime, params: Parameters) -> dict[str, Any]:
    """Run the scenario against a freshly built runtime; return its figures.

    Telegram (the fake Bot API) and the children run in a second process, started here, so
    the bot's process does only the bot's work, as in production where Telegram is
    elsewhere: its CPU and memory figures are the bot's own. Both processes stamp times with
    time.monotonic(), one clock for the whole machine on Linux."""
    chats = [FIRST_CHILD + i for i in range(params.children)]
    # A child's private chat has the child's user id: the pseudonym the engine sees is its.
    stamps = Stamps({parts.pseudonymize("telegram", chat): chat for chat in chats})
    context = multiprocessing.get_context("spawn")  # not fork: this process holds Rasa
    conn, their_end = context.Pipe()
    telegram = context.Process(
        target=telegram_side, args=(their_end, params, chats), name="telegram", daemon=True
    )
    telegram.start()
    try:
        (tag, base_url) = await _receive(conn)
        assert tag == "ready"
        parts.settings = dataclasses.replace(
            parts.settings,
            telegram_token=TOKEN,
            telegram_api_base_url=base_url.removesuffix("/bot"),
        )
        application = _build_application(parts)
        stamps.attach(application, parts)
        # The lifecycle of Application.run_polling, step by step.
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)  # starts the escalation lane
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        lag = LoopLag()
        cpu0, started = time.process_time(), time.monotonic()
        probe = asyncio.create_task(lag.run())
        conn.send("go")
        try:
            drained = await _drain(
                application, conn, stamps, started + params.seconds + params.drain
            )
            finished = time.monotonic()
            cpu = time.process_time() - cpu0
        finally:  # as Application.run_polling stops
            probe.cancel()
            await application.updater.stop()
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)  # sends the replies still queued
            await application.shutdown()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)  # stops the lane
        conn.send("stop")
        (tag, pushes, sent, first_card, telegram_cpu) = await _receive(conn)
        assert tag == "log"
        telegram.join(timeout=30)
    finally:
        if telegram.is_alive():
            telegram.kill()
        conn.close()
    inbox = Inbox(None, {chat: Child(chat) for chat in chats})  # type: ignore[arg-type]
    inbox.first_card = first_card
    from bench.e2e_figures import _figures  # it imports this module's types

    figures = _figures(pushes, sent, inbox, stamps)
    first_push = min((push.at for push in pushes), default=started)
    last_push = max((push.at for push in pushes), default=started)
    figures["throughput_per_s"]["offered"] = round(
        len(pushes) / max(last_push - first_push, 1e-9), 1
    )
    figures["timing_s"] = {
        "sending": round(last_push - started, 2),
        "draining": round(finished - last_push, 2),
        "drained": drained,
        "cpu": round(cpu, 2),
        "cpu_share": round(cpu / (finished - started), 2),
        "telegram_cpu_share": round(telegram_cpu / (finished - started), 2),
    }
    figures["loop_lag_ms"] = summary_ms(lag.late)
    figures["peak_rss_mb"] = round(harness.peak_rss_mb())
    return figures


def table(result: dict[str, Any]) -> list[str]:
    """The run's readable table (bench/e2e_figures.py)."""
    from bench.e2e_figures import table as figures_table

    return figures_table(result)
