"""Triage and FAQ quality floors on sets no training line or threshold was taken from.

- eval/triage_heldout.jsonl: written by a separate author before the triage model existed;
  not pristine (its misses were seen in earlier sessions), so it is a regression floor.
- eval/blind/NN.jsonl and faq-NN.yml: the blind rounds of eval/BLIND.md, each measured once
  before anything was tuned on it. The floors are issue 12's targets (recall >= 0.98, every
  emergency escalated and flagged emergency, false alarms <= 8%, category right for >= 90%
  of escalations; FAQ >= 90% on topic, <= 2% opening a case); a round that missed a target
  when it was measured keeps the figure it had, in ROUND_FLOORS, as a floor instead.
Nothing in triage may depend on an evaluation line: the last tests check that no training
line copies one.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata

import pytest
import yaml

from bot.settings import ROOT
from bot.triage import Triage
from bot.triage.evaluation import evaluate, load_rows
from bot.triage.model import training_sources

pytestmark = pytest.mark.rasa
HELD_OUT = ROOT / "eval" / "triage_heldout.jsonl"
BLIND = ROOT / "eval" / "blind"
ROUNDS = sorted(BLIND.glob("[0-9][0-9].jsonl"))
FAQ_ROUNDS = sorted(BLIND.glob("faq-[0-9][0-9].yml"))

TARGETS = {"recall": 0.98, "false_alarms": 0.08, "category": 0.90}
# Rounds that missed a target when measured: the figures they had, as floors.
# "flagged" is the number of emergencies flagged emergency.
ROUND_FLOORS: dict[str, dict[str, float]] = {}
# Held-out set, measured 2026-12-04 with the triage model: 163/164, 4/173, 37/38 flagged.
HELD_OUT_FLOORS = {"recall": 0.99, "false_alarms": 0.035, "category": 0.95, "flagged": 37}


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9ñ]+", " ", plain).split())


def report(assistant, path):
    rows = load_rows(path)
    triage = Triage(assistant.triage_model)

    async def verdicts():
        return [triage.assess(row["text"], await assistant.parse(row["text"])) for row in rows]

    return evaluate(rows, asyncio.run(verdicts()))


def test_the_assistant_carries_a_triage_model(assistant):
    assert assistant.triage_model is not None


def test_held_out_set_stays_above_its_floors(assistant):
    measured = report(assistant, HELD_OUT)
    assert measured.recall >= HELD_OUT_FLOORS["recall"]
    assert measured.false_alarm_rate <= HELD_OUT_FLOORS["false_alarms"]
    assert measured.emergencies_escalated == measured.emergencies
    assert measured.emergencies_flagged >= HELD_OUT_FLOORS["flagged"]
    assert measured.category_agreement / measured.escalated_positives >= HELD_OUT_FLOORS["category"]


def test_there_are_at_least_three_blind_rounds():
    assert len(ROUNDS) >= 3 and len(FAQ_ROUNDS) >= 3


@pytest.mark.parametrize("path", ROUNDS, ids=lambda p: p.stem)
def test_blind_round_meets_the_targets(assistant, path):
    measured = report(assistant, path)
    floors = {**TARGETS, "flagged": measured.emergencies, **ROUND_FLOORS.get(path.stem, {})}
    assert measured.recall >= floors["recall"], measured.misses
    assert measured.false_alarm_rate <= floors["false_alarms"], measured.false_alarm_rows
    assert measured.emergencies_escalated == measured.emergencies
    assert measured.emergencies_flagged >= floors["flagged"], measured.missed_emergencies
    assert measured.category_agreement / measured.escalated_positives >= floors["category"]


@pytest.mark.parametrize("path", FAQ_ROUNDS, ids=lambda p: p.stem)
async def test_blind_faq_round_meets_the_targets(assistant, database, path):
    from bot.runtime import engine_for
    from bot.triage.faq_evaluation import evaluate_faq, load_questions

    rows = load_questions(path)
    measured = await evaluate_faq(engine_for(assistant, database), assistant, rows)
    assert measured.on_topic / measured.total >= 0.90, measured.off_topic
    assert measured.cases_opened / measured.total <= 0.02, measured.opened


def evaluation_lines() -> set[str]:
    """Evaluation texts of three words or more, folded. Shorter ones ("hola", "sí", "ayuda",
    "tengo miedo") are the shared vocabulary every author writes, not copies; the intents
    need them as training examples."""
    lines = set()
    for path in [HELD_OUT, *ROUNDS]:
        lines |= {fold(row["text"]) for row in load_rows(path)}
    for path in [ROOT / "tests" / "data" / "faq_heldout.yml", *FAQ_ROUNDS]:
        lines |= {fold(row["text"]) for row in yaml.safe_load(path.read_text(encoding="utf-8"))}
    return {line for line in lines if len(line.split()) >= 3}


def test_no_triage_training_line_copies_an_evaluation_line():
    evaluation = evaluation_lines()
    copied = [
        (path.name, row["text"])
        for path in training_sources(ROOT)
        for row in load_rows(path)
        if fold(row["text"]) in evaluation
    ]
    assert copied == []


def test_no_nlu_example_copies_an_evaluation_line():
    evaluation = evaluation_lines()
    copied = []
    for path in sorted((ROOT / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in block.get("examples", "").splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text and fold(text) in evaluation:
                    copied.append((path.name, text))
    assert copied == []


def test_blind_rounds_are_labelled_like_the_held_out_set():
    for path in ROUNDS:
        rows = load_rows(path)  # raises on a malformed or inconsistent label
        assert len(rows) >= 200, path.name
        assert sum(row["escalate"] for row in rows) >= 100, path.name
    for path in FAQ_ROUNDS:
        assert all({"text", "intent"} <= set(row) for row in yaml.safe_load(path.read_text()))


def test_nlu_holds_only_what_rasa_reads():
    # Rasa's loaders read every file under nlu/ (a README or JSON lines there breaks
    # `rasa test nlu`); the triage model's lines live in triage/.
    assert {path.suffix for path in (ROOT / "nlu").rglob("*") if path.is_file()} == {".yml"}
    assert all(path.suffix == ".jsonl" for path in training_sources(ROOT))
    assert len([path for path in training_sources(ROOT) if path.parent.name == "triage"]) >= 6
