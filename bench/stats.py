"""Summaries of measured durations: the same shape for every figure of every scenario."""

from __future__ import annotations

import math
from collections.abc import Iterable

PERCENTILES = (50, 95, 99)


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile of sorted values, interpolated linearly between the two closest
    ranks (numpy's default method)."""
    if not ordered:
        raise ValueError("no values")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(seconds: Iterable[float]) -> dict[str, float | int | None]:
    """n, mean, p50, p95, p99 and max, in milliseconds (None for each figure when n is 0)."""
    ordered = sorted(1000 * value for value in seconds)
    figures: dict[str, float | int | None] = {"n": len(ordered)}
    if not ordered:
        figures.update({"mean": None, **{f"p{p}": None for p in PERCENTILES}, "max": None})
        return figures
    figures["mean"] = round(sum(ordered) / len(ordered), 1)
    for p in PERCENTILES:
        figures[f"p{p}"] = round(percentile(ordered, p), 1)
    figures["max"] = round(ordered[-1], 1)
    return figures
