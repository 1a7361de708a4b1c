"""Matching: runs every pattern over the masked text and records each match with its sentence,
clause and lead, the pieces the frames and subject detection read; and picks the strongest
category among matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.triage.rules.patterns import _RULES
from bot.triage.rules.prefilter import may_match, search
from bot.triage.rules.verdict import _SEVERITY, Category


@dataclass(frozen=True)
class _Hit:
    category: Category
    span: str
    sentence: str
    weak: bool
    danger: bool
    threat: bool
    start: int
    end: int
    clause: str
    # The sentence up to the end of the hit: a frame has to come before what it frames.
    lead: str


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[¿?!.]", text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


_CLAUSE_BREAK = re.compile(r"[¿?!.,]| (?:pero|y|porque|aunque|entonces|pues|o sea) ")


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _clause_at(text: str, position: int, bounds: list[tuple[int, int]] | None = None) -> str:
    """The clause that holds `position` (`bounds`: `_clauses(text)`, when known already)."""
    for start, end in _clauses(text) if bounds is None else bounds:
        if start <= position <= end:
            return text[start:end]
    return text


def _find_hits(text: str) -> list[_Hit]:
    # Sentences and clauses: found at the first match, once for every hit (each search of
    # the whole text cost as much as the rest of a hit's work on a long text with many
    # matches), and not at all in a text without one.
    bounds: list[tuple[int, int]] = []
    clauses: list[tuple[int, int]] = []
    hits: list[_Hit] = []
    # Rules that share patterns under different conditions can match the same words twice;
    # an identical hit would only be framed twice.
    seen: set[tuple[Category, int, int, bool, bool, bool]] = set()
    for rule in _RULES:
        if rule.requires is not None and not search(rule.requires, text):
            continue
        if not may_match(rule.regex, text):
            continue
        for m in rule.regex.finditer(text):
            key = (rule.category, m.start(), m.end(), rule.weak, rule.danger, rule.threat)
            if key in seen:
                continue
            if not bounds:
                bounds, clauses = _sentences(text), _clauses(text)
            s, e = next((b for b in bounds if b[0] <= m.start() <= b[1]), (0, len(text)))
            sentence = text[s:e]
            if rule.veto is not None:
                window = text[max(s, m.start() - 50) : min(e, m.end() + 50)]
                if rule.veto.search(window):
                    continue
            seen.add(key)
            hits.append(
                _Hit(
                    rule.category,
                    m.group(0),
                    sentence,
                    rule.weak,
                    rule.danger,
                    rule.threat,
                    m.start(),
                    m.end(),
                    _clause_at(text, m.start(), clauses),
                    text[s : m.end()],
                )
            )
    return hits


def _strongest(hits: list[_Hit]) -> Category:
    strong = [h for h in hits if not h.weak] or hits
    present = {h.category for h in strong}
    return next((c for c in _SEVERITY if c in present), "none")
