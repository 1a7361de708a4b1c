"""`assess`: one message through the whole rule layer, in order: normalize, safe word, masks,
matches, frames, subject and danger now.
"""

from __future__ import annotations

import functools

from bot.triage.rules.danger import _danger_cue
from bot.triage.rules.figurative import _EVERYDAY, _mask_figurative
from bot.triage.rules.frames import (
    Searches,
    _covering_frame,
    _message_frame,
    _unexplained_personal_content,
)
from bot.triage.rules.hits import _find_hits, _strongest
from bot.triage.rules.normalize import normalize
from bot.triage.rules.safe_word import _is_safe_word
from bot.triage.rules.subject import _subject
from bot.triage.rules.verdict import Category, Guard, RuleVerdict


def assess(text: str, norm: str | None = None) -> RuleVerdict:
    """Triage one message with the deterministic rules (`norm`: `normalize(text)`, when the
    caller has it already).

    category is the strongest family among the matches no frame explains; when every match is
    explained it is the strongest raw match, reported with the guard that explains it.
    """
    if norm is None:
        norm = normalize(text)
    safe_word = _is_safe_word(norm)
    masked, figurative = _mask_figurative(norm)
    masked, everyday = _mask_figurative(masked, _EVERYDAY)

    @functools.cache
    def message_frame() -> Guard | None:
        # Asked up to twice; on a long text it searches the whole message with four patterns.
        return _message_frame(norm, figurative, everyday)

    hits = _find_hits(masked)
    searched = Searches()
    frames = [_covering_frame(h, norm, searched) for h in hits]
    uncovered = [h for h, frame in zip(hits, frames, strict=True) if frame is None]

    category: Category
    guard: Guard | None
    danger_now = False
    if uncovered:
        category = _strongest(uncovered)
        guard = None
        danger_now = any(h.danger for h in uncovered) or _danger_cue(masked)
        subject = _subject(uncovered, category, norm)
    else:
        raw_hits = _find_hits(norm) if figurative or everyday else hits
        subject = _subject(raw_hits, _strongest(raw_hits), norm)
        # A guard also silences the model downstream, so it is only given when the frame
        # accounts for everything personal in the message.
        if _unexplained_personal_content(masked, hits):
            category, guard = "none", None
        elif hits:
            category = _strongest(raw_hits)
            top = _strongest(hits)
            guard = next(f for h, f in zip(hits, frames, strict=True) if h.category == top)
        elif raw_hits:
            category, guard = _strongest(raw_hits), "figurative" if figurative else "everyday"
        else:
            category, guard = "none", message_frame()

    if category == "none" and guard is None and message_frame() is None:
        # Nothing here for the rules, but the model may still find a disclosure: say whether the
        # wording puts the danger now, so that a model-found disclosure gets the right urgency.
        danger_now = _danger_cue(masked, leisure_counts=False)

    if safe_word:
        # The safe word is itself a request for help, and no frame can explain it away.
        guard = None
        if category == "none":
            category = "help_request"

    return RuleVerdict(
        category=category,
        danger_now=danger_now,
        subject=subject,
        guard=guard,
        safe_word=safe_word,
    )
