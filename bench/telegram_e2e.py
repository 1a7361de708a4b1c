"""Scenario `telegram_e2e`: many children on Telegram at once, end to end (issue 5).

What runs is the bot as `python -m bot run` builds it: `runtime.build` (database, migrations,
pseudonym key, Rasa model, engine with Cases), the real python-telegram-bot Application
long-polling with its rate limiter and handlers, and the escalation lane with its own Bot,
started and stopped with the application. Telegram is `tests.fakes.botapi.FakeBotApi`, a
real HTTP server on 127.0.0.1, in this same process.

N children each send a message every `gap` seconds (uniformly jittered), open loop: the
next message leaves on schedule whether or not the last one was answered, so a slow bot
shows up as latency rather than as fewer messages. After `seconds`, sending stops and the
run drains: it waits until every message was handled and every case's alert card arrived.

Measured, from the moment a message is pushed into the fake (as if Telegram received it):
- reply latency: until the first reply reaches the fake for that chat;
- alert latency: for a disclosure, until its alert card reaches the protection chat (the
  case id is read from the buttons of the child's reply; the card carries "VS-<id>");
- where the time goes: queue wait (until the bot starts handling the update) and handling.

To tell which replies answer which message when a chat has several in flight, two passive
handlers stamp when handling of each update starts (before every other handler) and ends
(after every other handler); they change nothing else. Updates are handled one at a time in
the order received (PTB's default), so the replies to a chat in that window are its replies.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import re
import resource
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, TypeHandler

from bench.stats import summary_ms
from bench.traffic import HELP_BUTTON, Action, Mix
from bot.runtime import Runtime
from tests.fakes.botapi import FakeBotApi, SentMessage

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


class Stamps:
    """When handling of each update started and ended (time.monotonic())."""

    def __init__(self) -> None:
        self.started: dict[int, float] = {}
        self.ended: dict[int, float] = {}

    def attach(self, application: Application) -> None:
        async def start(update: Update, _context: Any) -> None:
            self.started.setdefault(update.update_id, time.monotonic())

        async def end(update: Update, _context: Any) -> None:
            self.ended.setdefault(update.update_id, time.monotonic())

        application.add_handler(TypeHandler(Update, start), group=-1_000_000)
        application.add_handler(TypeHandler(Update, end), group=1_000_000)


class Inbox:
    """What the fake has sent so far, indexed as it comes: each child's last menu and
    pending case buttons, the case ids offered to children, the first card of each case."""

    def __init__(self, api: FakeBotApi, children: dict[int, Child]) -> None:
        self.api = api
        self.children = children
        self.read = 0
        self.cases_offered: set[int] = set()
        self.first_card: dict[int, SentMessage] = {}

    def catch_up(self) -> None:
        sent = self.api.sent
        while self.read < len(sent):
            message = sent[self.read]
            self.read += 1
            if message.chat_id == PROTECTION:
                found = CASE_NUMBER.search(message.text)
                if found is not None:
                    self.first_card.setdefault(int(found.group(1)), message)
                continue
            child = self.children.get(message.chat_id)
            data = _callback_data(message)
            if child is None or not data:
                continue
            cases = {int(m.group(2)) for m in map(CASE_BUTTON.fullmatch, data) if m}
            if cases:
                self.cases_offered |= cases
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

    def undelivered(self) -> set[int]:
        return self.cases_offered - set(self.first_card)


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


async def _drain(load: Load, inbox: Inbox, stamps: Stamps, deadline: float) -> bool:
    """Wait until every update was handled and every offered case has its card."""
    while True:
        inbox.catch_up()
        handled = all(p.update_id in stamps.ended for p in load.pushes)
        if handled and not inbox.undelivered():
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL)


def _build_application(parts: Runtime) -> Application:
    """The Application exactly as `python -m bot run` assembles it."""
    try:
        from bot.telegram import assemble
    except ImportError:  # before `assemble` existed
        from bot.telegram import attach_lane, build_application, register_handlers
        from bot.telegram.handlers import TelegramAdapter

        application = build_application(parts.settings)
        register_handlers(
            application, TelegramAdapter(parts.engine, parts.pseudonymize, parts.database)
        )
        attach_lane(application, parts.telegram_lane())
        return application
    return assemble(parts)


async def run(parts: Runtime, params: Parameters) -> dict[str, Any]:
    """Run the scenario against a freshly built runtime; return its figures."""
    rng = random.Random(params.seed)
    children = {FIRST_CHILD + i: Child(FIRST_CHILD + i) for i in range(params.children)}
    stamps = Stamps()
    async with FakeBotApi(token=TOKEN) as api:
        parts.settings = dataclasses.replace(
            parts.settings,
            telegram_token=api.token,
            telegram_api_base_url=api.base_url.removesuffix("/bot"),
        )
        application = _build_application(parts)
        stamps.attach(application)
        # The lifecycle of Application.run_polling, step by step.
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)  # starts the escalation lane
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        inbox = Inbox(api, children)
        load = Load(api, params, inbox, rng)
        cpu0, started = time.process_time(), time.monotonic()
        try:
            await load.run(list(children.values()), started + params.seconds)
            sending_ended = time.monotonic()
            drained = await _drain(load, inbox, stamps, sending_ended + params.drain)
            finished = time.monotonic()
            cpu = time.process_time() - cpu0
        finally:
            await application.updater.stop()
            await application.stop()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)  # stops the lane
            await application.shutdown()
        inbox.catch_up()
        figures = _figures(load.pushes, api.sent, inbox, stamps)
    first_push = min((push.at for push in load.pushes), default=started)
    figures["throughput_per_s"]["offered"] = round(
        len(load.pushes) / max(sending_ended - first_push, 1e-9), 1
    )
    figures["timing_s"] = {
        "sending": round(sending_ended - started, 2),
        "draining": round(finished - sending_ended, 2),
        "drained": drained,
        "cpu": round(cpu, 2),
        "cpu_share": round(cpu / (finished - started), 2),
    }
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def _figures(
    pushes: list[Push], sent: list[SentMessage], inbox: Inbox, stamps: Stamps
) -> dict[str, Any]:
    from bot.telegram.handlers import SORRY

    by_chat: dict[int, list[SentMessage]] = defaultdict(list)
    for message in sent:
        by_chat[message.chat_id].append(message)

    reply: list[float] = []
    reply_by_kind: dict[str, list[float]] = defaultdict(list)
    alert: list[float] = []
    queue: list[float] = []
    handling: list[float] = []
    counts: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    first_push = min((p.at for p in pushes), default=0.0)
    last_answer = first_push
    for push in pushes:
        kinds[push.action.kind] += 1
        counts["messages_sent"] += 1
        counts["disclosures"] += push.action.disclosure
        started, ended = stamps.started.get(push.update_id), stamps.ended.get(push.update_id)
        if started is not None:
            queue.append(started - push.at)
            if ended is not None:
                handling.append(ended - started)
        answers = [
            m
            for m in by_chat[push.chat]
            if started is not None and started <= m.sent_at <= (ended or float("inf"))
        ]
        counts["replies_attributed"] += len(answers)
        if answers:
            counts["answered"] += 1
            latency = answers[0].sent_at - push.at
            reply.append(latency)
            reply_by_kind[push.action.kind].append(latency)
            last_answer = max(last_answer, answers[0].sent_at)
            counts["error_replies"] += sum(m.text == SORRY for m in answers)
        offered = {
            int(m.group(2))
            for message in answers
            for m in map(CASE_BUTTON.fullmatch, _callback_data(message))
            if m
        }
        if push.action.kind == "case_button":
            continue  # its reply repeats nothing; the card it causes is an update
        if not push.action.disclosure:
            counts["false_alarms"] += bool(offered)
            continue
        if not offered:
            counts["not_escalated"] += 1  # triage missed it, or the case was not recorded
            continue
        card = inbox.first_card.get(min(offered))
        if card is None:
            counts["undelivered"] += 1
            continue
        counts["alerts_delivered"] += 1
        alert.append(card.sent_at - push.at)

    counts["lost"] = counts["not_escalated"] + counts["undelivered"]
    counts["unanswered"] = counts["messages_sent"] - counts["answered"]
    counts["cards_to_protection_chat"] = sum(1 for m in sent if m.chat_id == PROTECTION)
    counts["cards_to_fallback_chat"] = sum(1 for m in sent if m.chat_id == FALLBACK)
    counts["replies_to_children"] = sum(1 for m in sent if m.chat_id > 0)
    window = max(last_answer - first_push, 1e-9)
    order = (
        "messages_sent answered unanswered replies_to_children replies_attributed "
        "error_replies disclosures "
        "alerts_delivered lost not_escalated undelivered false_alarms "
        "cards_to_protection_chat cards_to_fallback_chat"
    ).split()
    return {
        "counts": {key: counts[key] for key in order},
        "messages_by_kind": dict(sorted(kinds.items())),
        "latency_ms": {
            "reply": summary_ms(reply),
            "alert": summary_ms(alert),
            "queue_wait": summary_ms(queue),
            "handling": summary_ms(handling),
        },
        "reply_latency_by_kind_ms": {k: summary_ms(v) for k, v in sorted(reply_by_kind.items())},
        "throughput_per_s": {
            "answered": round(counts["answered"] / window, 1),
            "replies_sent": round(counts["replies_to_children"] / window, 1),
        },
        "ok": counts["lost"] == 0 and counts["unanswered"] == 0,
    }


def table(result: dict[str, Any]) -> list[str]:
    """A readable rendering of one result of this scenario."""
    p, counts, latency = result["parameters"], result["counts"], result["latency_ms"]
    rows = [
        ("reply, any message", latency["reply"]),
        ("reply to a disclosure", result["reply_latency_by_kind_ms"].get("disclosure")),
        ("alert card, from message", latency["alert"]),
        ("  queue wait (to handling)", latency["queue_wait"]),
        ("  handling (all replies)", latency["handling"]),
    ]
    low, high = p["gap"]
    lines = [
        f"{NAME} on {result['database']}: {p['children']} children for {p['seconds']:g} s, "
        f"each a message every {low:g}-{high:g} s (startup {result['startup_s']:g} s)",
        "",
        f"{'latency (ms)':<28}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}",
    ]
    for label, figures in rows:
        figures = figures or summary_ms([])
        cells = "".join(
            f"{'-' if figures[k] is None else format(figures[k], '.0f'):>9}"
            for k in ("p50", "p95", "p99", "max")
        )
        lines.append(f"{label:<28}{figures['n']:>6}{cells}")
    rate, timing = result["throughput_per_s"], result["timing_s"]
    lines += [
        "",
        f"throughput   offered {rate['offered']:g} msg/s, answered {rate['answered']:g} msg/s, "
        f"replies sent {rate['replies_sent']:g}/s",
        f"messages     sent {counts['messages_sent']}, answered {counts['answered']}, "
        f"unanswered {counts['unanswered']}, error replies {counts['error_replies']}",
        f"disclosures  {counts['disclosures']}, alerts delivered {counts['alerts_delivered']}, "
        f"LOST {counts['lost']} (not escalated {counts['not_escalated']}, undelivered "
        f"{counts['undelivered']}), false alarms {counts['false_alarms']}",
        f"run          sending {timing['sending']:g} s, draining {timing['draining']:g} s"
        f"{'' if timing['drained'] else ' (GAVE UP)'}, CPU {timing['cpu_share']:.0%} of one "
        f"core, peak RSS {result['peak_rss_mb']} MB",
    ]
    return lines
