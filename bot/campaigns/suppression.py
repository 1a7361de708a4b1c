"""Small-cell suppression: which figures of a campaign's tables to hide so that no count
from 1 to 9 is published, directly or by subtraction. It knows figures only as keys and
values, and the sums between them as `Equation`s; bot.campaigns.results builds both from a
campaign and its counters, and publishes what is left.

Small-cell suppression
----------------------
1. Primary: every count from 1 to 9 is hidden. 0 is shown: the issue says "any count from
   1 to 9" (DESIGN's "under 10" would also hide zeros), and a true zero names nobody.
2. Complementary: the figures are tied by sums a reader can redo: each row adds up across
   the bands to its Total; for single, scale and yes_no questions the options (SKIP
   included) of a column add up to that column's n (a multiple-choice answer may pick
   several options, so only the band -> Total sums hold); the completions add up to their
   Total. Beyond one table, two more ties are assumed known when the numbers satisfy them,
   since treating an extra true equation as known only hides more: respondent and
   completion counts of the same band that are equal are taken to be the same people
   (they are, when counters are written at completion), and a question shown only after
   some answers has as many respondents as those answers had.
   An equation with exactly one hidden term gives that term away by subtraction, so for
   such an equation the smallest published non-zero member is hidden too (else its total,
   else a published zero). Repeat until no equation has exactly one hidden term.
3. One equation at a time is not the whole story: hidden cells can still be solved from
   several equations together (two closed groups of hidden cells joined by a single
   hidden cell). So when step 2 is stable, the system of all equations is solved for the
   hidden cells (a hidden cell is recoverable exactly when it is zero in every solution of
   the homogeneous system, checked with an SVD null space); if any is recoverable, the
   term chosen as in step 2 from one of its equations is hidden and step 2 resumes.
   Every round hides one more figure, so it ends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

SMALLEST_SHOWN = 10
Key = tuple[str, str, str]  # (question or "*", option or "*", band or TOTAL)


@dataclass(frozen=True)
class Equation:
    """A sum a reader can redo: the members add up to the total."""

    members: tuple[Key, ...]
    total: Key

    @property
    def terms(self) -> tuple[Key, ...]:
        return (*self.members, self.total)


def complement(equation: Equation, values: dict[Key, int], hidden: set[Key]) -> Key | None:
    """The term of an equation to hide next: its smallest published non-zero member, else
    its total, else a published zero (it still closes the sum)."""
    published = [m for m in equation.members if m not in hidden]
    nonzero = [m for m in published if values[m] > 0]
    if nonzero:
        return min(nonzero, key=lambda m: values[m])
    if equation.total not in hidden:
        return equation.total
    return published[0] if published else None


def recoverable(equations: Iterable[Equation], hidden: set[Key]) -> list[Key]:
    """Hidden figures that the equations determine exactly, whatever the others are."""
    import numpy as np

    order = sorted(hidden)
    index = {key: i for i, key in enumerate(order)}
    rows = []
    for equation in equations:
        row = np.zeros(len(order))
        for key, sign in [(m, 1.0) for m in equation.members] + [(equation.total, -1.0)]:
            if key in index:
                row[index[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    _, singular, vh = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(matrix.shape) * singular.max()).sum())
    null = vh[rank:]  # a basis of the solutions of the homogeneous system
    return [key for key, i in index.items() if not np.any(np.abs(null[:, i]) > 1e-9)]


def suppress(values: dict[Key, int], equations: list[Equation]) -> set[Key]:
    """The figures to hide: primary, then complementary until nothing can be recomputed."""
    hidden = {key for key, value in values.items() if 0 < value < SMALLEST_SHOWN}
    involving: dict[Key, list[Equation]] = defaultdict(list)
    for equation in equations:
        for key in equation.terms:
            involving[key].append(equation)

    def smallestcomplement(pool: Iterable[Equation]) -> Key | None:
        candidates = [c for e in pool if (c := complement(e, values, hidden)) is not None]
        return min(candidates, key=lambda c: values[c], default=None)

    while True:
        lone = next((e for e in equations if sum(k in hidden for k in e.terms) == 1), None)
        if lone is not None:
            extra = complement(lone, values, hidden)
        elif not (solved := recoverable(equations, hidden)):
            return hidden
        else:  # hide next to a recoverable cell; failing that, next to any hidden one
            extra = smallestcomplement(e for key in solved for e in involving[key])
            if extra is None:
                extra = smallestcomplement(e for key in hidden for e in involving[key])
        if extra is None:
            return hidden
        hidden.add(extra)
