"""A long message's pieces triaged together (`Triage.piece_verdicts`) get each the verdict
it gets alone, equal pieces included, which are triaged once; and the first piece, cut
alone for the assistant's parse, is the first of all the pieces (bot/triage/pieces.py).
With the trained models: tests/integration/test_fast_parse.py."""

from __future__ import annotations

import pytest

from bot.triage import Triage, pieces

TELEGRAM_LONGEST = 4096


def fill(unit: str) -> str:
    return (unit * (TELEGRAM_LONGEST // len(unit) + 1))[:TELEGRAM_LONGEST]


@pytest.mark.parametrize(
    "text",
    [
        fill("m4t4rm3 "),  # leetspeak self-harm words, no punctuation
        fill("a\u200b y\u2060 "),
        fill("hoy jugamos en la plaza. ")[:2000] + " mi padrastro me pega " + fill("hola "),
        fill("¿?"),
    ],
)
def test_equal_pieces_get_each_the_verdict_they_get_alone(text):
    triage = Triage()  # the rules alone: no model, no parse
    parts = pieces.pieces(text)
    assert len(set(parts[1:])) < len(parts) - 1, "no equal pieces to triage once"
    alone = [triage.assess_nth(part, None, n) for n, part in enumerate(parts)]
    assert triage.piece_verdicts(parts, None) == alone
    assert triage.assess(text, None) == pieces.most_urgent(alone)


@pytest.mark.parametrize(
    "text",
    ["", "hola", "a" * 5000, fill("hoy jugamos en la plaza "), " " * 600 + "hola", "x " * 300],
)
def test_the_first_piece_is_the_first_of_all_the_pieces(text):
    assert pieces.first(text) == pieces.pieces(text)[0]
