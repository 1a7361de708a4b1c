"""A long message's pieces are parsed in one batch on the sentence features alone
(bot/batch_parse.py) and triaged together (`Triage.piece_verdicts`): the parses are Rasa's own
chain's to the last digit, and every piece's verdict is the one it gets triaged alone, as
before (`Triage.assess_piecewise`), on every held-out, blind and labelled line."""

from __future__ import annotations

import json
import random

import pytest
import yaml

from bot.settings import ROOT
from bot.triage import Triage, pieces

TELEGRAM_LONGEST = 4096


def _jsonl(*paths) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        found += [json.loads(line)["text"] for line in lines if line.strip()]
    return found


def held_out_and_blind() -> list[str]:
    texts = _jsonl(ROOT / "eval" / "triage_heldout.jsonl", *sorted(ROOT.glob("eval/blind/*.jsonl")))
    for path in [
        ROOT / "tests" / "data" / "faq_heldout.yml",
        *sorted(ROOT.glob("eval/blind/*.yml")),
    ]:
        texts += [row["text"] for row in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return texts


def labelled() -> list[str]:
    """Every triage-labelled line: training authors, development sets, held-out, blind."""
    return [
        *_jsonl(*sorted(ROOT.glob("triage/*.jsonl")), *sorted(ROOT.glob("eval/*.jsonl"))),
        *held_out_and_blind(),
    ]


def long_messages(lines: list[str]) -> list[str]:
    """4,096-character messages that together hold every line, in a shuffled order, joined
    as children write at length: spaces, line breaks, no punctuation, zero-width spaces,
    leetspeak."""
    rng = random.Random(15)
    order = lines[:]
    rng.shuffle(order)
    made, current = [], ""
    for n, line in enumerate(order):
        current += line + (" ", "\n", " \u200b", " ")[n % 4]
        if len(current) >= TELEGRAM_LONGEST:
            made.append(current[:TELEGRAM_LONGEST])
            current = line + " "  # the line cut off at the end is whole in the next one
    made.append(current)
    for n in range(0, len(made), 5):
        made[n] = made[n].replace(".", "").replace(",", "").replace("?", "")
    for n in range(2, len(made), 5):
        made[n] = made[n].translate(str.maketrans("aeio", "4310"))
    return made


def _plain(text: str) -> str:
    return text.lstrip("/").strip()


def test_the_batch_parse_is_rasas_own_chains_on_every_held_out_and_blind_line(assistant):
    assert assistant._sentence_chain is not None, "the model's NLU is no longer the plain chain"
    texts = [_plain(text) for text in held_out_and_blind()]
    texts = [text for text in texts if text and not text.startswith("/")]
    assert len(texts) > 900
    # All at once: a row's parse does not depend on the other rows.
    assert assistant.parse_many(texts) == [assistant.parse_now(text) for text in texts]


async def test_every_piece_of_a_long_message_gets_the_verdict_it_gets_alone(assistant):
    triage = Triage(assistant.triage_model, assistant.parse_piece, assistant.parse_pieces)
    assert triage.model is not None
    from bench.adversarial import adversarial_texts

    messages = [*long_messages(labelled()), *adversarial_texts().values()]
    compared = 0
    for text in messages:
        text = _plain(text)
        first = await assistant.parse(text)
        parts = pieces.pieces(text)
        alone = [triage.assess_nth(part, first, n) for n, part in enumerate(parts)]
        # Equal pieces (the adversarial texts repeat themselves) are triaged once each.
        assert triage.piece_verdicts(parts, first) == alone, text[:80]
        assert await triage.assess_async(text, first) == pieces.most_urgent(alone)
        assert triage.assess(text, first) == triage.assess_piecewise(text, first)
        compared += len(parts)
    assert compared > 1000  # about 1,300: 13 pieces in each of about 100 messages


def test_a_failing_batch_parse_still_triages_every_piece(assistant):
    def failing(texts):  # type: ignore[no-untyped-def]
        raise RuntimeError("NLU down")

    text = ("hoy jugamos en la plaza " * 100) + " mi padrastro me pega todos los dias"
    triage = Triage(assistant.triage_model, None, failing)
    without = Triage(assistant.triage_model)
    first = assistant.parse_now(pieces.first(text))
    assert triage.assess(text, first) == without.assess(text, first)
    assert triage.assess(text, first).escalate


def test_parse_many_refuses_what_only_rasas_own_parse_reads(assistant):
    with pytest.raises(ValueError, match="plain text"):
        assistant.parse_many(["hola", "/saludar"])
    with pytest.raises(ValueError, match="plain text"):
        assistant.parse_many(["   "])
