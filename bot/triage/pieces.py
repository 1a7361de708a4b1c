"""Long messages, triaged in overlapping pieces.

Why: the rule layer's cost grows with the square of a sentence's length (each alarming
word's frame is looked for in its whole sentence, and a text without punctuation is one
sentence), so one 4,096-character message of repeated alarming words took about 2 s of
triage. Cut into pieces of at most `CAP` characters, the work grows only linearly with the
message, and every piece is triaged as an ordinary message, the length the rules and the
model were made for.

A piece ends at a space where it can, and the next one starts `OVERLAP` characters or more
before that end, at the start of a word: any passage of up to `OVERLAP` characters (a
disclosure told in a sentence or two) lies whole in some piece, wherever it falls. The
message's verdict is its most urgent piece's (`most_urgent`).

Chosen by measurement (the rule layer alone, one machine, on texts of each length): a
piece of 512 characters of the worst text measured, leetspeak self-harm words with no
punctuation, took about 25 ms and one of 1,024 four times that, while ordinary text grows
linearly; below 512 the per-piece overhead (a Rasa parse and the model, a few ms each) is
paid more often than it saves. Whole 4,096-character messages are measured by
`python -m bench.run --scenario longest` (alone; bench/results-longest.json) and
`--scenario adversarial` (beside other children; bench/results-adversarial.json). Since
the pieces are parsed in one batch and triaged together (`Triage.piece_verdicts`), a piece
costs far less than a message of its own.

`OVERLAP` at 200 holds whole 98.6% of the 2,073 labelled disclosures (triage/, eval/; the
longest held-out one has 188 characters), and a longer one still has its alarming words in
some piece.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.triage import Verdict

CAP = 512
OVERLAP = 200


def pieces(text: str, cap: int = CAP, overlap: int = OVERLAP) -> list[str]:
    """The text itself when it is at most `cap` characters; else overlapping pieces of at
    most `cap` characters that together hold all of it (see the module docstring)."""
    return [text[start:end] for start, end in spans(text, cap, overlap)]


def spans(text: str, cap: int = CAP, overlap: int = OVERLAP) -> list[tuple[int, int]]:
    """Where each piece of `pieces` starts and ends in the text."""
    return list(_spans(text, cap, overlap))


def _spans(text: str, cap: int, overlap: int) -> Iterator[tuple[int, int]]:
    if not 0 <= overlap < cap // 2:
        raise ValueError("the overlap must be under half a piece")
    start = 0
    while True:
        end = start + cap
        if end >= len(text):
            yield start, len(text)
            return
        # End at the last space of the piece's second half, if it has one.
        space = _last_space(text, start + cap // 2, end)
        if space is not None:
            end = space
        yield start, end
        # The next piece starts at the start of the word that holds `end - overlap`; since
        # `end - overlap > start`, every piece moves on.
        following = end - overlap
        space = _last_space(text, start + 1, following)
        start = space + 1 if space is not None else following


def _last_space(text: str, low: int, high: int) -> int | None:
    """The index of the last whitespace character in text[low:high], or None."""
    for index in range(high - 1, low - 1, -1):
        if text[index].isspace():
            return index
    return None


def first(text: str) -> str:
    """The first piece: what Rasa parses for the assistant's answer to a long message (on
    the event loop: the others are not cut)."""
    start, end = next(_spans(text, CAP, OVERLAP))
    return text[start:end]


def _urgency(verdict: Verdict) -> tuple[bool, bool, bool]:
    return verdict.escalate, verdict.escalate and verdict.urgency == "emergency", verdict.ask


def most_urgent(verdicts: Iterable[Verdict]) -> Verdict:
    """An emergency before a high alert, an alert before the middle question, the middle
    question before nothing; between equals, the earliest piece's verdict."""
    ordered: Sequence[Verdict] = list(verdicts)
    return max(ordered, key=_urgency)


__all__ = ["CAP", "OVERLAP", "first", "most_urgent", "pieces", "spans"]
