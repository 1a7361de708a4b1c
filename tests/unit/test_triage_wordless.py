"""A message without one word of three letters ("y", "me", "y q", "a y a y") is judged by the
rules alone (bot.triage `_decide`): the triage model and the intents, given next to nothing,
once raised an emergency card for "y" and a high one for "me". The real model's verdicts on
such messages are pinned in tests/integration/test_wordless_verdicts.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.events import Parse
from bot.settings import ROOT
from bot.triage import NONE, Triage, has_words
from bot.triage.model import Scores, Thresholds
from bot.triage.rules import normalize


class Alarmed:
    """A triage model that alerts on everything, as the real one did on "y"."""

    thresholds = Thresholds(alert=0.5, ask=0.3, emergency=0.5)

    def scores(self, text, parse, rules, normalized=None):
        return Scores(0.99, 0.99, "trafficking", {"trafficking": 0.99}, 0.99, 0.0)


def labelled_lines() -> list[tuple[Path, dict]]:
    files = [*ROOT.glob("eval/**/*.jsonl"), *ROOT.glob("triage/*.jsonl")]
    return [(path, json.loads(line)) for path in files for line in path.read_text().splitlines()]


def test_no_labelled_message_that_must_reach_a_person_lacks_a_word():
    """The guard can only silence what holds no word: every labelled line that must escalate
    or ask has one (the held-out, development, blind and training sets: 4,859 lines)."""
    lines = labelled_lines()
    assert len(lines) > 4000
    wordless = [
        (path.name, row["text"])
        for path, row in lines
        if (row.get("escalate") or row.get("ask")) and not has_words(normalize(row["text"]))
    ]
    assert wordless == []


@pytest.mark.parametrize(
    "text", ["y", "me", "y q", "a y a y", "a\u200b y\u2060 " * 5, "😢", "y que"]
)
def test_a_message_without_a_word_is_not_escalated_on_the_models_word(text):
    disclosure = Parse("denunciar_trata", 0.99, ())
    verdict = Triage(Alarmed()).assess_piece(text, disclosure)  # type: ignore[arg-type]
    assert verdict == NONE


@pytest.mark.parametrize("text", ["me pega", "m3 v10l4", "y si me vende"])
def test_a_message_with_a_word_still_hears_the_model(text):
    verdict = Triage(Alarmed()).assess_piece(text, None)  # type: ignore[arg-type]
    assert verdict.escalate and verdict.urgency == "emergency"


def test_the_safe_word_needs_no_model():
    assert Triage(Alarmed()).assess_piece("AYUDA", None).escalate  # type: ignore[arg-type]
