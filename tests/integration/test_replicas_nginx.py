"""Two real replicas (`python -m bot run`, webhook mode) behind Debian's nginx running the shipped
`deploy/nginx/voz.conf`, on PostgreSQL and Redis, against the Bot API fake (bench/replicas.py).
The test plays Telegram: every update goes through nginx, and again while not answered 200.

One stack for the module (starting two replicas loads the model twice); the tests run in file
order and the last one kills a replica. Skipped, saying why, without nginx, PostgreSQL
(TEST_POSTGRES_URL) or Redis (REDIS_URL, default 127.0.0.1:6379)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench.replicas import PROTECTION_CHAT, Stack, nginx_binary

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
DISCLOSURE = "un señor me da plata si le mando fotos"
CAMPAIGN = "seguridad-en-linea"
THANKS = "Sus respuestas ya se sumaron"  # bot.campaigns.survey.THANKS
STALE = "Ese botón ya no funciona"  # bot.engine.STALE_BUTTON


def redis_missing() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure to reach it means no Redis here
        return f"no Redis at {REDIS_URL} ({type(error).__name__})"
    return None


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    admin = os.environ.get("TEST_POSTGRES_URL")
    if not admin:
        pytest.skip("TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (.ci/run installs Debian's: apt-get install nginx)")
    if (missing := redis_missing()) is not None:
        pytest.skip(missing)
    workdir: Path = tmp_path_factory.mktemp("replicas")
    with Stack(workdir, admin, REDIS_URL, replicas=2) as running:
        running.cli("campaigns", "open", CAMPAIGN)
        yield running


def sent_to(stack: Stack, chat: int, since: int = 0) -> list:
    return [m for m in stack.fake.api.sent[since:] if m.chat_id == chat]


def sql(stack: Stack, query: str) -> list:
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(query)))
    finally:
        engine.dispose()


def buttons(message) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


def take_survey(stack: Stack, child: int) -> list[str]:
    """/start with the campaign's link, assent (13-15), then every question: the first option
    of each, "done" after it on a multiple choice. Returns the data pressed."""
    stack.post(stack.text(child, f"/start {CAMPAIGN}"))
    pressed: list[str] = []
    for _ in range(40):
        if any(THANKS in m.text for m in sent_to(stack, child)):
            return pressed
        last = [m for m in sent_to(stack, child) if buttons(m)][-1]
        options = buttons(last)
        if "c:band:13-15" in options:
            choice = "c:band:13-15"
        elif any(o.endswith(":done") for o in options) and pressed and pressed[-1] in options:
            choice = next(o for o in options if o.endswith(":done"))
        else:
            choice = next(o for o in options if not o.endswith(":done"))
        pressed.append(choice)
        since = len(stack.fake.api.sent)
        stack.post(stack.press(child, choice, last.message_id))
        refused = [m.text for m in sent_to(stack, child, since) if STALE in m.text]
        assert not refused, f"{choice} refused as stale after {pressed}: {refused[0]}"
    raise AssertionError(f"the survey did not end; pressed {pressed}")


def test_a_childs_survey_whose_presses_alternate_between_replicas_completes(stack):
    before = len(stack.replicas_seen())
    pressed = take_survey(stack, 70001)
    time.sleep(0.5)  # nginx logs a request after answering it
    served = stack.replicas_seen()[before:]
    assert len(served) == len(pressed) + 1
    assert len(set(served)) == 2
    assert all(a != b for a, b in zip(served, served[1:], strict=False)), (
        served
    )  # strictly alternating
    assert sum(THANKS in m.text for m in sent_to(stack, 70001)) == 1
    answers = sorted(
        tuple(p.split(":")[1:3]) for p in pressed if p.startswith("s:") and not p.endswith(":done")
    )
    counted = sql(stack, "SELECT question, option, count FROM answer_counters WHERE count > 0")
    assert sorted((q, o) for q, o, _ in counted if o != "*") == answers
    assert all(count == 1 for _, _, count in counted)  # each answer counted once, one child


def breaches(stack: Stack) -> list[tuple[str, int]]:
    return [(b.limit, b.chat_id) for b in stack.fake.api.breaches]


def kinds(messages) -> list[str]:
    """P: /privacidad's answer; A and H: /ayuda's (the options, then the helplines)."""
    out = []
    for message in messages:
        if message.text.startswith("🔒 Su privacidad"):
            out.append("P")
        elif message.text.startswith("Puedo ayudarle"):
            out.append("A")
        elif message.text.startswith("Si necesita hablar con alguien"):  # utter_lineas_de_ayuda
            out.append("H")
        else:
            out.append("?")
    return out


def test_a_chats_messages_are_answered_in_order(stack):
    child = 70002
    stack.post(stack.text(child, "hola"))
    since = len(stack.fake.api.sent)
    for command in ["/privacidad", "/ayuda"] * 3:
        stack.post(stack.text(child, command))  # as Telegram sends a chat's updates: in turn
    assert kinds(sent_to(stack, child, since)) == ["P", "A", "H"] * 3


def test_updates_queued_at_once_are_answered_in_update_order_in_every_chat(stack):
    """Order across replicas rests on two things: Telegram sends a chat's next update only
    once the webhook answered the last (updates of different chats go at once), and the
    webhook answers only when the update is handled and its replies sent. Here three chats'
    updates, queued at once and interleaved, go over both replicas that way."""
    children = [70011, 70012, 70013]
    for child in children:
        stack.post(stack.text(child, "hola"))
    since = len(stack.fake.api.sent)
    before = len(stack.replicas_seen())
    updates = [
        stack.text(c, command) for command in ["/privacidad", "/ayuda"] * 2 for c in children
    ]
    stack.deliver(updates)
    for child in children:
        assert kinds(sent_to(stack, child, since)) == ["P", "A", "H"] * 2, child
    time.sleep(0.5)  # nginx logs a request after answering it
    assert len(set(stack.replicas_seen()[before:])) == 2  # both replicas took part


def test_a_burst_of_children_over_both_replicas_breaches_no_telegram_limit(stack):
    children = range(71000, 71030)
    since = len(stack.fake.api.sent)
    threads = [
        threading.Thread(target=stack.post, args=(stack.text(c, "/start"),)) for c in children
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    sent = stack.fake.api.sent[since:]
    assert {m.chat_id for m in sent} == set(children)
    assert len(sent) >= 90  # three or more messages each: 27 a second at most, overall
    assert elapsed >= len(sent) / 30
    assert breaches(stack) == []


def test_an_update_whose_handler_died_mid_request_is_taken_over_at_once(stack):
    """A replica killed while handling an update leaves its claim unfinished. Telegram
    delivers it again; the replica that gets it holds the chat's lock, which the dead handler
    held while it lived, so it takes the claim over at once: answered on that delivery, not
    503 for CLAIM_TIMEOUT (two minutes)."""
    child = 70006
    stack.post(stack.text(child, "hola"))
    update = stack.text(child, "/ayuda")
    engine = create_engine(stack.database_url)
    try:
        with engine.begin() as connection:  # what the killed handler left
            connection.execute(
                text(
                    "INSERT INTO processed_updates (update_id, processed_at, done) "
                    "VALUES (:id, now() AT TIME ZONE 'utc', false)"
                ),
                {"id": update["update_id"]},
            )
    finally:
        engine.dispose()
    since = len(stack.fake.api.sent)
    assert stack.post(update) == 1, "answered 503: the dead handler's claim was not taken over"
    assert kinds(sent_to(stack, child, since)) == ["A", "H"]
    done = sql(stack, f"SELECT done FROM processed_updates WHERE update_id = {update['update_id']}")
    assert done == [(True,)]


def test_a_replica_killed_mid_conversation_loses_and_doubles_nothing(stack):
    child, other = 70004, 70005
    windows: list[tuple[str, list[str]]] = []

    def say(who: int, words: str) -> None:
        since = len(stack.fake.api.sent)
        attempts = stack.post(stack.text(who, words))
        windows.append((words, [m.text for m in sent_to(stack, who, since)]))
        assert attempts >= 1

    say(child, "hola")
    say(child, "¿Qué es el grooming?")
    cards_before = len(sent_to(stack, PROTECTION_CHAT))
    say(child, DISCLOSURE)
    deadline = time.monotonic() + 60
    while len(sent_to(stack, PROTECTION_CHAT)) == cards_before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(sent_to(stack, PROTECTION_CHAT)) == cards_before + 1
    time.sleep(0.5)  # the relay marks the card sent
    stack.kill(0)  # SIGKILL, mid-conversation: the next update nginx gives it fails over
    say(child, "gracias")
    say(child, "/ayuda")
    say(other, "hola")
    say(other, "mi tío me toca y me dice que es un secreto")
    say(other, "/ayuda")
    deadline = time.monotonic() + 60
    while len(sent_to(stack, PROTECTION_CHAT)) < cards_before + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(3)  # anything doubled would have arrived by now
    for words, replies in windows:
        assert replies, f"no reply to {words!r}"
        assert len(replies) == len(set(replies)), f"a reply to {words!r} was doubled: {replies}"
    cards = sent_to(stack, PROTECTION_CHAT)[cards_before:]
    assert len(cards) == 2, [c.text[:60] for c in cards]  # one card per disclosure, no more
    assert len(sql(stack, "SELECT id FROM escalations")) >= 2
    assert breaches(stack) == []
