"""A pattern's required words: literal strings at least one of which every text it matches
contains, so that a text holding none of them is passed over without running the pattern.

Why: the rule layer runs about a hundred patterns over every message, most of them
alternations of words preceded by `\\b`, which Python's `re` tries at every position of the
text; on a 512-character piece that was most of the layer's time. Looking for a few plain
strings with `in` costs a small fraction of that, and most patterns' words are absent from
most texts. The answer is exact, never a guess: a pattern is passed over only when it
cannot match (`may_match` is a necessary condition, derived from the pattern's parse; where
the derivation is not sure, as for a case-insensitive pattern, it requires nothing).
"""

from __future__ import annotations

import re
import sre_constants
import sre_parse
from typing import Any

_Required = frozenset[str] | None  # one of these occurs in every match; None: unknown

# By the pattern's id (a compiled pattern's own hash is recomputed from its whole source on
# every call), with the pattern kept so that its id stays its own.
_derived: dict[int, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}


def required(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which occurs in every text `pattern` matches, or None if none is known
    (the pattern is then always run). Derived once per pattern."""
    known = _derived.get(id(pattern))
    if known is not None:
        return known[1]
    found: _Required = None
    if not pattern.flags & (re.IGNORECASE | re.VERBOSE):
        parsed: Any = sre_parse.parse(pattern.pattern, pattern.flags)
        found = _sequence(list(parsed.data))
    # The empty string occurs everywhere: requiring it is requiring nothing. A word that
    # holds another of the set adds nothing ("matan" where "mata" is looked for).
    result = None
    if found is not None and "" not in found:
        result = tuple(sorted(w for w in found if not any(v != w and v in w for v in found)))
    _derived[id(pattern)] = (pattern, result)
    return result


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only if `pattern` cannot match anywhere in `text`."""
    words = required(pattern)
    return words is None or any(word in text for word in words)


def search(pattern: re.Pattern[str], text: str) -> bool:
    """Whether `pattern` matches somewhere in `text` (`pattern.search`), run only where it
    may."""
    return may_match(pattern, text) and pattern.search(text) is not None


def _better(a: _Required, b: _Required) -> _Required:
    """Of two necessary sets, the more selective: longer shortest word, then fewer words."""
    if a is None:
        return b
    if b is None:
        return a
    key_a = (min(map(len, a)), -len(a))
    key_b = (min(map(len, b)), -len(b))
    return a if key_a >= key_b else b


def _sequence(items: list[tuple[Any, Any]]) -> _Required:
    """A sequence requires each of its parts: its best run of consecutive literal characters
    or its best part's set."""
    best: _Required = None
    run: list[str] = []
    for op, arg in items:
        if op is sre_constants.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run = []
        best = _better(best, _item(op, arg))
    if run:
        best = _better(best, frozenset(["".join(run)]))
    return best


def _item(op: Any, arg: Any) -> _Required:
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, _del_flags, body = arg
        if add_flags & (sre_constants.SRE_FLAG_IGNORECASE | sre_constants.SRE_FLAG_VERBOSE):
            return None
        return _sequence(list(body))
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            found = _sequence(list(branch))
            if found is None:
                return None  # this branch may match without any known word
            union |= found
        return frozenset(union)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        low, _high, body = arg
        return _sequence(list(body)) if low >= 1 else None
    if op is sre_constants.ASSERT:
        # A positive lookaround's words are in the text too, before or after the match.
        _direction, body = arg
        return _sequence(list(body))
    # Anything else (character classes, \b, ^, negative lookarounds, backreferences)
    # requires no known word.
    return None


__all__ = ["may_match", "required", "search"]
