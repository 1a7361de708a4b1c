"""The cell-key perturbation of published counts, as statistical offices do for tables
that are queried again and again: the Australian Bureau of Statistics' TableBuilder
(SuperSTAR) and the UK 2021 census (Cantabular).

Why: suppression protects one table, but results are published again and again, and two
exact tables can be subtracted (one child's answers are the cells that moved by one). So
every published count carries a small change that a reader cannot predict or average
away for the same people, yet that is always the same for the same people.

How:
  - Each completion draws a random *record key*, 0-255 (bot.campaigns.survey), and adds it,
    modulo 256, to the `key` of every counter it adds one to (bot.campaigns.tables). The
    key is summed into the counter: no per-person row is kept.
  - A cell's *cell key* is the sum, modulo 256, of the record keys of the people it counts:
    the counter's key for a band, the sum of the bands' keys for the Total column.
  - The published value is the count plus `change(count, cell_key)`, read from the
    perturbation table (ptable) below. The same people give the same cell key, so the same
    published value, however often it is asked for; one person more gives a new, uniformly
    random cell key, so a change the reader cannot predict.

The ptable (documented in campaigns/README.md, pinned by
tests/integration/test_campaign_releases.py):
  - LARGEST_CHANGE = 3: no published value is more than 3 away from the true count.
  - For counts of 13 and more (where no threshold is near) the change is -3..+3 with the
    probabilities CHANGES below: mean 0, VARIANCE 408/256 (about 1.6); a change of 0 in 3
    cases of 8.
  - 0 stays 0: a true zero names nobody, and an empty cell should read empty.
  - No published 1 or 2 (the ABS rule), and no count of 10 or more is published under 10
    (a figure under 10 always reads as hidden): a change that would break either becomes
    0 for that count, so near those thresholds the mean is slightly positive (at most
    +0.45, for a count of 10) and the variance smaller. Counts 1 and 2 have rows of their
    own that go to 0 or to 3 or 4, unbiased. (Counts 1-9 are suppressed before anything is
    perturbed, so these rows are a second line, not the first.)
Perturbed tables do not add up exactly, by design: the method note says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

KEYS = 256  # record keys and cell keys are 0..255
LARGEST_CHANGE = 3
SMALLEST_PUBLISHED = 10  # bot.campaigns.results.SMALLEST_SHOWN: nothing shown under it but 0
FORBIDDEN = frozenset({1, 2})  # never published, whatever the count (the ABS rule)
# How many of the 256 cell keys give each change, for counts far from the thresholds.
CHANGES: dict[int, int] = {-3: 8, -2: 20, -1: 52, 0: 96, 1: 52, 2: 20, 3: 8}
VARIANCE = Fraction(sum(n * change**2 for change, n in CHANGES.items()), KEYS)  # 408/256
# Rows of their own for 1 and 2, which may only go to 0 or to 3 and more (mean ~0).
SMALL_ROWS: dict[int, dict[int, int]] = {1: {-1: 171, 2: 85}, 2: {-2: 85, 1: 171}}


def _layout(changes: dict[int, int]) -> tuple[int, ...]:
    """One change per cell key: the keys 0..255 in runs, smallest change first."""
    row: list[int] = []
    for change in sorted(changes):
        row += [change] * changes[change]
    assert len(row) == KEYS, f"a ptable row must cover {KEYS} keys, not {len(row)}"
    return tuple(row)


_MAIN = _layout(CHANGES)
_SMALL = {count: _layout(changes) for count, changes in SMALL_ROWS.items()}


def _allowed(count: int, published: int) -> bool:
    if published < 0 or published in FORBIDDEN:
        return False
    return not (count >= SMALLEST_PUBLISHED and published < SMALLEST_PUBLISHED)


def change(count: int, cell_key: int) -> int:
    """The ptable entry for a true count and a cell key (0..255)."""
    if count < 0 or not 0 <= cell_key < KEYS:
        raise ValueError(f"count must be >= 0 and cell_key 0..{KEYS - 1}: {count}, {cell_key}")
    if count == 0:
        return 0
    if count in _SMALL:
        return _SMALL[count][cell_key]
    proposed = _MAIN[cell_key]
    return proposed if _allowed(count, count + proposed) else 0


def perturb(count: int, cell_key: int) -> int:
    """The value published for a true count whose contributors sum to this cell key."""
    return count + change(count, cell_key)


def cell_key(record_keys: Iterable[int]) -> int:
    """The cell key of a group of contributors (or of counters: sums of record keys)."""
    return sum(record_keys) % KEYS


def row(count: int) -> dict[int, Fraction]:
    """The distribution of the change for a count, over uniformly random cell keys."""
    shares: dict[int, Fraction] = {}
    for key in range(KEYS):
        delta = change(count, key)
        shares[delta] = shares.get(delta, Fraction(0)) + Fraction(1, KEYS)
    return shares
