"""The replica bench's arithmetic (bench/replica_load.py): what it counts as a reply, an
alert, a double and a summary, and how it judges issue 16's scaling targets. The run itself
needs nginx, PostgreSQL and Redis (`python -m bench.run --scenario telegram_e2e --replicas`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from bench import cpu, replica_load
from bot.escalation.cards import summary


@dataclass
class Sent:
    chat_id: int
    sent_at: float
    text: str = ""


def test_a_burst_summary_card_is_told_apart_from_a_cases_card():
    card = summary([(1, "VS-0001", "emergency"), (2, "VS-0002", "high")])
    assert replica_load._summary(Sent(-1, 0.0, card))
    assert not replica_load._summary(Sent(-1, 0.0, "🔴 Caso VS-0001"))


def test_a_reply_is_the_first_message_to_the_chat_after_the_post():
    posted = [(1, 10.0, False), (2, 10.0, False), (1, 20.0, False)]
    sent = [Sent(1, 9.0), Sent(1, 10.2), Sent(1, 10.4), Sent(1, 20.1)]
    assert replica_load._first_replies(posted, sent) == [10.2, None, 20.1]


def test_alert_waits_pair_disclosures_and_cards_in_order():
    posted = [(1, 1.0, True), (2, 2.0, False), (3, 5.0, True)]
    waits = replica_load._alert_waits(posted, [Sent(-1, 5.5), Sent(-1, 1.25)])
    assert waits == [0.25, 0.5]


def result(replicas: int, answered: float, reply_p95: float, alert_p95: float, ok: bool = True):
    return {
        "replicas": replicas,
        "answered_per_s": answered,
        "reply_ms": {"p95": reply_p95},
        "alert_ms": {"p95": alert_p95},
        "ok": ok,
    }


def test_scaling_is_met_only_with_every_target():
    met = replica_load.scaling([result(1, 40, 9000, 800), result(2, 60, 150, 1000)])
    assert met["ratio"] == 1.5 and met["met"] is True
    slow = replica_load.scaling([result(1, 40, 9000, 800), result(2, 60, 151, 1000)])
    assert slow["met"] is False and not slow["checks"]["reply p95 <= 150 ms"]
    short = replica_load.scaling([result(1, 40, 90, 800), result(2, 59, 100, 100)])
    assert short["met"] is False and not short["checks"]["ratio >= 1.5"]
    doubled = replica_load.scaling([result(1, 40, 90, 80, ok=False), result(2, 80, 100, 100)])
    assert doubled["met"] is False
    assert replica_load.scaling([result(2, 80, 100, 100)])["met"] is None


def test_the_ratio_ceiling_is_the_machines_ceiling_over_one_replicas_figure():
    two = {**result(2, 60, 150, 1000), "cpu": {"ceiling_per_s": 150.0}}
    assert replica_load.scaling([result(1, 120, 9000, 800), two])["ratio_ceiling"] == 1.25
    assert (
        replica_load.scaling([result(1, 120, 90, 80), result(2, 80, 1, 1)])["ratio_ceiling"] is None
    )


def test_cpu_a_message_sums_the_parts_and_gives_the_machines_ceiling():
    used = {"replicas": 0.75, "load generator and fake": 0.15, "postgresql": 0.1}
    figures = cpu.per_message(used, messages=100, cores=2)
    assert figures["ms_per_message"] == {
        "replicas": 7.5,
        "load generator and fake": 1.5,
        "postgresql": 1.0,
    }
    assert figures["total_ms"] == 10.0
    assert figures["ceiling_per_s"] == 200.0  # two cores, 10 ms a message
    assert cpu.per_message(used, messages=0, cores=2)["ceiling_per_s"] is None


SPIN_ON_ASK = """
import sys, time
sys.stdin.readline()
start = time.process_time()
while time.process_time() - start < 0.3:
    pass
print("spun", flush=True)
sys.stdin.readline()
"""


def test_the_cpu_clock_counts_a_parts_work_and_finds_its_children():
    child = subprocess.Popen(
        [sys.executable, "-c", SPIN_ON_ASK],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        me = lambda: [os.getpid()]  # noqa: E731
        clock = cpu.CpuClock({"me": me, "family": cpu.with_children(me)})
        before = clock.read()
        spin = time.process_time()
        while time.process_time() - spin < 0.2:
            pass
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline() == "spun\n"
        used = clock.since(before)
        assert used["me"] >= 0.15
        assert used["family"] >= used["me"] + 0.25  # the child's CPU counts in its parent's part
        assert cpu.cpu_seconds(2**22 + 12345) == 0.0  # a process that is gone counts nothing
    finally:
        child.kill()
        child.wait()


def test_a_replica_run_and_a_one_process_run_share_the_default_results_file(tmp_path, monkeypatch):
    """Issue 16 asks for the scaling table in bench/results.json, where `make bench` writes
    the one-process run: writing either keeps the other."""
    from bench import run

    out = tmp_path / "results.json"
    monkeypatch.setattr(run, "DEFAULT_OUT", out)
    run._write_beside(out, {"scenarios": ["one process"], "ok": True})
    two = result(2, 60, 150, 1000)
    monkeypatch.setattr(replica_load, "run", lambda count, *a, **k: {**two, "replicas": count})
    monkeypatch.setattr(replica_load, "table", lambda r: [])
    argv = ["--replicas", "2", "--children", "10", "--database", "postgresql://x/y"]
    assert run.run_replicas(run.parse_args([*argv, "--out", str(out)]), []) == 0
    written = json.loads(out.read_text())
    assert written["scenarios"] == ["one process"]  # the one-process run stays
    assert written["replicas"]["scenarios"][0]["replicas"] == 2
    assert written["replicas"]["scaling"]["ratio"] is None  # it needs a 1-replica run too
    run._write_beside(out, {"scenarios": ["one process, again"], "ok": True})
    again = json.loads(out.read_text())
    assert again["scenarios"] == ["one process, again"]
    assert again["replicas"] == written["replicas"]  # the replica run stays
    elsewhere = tmp_path / "mine.json"
    run.run_replicas(run.parse_args([*argv, "--out", str(elsewhere)]), [])
    assert "replicas" not in json.loads(elsewhere.read_text())  # any other file: the run alone


def test_a_process_ending_between_readings_takes_nothing_off_its_part(monkeypatch):
    """Process 1 (a busy PostgreSQL backend of another client) ends between the readings:
    its part still counts what process 2 used and all that process 3, new, used."""
    times = {1: 5.0, 2: 3.0}
    pids = [1, 2]
    monkeypatch.setattr(cpu, "cpu_seconds", lambda pid: times[pid])
    clock = cpu.CpuClock({"postgresql": lambda: list(pids)})
    before = clock.read()
    times.update({2: 3.5, 3: 0.25})
    pids[:] = [2, 3]
    assert clock.since(before) == {"postgresql": 0.75}
