"""The trained models on messages without a word (bot.triage `has_words`): before the guard,
"y" raised an emergency card (trafficking), "me" a high one (abuse) and "y q" one for
grooming. Such messages are now the rules' alone, and the rules find nothing in them."""

from __future__ import annotations

import pytest

from bot.triage import Triage


@pytest.mark.parametrize(
    "text", ["y", "me", "y q", "y k", "a y", "y a", "y y", "e y", "a y a y", "y?", "y??"]
)
def test_a_message_without_a_word_raises_no_card_and_no_question(assistant, text):
    verdict = Triage.of(assistant).assess(text, assistant.parse_now(text))
    assert not verdict.escalate and not verdict.ask, verdict


@pytest.mark.parametrize("text", ["me pega", "y me toca", "k1ero m0r1r"])
def test_short_messages_with_a_word_still_reach_the_model(assistant, text):
    verdict = Triage.of(assistant).assess(text, assistant.parse_now(text))
    assert verdict.escalate or verdict.ask, verdict
