"""Results sent back without a facilitator: a request is claimed by one sender only (so two
replicas, or a replica and `python -m bot feedback`, never both send it), a claim runs out
after CLAIM_LEASE, and the running bot's results task (bot.campaigns.results_task) sends
once a release is out, takes a closed campaign's last release on its own, and is woken by
the completion that took a release."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime

import pytest
from sqlalchemy import select, text

from bot.campaigns import releases, results
from bot.campaigns.feedback import CLAIM_LEASE, MAX_REJECTIONS, Notifier, ResultsRequests
from bot.campaigns.flow import SurveyFlow
from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.results_task import ResultsTask
from bot.campaigns.tables import ANY, AnswerCounter, ParticipationToken, Release, ResultsRequest
from bot.channels.delivery import Rejected, Transient
from bot.runtime import engine_for
from tests.conftest import migrate_to
from tests.unit.test_results_feedback import EXAMPLE, complete_the_survey

NOW = datetime(2027, 2, 10, 18, 0)


class Recorder:
    """A Sender that keeps what it was asked to send; `fail` addresses raise Transient,
    `reject` addresses a 400 (Rejected: e.g. the chat no longer exists)."""

    def __init__(
        self, fail: frozenset[str] = frozenset(), reject: frozenset[str] = frozenset()
    ) -> None:
        self.sent: list[tuple[str, str]] = []
        self.fail = fail
        self.reject = reject
        self.tried: list[str] = []

    async def send(self, to: str, text: str) -> None:
        self.tried.append(to)
        if to in self.fail:
            raise Transient()
        if to in self.reject:
            raise Rejected()
        self.sent.append((to, text))


@pytest.fixture
def registry(database):
    return CampaignRegistry(database, clock=lambda: NOW, campaigns={EXAMPLE.id: EXAMPLE})


def counted(database, completions: int, band: str = "13-15") -> None:
    """The live completions of a band (only the completions counter: enough for a release)."""
    with database.session() as session:
        row = session.get(AnswerCounter, (EXAMPLE.id, ANY, ANY, band))
        if row is None:
            cell = {"question": ANY, "option": ANY, "band": band}
            session.add(AnswerCounter(campaign=EXAMPLE.id, **cell, count=completions, key=7))
        else:
            row.count = completions


def ask(database, number: int) -> dict[str, str]:
    store = ResultsRequests(database)
    who = {f"ps_task_{n}": f"telegram:{7_330_000_000 + n}" for n in range(number)}
    for user, address in who.items():
        assert store.ask(user, address, EXAMPLE.id, "13-15")
    return who


def waiting(database) -> list[str]:
    with database.session() as session:
        return sorted(session.scalars(select(ResultsRequest.user)))


def release_numbers(database) -> list[int]:
    with database.session() as session:
        return list(session.scalars(select(Release.number).order_by(Release.number)))


# -- claims ---------------------------------------------------------------------------------


def test_a_request_is_claimed_by_one_sender_only_until_given_back(database):
    ask(database, 1)
    first, second = ResultsRequests(database), ResultsRequests(database)
    assert first.claim(EXAMPLE.id, "ps_task_0")
    assert not second.claim(EXAMPLE.id, "ps_task_0")
    first.unclaim(EXAMPLE.id, "ps_task_0")
    assert second.claim(EXAMPLE.id, "ps_task_0")


def test_a_claim_older_than_the_lease_is_taken_over_and_a_fresh_one_is_not(database):
    ask(database, 1)
    now = [NOW]
    died = ResultsRequests(database, clock=lambda: now[0])
    other = ResultsRequests(database, clock=lambda: now[0])
    assert died.claim(EXAMPLE.id, "ps_task_0")
    now[0] = NOW + CLAIM_LEASE
    assert not other.claim(EXAMPLE.id, "ps_task_0")  # exactly the lease: still held
    now[0] = NOW + CLAIM_LEASE + CLAIM_LEASE / 100
    assert other.claim(EXAMPLE.id, "ps_task_0")


def test_a_request_sent_or_withdrawn_cannot_be_claimed(database):
    ask(database, 2)
    store = ResultsRequests(database)
    store.answered(EXAMPLE.id, "ps_task_0")
    store.withdraw("ps_task_1")
    assert not store.claim(EXAMPLE.id, "ps_task_0")
    assert not store.claim(EXAMPLE.id, "ps_task_1")


def test_many_senders_claiming_at_the_same_moment_give_it_to_exactly_one(database):
    ask(database, 1)
    start = threading.Barrier(6)
    won: list[bool] = []

    def claim() -> None:
        store = ResultsRequests(database)
        start.wait()
        won.append(store.claim(EXAMPLE.id, "ps_task_0"))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 5 + [True]


async def test_the_notifier_leaves_a_request_another_sender_holds(database):
    who = ask(database, 3)
    counted(database, 20)
    published = results.published(database, EXAMPLE, NOW, closed=False)
    assert ResultsRequests(database).claim(EXAMPLE.id, "ps_task_1")  # the other replica
    sender = Recorder()
    sent = await Notifier(database, sender, rate=25).run(EXAMPLE, published, False)
    assert (sent.total, sent.sent, sent.elsewhere) == (3, 2, 1)
    assert [to for to, _ in sender.sent] == [who["ps_task_0"], who["ps_task_2"]]
    assert waiting(database) == ["ps_task_1"]  # still the other sender's to send


async def test_a_failed_send_gives_its_claim_back_for_the_next_pass(database):
    who = ask(database, 1)
    counted(database, 20)
    published = results.published(database, EXAMPLE, NOW, closed=False)
    notifier = Notifier(database, Recorder(fail=frozenset(who.values())), rate=25, max_failures=1)
    sent = await notifier.run(EXAMPLE, published, False)
    assert sent.failed == 1 and waiting(database) == ["ps_task_0"]
    assert ResultsRequests(database).claim(EXAMPLE.id, "ps_task_0")  # free again


async def test_a_request_telegram_keeps_refusing_with_a_400_is_dropped_after_a_few_passes(
    database, registry, caplog
):
    registry.open(EXAMPLE.id)
    who = ask(database, 2)
    counted(database, 20)
    assert releases.take_due(database, EXAMPLE, NOW) is not None
    sender = Recorder(reject=frozenset({who["ps_task_0"]}))
    task = ResultsTask(database, registry, sender)
    first = await task.run_once()
    assert (first.sent, first.failed, first.given_up) == (1, 1, 0)
    for _ in range(MAX_REJECTIONS - 2):
        assert (await task.run_once()).failed == 1
    assert waiting(database) == ["ps_task_0"]  # kept, and free for the next pass
    caplog.clear()
    last = await task.run_once()
    assert (last.failed, last.given_up) == (0, 1)
    assert waiting(database) == []
    assert sender.tried.count(who["ps_task_0"]) == MAX_REJECTIONS
    assert (await task.run_once()).total == 0  # not tried again
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "dropped" in logged and EXAMPLE.id in logged
    assert "ps_task_0" not in logged and who["ps_task_0"] not in logged


async def test_a_request_whose_sends_keep_failing_on_the_network_is_kept(database, registry):
    """Only a 400 counts toward dropping: a network down for hours loses no request."""
    registry.open(EXAMPLE.id)
    who = ask(database, 1)
    counted(database, 20)
    assert releases.take_due(database, EXAMPLE, NOW) is not None
    sender = Recorder(fail=frozenset(who.values()))
    task = ResultsTask(database, registry, sender)
    task.notifier.max_failures = 1
    for _ in range(MAX_REJECTIONS * 2):
        assert (await task.run_once()).given_up == 0
    assert waiting(database) == ["ps_task_0"]


def test_requests_made_before_the_rejections_column_start_with_no_rejection(database):
    migrate_to(database, "0015", down=True)
    with database.engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO results_requests (campaign, "user", address, band, after_release, '
                "requested_on) VALUES (:campaign, 'ps_old', 'telegram:7330000999', '13-15', 0, "
                ":on)"
            ),
            {"campaign": EXAMPLE.id, "on": NOW.date()},
        )
    migrate_to(database, "head")
    with database.session() as session:
        row = session.get(ResultsRequest, (EXAMPLE.id, "ps_old"))
        assert row is not None and row.rejections == 0


# -- the task -------------------------------------------------------------------------------


async def test_a_pass_sends_nothing_before_the_first_release(database, registry):
    registry.open(EXAMPLE.id)
    ask(database, 2)
    counted(database, 19)  # one short of release_every
    sender = Recorder()
    sent = await ResultsTask(database, registry, sender).run_once()
    assert sent.total == 0 and sender.sent == [] and len(waiting(database)) == 2
    assert release_numbers(database) == []


async def test_a_pass_sends_each_waiting_child_once_after_a_release(database, registry):
    registry.open(EXAMPLE.id)
    who = ask(database, 2)
    counted(database, 20)
    assert releases.take_due(database, EXAMPLE, NOW) is not None
    sender = Recorder()
    task = ResultsTask(database, registry, sender)
    assert (await task.run_once()).sent == 2
    assert (await task.run_once()).total == 0  # a second pass finds nothing left
    assert sorted(to for to, _ in sender.sent) == sorted(who.values())
    assert waiting(database) == []


async def test_a_closed_campaign_gets_its_last_release_with_nobody_reading_or_waiting(
    database, registry
):
    registry.open(EXAMPLE.id)
    counted(database, 12)  # below release_every: only closing releases it
    await ResultsTask(database, registry, Recorder()).run_once()
    assert release_numbers(database) == []
    registry.close(EXAMPLE.id)
    await ResultsTask(database, registry, Recorder()).run_once()
    assert release_numbers(database) == [1]


async def test_a_campaign_past_its_last_day_loses_its_tokens_with_nobody_reading(database):
    with database.session() as session:
        session.add(ParticipationToken(campaign=EXAMPLE.id, token="t" * 64))
    on_the_last_day = CampaignRegistry(
        database, clock=lambda: datetime(2027, 6, 30, 18, 0), campaigns={EXAMPLE.id: EXAMPLE}
    )
    on_the_last_day.open(EXAMPLE.id)
    on_the_last_day.close(EXAMPLE.id)  # closed by a facilitator: still its last day
    await ResultsTask(database, on_the_last_day, Recorder()).run_once()
    with database.session() as session:
        assert len(list(session.scalars(select(ParticipationToken.token)))) == 1
    after = CampaignRegistry(
        database, clock=lambda: datetime(2027, 7, 1, 12, 0), campaigns={EXAMPLE.id: EXAMPLE}
    )
    await ResultsTask(database, after, Recorder()).run_once()
    with database.session() as session:
        assert list(session.scalars(select(ParticipationToken.token))) == []


async def test_closing_answers_the_children_waiting_with_the_last_release(database, registry):
    registry.open(EXAMPLE.id)
    who = ask(database, 1)
    counted(database, 12)
    sender = Recorder()
    task = ResultsTask(database, registry, sender)
    assert (await task.run_once()).total == 0
    registry.close(EXAMPLE.id)
    assert (await task.run_once()).sent == 1
    assert [to for to, _ in sender.sent] == [who["ps_task_0"]]


async def test_the_completion_that_takes_a_release_wakes_the_task(assistant, database, registry):
    counted(database, 19)
    engine = engine_for(assistant, database, registry)
    flow = engine.flows.find(SurveyFlow)
    assert flow is not None
    woken: list[bool] = []
    flow.surveys.on_release = lambda: woken.append(True)
    await complete_the_survey(engine, registry)  # the 20th completion
    assert woken == [True] and release_numbers(database) == [1]


async def test_a_running_task_sends_when_woken_and_stops_cleanly(database, registry):
    registry.open(EXAMPLE.id)
    who = ask(database, 1)
    sender = Recorder()
    task = ResultsTask(database, registry, sender, interval=3600)
    await task.start()
    await asyncio.sleep(0.05)  # its first pass: nothing published yet
    assert sender.sent == []
    counted(database, 20)
    assert releases.take_due(database, EXAMPLE, NOW) is not None
    task.wake()
    for _ in range(100):
        if sender.sent:
            break
        await asyncio.sleep(0.02)
    await task.stop()
    assert [to for to, _ in sender.sent] == [who["ps_task_0"]]


def test_an_interval_of_zero_is_refused(database, registry):
    with pytest.raises(ValueError, match="interval"):
        ResultsTask(database, registry, Recorder(), interval=0)
