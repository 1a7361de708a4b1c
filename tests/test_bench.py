"""Smoke test of the bench suite: `python -m bench.run --quick` runs end to end and writes a
consistent results file in which no disclosure was lost. No timing is asserted: the
machine running the tests is too noisy for that."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.settings import ROOT

pytestmark = pytest.mark.rasa
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
SUMMARY_KEYS = {"n", "mean", "p50", "p95", "p99", "max"}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    command = [sys.executable, "-m", "bench.run", "--quick", "--out", str(out)]
    if POSTGRES_URL:
        command += ["--database", POSTGRES_URL]
    env = {k: v for k, v in os.environ.items() if k != "BENCH_DATABASE_URL"}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr[-4000:]}"
    assert "telegram_e2e on sqlite" in done.stdout  # the readable table
    return json.loads(out.read_text(encoding="utf-8"))


def test_results_file_describes_machine_code_and_parameters(results):
    assert results["schema"] == 1
    assert {"date", "machine", "code", "command", "parameters", "scenarios", "ok"} <= set(results)
    assert {"nproc", "python", "platform"} <= set(results["machine"])
    assert results["machine"]["python"].startswith("3.10")
    assert results["parameters"]["quick"] is True
    assert results["parameters"]["children"] == 5
    expected = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
    assert results["parameters"]["databases"] == expected
    assert [(s["scenario"], s["database"]) for s in results["scenarios"]] == [
        ("telegram_e2e", kind) for kind in expected
    ]
    assert results["ok"] is True


def test_counts_are_consistent_and_no_disclosure_was_lost(results):
    for scenario in results["scenarios"]:
        counts = scenario["counts"]
        latency = scenario["latency_ms"]
        assert counts["messages_sent"] > 0
        assert sum(scenario["messages_by_kind"].values()) == counts["messages_sent"]
        assert counts["answered"] + counts["unanswered"] == counts["messages_sent"]
        assert counts["unanswered"] == 0
        assert counts["replies_to_children"] >= counts["answered"]
        # Each reply was matched to exactly one message: the measurement itself holds.
        assert counts["replies_attributed"] == counts["replies_to_children"]
        assert counts["disclosures"] >= 1
        assert counts["lost"] == counts["not_escalated"] + counts["undelivered"] == 0
        assert counts["alerts_delivered"] == counts["disclosures"]
        assert counts["cards_to_protection_chat"] >= counts["alerts_delivered"]
        assert latency["reply"]["n"] == counts["answered"]
        assert latency["alert"]["n"] == counts["alerts_delivered"]
        assert scenario["timing_s"]["drained"] is True
        assert scenario["ok"] is True


def test_every_latency_has_the_same_summary_shape(results):
    for scenario in results["scenarios"]:
        summaries = [
            *scenario["latency_ms"].values(),
            *scenario["reply_latency_by_kind_ms"].values(),
        ]
        for summary in summaries:
            assert set(summary) == SUMMARY_KEYS
            if summary["n"]:
                assert 0 <= summary["p50"] <= summary["p95"] <= summary["p99"] <= summary["max"]
        assert set(scenario["throughput_per_s"]) == {"offered", "answered", "replies_sent"}
