"""CPU time of each part of a running stack, read from /proc (Linux), so a bench run can say
where a message's CPU goes and what the machine it ran on could sustain at most.

A part is a name and a way to find its processes now (`Parts`); `CpuClock.read` takes each
live process's user and system time. Two readings around the sending period give each
part's CPU seconds in it. A process that ends before the second reading (a PostgreSQL
backend of a short-lived connection) is not counted: the figures are a floor.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

Parts = Mapping[str, Callable[[], Iterable[int]]]  # part -> its processes' ids, now


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid` (all its threads), 0 if it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    # The name (field 2) is in parentheses and may hold spaces: count fields after it.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / TICKS


def _stat_fields(pid: int) -> tuple[str, int] | None:
    """A process's name and parent id, or None if it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    parent = int(stat[stat.rindex(")") + 2 :].split()[1])
    return name, parent


def _all_pids() -> list[int]:
    return [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()]


def named(prefix: str) -> Callable[[], list[int]]:
    """Every process whose name (comm) starts with `prefix`: e.g. PostgreSQL's server and
    backends, "postgres"; Redis, "redis-server"."""

    def find() -> list[int]:
        found = []
        for pid in _all_pids():
            fields = _stat_fields(pid)
            if fields is not None and fields[0].startswith(prefix):
                found.append(pid)
        return found

    return find


def with_children(pids: Callable[[], Iterable[int]]) -> Callable[[], list[int]]:
    """The processes `pids` finds and their direct children (nginx's master and workers)."""

    def find() -> list[int]:
        roots = set(pids())
        children = [
            pid
            for pid in _all_pids()
            if (fields := _stat_fields(pid)) is not None and fields[1] in roots
        ]
        return sorted(roots | set(children))

    return find


Reading = dict[str, dict[int, float]]  # part -> its processes' CPU seconds, by id


class CpuClock:
    """Reads each part's processes' CPU seconds; `since` gives what each part used from one
    reading to now: per process, so that one ending in between (a PostgreSQL backend of
    another client) takes nothing off, and one starting in between counts from zero."""

    def __init__(self, parts: Parts) -> None:
        self.parts = dict(parts)

    def read(self) -> Reading:
        return {
            name: {pid: cpu_seconds(pid) for pid in find()} for name, find in self.parts.items()
        }

    def since(self, before: Reading) -> dict[str, float]:
        used = {}
        for name, now in self.read().items():
            earlier = before.get(name, {})
            used[name] = sum(max(t - earlier.get(pid, 0.0), 0.0) for pid, t in now.items())
        return used


def per_message(used: Mapping[str, float], messages: int, cores: int) -> dict[str, object]:
    """CPU ms a message for each part and in all, and the messages a second the machine's
    `cores` could sustain at most at that cost (every part busy, nothing waiting)."""
    if messages <= 0:
        return {"ms_per_message": {}, "total_ms": None, "ceiling_per_s": None, "cores": cores}
    ms = {name: round(1000 * seconds / messages, 2) for name, seconds in used.items()}
    total = round(sum(ms.values()), 2)
    return {
        "ms_per_message": ms,
        "total_ms": total,
        "ceiling_per_s": round(cores * 1000 / total, 1) if total else None,
        "cores": cores,
    }
