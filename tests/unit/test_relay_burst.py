"""A burst of cases for the protection group (issue 15, "flood control without losing a
child"): at the group's 20 messages a minute, every new case is named to the group (its own
card or a summary) within about a minute of opening, emergencies' own cards go before any
summary and are listed above lower urgencies, each case still gets its own card exactly once,
and the group never gets more than 20 messages in any 60 s.

A fake clock and a fake sender; the relay's passes run as `run` would, one a second.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from bot.channels.delivery import ChatMoved, DeliveryError, Rejected, RetryLater, Transient
from bot.escalation import Cases, Disclosure
from bot.escalation.burst import Due, to_list
from bot.escalation.cards import Buttons
from bot.escalation.relay import Relay

START = datetime(2026, 3, 1, 12, 0, 0)
PROTECTION = -4001
PER_MINUTE = 20
MINUTE = timedelta(minutes=1)
NUMBER = re.compile(r"VS-\d{6}")


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Sender:
    """Records (time, text, buttons) of what the group got; `fail` maps the index of a send
    attempt (0-based, counting failed ones) to the error that attempt raises."""

    def __init__(self, clock: Clock, fail: dict[int, DeliveryError] | None = None) -> None:
        self.clock = clock
        self.fail = fail or {}
        self.attempts: list[datetime] = []
        self.got: list[tuple[datetime, str, Buttons]] = []

    async def send(self, chat_id: int, text: str, buttons: Buttons) -> None:
        self.attempts.append(self.clock())
        error = self.fail.get(len(self.attempts) - 1)
        if error is not None:
            raise error
        self.got.append((self.clock(), text, buttons))

    def own_cards(self) -> list[tuple[datetime, str]]:
        """(time, case number) of each case's own card, in order."""
        return [
            (at, NUMBER.findall(text)[0]) for at, text, _b in self.got if text.startswith("Nuevo")
        ]

    def summaries(self) -> list[tuple[datetime, str]]:
        return [(at, text) for at, text, _b in self.got if text.startswith("📋")]

    def first_named(self) -> dict[str, datetime]:
        named: dict[str, datetime] = {}
        for at, text, _b in self.got:
            for number in NUMBER.findall(text):
                named.setdefault(number, at)
        return named


def open_cases(database, clock: Clock, urgency: str, count: int, tag: str) -> dict[str, datetime]:
    """`count` new cases of `urgency` (one child each); their numbers -> when they opened."""
    cases = Cases(database, clock=clock)
    opened = {}
    for n in range(count):
        case_id = cases.open(f"ps_{tag}_{n:04d}", Disclosure(urgency, "abuse", "self"), "ayuda")
        opened[f"VS-{case_id:06d}"] = clock()
    return opened


def relay_for(database, sender: Sender, clock: Clock) -> Relay:
    return Relay(database, sender, PROTECTION, None, clock=clock, group_per_minute=PER_MINUTE)


async def passes(relay: Relay, clock: Clock, seconds: int, each=None) -> None:  # type: ignore[no-untyped-def]
    """One pass a second for `seconds` s; `each(second)` first, to open cases as time goes."""
    for second in range(seconds):
        if each is not None:
            each(second)
        await relay.deliver_due()
        clock.now += timedelta(seconds=1)


def most_in_a_minute(times: list[datetime]) -> int:
    return max((sum(at <= t < at + MINUTE for t in times) for at in times), default=0)


def assert_each_case_has_its_own_card_once(sender: Sender, opened: dict[str, datetime]) -> None:
    numbers = [number for _at, number in sender.own_cards()]
    assert sorted(numbers) == sorted(opened), "a case without its own card, or with two"


def assert_each_case_listed_at_most_once(sender: Sender) -> None:
    listed = [number for _at, text in sender.summaries() for number in NUMBER.findall(text)]
    assert len(listed) == len(set(listed))


@pytest.mark.parametrize("emergencies, highs", [(30, 40), (5, 40), (19, 2)])
async def test_a_burst_names_every_case_within_the_first_minute_emergencies_first(
    database, emergencies, highs
):
    clock = Clock()
    sos = open_cases(database, clock, "emergency", emergencies, "sos")
    high = open_cases(database, clock, "high", highs, "high")
    sender = Sender(clock)
    await passes(relay_for(database, sender, clock), clock, 5 * 60)

    named = sender.first_named()
    assert set(named) == {*sos, *high}
    assert all(at < START + MINUTE for at in named.values()), "a case unnamed after a minute"
    # Before the first summary: emergencies' own cards only, as many as the minute allows
    # beside the summary.
    index = next(i for i, (_at, text, _b) in enumerate(sender.got) if text.startswith("📋"))
    ahead = [NUMBER.findall(text)[0] for _at, text, _b in sender.got[:index]]
    assert ahead == list(sos)[: min(emergencies, PER_MINUTE - 1)]
    summary = sender.got[index][1]
    # The summary lists the emergencies still waiting above every high case.
    listed = NUMBER.findall(summary)
    waiting_sos = list(sos)[PER_MINUTE - 1 :]
    assert listed[: len(waiting_sos)] == waiting_sos
    assert set(listed[len(waiting_sos) :]) == set(high)
    if waiting_sos:
        assert summary.index("emergencia") < summary.index("prioridad alta")
    assert_each_case_has_its_own_card_once(sender, {**sos, **high})
    assert all(len(buttons) > 0 for _at, text, buttons in sender.got if text.startswith("Nuevo"))
    assert_each_case_listed_at_most_once(sender)
    assert most_in_a_minute([at for at, _t, _b in sender.got]) <= PER_MINUTE


async def test_cases_opening_all_the_time_are_each_named_within_a_minute_of_opening(database):
    """Three cases every 4 s for 3 minutes: 45 a minute, over twice what the group takes.
    Summaries go at most once a minute, so the cases' own cards still get 19 slots of 20."""
    clock = Clock()
    opened: dict[str, datetime] = {}

    def arrive(second: int) -> None:
        if second < 180 and second % 4 == 0:
            opened.update(open_cases(database, clock, "high", 3, f"t{second}"))

    sender = Sender(clock)
    await passes(relay_for(database, sender, clock), clock, 12 * 60, arrive)

    named = sender.first_named()
    late = {n: (named[n] - at).total_seconds() for n, at in opened.items() if n not in named}
    late |= {n: s for n, at in opened.items() if (s := (named[n] - at).total_seconds()) > 61}
    assert not late, f"named late or never (seconds): {late}"
    times = [at for at, _t, _b in sender.got]
    assert most_in_a_minute(times) <= PER_MINUTE
    assert most_in_a_minute([at for at, _t in sender.summaries()]) == 1
    assert_each_case_has_its_own_card_once(sender, opened)
    assert_each_case_listed_at_most_once(sender)


async def test_cases_opening_in_a_full_minute_are_named_when_it_frees_emergencies_first(
    database,
):
    clock = Clock()
    high = open_cases(database, clock, "high", 30, "high")
    sender = Sender(clock)
    relay = relay_for(database, sender, clock)
    await passes(relay, clock, 10)  # a summary of all 30, then 19 of their own cards
    assert len(sender.summaries()) == 1 and len(sender.got) == PER_MINUTE
    sos = open_cases(database, clock, "emergency", 2, "sos")
    late = open_cases(database, clock, "high", 25, "late")
    await passes(relay, clock, 50)  # the group's minute is full until 12:01:00
    assert len(sender.got) == PER_MINUTE

    await passes(relay, clock, 1)
    at, _text, _b = sender.got[PER_MINUTE]
    assert at == START + MINUTE
    assert [number for _at, number in sender.own_cards()[PER_MINUTE - 1 :][:2]] == list(sos)
    assert NUMBER.findall(sender.summaries()[1][1]) == list(late)  # not the 11 listed before
    await passes(relay, clock, 5 * 60)
    assert_each_case_has_its_own_card_once(sender, {**high, **sos, **late})
    assert_each_case_listed_at_most_once(sender)


async def test_a_summary_refused_with_429_waits_its_retry_after_and_is_sent_once(database):
    clock = Clock()
    sos = open_cases(database, clock, "emergency", 5, "sos")
    high = open_cases(database, clock, "high", 40, "high")
    sender = Sender(clock, fail={5: RetryLater(30)})  # the summary, after the emergencies
    await passes(relay_for(database, sender, clock), clock, 5 * 60)

    attempts = sender.attempts
    assert attempts[6] - attempts[5] == timedelta(seconds=30)  # nothing sent meanwhile
    assert len(sender.summaries()) == 1
    assert sender.summaries()[0][0] == START + timedelta(seconds=30)
    assert set(NUMBER.findall(sender.summaries()[0][1])) == set(high)
    assert_each_case_has_its_own_card_once(sender, {**sos, **high})
    assert most_in_a_minute(attempts) <= PER_MINUTE  # failed attempts count too


@pytest.mark.parametrize("error", [Transient("timeout"), ChatMoved(-1004001)])
async def test_a_summary_that_failed_goes_again_and_lists_each_case_once(database, error):
    clock = Clock()
    sos = open_cases(database, clock, "emergency", 3, "sos")
    high = open_cases(database, clock, "high", 40, "high")
    sender = Sender(clock, fail={3: error})  # the summary, after the three emergencies
    await passes(relay_for(database, sender, clock), clock, 5 * 60)

    named = sender.first_named()
    assert set(named) == {*sos, *high}
    assert all(at < START + MINUTE for at in named.values())
    assert len(sender.summaries()) == 1
    assert_each_case_has_its_own_card_once(sender, {**sos, **high})
    assert most_in_a_minute(sender.attempts) <= PER_MINUTE


async def test_a_summary_rejected_leaves_the_minute_to_the_cases_own_cards(database):
    clock = Clock()
    high = open_cases(database, clock, "high", 40, "high")
    sender = Sender(clock, fail={0: Rejected()})
    relay = relay_for(database, sender, clock)
    await passes(relay, clock, 5)

    # One try, then the minute's other 19 slots carry cards, not 19 more tries.
    assert len(sender.attempts) == PER_MINUTE
    assert [number for _at, number in sender.own_cards()] == list(high)[: PER_MINUTE - 1]
    await passes(relay, clock, 5 * 60)
    assert sender.summaries()  # a minute later summaries are tried again
    assert_each_case_has_its_own_card_once(sender, high)
    assert_each_case_listed_at_most_once(sender)


async def test_after_a_restart_a_summary_lists_only_cases_no_summary_named(database):
    clock = Clock()
    first = open_cases(database, clock, "high", 30, "first")
    sender = Sender(clock)
    await passes(relay_for(database, sender, clock), clock, 5)
    assert set(NUMBER.findall(sender.summaries()[0][1])) == set(first)

    later = open_cases(database, clock, "high", 30, "later")
    restarted = Sender(clock)
    relay = relay_for(database, restarted, clock)  # forgets its sends, not the summary's time
    await passes(relay, clock, 50)
    assert not restarted.summaries()  # the minute of the last summary is not over
    await passes(relay, clock, 60)
    at, summary = restarted.summaries()[0]
    carded = {number for when, number in restarted.own_cards() if when < at}
    listed = set(NUMBER.findall(summary))
    assert listed <= set(later) and listed | (carded & set(later)) == set(later)


async def test_relays_of_two_replicas_send_one_summary_a_minute_between_them(database):
    """Each replica's relay counts its own sends; the minute's summary is one for both."""
    clock = Clock()
    cases = open_cases(database, clock, "emergency", 25, "sos")
    cases |= open_cases(database, clock, "high", 40, "high")
    one, other = Sender(clock), Sender(clock)
    first, second = relay_for(database, one, clock), relay_for(database, other, clock)
    for now in range(120):
        if now == 10:
            cases |= open_cases(database, clock, "high", 30, "late")
        await first.deliver_due()
        if now >= 30:  # a replica started half a minute after the first summary
            await second.deliver_due()
        clock.now += timedelta(seconds=1)

    summaries = sorted(one.summaries() + other.summaries())
    assert len(summaries) == 2 and summaries[1][0] - summaries[0][0] >= MINUTE
    listed = [number for _at, text in summaries for number in NUMBER.findall(text)]
    assert len(listed) == len(set(listed))
    named = {number for sender in (one, other) for number in sender.first_named()}
    assert named == set(cases)


def due(*urgencies: str, new: bool = True) -> list[Due]:
    return [Due(n, f"VS-{n:06d}", urgency, new) for n, urgency in enumerate(urgencies, 1)]


def test_no_summary_while_every_due_card_fits_the_minute():
    assert to_list(due("high", "high"), 2, None, START) == []
    assert to_list(due("high", "high"), None, None, START) == []  # no limit (a terminal)


def test_no_summary_while_an_emergency_is_first_and_more_than_one_slot_is_left():
    cards = due("emergency", "emergency", "high", "high")
    assert to_list(cards, 2, None, START) == []
    assert to_list(cards, 1, None, START) == cards  # the last slot names them all


def test_at_most_one_summary_a_minute():
    cards = due("high", "high", "high")
    assert to_list(cards, 2, START, START + timedelta(seconds=59)) == []
    assert to_list(cards, 2, START, START + MINUTE) == cards


def test_no_summary_when_only_known_cases_wait():
    cards = [*due("high"), *due("high", "high", new=False)]
    assert to_list(cards, 1, None, START) == []
