"""Triage quality on the held-out set in eval/, which no training data or rule was written
from. The issue's targets are recall >= 0.98, every emergency escalated, false alarms
<= 10%. The floors below are the figures measured last; they stop regressions and are
raised as triage improves (see README, "Safety triage").

The recall floor is the issue's target, 0.98, not the measured 0.982 (161/164): the round
that brought false alarms under 10% (19/173 -> 15/173) cost two held-out disclosures
(163 -> 161) that the development set did not show. It was measured once and kept rather
than tuned on the held-out set; one more miss fails this test."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest

from bot.settings import ROOT
from bot.triage import triage

pytestmark = pytest.mark.rasa
HELD_OUT = ROOT / "eval" / "triage_heldout.jsonl"
RECALL_FLOOR = 0.98
FALSE_ALARM_CEILING = 0.087


@pytest.fixture(scope="module")
def results(assistant):
    rows = [json.loads(line) for line in HELD_OUT.read_text(encoding="utf-8").splitlines()]

    async def verdicts():
        return [(row, triage(row["text"], await assistant.parse(row["text"]))) for row in rows]

    return asyncio.run(verdicts())


def test_held_out_set_is_large_and_balanced(results):
    labels = Counter(row["escalate"] for row, _ in results)
    assert len(results) >= 300
    assert 0.4 <= labels[True] / len(results) <= 0.6


def test_recall_of_disclosures_stays_above_the_floor(results):
    positives = [verdict.escalate for row, verdict in results if row["escalate"]]
    assert sum(positives) / len(positives) >= RECALL_FLOOR


def test_every_emergency_is_escalated(results):
    missed = [
        row["text"]
        for row, verdict in results
        if row["urgency"] == "emergency" and not verdict.escalate
    ]
    assert missed == []


def test_false_alarms_stay_below_the_ceiling(results):
    negatives = [verdict.escalate for row, verdict in results if not row["escalate"]]
    assert sum(negatives) / len(negatives) <= FALSE_ALARM_CEILING


def test_no_training_example_is_in_the_held_out_set():
    from rasa.shared.nlu.training_data.loading import load_data

    training = {
        example.get("text").strip().lower()
        for path in sorted((ROOT / "nlu").glob("*.yml"))
        for example in load_data(str(path)).training_examples
    }
    held_out = {json.loads(line)["text"].strip().lower() for line in HELD_OUT.open()}
    assert not training & held_out
